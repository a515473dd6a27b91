"""What a hire list (dashboard, staff) or the People list is narrowed to, read from the
address's query string.

Unknown roles, supervisors and statuses are ignored rather than refused: a stale bookmark
shows the whole list, never an error.
"""

from collections.abc import Collection, Mapping

from flask_babel import lazy_gettext as _l

from clinic_onboard.models import AppRole
from clinic_onboard.queries.hire_summaries import HireFilters
from clinic_onboard.queries.people import MEMBER_STATUSES, MemberFilters
from clinic_onboard.services.plain_text import one_line

# The People list's status filter (``people.MEMBER_STATUSES``) as the page says it.
MEMBER_STATES = {
    "invited": _l("Has not set a password yet"),
    "active": _l("Signs in"),
    "left": _l("Left"),
}


def filters_from(
    args: Mapping[str, str],
    role_ids: Collection[int],
    supervisor_ids: Collection[int],
    statuses: Collection[str],
) -> HireFilters:
    role_id, supervisor_id = number_arg(args.get("role")), number_arg(args.get("supervisor"))
    status = args.get("state")
    return HireFilters(
        search=one_line(args.get("q") or "")[:120],  # no NUL: PostgreSQL refuses it
        role_id=role_id if role_id in role_ids else None,
        supervisor_id=supervisor_id if supervisor_id in supervisor_ids else None,
        status=status if status in statuses else None,
        page=number_arg(args.get("page")) or 1,
    )


def member_filters(args: Mapping[str, str]) -> MemberFilters:
    app_role = args.get("app_role")
    status = args.get("state")
    return MemberFilters(
        search=one_line(args.get("q") or "")[:120],
        app_role=AppRole(app_role) if app_role in {r.value for r in AppRole} else None,
        status=status if status in MEMBER_STATUSES else None,
        page=number_arg(args.get("page")) or 1,
    )


def number_arg(value: str | None) -> int | None:
    """A query-string id or page number; anything else (another script's digits, a number too
    long for int() or for the database) is no number rather than an error."""
    plain = value is not None and value.isascii() and value.isdigit()
    return int(value) if plain and len(value) < 10 else None


def page_args(args: Mapping[str, str]) -> dict[str, str]:
    """The list's query string without its page number, for the pager's links."""
    return {key: value for key, value in args.items() if key != "page" and value}
