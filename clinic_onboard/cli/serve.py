"""Starting the app from the command line: one clear line, never a traceback, when it cannot.

``clinic-onboard`` builds its app with ``cli_app``, which turns a bad setting or a broken
content library into ``Error: ...`` and exit 1. ``run`` also checks the database answers and is
migrated before serving (``db.engine.check_ready``), as the WSGI entry point does for
gunicorn.
"""

import copy
import functools
from typing import IO, Any

import click
from flask import Flask
from flask.cli import NoAppException, ScriptInfo, run_command

from clinic_onboard.app import create_app
from clinic_onboard.catalog import CatalogError
from clinic_onboard.config import ConfigError
from clinic_onboard.db import engine

# What stops the app at start: each message names the setting, file or item to fix.
STARTUP_ERRORS = (ConfigError, CatalogError)


class StartupFailed(NoAppException):
    """The app cannot start. A NoAppException, so Flask's own command listing reports it too,
    but shown as the message alone with exit status 1 (no usage text: the command was fine)."""

    exit_code = 1

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"Error: {self.format_message()}", file=file, err=file is None)


def cli_app() -> Flask:
    """The app for a command, or StartupFailed with the reason it cannot start."""
    try:
        return create_app()
    except STARTUP_ERRORS as error:
        raise StartupFailed(str(error)) from None


def checked_run_command() -> click.Command:
    """Flask's ``run`` that first checks the database, so a wrong one stops it at once."""
    command = copy.copy(run_command)
    serve = run_command.callback
    assert serve is not None

    @functools.wraps(serve)
    def callback(**options: Any) -> Any:
        app = click.get_current_context().ensure_object(ScriptInfo).load_app()
        try:
            engine.check_ready(app)
        except ConfigError as error:
            raise StartupFailed(str(error)) from None
        return serve(**options)

    command.callback = callback
    return command
