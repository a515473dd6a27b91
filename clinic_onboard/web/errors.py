"""Friendly error pages; a server error also rolls the session back."""

from flask import Flask, render_template
from flask_babel import lazy_gettext as _l
from flask_limiter.errors import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from clinic_onboard.extensions import db

PAGES = {
    400: _l("The form could not be read. Please go back and try again."),
    403: _l("You do not have access to this page in the current clinic."),
    404: _l("We could not find that page. It may have moved, or it belongs to another clinic."),
    405: _l("That action is not available here."),
    413: _l("That upload is too large."),
    429: _l("Too many attempts. Please wait a minute and try again."),
    503: _l("This is busy right now. Please try again in a few seconds."),
}


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(500, _server_error)


def _http_error(error: HTTPException) -> tuple[str, int, dict[str, str]]:
    code = error.code or 500
    if code >= 500 and code not in PAGES:
        return (*_server_error(error), {})
    # "Busy, come back in N seconds" (503) keeps its Retry-After.
    kept = {k: v for k, v in error.get_headers() if k == "Retry-After"}
    page = render_template("errors/error.html", code=code, message=_message(error, code))
    return page, code, kept


def _message(error: HTTPException, code: int) -> str:
    """The error's own words when a view or a limit gave some, else the page's for the code."""
    if isinstance(error, RateLimitExceeded):
        # Flask-Limiter describes a limit without words of its own by its rate ("3 per minute").
        custom = bool(error.limit.error_message)
    else:
        custom = error.description != type(error).description
    return error.description if custom else str(PAGES.get(code, error.description))


def _csrf_error(error: CSRFError) -> tuple[str, int]:
    message = "This form expired or was sent from another page. Please reload it and try again."
    return render_template("errors/error.html", code=400, message=message), 400


def _server_error(error: Exception) -> tuple[str, int]:
    db.session.rollback()
    message = "Something went wrong on our side. Nothing you entered was saved; please try again."
    return render_template("errors/error.html", code=500, message=message), 500
