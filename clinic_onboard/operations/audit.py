"""Recording changes in the clinic's audit log; every operation that changes state calls this."""

from typing import Any

from clinic_onboard.extensions import db
from clinic_onboard.models import AuditEvent, User


def record(
    clinic_id: int,
    actor: User | None,
    action: str,
    subject: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add one audit event (``action`` like "role.switch_off"; ``subject`` names the object)."""
    event = AuditEvent(
        clinic_id=clinic_id,
        actor_id=actor.id if actor else None,
        action=action,
        subject=subject,
        before=before,
        after=after,
    )
    db.session.add(event)
    return event
