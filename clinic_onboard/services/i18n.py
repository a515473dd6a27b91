"""The interface language of a request: the person's choice, else the clinic's, else the browser's.

The app speaks two languages, stored as ``"en"`` and ``"fr"`` on users and clinics; the
translation catalog is Canadian French (``fr_CA``), so Babel formats dates and numbers the
Canadian way in both.
"""

from collections.abc import Callable, Mapping
from datetime import datetime

from babel.dates import format_datetime
from flask import Flask, g, has_request_context, request
from flask_babel import get_locale, gettext
from flask_babel import lazy_gettext as _l
from jinja2 import pass_eval_context
from jinja2.nodes import EvalContext
from markupsafe import Markup

from clinic_onboard.extensions import babel
from clinic_onboard.local_time import local
from clinic_onboard.paths import translations_dir
from clinic_onboard.record.words import EVENT_WORDS, PROGRESS_WORDS, STATUS_WORDS

LANGUAGES = ("en", "fr")
DEFAULT_LANGUAGE = "en"
# Babel locale of each stored language code.
LOCALES = {"en": "en_CA", "fr": "fr_CA"}
# Quebec's Charter of the French language makes French the working language there.
FRENCH_BY_DEFAULT = frozenset({"QC"})
# Moments (stored in UTC) as each language writes them, without and with seconds: ISO dates,
# the Canadian standard in both languages, and a 24-hour clock; French writes « 14 h 05 »
# (Babel's fr_CA time patterns), English 14:05 (en_CA's own pattern is 12-hour).
MOMENT_PATTERNS = {
    "en": ("yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss"),
    "fr": ("yyyy-MM-dd HH 'h' mm", "yyyy-MM-dd HH 'h' mm 'min' ss 's'"),
}
CLOCK_PATTERNS = {"en": "HH:mm zzz", "fr": "HH 'h' mm zzz"}


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(translations_dir()))
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.globals.update(html_lang=html_lang, _=translate, gettext=translate)
    app.jinja_env.filters["role_label"] = role_label
    app.jinja_env.filters["in_clinic_language"] = in_clinic_language
    app.jinja_env.filters["moment"] = moment
    app.jinja_env.filters["clock"] = clock
    app.jinja_env.filters["day_of"] = day_of
    # The core's enums put into words: each word is written once, in record/words.py.
    app.jinja_env.filters["task_status"] = in_words(STATUS_WORDS)
    app.jinja_env.filters["event_kind"] = in_words(EVENT_WORDS)
    app.jinja_env.filters["module_progress"] = in_words(PROGRESS_WORDS, missing="—")


# App roles, and who signs an item off, as people read them.
ROLE_LABELS = {
    "manager": _l("Manager"),
    "supervisor": _l("Supervisor"),
    "staff": _l("Staff"),
    "system": _l("The app"),  # entries the app writes by itself (record.SYSTEM_ROLE)
}


@pass_eval_context
def translate(eval_context: EvalContext, message: str, **variables: object) -> str:
    """``_("...")`` in templates, as Jinja's new-style gettext does it (escaped, always
    %-formatted) but in one call. Jinja's own wraps each message in two context calls, and
    Flask-Babel's reaches the catalog through the request context again: for the dozen messages
    of the page frame, that was 4% of a repeat visit to a hire's plan (bench/README.md).

    Each message is translated once per rendered template, kept on its evaluation context (as
    Jinja lets extensions do), and a text with nothing to format is not formatted: a hire's plan
    says the same twenty phrases a few hundred times."""
    said = getattr(eval_context, "translated", None)
    if said is None:
        said = eval_context.translated = {}
    key = (message, eval_context.autoescape)
    text = said.get(key)
    if text is None:
        text = said[key] = _translated(message, eval_context.autoescape)
    return text % variables if variables or "%" in text else text


def _translated(message: str, autoescape: bool) -> str:
    text = babel.domain_instance.get_translations().ugettext(message)
    return Markup(text) if autoescape else text


def role_label(value: object) -> str:
    """``manager`` → "Manager" / « Gestionnaire »; an unknown value is shown as it is."""
    text = str(getattr(value, "value", value))
    return str(ROLE_LABELS.get(text, text.capitalize()))


def in_words(words: Mapping[str, str], missing: str = "") -> Callable[[object], str]:
    """A filter saying an enum's value in the page's language: ``missing`` for none, an unknown
    value as it is."""

    def say(value: object) -> str:
        if value is None:
            return missing
        word = words.get(str(value))
        return gettext(word) if word else str(value)

    return say


def in_clinic_language(text: object) -> str:
    """A library text (``Text``) in the current clinic's language; other values as they are."""
    membership = g.get("membership")
    language = membership.clinic.language if membership is not None else DEFAULT_LANGUAGE
    get = getattr(text, "get", None)
    return get(language) if callable(get) else str(text)


def _zone() -> str:
    """The current clinic's time zone; UTC where no clinic is chosen."""
    membership = g.get("membership") if has_request_context() else None
    return membership.clinic.time_zone if membership is not None else "UTC"


def moment(when: datetime, seconds: bool = False) -> str:
    """A stored UTC moment on the current clinic's clock, in the page's language, with its zone:
    "2026-12-15 14:05 AST", « 2026-12-15 14 h 05 HNA »."""
    zone = _zone()
    pattern = MOMENT_PATTERNS[html_lang()][seconds] + " zzz"
    return format_datetime(local(when, zone), pattern, locale=LOCALES[html_lang()])


def clock(when: datetime) -> str:
    """A stored UTC moment's time alone on the clinic's clock, for a page that is about one
    day (Today): "14:05 AST", « 14 h 05 HNA »."""
    pattern = CLOCK_PATTERNS[html_lang()]
    return format_datetime(local(when, _zone()), pattern, locale=LOCALES[html_lang()])


def day_of(when: datetime) -> str:
    """The clinic's date of a stored moment (ISO): a 22:00 sign-off in Vancouver is that day's."""
    return local(when, _zone()).date().isoformat()


def default_language(province: str) -> str:
    """The language a new clinic starts with: French in Quebec, English elsewhere."""
    return "fr" if province in FRENCH_BY_DEFAULT else DEFAULT_LANGUAGE


def interface_language() -> str:
    """``"en"`` or ``"fr"`` for the current request (English outside a request)."""
    if not has_request_context():
        return DEFAULT_LANGUAGE
    # The user Flask-Login has loaded, if any: asking ``current_user`` here would load it, and
    # loading may itself need a translated message (a session that timed out).
    user = g.get("_login_user")
    if user is not None and user.is_authenticated and user.language in LANGUAGES:
        return user.language
    membership = g.get("membership")
    if membership is not None and membership.clinic.language in LANGUAGES:
        return membership.clinic.language
    return request.accept_languages.best_match(LANGUAGES) or DEFAULT_LANGUAGE


def html_lang() -> str:
    """The ``lang`` of a rendered page or email; it follows ``force_locale`` too."""
    locale = get_locale()
    return locale.language if locale is not None else DEFAULT_LANGUAGE


def select_locale() -> str:
    return LOCALES[interface_language()]
