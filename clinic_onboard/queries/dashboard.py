"""The manager dashboard's read model: a page of hires and the clinic's figures, counted by
the database in a fixed number of queries whatever the clinic's size.

Completed onboardings are counted, never loaded; open work (overdue items, items waiting for
sign-off) is counted over the open onboardings (``task_states``). Expiring credentials and
yearly sign-offs coming due are found by narrow queries over the records' credential events
and renewal items, completed onboardings included (renewals live on after onboarding).
"""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Select, func, select
from sqlalchemy.orm import aliased

from clinic_onboard.extensions import db
from clinic_onboard.models import (
    Membership,
    Onboarding,
    OnboardingEvent,
    OnboardingStatus,
    OnboardingTask,
    User,
)
from clinic_onboard.queries.hire_summaries import HireFilters, HirePage, hire_page
from clinic_onboard.queries.task_states import (
    DONE,
    SIGNED,
    awaiting,
    in_plan,
    overdue,
    task_states,
    to_act,
)
from clinic_onboard.record.renewals import COMING_DUE_DAYS, latest_expiries
from clinic_onboard.record.states import CREDENTIAL_KINDS

EXPIRY_DAYS = 90


@dataclass(frozen=True)
class ExpiringCredential:
    hire: str
    title: str
    expires_on: date
    days_left: int


@dataclass(frozen=True)
class ReattestationDue:
    hire: str
    title: str
    due_on: date
    days_left: int


@dataclass(frozen=True)
class Figures:
    """The clinic's (or one role's) totals over every hire, not only the page shown."""

    onboarding: int
    completed: int
    overdue_items: int
    waiting_items: int


@dataclass(frozen=True)
class Dashboard:
    hires: HirePage
    figures: Figures
    expiring: list[ExpiringCredential]
    reattestations: list[ReattestationDue]


def build_dashboard(clinic_id: int, today: date, filters: HireFilters | None = None) -> Dashboard:
    filters = filters or HireFilters()
    scope = _scope(clinic_id, filters.role_id)
    return Dashboard(
        hire_page(clinic_id, filters, today),
        figures(clinic_id, scope, today),
        expiring_credentials(clinic_id, scope, today),
        reattestations(clinic_id, scope, today),
    )


def _scope(clinic_id: int, role_id: int | None) -> Select:
    """The onboardings the figures cover: the clinic's, or one role's."""
    query = select(Onboarding.id).where(
        Onboarding.clinic_id == clinic_id,
        Onboarding.is_onboarding,
        Onboarding.status != OnboardingStatus.LEFT,  # their record stays on Staff
    )
    return query if role_id is None else query.where(Onboarding.role_id == role_id)


def figures(clinic_id: int, scope: Select, today: date) -> Figures:
    by_status = dict(
        db.session.execute(
            select(Onboarding.status, func.count())
            .where(Onboarding.id.in_(scope))
            .group_by(Onboarding.status)
        ).all()
    )
    active = scope.where(Onboarding.status == OnboardingStatus.ACTIVE)
    states = task_states(clinic_id, active)
    # Two counts, each through its partial index (the items still to act on by due date, the
    # items waiting): one count of both would read every open task of the clinic.
    late, waiting = (
        db.session.scalar(select(func.count()).where(in_plan(states), condition))
        for condition in (overdue(states, today), awaiting(states))
    )
    return Figures(
        by_status.get(OnboardingStatus.ACTIVE, 0),
        by_status.get(OnboardingStatus.COMPLETED, 0),
        late,
        waiting,
    )


def expiring_credentials(clinic_id: int, scope: Select, today: date) -> list[ExpiringCredential]:
    """Each credential's latest standing card across its renewals, when it expires within 90
    days (a BLS card renewed on its renewal task supersedes the card on the original item).
    Each task's card is its newest live completion, which the task keeps (``done_id``)."""
    states = task_states(clinic_id, scope)
    card = aliased(OnboardingEvent)
    expires = card.payload["expires_on"].as_string()
    cards = db.session.execute(
        select(states.c.task_id, expires)
        .join(card, card.id == states.c.done_id)  # the task's newest live completion
        .where(
            card.clinic_id == clinic_id,  # through the clinic's credential events' index
            card.kind.in_(CREDENTIAL_KINDS),
            expires.is_not(None),
            expires != "",
            states.c.last_kind.in_([*DONE, *SIGNED]),  # standing
        )
        .order_by(card.onboarding_id, card.seq)
    ).all()
    renews = dict(
        db.session.execute(
            select(OnboardingTask.id, OnboardingTask.renewal_of_id).where(
                OnboardingTask.clinic_id == clinic_id,
                OnboardingTask.renewal_of_id.is_not(None),
                OnboardingTask.withdrawn_at.is_(None),
            )
        ).all()
    )
    parsed = [(task_id, date.fromisoformat(day)) for task_id, day in cards]
    latest = latest_expiries(parsed, renews, {task_id for task_id, _ in parsed})
    soon = {i: d for i, d in latest.items() if d <= today + timedelta(days=EXPIRY_DAYS)}
    found = [
        ExpiringCredential(name, title, soon[task_id], (soon[task_id] - today).days)
        for task_id, title, name in _titles(clinic_id, list(soon))
    ]
    return sorted(found, key=lambda c: (c.expires_on, c.hire))


def _titles(clinic_id: int, task_ids: list[int]) -> list[tuple[int, str, str]]:
    """Live tasks' titles with their hire's name (a withdrawn original is not listed)."""
    if not task_ids:
        return []
    return list(
        db.session.execute(
            select(OnboardingTask.id, OnboardingTask.title, User.display_name)
            .join(Onboarding, OnboardingTask.onboarding_id == Onboarding.id)
            .join(Membership, Onboarding.membership_id == Membership.id)
            .join(User, Membership.user_id == User.id)
            .where(
                OnboardingTask.clinic_id == clinic_id,
                OnboardingTask.id.in_(task_ids),
                OnboardingTask.withdrawn_at.is_(None),
            )
        ).all()
    )


def reattestations(clinic_id: int, scope: Select, today: date) -> list[ReattestationDue]:
    """Yearly sign-offs (privacy, WHMIS…) whose renewal is due within 90 days or overdue."""
    states = task_states(clinic_id, scope)
    rows = db.session.execute(
        select(User.display_name, OnboardingTask.title, states.c.due_date)
        .join(OnboardingTask, OnboardingTask.id == states.c.task_id)
        .join(Onboarding, Onboarding.id == states.c.onboarding_id)
        .join(Membership, Onboarding.membership_id == Membership.id)
        .join(User, Membership.user_id == User.id)
        .where(
            states.c.renewal_of_id.is_not(None),
            states.c.kind == "acknowledgement",
            to_act(states),
            states.c.due_date <= today + timedelta(days=COMING_DUE_DAYS),
        )
    ).all()
    found = [ReattestationDue(name, title, due, (due - today).days) for name, title, due in rows]
    return sorted(found, key=lambda r: (r.due_on, r.hire))
