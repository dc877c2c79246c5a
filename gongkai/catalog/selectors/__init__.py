"""Reads of the catalog: `public` is the only way the portal, its feeds, the sitemap and the
open API read catalog data; `staff` serves the workbench (validity, interpretations, task
binding, oversight) and takes the asking user."""
