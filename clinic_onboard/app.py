"""The application factory: it wires the parts together and decides nothing itself."""

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from clinic_onboard import policy
from clinic_onboard.config import build_config
from clinic_onboard.db import engine, read_only
from clinic_onboard.extensions import (
    csrf,
    db,
    init_record_keys,
    limiter,
    login_manager,
    migrate,
)
from clinic_onboard.operations import plan_verdicts
from clinic_onboard.paths import migrations_dir, templates_dir
from clinic_onboard.services import anchor_log, i18n, library, passwords
from clinic_onboard.web import (
    auth,
    calendar,
    clinic,
    clinic_invitations,
    confirmation,
    dashboard,
    errors,
    exports,
    hires,
    invitations,
    jobs,
    leaving,
    logs,
    main,
    my,
    people,
    plan_cache,
    reminders,
    roles,
    security,
    signoffs,
    staff,
    tenancy,
    throttle,
    today,
    verify,
)


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build an app; ``config`` overrides the environment (tests pass their database here)."""
    app = Flask(__name__, template_folder=str(templates_dir()))
    app.jinja_env.add_extension("jinja2.ext.do")
    # Templates show a link or a form by the same rule that guards its view.
    app.jinja_env.globals["policy"] = policy
    app.config.from_mapping(build_config(Path(app.instance_path), config))
    _trust_proxies(app)
    _init_extensions(app)
    _register_blueprints(app)
    errors.init_app(app)
    security.init_app(app)
    throttle.init_app(app)
    library.init_app(app)
    plan_cache.init_app(app)
    plan_verdicts.listen()
    return app


def _trust_proxies(app: Flask) -> None:
    """Behind TRUSTED_PROXIES proxies (each appends to X-Forwarded-For), the client's address is
    the one the farthest of them saw, and the scheme the one the nearest set in
    X-Forwarded-Proto; with none, those headers come from the client and are ignored. The Host
    header stays as the proxy passes it: X-Forwarded-Host could come from the client and poison
    the links the app emails."""
    count = app.config["TRUSTED_PROXIES"]
    if count:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=1, x_host=0)


def _init_extensions(app: Flask) -> None:
    db.init_app(app)
    engine.init_app(app)
    read_only.init_app(app)
    migrate.init_app(app, db, directory=str(migrations_dir()))
    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)
    passwords.init_app(app)
    i18n.init_app(app)
    init_record_keys(app)
    anchor_log.init_app(app)


def _register_blueprints(app: Flask) -> None:
    for blueprint in (
        main.bp,
        auth.bp,
        clinic.bp,
        dashboard.bp,
        roles.bp,
        staff.bp,
        jobs.bp,
        invitations.bp,
        confirmation.bp,
        clinic_invitations.bp,
        people.bp,
        hires.bp,
        my.bp,
        signoffs.bp,
        exports.bp,
        reminders.bp,
        calendar.bp,
        leaving.bp,
        today.bp,
        logs.bp,
        verify.bp,
    ):
        app.register_blueprint(blueprint)
    app.before_request(tenancy.load_membership)
