"""Rich tables for management commands, written through the command's own stdout (so
`call_command(..., stdout=…)` captures them): full terminal width and colour on a terminal,
a fixed width and plain text otherwise."""

from __future__ import annotations

import io
import shutil


def print_rich(stdout, *renderables, width: int = 120) -> None:
    """Print `renderables` (rich tables…) to a command's `self.stdout`; nothing is printed for
    none."""
    if not renderables:
        return
    from rich.console import Console

    buffer = io.StringIO()
    is_tty = stdout.isatty()
    console = Console(
        file=buffer,
        force_terminal=is_tty,
        width=shutil.get_terminal_size((width, 24)).columns if is_tty else width,
    )
    for renderable in renderables:
        console.print(renderable)
    stdout.write(buffer.getvalue(), ending="")
