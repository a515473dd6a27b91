"""A person's calendar feed (iCalendar), for Outlook, Google Calendar or Apple Calendar.

Calendar apps fetch without signing in, so the URL itself carries a per-person secret; it is
compared in constant time, and a wrong or reset secret answers 404 like an unknown URL. The
person creates and resets it on the reminders page (``web.reminders``).
"""

from flask import Blueprint, Response, abort, request, url_for

from clinic_onboard.models.types import utcnow
from clinic_onboard.queries.reminders import calendar_for, feed_owner
from clinic_onboard.reminders import Link

bp = Blueprint("calendar", __name__, url_prefix="/calendar")


@bp.get("/<token>.ics")
def feed(token: str) -> Response:
    """The person's own due dates and credential expiries, if the token is theirs."""
    owner = feed_owner(token)
    if owner is None:
        abort(404)
    body = calendar_for(owner, _absolute, request.host, utcnow())
    response = Response(body, mimetype="text/calendar")
    # Personal data behind a secret URL: never kept by a shared cache.
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _absolute(link: Link) -> str:
    return url_for(link.endpoint, **dict(link.values), _external=True)
