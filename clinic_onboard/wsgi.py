"""The app for a WSGI server: ``gunicorn --preload 'clinic_onboard.wsgi:app'``.

Built and checked before it serves: a bad setting, a broken content library, or a database
that is unreachable or not migrated prints one line and exits with gunicorn's "App failed to
load" status. With ``--preload`` this happens once, in the master, before any worker starts;
without it each worker checks, and gunicorn stops instead of respawning them.
"""

import gc
import sys

from flask import Flask

from clinic_onboard.app import create_app
from clinic_onboard.cli.serve import STARTUP_ERRORS
from clinic_onboard.db import engine
from clinic_onboard.extensions import db

APP_LOAD_ERROR = 4  # gunicorn's Arbiter.APP_LOAD_ERROR: halt, do not respawn


def _checked_app() -> Flask:
    try:
        app = create_app()
        engine.check_ready(app)
    except STARTUP_ERRORS as error:
        print(f"clinic-onboard cannot start: {error}", file=sys.stderr, flush=True)
        sys.exit(APP_LOAD_ERROR)
    with app.app_context():
        # Close the check's connection: forked workers must each open their own.
        db.engine.dispose()
    return app


app = _checked_app()
# Start-up objects (the content library, templates, metadata) live as long as the process: move
# them out of the collector's way, or every full collection walks them again (bench/README.md).
gc.freeze()
