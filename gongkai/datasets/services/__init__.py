"""Writes of structured data publishing: schema (datasets, fields), imports and hand entry,
review and publishing of periods. Every change: one transaction, one audit record."""
