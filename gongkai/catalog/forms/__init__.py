"""Forms of the catalog's staff pages, one module per page family: `items`, `columns`,
`validity`, `bindings`."""
