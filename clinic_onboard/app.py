"""The application factory: it wires the parts together and decides nothing itself."""

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from clinic_onboard import database, i18n, library, passwords, read_only
from clinic_onboard.config import build_config
from clinic_onboard.extensions import csrf, db, limiter, login_manager, migrate
from clinic_onboard.paths import migrations_dir, templates_dir
from clinic_onboard.web import (
    auth,
    calendar,
    clinic,
    clinic_invitations,
    dashboard,
    errors,
    exports,
    invitations,
    main,
    my,
    page_header,
    reminders,
    render_cache,
    roles,
    security,
    signoffs,
    staff,
    tenancy,
)


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build an app; ``config`` overrides the environment (tests pass their database here)."""
    app = Flask(__name__, template_folder=str(templates_dir()))
    app.jinja_env.add_extension("jinja2.ext.do")
    app.config.from_mapping(build_config(Path(app.instance_path), config))
    _init_extensions(app)
    _register_blueprints(app)
    errors.init_app(app)
    security.init_app(app)
    library.init_app(app)
    render_cache.init_app(app)
    page_header.init_app(app)
    return app


def _init_extensions(app: Flask) -> None:
    db.init_app(app)
    database.init_app(app)
    read_only.init_app(app)
    migrate.init_app(app, db, directory=str(migrations_dir()))
    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)
    passwords.init_app(app)
    i18n.init_app(app)


def _register_blueprints(app: Flask) -> None:
    for blueprint in (
        main.bp,
        auth.bp,
        clinic.bp,
        dashboard.bp,
        roles.bp,
        staff.bp,
        invitations.bp,
        clinic_invitations.bp,
        my.bp,
        signoffs.bp,
        exports.bp,
        reminders.bp,
        calendar.bp,
    ):
        app.register_blueprint(blueprint)
    app.before_request(tenancy.load_membership)
