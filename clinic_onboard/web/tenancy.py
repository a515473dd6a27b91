"""The current clinic of a request, and the only way views load tenant data.

Every tenant object has a ``clinic_id``; ``get_for_clinic_or_404`` filters on it, so asking
for another clinic's object by id answers 404 exactly like an id that does not exist.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort, g, make_response, render_template, request, session
from flask_login import current_user
from sqlalchemy import select

from clinic_onboard.extensions import db
from clinic_onboard.models import AppRole, ClinicInvitation, InvitationStatus, Membership

T = TypeVar("T")
CLINIC_KEY = "clinic_id"


def load_membership() -> None:
    """Before each request: the signed-in person's membership in the chosen clinic."""
    g.membership = None
    # Static files need no clinic; skipping them saves the user and membership queries.
    if request.endpoint == "static" or not current_user.is_authenticated:
        return
    memberships = my_memberships()
    wanted = session.get(CLINIC_KEY)
    chosen = next((m for m in memberships if m.clinic_id == wanted), None)
    g.membership = chosen or (memberships[0] if memberships else None)
    g.memberships = memberships


def my_memberships() -> list[Membership]:
    """The signed-in person's clinics by name; the user loader loaded them with the user.

    A membership ended by leaving (``operations.leaving``) is never one of them: this check,
    on every request, is what ends a departed person's sessions in that clinic alone.
    """
    current = [m for m in current_user.memberships if not m.has_left]
    return sorted(current, key=lambda m: (m.clinic.name.lower(), m.clinic_id))


def choose_clinic(clinic_id: int) -> bool:
    """Make ``clinic_id`` current if the person belongs to it."""
    if not any(m.clinic_id == clinic_id for m in g.memberships):
        return False
    session[CLINIC_KEY] = clinic_id
    return True


def current_membership() -> Membership:
    if g.get("membership") is None:
        _no_clinic()
    return g.membership


def _no_clinic() -> None:
    """403; a person whose every clinic has ended is told so plainly."""
    if current_user.is_authenticated and any(m.has_left for m in current_user.memberships):
        abort(make_response(render_template("leaving/ended.html"), 403))
    abort(403)


def get_for_clinic_or_404(model: type[T], object_id: int) -> T:
    """Load a tenant object of the current clinic, or 404 (never another clinic's)."""
    clinic_id = current_membership().clinic_id
    query = select(model).where(model.id == object_id, model.clinic_id == clinic_id)  # type: ignore[attr-defined]
    found = db.session.scalar(query)
    if found is None:
        abort(404)
    return found


def allowed(rule: Callable[[AppRole], bool]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorate a view so only members whose app role passes ``rule`` reach it (else 403)."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not rule(current_membership().role):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def get_own_invitation_or_404(invitation_id: int) -> ClinicInvitation:
    """A clinic's invitation addressed to the signed-in person and still waiting for their
    answer, or 404: invitations are scoped to the person they name, not to a clinic."""
    query = select(ClinicInvitation).where(
        ClinicInvitation.id == invitation_id,
        ClinicInvitation.user_id == current_user.id,
        ClinicInvitation.status == InvitationStatus.PENDING,
    )
    found = db.session.scalar(query)
    if found is None:
        abort(404)
    return found
