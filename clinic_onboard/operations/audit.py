"""Recording changes in the clinic's audit log; every operation that changes state calls this."""

from typing import Any

from clinic_onboard.extensions import db
from clinic_onboard.models import AuditEvent, Onboarding, User

# The column's length: two long names must not make the change they record fail.
SUBJECT_MAX = AuditEvent.subject.type.length


def record(
    clinic_id: int,
    actor: User | None,
    action: str,
    subject: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add one audit event (``action`` like "role.switch_off"; ``subject`` names the object).

    The subject holds names only (a person, a role, a clinic), never a sentence: the log page
    puts events into words in the viewer's language, from the action and the values.
    """
    event = AuditEvent(
        clinic_id=clinic_id,
        actor_id=actor.id if actor else None,
        action=action,
        subject=subject[:SUBJECT_MAX],
        before=before,
        after=after,
    )
    db.session.add(event)
    return event


def hire_subject(onboarding: Onboarding) -> str:
    """The subject of an event about one onboarding: "Noor Rahman · Clinic assistant"."""
    return f"{onboarding.membership.user.display_name} · {onboarding.role.name}"
