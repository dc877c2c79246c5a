"""What readers hand to the outline builder: lines of text and tables, in document order."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass
class Line:
    text: str  # normalised, stripped
    source: dict[str, Any]
    indented: bool = False


@dataclass
class Table:
    rows: list[list[str]]  # normalised cell texts; merged cells already repeated or left empty
    sources: list[dict[str, Any]]  # one per row
    name: str = ""  # "表1", a sheet name …
    merged_filled: bool = False  # True when merged cells were resolved (XLSX, DOCX)


Block = Line | Table
