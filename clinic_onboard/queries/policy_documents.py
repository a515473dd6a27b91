"""Reads of the clinic's own policy documents: per role and item, by version."""

from collections import defaultdict

from sqlalchemy import select

from clinic_onboard.extensions import db
from clinic_onboard.models import PolicyDocument
from clinic_onboard.record.renewals import RENEWAL_MARK


def root_item(item_id: str) -> str:
    """The library or custom item a renewal renews: its document is the item's document."""
    return item_id.partition(RENEWAL_MARK)[0]


def role_documents(role_id: int) -> dict[str, list[PolicyDocument]]:
    """Each item's versions for the role page, newest first."""
    query = (
        select(PolicyDocument)
        .where(PolicyDocument.role_id == role_id)
        .order_by(PolicyDocument.item_id, PolicyDocument.version.desc())
    )
    found: dict[str, list[PolicyDocument]] = defaultdict(list)
    for document in db.session.scalars(query):
        found[document.item_id].append(document)
    return dict(found)


def current_document(role_id: int, item_id: str) -> PolicyDocument | None:
    """The version a hire reads and signs now: the newest."""
    query = (
        select(PolicyDocument)
        .where(PolicyDocument.role_id == role_id, PolicyDocument.item_id == root_item(item_id))
        .order_by(PolicyDocument.version.desc())
        .limit(1)
    )
    return db.session.scalar(query)


def is_document_of(document: PolicyDocument, role_id: int, item_id: str) -> bool:
    """Whether ``document`` is a version of the document behind this role's item."""
    return document.role_id == role_id and document.item_id == root_item(item_id)


def document_facts(document: PolicyDocument) -> dict[str, int | str]:
    """What an event says of the version it names: its number and SHA-256 (what was signed),
    and its row, for the link to read it."""
    return {
        "document_version": document.version,
        "document_sha256": document.sha256,
        "document_id": document.id,
    }


def stored_document_names(clinic_id: int) -> set[str]:
    """The stored files the clinic's documents name: every version, so none is pruned."""
    query = select(PolicyDocument.stored_name).where(PolicyDocument.clinic_id == clinic_id)
    return set(db.session.scalars(query))
