"""A person leaving a clinic, and coming back.

Leaving ends the person's membership in this clinic only: ``web.tenancy`` never chooses an
ended membership, so every session of theirs stops reaching this clinic at the next request,
while their session token (shared by all their clinics) is left alone. Their open onboarding
closes as "left"; its record stays as it was, read-only, with a last event saying so.
"""

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from clinic_onboard.extensions import db
from clinic_onboard.models import AppRole, Membership, Onboarding, OnboardingStatus, User
from clinic_onboard.operations import audit, record
from clinic_onboard.record.states import EventKind

# Why a person left, by the code stored on the membership.
REASONS = {
    "resigned": _l("Resigned"),
    "end_of_contract": _l("End of contract"),
    "dismissed": _l("Dismissed"),
    "retired": _l("Retired"),
    "other": _l("Other"),
}


class LeavingRefused(ValueError):
    """The person cannot be marked as left (or back); the message says why, ``field`` where."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def mark_left(member: Membership, actor: Membership, last_day: date, reason: str) -> None:
    """End ``member``'s membership from ``last_day``, closing any onboarding in progress."""
    check_leaving(member, actor, last_day, reason)
    member.left_on, member.left_reason = last_day, reason
    for onboarding in open_onboardings(member):
        close_as_left(onboarding, actor)
    facts = {"left_on": last_day.isoformat(), "reason": reason}
    audit.record(
        member.clinic_id, actor.user, "member.leave", member.user.display_name, None, facts
    )
    db.session.flush()


def check_leaving(member: Membership, actor: Membership, last_day: date, reason: str) -> None:
    """Refuse what would lock the clinic out or contradict the person's own dates."""
    if member.has_left:
        raise LeavingRefused(_("%(name)s has already left.", name=member.user.display_name))
    if member.id == actor.id:
        raise LeavingRefused(_("Another manager marks you as having left, not you."))
    if member.role == AppRole.MANAGER and _other_managers(member) == 0:
        raise LeavingRefused(_("The clinic's last manager cannot be marked as left."))
    if reason not in REASONS:
        raise LeavingRefused(_("Choose a reason from the list."), "reason")
    if last_day > member.clinic.today():
        message = _("The last day cannot be after today: mark them as left on or after it.")
        raise LeavingRefused(message, "last_day")
    started = _latest_start(member)
    if started is not None and last_day < started:
        message = _(
            "The last day cannot be before the start date (%(start)s).", start=started.isoformat()
        )
        raise LeavingRefused(message, "last_day")


def close_as_left(onboarding: Onboarding, actor: Membership) -> None:
    """Close an onboarding in progress as "left", with an event that ends its record."""
    record.start_change(onboarding)
    onboarding.status = OnboardingStatus.LEFT
    payload = {"left_on": onboarding.membership.left_on.isoformat()}
    record.append_event(onboarding, None, EventKind.LEFT, actor, payload)
    before, after = {"status": OnboardingStatus.ACTIVE.value}, {"status": onboarding.status.value}
    subject = audit.hire_subject(onboarding)
    audit.record(onboarding.clinic_id, actor.user, "onboarding.left", subject, before, after)


def reactivate(member: Membership, actor: User) -> None:
    """Make a person who left a member again (their records of before stay as they are)."""
    if not member.has_left:
        raise LeavingRefused(_("%(name)s has not left.", name=member.user.display_name))
    before = {"left_on": member.left_on.isoformat(), "reason": member.left_reason}
    member.left_on = member.left_reason = None
    audit.record(member.clinic_id, actor, "member.return", member.user.display_name, before)
    db.session.flush()


def open_onboardings(member: Membership) -> list[Onboarding]:
    query = select(Onboarding).where(
        Onboarding.membership_id == member.id,
        Onboarding.status == OnboardingStatus.ACTIVE,
        Onboarding.is_onboarding,
    )
    return list(db.session.scalars(query.order_by(Onboarding.id)))


def _other_managers(member: Membership) -> int:
    query = select(func.count(Membership.id)).where(
        Membership.clinic_id == member.clinic_id,
        Membership.role == AppRole.MANAGER,
        Membership.left_on.is_(None),
        Membership.id != member.id,
    )
    return db.session.scalar(query) or 0


def _latest_start(member: Membership) -> date | None:
    """The start of the person's latest onboarding here (one that is open, or finished)."""
    query = select(func.max(Onboarding.start_date)).where(
        Onboarding.membership_id == member.id,
        Onboarding.status != OnboardingStatus.LEFT,
        Onboarding.is_onboarding,
    )
    return db.session.scalar(query)
