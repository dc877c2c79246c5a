"""`gongkai demo`: loads every app's demo data in order (units and accounts, the seed plan, the
catalog, the search index). It sits above the domain apps, beside the shells, because it is the
one place that knows all of them; each app keeps its own demo data (`orgs/demo.py`,
`plans/demo.py`, `catalog/demo.py`)."""
