"""Progress of onboardings for the dashboard: pure folds over tasks and their events."""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from clinic_onboard.record.states import EventKind, TaskEvent, TaskStatus, is_finished, task_status

EXPIRY_WINDOWS = (30, 60, 90)
HIRE_TO_ACT = frozenset({TaskStatus.NOT_STARTED, TaskStatus.NEEDS_PRACTICE, TaskStatus.REJECTED})


class ModuleProgress(StrEnum):
    """Where a hire stands in one module: a cell of the dashboard's and the summary's matrix."""

    DONE = "done"
    OVERDUE = "overdue"
    IN_PROGRESS = "in_progress"
    NOT_STARTED = "not_started"


@dataclass(frozen=True)
class TaskFacts:
    id: int
    module: str
    module_title: str
    due_date: date
    needs_signoff: bool


@dataclass(frozen=True)
class Progress:
    total: int
    finished: int
    awaiting_signoff: int
    overdue: int
    module_cells: Mapping[str, ModuleProgress]  # by module id

    @property
    def percent(self) -> int:
        return round(100 * self.finished / self.total) if self.total else 100


def statuses(
    tasks: Sequence[TaskFacts], events: Sequence[TaskEvent], task_of: Mapping[int, int]
) -> dict[int, TaskStatus]:
    """Each task's status; ``task_of`` maps event id to task id (voids apply everywhere)."""
    voids = [e for e in events if e.kind == EventKind.VOIDED]
    by_task: dict[int, list[TaskEvent]] = {t.id: [] for t in tasks}
    for event in events:
        if event.id in task_of and task_of[event.id] in by_task:
            by_task[task_of[event.id]].append(event)
    return {t.id: task_status([*by_task[t.id], *voids], t.needs_signoff) for t in tasks}


def progress(tasks: Sequence[TaskFacts], status: Mapping[int, TaskStatus], today: date) -> Progress:
    # Overdue means the hire still has to act; an item waiting for sign-off is counted there.
    overdue = {t.id for t in tasks if t.due_date < today and status[t.id] in HIRE_TO_ACT}
    return Progress(
        total=len(tasks),
        finished=sum(is_finished(status[t.id]) for t in tasks),
        awaiting_signoff=sum(status[t.id] is TaskStatus.AWAITING_SIGNOFF for t in tasks),
        overdue=len(overdue),
        module_cells=_module_cells(tasks, status, overdue),
    )


def _module_cells(
    tasks: Iterable[TaskFacts], status: Mapping[int, TaskStatus], overdue: set[int]
) -> dict[str, ModuleProgress]:
    grouped: dict[str, list[TaskFacts]] = {}
    for task in tasks:
        grouped.setdefault(task.module, []).append(task)
    return {module: _cell(items, status, overdue) for module, items in grouped.items()}


def _cell(
    items: list[TaskFacts], status: Mapping[int, TaskStatus], overdue: set[int]
) -> ModuleProgress:
    if all(is_finished(status[t.id]) for t in items):
        return ModuleProgress.DONE
    if any(t.id in overdue for t in items):
        return ModuleProgress.OVERDUE
    if any(status[t.id] is not TaskStatus.NOT_STARTED for t in items):
        return ModuleProgress.IN_PROGRESS
    return ModuleProgress.NOT_STARTED


def expiry_window(expires_on: date, today: date) -> int | None:
    """0 for expired, else the smallest window (30/60/90 days) it falls in, else None."""
    days = (expires_on - today).days
    if days < 0:
        return 0
    return next((window for window in EXPIRY_WINDOWS if days <= window), None)
