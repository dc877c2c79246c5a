"""Reads: `staff` (workbench, permission-filtered) and `public` (portal and API)."""
