"""What leaving and returning read: the hires a departing person supervised, and the cards a
returning one already holds."""

from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from clinic_onboard.catalog.schema import DOCUMENT_KINDS
from clinic_onboard.extensions import db
from clinic_onboard.models import ClinicRole, Membership, Onboarding, OnboardingStatus
from clinic_onboard.models.onboarding import OFFBOARDING
from clinic_onboard.queries.record import events_of, fold_records
from clinic_onboard.record.carry_over import HeldCard
from clinic_onboard.record.states import CREDENTIAL_KINDS, is_finished


def supervised_hires(member: Membership) -> list[Onboarding]:
    """Onboardings in progress in the member's clinic that name them as supervisor: once they
    leave, each needs another supervisor."""
    query = (
        select(Onboarding)
        .where(
            Onboarding.clinic_id == member.clinic_id,
            Onboarding.supervisor_id == member.user_id,
            Onboarding.status == OnboardingStatus.ACTIVE,
            Onboarding.is_onboarding,
        )
        .options(joinedload(Onboarding.membership).joinedload(Membership.user))
        .options(joinedload(Onboarding.role))
        .order_by(Onboarding.start_date, Onboarding.id)
    )
    return list(db.session.scalars(query))


def held_cards(member: Membership) -> list[HeldCard]:
    """Every finished credential or document check (a police check) of the member's onboardings
    here, the card its record holds."""
    query = (
        select(Onboarding)
        .where(Onboarding.membership_id == member.id)
        .options(selectinload(Onboarding.tasks))
        .order_by(Onboarding.id)
    )
    return [card for onboarding in db.session.scalars(query) for card in _cards(onboarding)]


def _cards(onboarding: Onboarding) -> Iterator[HeldCard]:
    records = fold_records(onboarding.tasks, events_of(onboarding))
    for task in onboarding.tasks:
        record = records.get(task.id)
        if task.kind not in DOCUMENT_KINDS or record is None or not is_finished(record.status):
            continue
        card = record.last(CREDENTIAL_KINDS)
        if card is not None:
            yield HeldCard(task.item_id, onboarding.id, card.seq, dict(card.payload))


def latest_role(member: Membership) -> ClinicRole | None:
    """The role of the member's latest onboarding here: what their offboarding is made for."""
    query = (
        select(ClinicRole)
        .join(Onboarding, Onboarding.role_id == ClinicRole.id)
        .where(Onboarding.membership_id == member.id, Onboarding.is_onboarding)
        .order_by(Onboarding.start_date.desc(), Onboarding.id.desc())
    )
    return db.session.scalars(query.limit(1)).first()


def offboardings_of(member: Membership) -> list[Onboarding]:
    """The member's offboarding checklists here, the latest first."""
    query = select(Onboarding).where(
        Onboarding.membership_id == member.id, Onboarding.kind == OFFBOARDING
    )
    return list(db.session.scalars(query.order_by(Onboarding.id.desc())))
