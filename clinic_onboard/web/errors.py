"""Friendly error pages; a server error also rolls the session back."""

from flask import Flask, render_template
from flask_babel import lazy_gettext as _l
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
}


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(500, _server_error)


def _http_error(error: HTTPException) -> tuple[str, int]:
    code = error.code or 500
    if code >= 500:
        return _server_error(error)
    # A view that aborts with its own description says what was wrong; otherwise the page's.
    custom = error.description != type(error).description
    message = error.description if custom else PAGES.get(code, error.description)
    return render_template("errors/error.html", code=code, message=message), code


def _csrf_error(error: CSRFError) -> tuple[str, int]:
    message = "This form expired or was sent from another page. Please reload it and try again."
    return render_template("errors/error.html", code=400, message=message), 400


def _server_error(error: Exception) -> tuple[str, int]:
    db.session.rollback()
    message = "Something went wrong on our side. Nothing you entered was saved; please try again."
    return render_template("errors/error.html", code=500, message=message), 500
