"""What a check reports: one finding, and whether it blocks approval."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Finding:
    code: str  # "metadata", "pii", "link"
    message: str
    blocking: bool = True
    details: list = field(default_factory=list)
