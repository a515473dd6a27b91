"""Who is told what: every reminder item of every clinic, for the day given.

- the hire: their own items due within a week or overdue (renewals included, also after the
  onboarding is complete) and their own credentials in an expiry window or expired;
- the person expected to sign: items waiting for sign-off (a "supervisor" item goes to the
  hire's supervisor, or to the managers when the hire has none; a "manager" item to the
  managers), always filtered by the app's sign-off rule (``policy.can_sign_off``) so nobody
  is asked to sign their own;
- the clinic's managers: one line per hire with overdue items (how many, since when, and a link
  to the hire's page), every credential in a window, and each clinic log not recorded on the
  previous open day, of their clinic only (a manager is never told about themselves twice).
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date

from clinic_onboard.policy import AppRole, can_sign_off
from clinic_onboard.record.progress import HIRE_TO_ACT
from clinic_onboard.record.renewals import latest_expiries
from clinic_onboard.record.states import TaskStatus
from clinic_onboard.reminders.model import (
    Credential,
    Hire,
    Item,
    Kind,
    Link,
    LogGap,
    Snapshot,
    Task,
)
from clinic_onboard.reminders.stages import credential_stage, due_stage, waiting_stage

MY_PAGE = Link("my.index")
DASHBOARD = Link("dashboard.index")


class _Clinics:
    """Who holds which role where, for looking up recipients."""

    def __init__(self, snapshot: Snapshot) -> None:
        self.role = {(m.user_id, m.clinic_id): m.role for m in snapshot.members}
        self.managers: dict[int, list[int]] = defaultdict(list)
        for member in snapshot.members:
            if member.role == AppRole.MANAGER:
                self.managers[member.clinic_id].append(member.user_id)

    def managers_except(self, hire: Hire) -> list[int]:
        return [user for user in self.managers[hire.clinic_id] if user != hire.user_id]


def reminder_items(snapshot: Snapshot, today: date) -> list[Item]:
    """Every item worth telling someone today, for people who can receive email."""
    hires = {hire.onboarding_id: hire for hire in snapshot.hires}
    clinics = _Clinics(snapshot)
    found: list[Item] = []
    overdue: dict[int, list[Task]] = defaultdict(list)
    for task in snapshot.tasks:
        hire = hires.get(task.onboarding_id)
        if hire is not None:
            found += _task_items(task, hire, today, overdue)
            found += _signoff_items(task, hire, today, clinics)
    for onboarding_id, late in overdue.items():
        found += _staff_overdue(hires[onboarding_id], late, today, clinics)
    found += [item for gap in snapshot.log_gaps for item in _gap_items(gap, clinics)]
    for credential in latest_credentials(snapshot):
        hire = hires.get(credential.onboarding_id)
        if hire is not None:
            found += _credential_items(credential, hire, today, clinics)
    return [item for item in found if item.recipient_id in snapshot.people]


def latest_credentials(snapshot: Snapshot) -> list[Credential]:
    """Each credential's latest card across its renewals (a renewed card supersedes the first)."""
    tasks = {task.id: task for task in snapshot.tasks}
    cards = sorted(snapshot.credentials, key=lambda r: r.seq)
    latest = latest_expiries(
        ((card.task_id, card.expires_on) for card in cards),
        {task.id: task.renewal_of_id for task in snapshot.tasks},
        {task.id for task in snapshot.tasks if task.status not in HIRE_TO_ACT},
    )
    return [
        Credential(root, tasks[root].onboarding_id, tasks[root].title, expires_on)
        for root, expires_on in latest.items()
        if root in tasks
    ]


def _task_items(task: Task, hire: Hire, today: date, overdue: dict[int, list[Task]]) -> list[Item]:
    """The hire's own item; an overdue one is also noted for the managers' summary."""
    stage = due_stage(task.due_date, today)
    if task.status not in HIRE_TO_ACT or stage is None:
        return []
    late = stage.startswith("overdue")
    if late:
        overdue[hire.onboarding_id].append(task)
    about = _About(hire, f"task:{task.id}", stage, task.title, task.due_date)
    return [about.to(hire.user_id, Kind.OVERDUE if late else Kind.DUE_SOON, MY_PAGE)]


def _staff_overdue(hire: Hire, late: list[Task], today: date, clinics: _Clinics) -> list[Item]:
    """One line per hire for the managers: how many items are overdue and the oldest's date,
    linking to the hire's page. News again each week the oldest stays overdue, or when the
    number changes."""
    oldest = min(task.due_date for task in late)
    stage = f"{len(late)}:{due_stage(oldest, today)}"
    key = f"hire:{hire.onboarding_id}:overdue"
    page = Link("staff.hire", (("onboarding_id", hire.onboarding_id),))
    about = _About(hire, key, stage, hire.name, oldest)
    return [
        replace(about.to(m, Kind.STAFF_OVERDUE, page), hire_name=None, count=len(late))
        for m in clinics.managers_except(hire)
    ]


def _gap_items(gap: LogGap, clinics: _Clinics) -> list[Item]:
    """Each manager of the clinic hears once of a log not recorded on an open day."""
    page = Link("logs.month", (("unit_id", gap.unit_id),))
    key = f"log:{gap.unit_id}:{gap.day.isoformat()}"
    return [
        Item(
            recipient_id=manager,
            clinic_id=gap.clinic_id,
            clinic_name=gap.clinic_name,
            kind=Kind.LOG_GAP,
            key=key,
            stage="missed",
            title=gap.unit_name,
            when=gap.day,
            link=page,
            count=gap.sessions,
        )
        for manager in clinics.managers[gap.clinic_id]
    ]


def _signoff_items(task: Task, hire: Hire, today: date, clinics: _Clinics) -> list[Item]:
    if task.status is not TaskStatus.AWAITING_SIGNOFF or task.completed_on is None:
        return []
    key = f"task:{task.id}:completion:{task.completion_id}"
    stage = waiting_stage(task.completed_on, today)
    about = _About(hire, key, stage, task.title, task.completed_on)
    page = Link("signoffs.task", (("task_id", task.id),))
    return [about.to(signer, Kind.SIGNOFF, page) for signer in _signers(task, hire, clinics)]


def _signers(task: Task, hire: Hire, clinics: _Clinics) -> list[int]:
    """The supervisor for their items, else the managers; only those the rule lets sign."""

    def may(user_id: int | None) -> bool:
        role = clinics.role.get((user_id, hire.clinic_id)) if user_id is not None else None
        return role is not None and can_sign_off(
            role, user_id, hire.user_id, hire.supervisor_id, task.signoff
        )

    if task.signoff == "supervisor" and may(hire.supervisor_id):
        return [hire.supervisor_id]  # type: ignore[list-item]  # may() checked it is set
    return [manager for manager in clinics.managers[hire.clinic_id] if may(manager)]


def _credential_items(
    credential: Credential, hire: Hire, today: date, clinics: _Clinics
) -> list[Item]:
    stage = credential_stage(credential.expires_on, today)
    if stage is None:
        return []
    key = f"credential:{credential.root_id}"
    about = _About(hire, key, stage, credential.title, credential.expires_on)
    found = [about.to(hire.user_id, Kind.EXPIRING, MY_PAGE)]
    found += [about.to(m, Kind.STAFF_EXPIRING, DASHBOARD) for m in clinics.managers_except(hire)]
    return found


@dataclass(frozen=True)
class _About:
    """What an item is about, before choosing whom to tell and which page to link."""

    hire: Hire
    key: str
    stage: str
    title: str
    when: date

    def to(self, recipient: int, kind: Kind, link: Link) -> Item:
        """Staff kinds and sign-offs name the hire; the hire's own items need not."""
        hire = self.hire
        named = hire.name if recipient != hire.user_id else None
        return Item(
            recipient,
            hire.clinic_id,
            hire.clinic_name,
            kind,
            self.key,
            self.stage,
            self.title,
            self.when,
            link,
            named,
        )


def by_recipient(items: Iterable[Item]) -> dict[int, list[Item]]:
    grouped: dict[int, list[Item]] = defaultdict(list)
    for item in items:
        grouped[item.recipient_id].append(item)
    return grouped
