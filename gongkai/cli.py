"""The `gongkai` console script: Django's management commands under one name.

gongkai migrate
gongkai workdays add 2026-09-28 20
gongkai serve
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else ["gongkai", *argv])
    args[0] = "gongkai"
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
