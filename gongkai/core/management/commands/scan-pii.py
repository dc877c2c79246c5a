"""`gongkai scan-pii`: the same command as `gongkai scan_pii` (see scan_pii.py)."""

from gongkai.core.management.commands.scan_pii import Command

__all__ = ["Command"]
