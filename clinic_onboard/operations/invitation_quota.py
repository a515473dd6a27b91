"""How many invitations a clinic may send now: none before its owner's email is confirmed, then
at most INVITATIONS_PER_HOUR in any hour and INVITATIONS_PER_DAY in any 24 hours.

Sign-up is open, so without this one request could mail hundreds of strangers a message that
carries a made-up clinic's name. The count comes from the audit log (every issued link is an
``invitation.issue`` event, every invitation of an existing account a
``clinic_invitation.send``), so it holds across processes and hosts, and a bulk import asks
for all its invitations at once: refused whole, never half sent. ``check`` is the one gate; call it
wherever an invitation or set-password link is issued, before issuing it.
"""

from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select

from clinic_onboard.extensions import db
from clinic_onboard.models import AuditEvent, Clinic
from clinic_onboard.models.types import utcnow

# The audit actions that are an invitation sent in the clinic's name.
COUNTED_ACTIONS = ("invitation.issue", "clinic_invitation.send")
HOUR, DAY = timedelta(hours=1), timedelta(days=1)


class InvitationRefused(ValueError):
    """The clinic may not send these invitations now; the text says why, for the manager."""


class NotConfirmed(InvitationRefused):
    """The clinic's owner has not confirmed their email yet."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "Confirm your email address before inviting anyone: until then this clinic "
                "sends no invitations."
            )
        )


class QuotaReached(InvitationRefused):
    """More invitations than the clinic may send now; ``remaining`` is how many it may."""

    def __init__(self, wanted: int, remaining: int) -> None:
        self.wanted, self.remaining = wanted, remaining
        config = current_app.config
        super().__init__(
            ngettext(
                "This needs %(num)d invitation, but the clinic may send %(remaining)s more "
                "right now (at most %(hour)s in an hour and %(day)s in 24 hours). Nothing was "
                "sent; try again later.",
                "This needs %(num)d invitations, but the clinic may send %(remaining)s more "
                "right now (at most %(hour)s in an hour and %(day)s in 24 hours). Nothing was "
                "sent; try again later, or send fewer at a time.",
                wanted,
                remaining=remaining,
                hour=config["INVITATIONS_PER_HOUR"],
                day=config["INVITATIONS_PER_DAY"],
            )
        )


def check(clinic: Clinic, wanted: int = 1) -> None:
    """Raise NotConfirmed or QuotaReached unless the clinic may send ``wanted`` more now.

    On PostgreSQL the clinic's row stays locked until the request commits, so two requests at
    once count each other's invitations (SQLite lets one writer in at a time anyway).
    """
    if not clinic.is_confirmed:
        raise NotConfirmed()
    db.session.execute(select(Clinic.id).where(Clinic.id == clinic.id).with_for_update())
    left = remaining(clinic)
    if wanted > left:
        raise QuotaReached(wanted, left)


def remaining(clinic: Clinic) -> int:
    """How many invitations the clinic may still send now (never below zero)."""
    now = utcnow()
    recent = AuditEvent.created_at >= now - HOUR
    last_hour, last_day = db.session.execute(
        select(func.count().filter(recent), func.count()).where(
            AuditEvent.clinic_id == clinic.id,
            AuditEvent.action.in_(COUNTED_ACTIONS),
            AuditEvent.created_at >= now - DAY,
        )
    ).one()
    config = current_app.config
    left = min(config["INVITATIONS_PER_HOUR"] - last_hour, config["INVITATIONS_PER_DAY"] - last_day)
    return max(left, 0)
