"""A manager attaches a new version of the clinic's own document to an acknowledgement item.

The version is a new row (the older ones stay, since signatures name them); staff of the role
whose latest signature of the item names an older version (or none) are asked to sign again by
a POLICY_REVISED event on that item, which re-opens it in their record. Audit-logged; flushes,
never commits.
"""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select

from clinic_onboard.extensions import db
from clinic_onboard.models import (
    Clinic,
    ClinicRole,
    Membership,
    Onboarding,
    OnboardingEvent,
    OnboardingStatus,
    OnboardingTask,
    PolicyDocument,
)
from clinic_onboard.operations import audit
from clinic_onboard.operations.record import append_event, start_change
from clinic_onboard.operations.renewals import sync_renewal
from clinic_onboard.queries.plan_inputs import plan_for
from clinic_onboard.queries.policy_documents import document_facts, root_item
from clinic_onboard.queries.record import task_records
from clinic_onboard.record.states import EventKind, TaskStatus
from clinic_onboard.services.library import catalog
from clinic_onboard.services.uploads import StoredFile

# A signature that still stands: the item is done, or waiting for its confirmation.
STANDING = frozenset({TaskStatus.AWAITING_SIGNOFF, TaskStatus.DONE, TaskStatus.SIGNED_OFF})
# Those still at the clinic in the role: someone who left keeps the record as it was.
CURRENT = (OnboardingStatus.ACTIVE, OnboardingStatus.COMPLETED)


class DocumentRefused(ValueError):
    """The document cannot be attached here; the message says why."""


@dataclass(frozen=True)
class Attached:
    """The version stored, and how many of the role's staff were asked to sign it again."""

    document: PolicyDocument
    asked_again: int


def attach_document(
    role: ClinicRole, manager: Membership, item_id: str, stored: StoredFile, sha256: str
) -> Attached:
    """Store the next version of ``item_id``'s document, audit it, and re-open the item for
    every current staff member who signed an older version."""
    if item_id not in acknowledgement_items(manager.clinic, role):
        raise DocumentRefused(_("Documents can be attached to this role's acknowledgements only."))
    document = PolicyDocument(
        clinic_id=role.clinic_id,
        role_id=role.id,
        item_id=item_id,
        version=_next_version(role.id, item_id),
        sha256=sha256,
        size=stored.size,
        original_name=stored.original_name,
        stored_name=stored.stored_name,
        uploaded_by=manager.user_id,
    )
    db.session.add(document)
    db.session.flush()
    asked = sum(_ask_again(onboarding, manager, document) for onboarding in _staff_of(role))
    after = {
        "item_id": item_id,
        "version": document.version,
        "sha256": sha256,
        "file_name": stored.original_name,
        "asked_again": asked,
    }
    audit.record(role.clinic_id, manager.user, "policy_document.upload", role.name, after=after)
    return Attached(document, asked)


def acknowledgement_items(clinic: Clinic, role: ClinicRole) -> dict[str, str]:
    """The role's acknowledgement items (the library's and the clinic's own) by id, with titles."""
    plan = plan_for(catalog(), clinic, role, clinic.today())
    return {task.id: task.title for task in plan.tasks if task.kind == "acknowledgement"}


def _next_version(role_id: int, item_id: str) -> int:
    query = select(func.max(PolicyDocument.version)).where(
        PolicyDocument.role_id == role_id, PolicyDocument.item_id == item_id
    )
    return (db.session.scalar(query) or 0) + 1


def _staff_of(role: ClinicRole) -> list[Onboarding]:
    query = select(Onboarding).where(
        Onboarding.role_id == role.id,
        Onboarding.clinic_id == role.clinic_id,
        Onboarding.is_onboarding,
        Onboarding.status.in_(CURRENT),
    )
    return list(db.session.scalars(query.order_by(Onboarding.id)))


def _ask_again(onboarding: Onboarding, manager: Membership, document: PolicyDocument) -> bool:
    """Re-open the item whose latest standing signature names an older version; True if so."""
    start_change(onboarding)
    found = _latest_signature(onboarding, document.item_id)
    if found is None or found[1].payload.get("document_version", 0) >= document.version:
        return False
    task = found[0]
    append_event(onboarding, task, EventKind.POLICY_REVISED, manager, document_facts(document))
    # A next yearly re-attestation waits on the new signature, not the old one.
    sync_renewal(onboarding, task, task_records(onboarding))
    return True


def _latest_signature(
    onboarding: Onboarding, item_id: str
) -> tuple[OnboardingTask, OnboardingEvent] | None:
    """The item (or its renewal) last signed, with that signature, among those that stand."""
    records = task_records(onboarding)
    signed = []
    for task in onboarding.tasks:
        record = records.get(task.id)
        if record is None or root_item(task.item_id) != item_id or record.status not in STANDING:
            continue
        event = record.last([EventKind.ACKNOWLEDGED])
        if event is not None:
            signed.append((task, event))
    return max(signed, key=lambda pair: pair[1].seq, default=None)
