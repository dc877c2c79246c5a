"""`gongkai import-plan`: the same command as `import_plan` under its documented spelling.

Django lists command modules by file name and imports them with importlib, which accepts a
dash; this module only re-exports the command.
"""

from gongkai.plans.management.commands.import_plan import Command

__all__ = ["Command"]
