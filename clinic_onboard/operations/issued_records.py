"""Issuing a record PDF: the exact bytes handed out are remembered by their SHA-256.

A write, so the download that issues it is a POST. The row lets anyone holding the file prove
it is the one the clinic issued (``queries.verification``); an edited copy hashes differently.
"""

import hashlib
from datetime import datetime

from clinic_onboard.extensions import db
from clinic_onboard.models import IssuedRecord, Onboarding, User
from clinic_onboard.operations import audit


def issue_record(
    onboarding: Onboarding, pdf: bytes, issued_at: datetime, issued_by: User | None
) -> IssuedRecord:
    """Remember ``pdf`` as issued by the onboarding's clinic at ``issued_at``; flushes only."""
    issued = IssuedRecord(
        clinic_id=onboarding.clinic_id,
        onboarding_id=onboarding.id,
        sha256=hashlib.sha256(pdf).hexdigest(),
        issued_at=issued_at,
        issued_by=issued_by.id if issued_by else None,
    )
    db.session.add(issued)
    subject = audit.hire_subject(onboarding)
    audit.record(
        onboarding.clinic_id, issued_by, "record.issued", subject, after={"sha256": issued.sha256}
    )
    db.session.flush()
    return issued
