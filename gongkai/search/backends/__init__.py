"""One search interface, two backends (SQLite FTS5, PostgreSQL tsvector): `get_backend()` picks
the one of the default database."""

from __future__ import annotations

from django.db import connection

from .base import ALL, TIERS, Backend, Filters, Hit, Request, Result

__all__ = ["ALL", "TIERS", "Backend", "Filters", "Hit", "Request", "Result", "get_backend"]


def get_backend() -> Backend:
    if connection.vendor == "postgresql":
        from .postgres import PostgresBackend

        return PostgresBackend()
    if connection.vendor == "sqlite":
        from .sqlite import SQLiteBackend

        return SQLiteBackend()
    raise NotImplementedError(f"search has no backend for {connection.vendor}")
