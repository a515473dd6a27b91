"""The public check of a record PDF: was exactly this file issued, by which clinic, when.

It answers with the clinic's name and the issue date only: whoever holds the file already
knows what it says, and whoever guesses a hash must learn nothing about anyone.
"""

import hashlib
import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from clinic_onboard.extensions import db
from clinic_onboard.local_time import local
from clinic_onboard.models import Clinic, IssuedRecord

_SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class Issued:
    clinic_name: str
    issued_on: date  # on the issuing clinic's clock


def fingerprint_of(pdf: bytes) -> str:
    return hashlib.sha256(pdf).hexdigest()


def normalized_fingerprint(typed: str) -> str | None:
    """A typed SHA-256 with spaces and case forgiven; None when it cannot be one."""
    compact = re.sub(r"\s+", "", typed).lower()
    return compact if _SHA256.fullmatch(compact) else None


def find_issued(fingerprint: str) -> Issued | None:
    """The first issue of the file with this SHA-256, or None when no clinic issued it."""
    query = (
        select(IssuedRecord.issued_at, Clinic.name, Clinic.time_zone)
        .join(Clinic, Clinic.id == IssuedRecord.clinic_id)
        .where(IssuedRecord.sha256 == fingerprint)
        .order_by(IssuedRecord.issued_at)
        .limit(1)
    )
    found = db.session.execute(query).first()
    if found is None:
        return None
    issued_at, name, zone = found
    return Issued(clinic_name=name, issued_on=local(issued_at, zone).date())
