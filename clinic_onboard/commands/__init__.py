"""Click commands that work on the content library alone: no app, no database.

``cli.py`` adds them to the Flask command group; they import click only, so they run (and
``catalog check`` reports problems) even when the app itself cannot start.
"""

from clinic_onboard.commands.catalog import catalog_group, plan_command

__all__ = ["catalog_group", "plan_command"]
