"""Flask extensions, created unbound and bound to an app in ``create_app``."""

from functools import cached_property

from babel import Locale
from babel.support import NullTranslations
from flask import Flask, current_app
from flask_babel import Babel, Domain, get_locale
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from clinic_onboard.db import read_only
from clinic_onboard.record.keys import KeyRing, parse_keys

# Named constraints keep Alembic's batch migrations on SQLite and PostgreSQL in step.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


db = SQLAlchemy(model_class=Base, session_options={"class_": read_only.Session})
migrate = Migrate(render_as_batch=True, compare_type=True)
csrf = CSRFProtect()
login_manager = LoginManager()
limiter = Limiter(key_func=get_remote_address)


def init_record_keys(app: Flask) -> None:
    """Parse the record's keys once (``config`` has already refused unusable ones)."""
    app.extensions["record_keys"] = parse_keys(
        app.config["RECORD_KEYS"], app.config.get("RECORD_KEY_ID")
    )


def record_keys() -> KeyRing:
    """The keys that sign and check the record, backups and anchors of this app."""
    return current_app.extensions["record_keys"]


class _CatalogPerLocale(Domain):
    """Flask-Babel's message domain, finding each locale's catalog by the locale itself.

    Flask-Babel finds the catalog for every message by walking the request context twice more
    and rebuilding the locale's name; a page shows hundreds of messages (the audit log about 670)
    and that lookup was a third of its time. Catalogs never change while the process runs, as
    Flask-Babel's own cache already assumes; ``force_locale`` still applies (it sets the locale).
    """

    def __init__(self, domain: str) -> None:
        super().__init__(domain=domain)
        self._by_locale: dict[Locale, NullTranslations] = {}

    def get_translations(self) -> NullTranslations:
        locale = get_locale()
        if locale is None:  # outside an app context: Flask-Babel's null translations
            return super().get_translations()
        found = self._by_locale.get(locale)
        if found is None:
            found = self._by_locale[locale] = super().get_translations()
        return found


class _Babel(Babel):
    @cached_property
    def domain_instance(self) -> Domain:
        return _CatalogPerLocale(domain=self.domain)


babel = _Babel()
