"""The sign-off queue: one page of the items waiting for a signer, in five queries whatever the
number of hires or of waiting items.

The database decides which items wait for the signer (``policy.may_sign`` as a query: their
scope, the item's sign-off rule, never their own item), narrows them by the filters, counts
and orders them and cuts the page, so the page's time follows the page, not the clinic.
"""

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import Select, Subquery, func, or_, select
from sqlalchemy.orm import defer, joinedload

from clinic_onboard import policy
from clinic_onboard.extensions import db
from clinic_onboard.models import (
    Membership,
    Onboarding,
    OnboardingEvent,
    OnboardingStatus,
    OnboardingTask,
    User,
)
from clinic_onboard.queries.hire_summaries import PAGE_SIZE
from clinic_onboard.queries.task_states import awaiting, task_states

_LARGEST_ID = 2**31 - 1  # PostgreSQL's integer


@dataclass(frozen=True)
class QueueRow:
    onboarding: Onboarding
    task: OnboardingTask
    completion: OnboardingEvent | None


@dataclass(frozen=True)
class QueueFilter:
    """What the signer narrowed the queue to: one hire (an onboarding id), one item kind,
    whether the rows run by due date rather than by completion, and the page."""

    hire: int | None = None
    kind: str | None = None
    by_due_date: bool = False
    page: int = 1


@dataclass(frozen=True)
class QueuePage:
    """One page of the filtered queue, with what the filters offer and the counts: ``waiting``
    is every item waiting for the signer, ``total`` those the filters keep."""

    rows: list[QueueRow]
    waiting: int
    total: int
    page: int
    hires: list[tuple[int, str]]  # (onboarding id, name) of the hires with items waiting
    kinds: list[str]

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))


def queue_page(signer: Membership, filters: QueueFilter) -> QueuePage:
    """The page ``filters`` asks for (the last one when it asks past the end), oldest
    completion first or earliest due date first, with the counts and the filters' choices."""
    states = _signable(signer)
    groups = _groups(states)
    total = sum(g.count for g in groups if _keeps(filters, g))
    page = min(max(filters.page, 1), max(1, -(-total // PAGE_SIZE)))
    hires = {(g.onboarding_id, g.hire_name) for g in groups}
    return QueuePage(
        rows=_rows(_page_ids(states, filters, page)),
        waiting=sum(g.count for g in groups),
        total=total,
        page=page,
        hires=sorted(hires, key=lambda pair: (pair[1].lower(), pair[0])),
        kinds=sorted({g.kind for g in groups}),
    )


def awaiting_signoff(signer: Membership, task_ids: Collection[int] | None = None) -> list[QueueRow]:
    """The items waiting for ``signer``'s sign-off, oldest completion first: those among
    ``task_ids`` (what a batch signs), or every one when none are named."""
    states = _signable(signer)
    query = _ordered(states, by_due_date=False)
    if task_ids is not None:
        # A posted id no id column can hold is no item (rather than the database's error).
        query = query.where(states.c.task_id.in_(_storable(task_ids)))
    return _rows(list(db.session.execute(query)))


def _storable(ids: Iterable[int]) -> list[int]:
    """The posted ids an id column can hold: any other is no item (not the database's error)."""
    return sorted(i for i in ids if 0 < i <= _LARGEST_ID)


def _signable(signer: Membership) -> Subquery:
    """Every item waiting for this signer's sign-off, with its hire's name: ``may_sign`` as a
    query (tests/web/test_signoff_queue_pages.py checks they agree for every member).

    Completed onboardings count only while a renewal of theirs, or an acknowledgement signed
    again for a new version of the clinic's document, is waiting."""
    scope = select(Onboarding.id).where(Onboarding.clinic_id == signer.clinic_id)
    if not policy.signs_for_every_hire(signer.role):
        scope = scope.where(Onboarding.supervisor_id == signer.user_id)
    states = task_states(signer.clinic_id, scope)
    query = (
        select(
            states.c.task_id,
            states.c.onboarding_id,
            states.c.last_event_id,
            states.c.kind,
            states.c.due_date,
            User.display_name.label("hire_name"),
        )
        .join(Onboarding, Onboarding.id == states.c.onboarding_id)
        .join(Membership, Membership.id == Onboarding.membership_id)
        .join(User, User.id == Membership.user_id)
        .where(awaiting(states), states.c.signoff.in_(sorted(policy.SIGNS[signer.role])))
        .where(
            Membership.user_id != signer.user_id,  # nobody signs their own items
            or_(
                Onboarding.status == OnboardingStatus.ACTIVE,
                states.c.renewal_of_id.is_not(None),
                # Signed again after a new version of the clinic's document (nothing else
                # waits in a completed record).
                states.c.kind == "acknowledgement",
            ),
            Onboarding.status != OnboardingStatus.LEFT,  # a person who left signs nothing more
        )
    )
    return query.subquery("signable")


class _Group(NamedTuple):
    """How many items of one kind wait for one hire."""

    onboarding_id: int
    hire_name: str
    kind: str
    count: int


def _groups(states: Subquery) -> list[_Group]:
    """The waiting items counted by hire and kind: the counts and the filters' choices in one
    grouped query (a few rows per hire, never one per item)."""
    columns = (states.c.onboarding_id, states.c.hire_name, states.c.kind)
    query = select(*columns, func.count()).group_by(*columns)
    return [_Group(*row) for row in db.session.execute(query)]


def _keeps(filters: QueueFilter, group: _Group) -> bool:
    return filters.hire in (None, group.onboarding_id) and filters.kind in (None, group.kind)


def _ordered(states: Subquery, by_due_date: bool) -> Select:
    """(task, onboarding, completion event) of the items, oldest completion or earliest due
    date first (the item's id breaks ties, so pages never overlap). Events take their ids in
    the order they are appended, so the oldest completion has the lowest id: the order needs
    no event row, only the waiting items' index."""
    query = select(states.c.task_id, states.c.onboarding_id, states.c.last_event_id)
    first = states.c.due_date if by_due_date else states.c.last_event_id
    return query.order_by(first, states.c.task_id)


def _page_ids(states: Subquery, filters: QueueFilter, page: int) -> list[tuple[int, int, int]]:
    """The page's items, narrowed as the filters ask."""
    query = _ordered(states, filters.by_due_date)
    if filters.hire is not None:
        query = query.where(states.c.onboarding_id == filters.hire)
    if filters.kind is not None:
        query = query.where(states.c.kind == filters.kind)
    return list(db.session.execute(query.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)))


def _rows(ids: list) -> list[QueueRow]:
    """The items, their hires (with names) and completions of ``ids``, in that order: three
    queries (none when there are no ids)."""
    tasks = _by_id(OnboardingTask, [task_id for task_id, _, _ in ids], _LEAN_TASK)
    onboardings = _by_id(Onboarding, {o for _, o, _ in ids}, _HIRE_NAME)
    events = _by_id(OnboardingEvent, [event_id for _, _, event_id in ids], ())
    return [QueueRow(onboardings[o], tasks[t], events.get(e)) for t, o, e in ids]


# No guidance text: the queue shows titles only.
_LEAN_TASK = (defer(OnboardingTask.guidance),)
_HIRE_NAME = (joinedload(Onboarding.membership).joinedload(Membership.user),)


def _by_id(model: type, ids: Iterable[int], options: tuple) -> dict:
    """Rows of ``model`` by id, in one query (none when there are no ids)."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    query = select(model).where(model.id.in_(wanted)).options(*options)
    return {row.id: row for row in db.session.scalars(query).unique()}


def named_tasks(clinic_id: int, ids: Collection[int]) -> list[OnboardingTask]:
    """The clinic's items among ``ids`` with their hire: a batch names the ones it skipped."""
    if not ids:
        return []
    query = (
        select(OnboardingTask)
        .where(OnboardingTask.clinic_id == clinic_id, OnboardingTask.id.in_(_storable(ids)))
        .options(
            joinedload(OnboardingTask.onboarding)
            .joinedload(Onboarding.membership)
            .joinedload(Membership.user)
        )
    )
    return list(db.session.scalars(query).unique())
