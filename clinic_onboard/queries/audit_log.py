"""The clinic's audit log, newest first."""

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from clinic_onboard.extensions import db
from clinic_onboard.models import AuditEvent


def recent_audit_events(clinic_id: int, limit: int) -> list[AuditEvent]:
    """The clinic's latest ``limit`` audit events with who acted, newest first."""
    query = (
        select(AuditEvent)
        .where(AuditEvent.clinic_id == clinic_id)
        .options(joinedload(AuditEvent.actor))
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))
