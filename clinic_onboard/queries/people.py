"""Reads for the People pages: one page of the clinic's members, and about one member."""

from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import contains_eager, joinedload

from clinic_onboard.extensions import db
from clinic_onboard.models import AppRole, Membership, Onboarding, OnboardingStatus, User
from clinic_onboard.queries.hire_summaries import PAGE_SIZE

# The People page's status filter: each key one condition on the member and their account.
MEMBER_STATUSES: dict[str, ColumnElement[bool]] = {
    "invited": User.password_hash.is_(None) & Membership.left_on.is_(None),
    "active": User.password_hash.is_not(None) & Membership.left_on.is_(None),
    "left": Membership.left_on.is_not(None),
}


@dataclass(frozen=True)
class MemberFilters:
    """What the People list is narrowed to; unknown values were dropped by the view."""

    search: str = ""
    app_role: AppRole | None = None
    status: str | None = None  # a key of MEMBER_STATUSES
    page: int = 1


@dataclass(frozen=True)
class MemberPage:
    rows: list[Membership]
    total: int
    page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))


def member_page(clinic_id: int, filters: MemberFilters) -> MemberPage:
    """One page of the clinic's members matching ``filters``, by name: two queries whatever
    the clinic's size (a count, then the page with each member's account)."""
    query = _members_matching(clinic_id, filters)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    page = min(max(filters.page, 1), max(1, -(-total // PAGE_SIZE)))
    listed = (
        query.options(contains_eager(Membership.user))
        .order_by(func.lower(User.display_name), Membership.id)
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    )
    return MemberPage(list(db.session.scalars(listed)), total, page)


def _members_matching(clinic_id: int, filters: MemberFilters) -> Select:
    query = (
        select(Membership)
        .join(User, Membership.user_id == User.id)
        .where(Membership.clinic_id == clinic_id)
    )
    search = filters.search.strip().lower()
    if search:
        pattern = f"%{_escaped(search)}%"
        query = query.where(
            or_(
                func.lower(User.display_name).like(pattern, escape="\\"),
                func.lower(User.email).like(pattern, escape="\\"),
            )
        )
    if filters.app_role is not None:
        query = query.where(Membership.role == filters.app_role)
    if filters.status in MEMBER_STATUSES:
        query = query.where(MEMBER_STATUSES[filters.status])
    return query


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def supervised_count(clinic_id: int, user_id: int) -> int:
    """How many onboardings in progress in the clinic this person supervises."""
    query = select(func.count()).where(
        Onboarding.clinic_id == clinic_id,
        Onboarding.supervisor_id == user_id,
        Onboarding.status == OnboardingStatus.ACTIVE,
    )
    return db.session.scalar(query) or 0


def supervising_now(clinic_id: int) -> list[Membership]:
    """The members who supervise an onboarding in progress, by name: whose hires can move
    (someone made staff since keeps their hires until they are moved)."""
    supervising = select(Onboarding.supervisor_id).where(
        Onboarding.clinic_id == clinic_id, Onboarding.status == OnboardingStatus.ACTIVE
    )
    query = (
        select(Membership)
        .join(User, Membership.user_id == User.id)
        .where(Membership.clinic_id == clinic_id, Membership.user_id.in_(supervising))
        .options(joinedload(Membership.user))
        .order_by(User.display_name, Membership.id)
    )
    return list(db.session.scalars(query))
