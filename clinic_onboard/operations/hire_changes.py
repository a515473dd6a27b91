"""Changing a hire after they were added: name, email, start date, supervisor, plan language and
role; moving every hire of one supervisor to another; deleting a hire added by mistake.

Each verb flushes and writes an audit event with the values before and after; the view commits.
Dates move on the clinic's own calendar (``Clinic.calendar``, the one shared with daily logs):
a new start date re-dates only the items still open, through the planner's schedule, so done
and signed items keep their dates and every event stays as it was. A new role or language
changes what the plan is compared with: the differences then show on the hire's page and are
applied deliberately (``onboarding.apply_differences``: withdrawn, never deleted).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, func, select

from clinic_onboard import policy
from clinic_onboard.catalog import Catalog
from clinic_onboard.extensions import db
from clinic_onboard.models import (
    AppRole,
    Clinic,
    ClinicInvitation,
    ClinicRole,
    Membership,
    Onboarding,
    OnboardingEvent,
    OnboardingStatus,
    OnboardingTask,
    User,
)
from clinic_onboard.operations import audit
from clinic_onboard.operations.accounts import find_user, normalize_email
from clinic_onboard.operations.onboarding import (
    OnboardingError,
    check_not_own_supervisor,
    check_start_date,
    is_supervisor,
    plan_or_error,
)
from clinic_onboard.planner.schedule import Schedule
from clinic_onboard.queries.plans import snapshot_language
from clinic_onboard.queries.record import task_records
from clinic_onboard.record.states import STATEMENT_KINDS, TaskStatus

# Items a new start date moves: nothing done for them stands.
OPEN = frozenset({TaskStatus.NOT_STARTED, TaskStatus.NEEDS_PRACTICE})
LANGUAGES = ("en", "fr")


@dataclass(frozen=True)
class HireChange:
    """The hire's details as the manager left the form (unchanged ones included)."""

    name: str
    email: str
    start_date: date
    supervisor: User | None
    language: str
    role: ClinicRole


def change_hire(onboarding: Onboarding, actor: User, change: HireChange, library: Catalog) -> bool:
    """Apply every detail that differs; False when nothing did. Raises OnboardingError (with
    the form field) for a change the rules refuse, before anything is changed."""
    clinic = db.session.get(Clinic, onboarding.clinic_id)
    if onboarding.status is not OnboardingStatus.ACTIVE:
        raise OnboardingError(_("Only an onboarding in progress can be changed."))
    steps = _checked_steps(clinic, onboarding, change, library)
    for step in steps:
        step(actor)
    db.session.flush()
    return bool(steps)


def _checked_steps(
    clinic: Clinic, onboarding: Onboarding, change: HireChange, library: Catalog
) -> list[Callable[[User], None]]:
    """The changes to make, each a callable taking the actor, every one checked first."""
    user, steps = onboarding.membership.user, list[Callable[[User], None]]()
    if change.name.strip() != user.display_name:
        _check_account_is_ours(user, clinic, "name")
        steps.append(lambda actor: _rename(onboarding, actor, change.name.strip()))
    if normalize_email(change.email) != user.email:
        _check_email(user, clinic, change.email)
        steps.append(lambda actor: _new_email(onboarding, actor, normalize_email(change.email)))
    if change.supervisor is not onboarding.supervisor:
        _check_supervisor(clinic, user, change.supervisor)
        steps.append(lambda actor: set_supervisor(onboarding, actor, change.supervisor))
    if change.start_date != onboarding.start_date:
        if problem := check_start_date(change.start_date, clinic.today()):
            raise OnboardingError(problem, "start_date")
        plan_or_error(library, clinic, onboarding.role, change.start_date)
        steps.append(lambda actor: redate(onboarding, actor, change.start_date, library))
    if change.language != snapshot_language(onboarding):
        if change.language not in LANGUAGES:
            raise OnboardingError(_("Choose English or French."), "language")
        steps.append(lambda actor: _set_language(onboarding, actor, change.language))
    if change.role.id != onboarding.role_id:
        if change.role.clinic_id != clinic.id:
            raise OnboardingError(_("That role belongs to another clinic."), "role")
        steps.append(lambda actor: _set_role(onboarding, actor, change.role))
    return steps


def _check_account_is_ours(user: User, clinic: Clinic, field: str) -> None:
    """A person's name and email are theirs: only the clinic that made the account, and that
    alone uses it, may correct them (another clinic's pages would change under it)."""
    if not policy.account_is_clinics_own(user, clinic.id):
        raise OnboardingError(
            _(
                "This account is also used outside this clinic, or was not made here, so "
                "only its owner can change its name or email."
            ),
            field,
        )


def _check_email(user: User, clinic: Clinic, email: str) -> None:
    _check_account_is_ours(user, clinic, "email")
    if user.password_hash is not None:
        raise OnboardingError(
            _(
                "%(name)s has already chosen a password; their email is theirs to keep.",
                name=user.display_name,
            ),
            "email",
        )
    if find_user(email) is not None:
        raise OnboardingError(_("Another account already uses this email."), "email")


def _check_supervisor(clinic: Clinic, user: User, supervisor: User | None) -> None:
    if supervisor is not None and not is_supervisor(clinic, supervisor):
        message = _("The supervisor must be a supervisor or manager of this clinic.")
        raise OnboardingError(message, "supervisor")
    check_not_own_supervisor(user, supervisor)


def _log(onboarding: Onboarding, actor: User, action: str, before: Any, after: Any) -> None:
    subject = audit.hire_subject(onboarding)
    audit.record(onboarding.clinic_id, actor, action, subject, before, after)


def _rename(onboarding: Onboarding, actor: User, name: str) -> None:
    user = onboarding.membership.user
    before = user.display_name
    user.display_name = name
    _log(onboarding, actor, "hire.rename", {"name": before}, {"name": name})


def _new_email(onboarding: Onboarding, actor: User, email: str) -> None:
    """Earlier set-password links named the old address: rotating the token ends them."""
    user = onboarding.membership.user
    before = user.email
    user.email = email
    user.end_all_sessions()
    _log(onboarding, actor, "hire.email", {"email": before}, {"email": email})


def set_supervisor(onboarding: Onboarding, actor: User, supervisor: User | None) -> None:
    before = onboarding.supervisor.email if onboarding.supervisor else None
    onboarding.supervisor = supervisor
    after = supervisor.email if supervisor else None
    _log(onboarding, actor, "hire.supervisor", {"supervisor": before}, {"supervisor": after})


def _set_language(onboarding: Onboarding, actor: User, language: str) -> None:
    before = snapshot_language(onboarding)
    onboarding.profile = {**onboarding.profile, "language": language}
    _log(onboarding, actor, "hire.language", {"language": before}, {"language": language})


def _set_role(onboarding: Onboarding, actor: User, role: ClinicRole) -> None:
    before = onboarding.role.name
    onboarding.role = role
    _log(onboarding, actor, "hire.role", {"role": before}, {"role": role.name})


# --- re-dating -----------------------------------------------------------------------------------


def redate(onboarding: Onboarding, actor: User, start: date, library: Catalog) -> None:
    """Move the start date and the open items' due dates; done and signed items keep theirs."""
    clinic = db.session.get(Clinic, onboarding.clinic_id)
    plan = plan_or_error(library, clinic, onboarding.role, start, snapshot_language(onboarding))
    planned = {task.id: task.due_date for task in plan.tasks}
    old = Schedule.starting(clinic.calendar, onboarding.start_date)
    new = Schedule.starting(clinic.calendar, start)
    moved = 0
    for task in _open_tasks(onboarding):
        due = planned.get(task.item_id) or _shifted(task.due_date, old, new)
        if due != task.due_date:
            moved, task.due_date = moved + 1, due
    before = {"start_date": onboarding.start_date.isoformat()}
    onboarding.start_date = start
    after = {"start_date": start.isoformat(), "items_moved": moved}
    _log(onboarding, actor, "hire.start_date", before, after)


def _open_tasks(onboarding: Onboarding) -> Iterable[OnboardingTask]:
    """The plan's items nothing done stands for; renewals follow their credential instead."""
    records = task_records(onboarding)
    for task in onboarding.tasks:
        record = records.get(task.id)
        if record is not None and task.renewal_of_id is None and record.status in OPEN:
            yield task


def _shifted(due: date, old: Schedule, new: Schedule) -> date:
    """An item the role no longer plans keeps its distance from day 1, on an open day."""
    moved = due + (new.day_1 - old.day_1)
    return max(new.calendar.open_on_or_after(moved), new.day_1)


# --- reassigning ---------------------------------------------------------------------------------


def reassign_supervisor(
    clinic: Clinic, actor: User, old: User, new: User | None
) -> list[Onboarding]:
    """Give every onboarding in progress (and every waiting invitation) supervised by ``old``
    to ``new``; the onboardings moved, each audit-logged."""
    if new is not None and not is_supervisor(clinic, new):
        message = _("The supervisor must be a supervisor or manager of this clinic.")
        raise OnboardingError(message, "new")
    hires = list(
        db.session.scalars(
            select(Onboarding).where(
                Onboarding.clinic_id == clinic.id,
                Onboarding.supervisor_id == old.id,
                Onboarding.status == OnboardingStatus.ACTIVE,
            )
        )
    )
    moved = [o for o in hires if o.membership.user_id != (new.id if new else None)]
    for onboarding in moved:
        set_supervisor(onboarding, actor, new)
    for invitation in _invitations_supervised(clinic, old):
        invitation.supervisor = new
    db.session.flush()
    return moved


def _invitations_supervised(clinic: Clinic, supervisor: User) -> list[ClinicInvitation]:
    query = select(ClinicInvitation).where(
        ClinicInvitation.clinic_id == clinic.id, ClinicInvitation.supervisor_id == supervisor.id
    )
    return list(db.session.scalars(query))


# --- deleting a mistake -------------------------------------------------------------------------


def recorded_anything(onboarding: Onboarding) -> bool:
    """True once any event beyond the record's own statements exists (a completion, a
    sign-off, a correction): from then on the record is kept, whatever happens."""
    query = select(func.count()).where(
        OnboardingEvent.onboarding_id == onboarding.id,
        OnboardingEvent.kind.not_in([kind.value for kind in STATEMENT_KINDS]),
    )
    return bool(db.session.scalar(query))


def delete_hire(onboarding: Onboarding, actor: User) -> None:
    """Delete a hire added by mistake, with their plan; refused once anything is recorded.

    The membership goes too when it only existed for this plan (staff, no other onboarding),
    and the account when this clinic made it, nobody used it and it belongs nowhere else.
    The audit entry keeps who, what and when.
    """
    if recorded_anything(onboarding):
        raise OnboardingError(
            _(
                "Something is already recorded for %(name)s, so the record is kept: it can "
                "no longer be deleted.",
                name=onboarding.membership.user.display_name,
            )
        )
    membership, clinic_id = onboarding.membership, onboarding.clinic_id
    user = membership.user
    facts = {
        "email": user.email,
        "role": onboarding.role.name,
        "start_date": onboarding.start_date.isoformat(),
    }
    _log(onboarding, actor, "hire.delete", facts, None)
    # Only the record's opening statement exists (checked above): it goes with the plan.
    opened = OnboardingEvent.onboarding_id == onboarding.id
    db.session.execute(delete(OnboardingEvent).where(opened))
    db.session.delete(onboarding)
    db.session.flush()
    if membership.role == AppRole.STAFF and not _other_onboardings(membership):
        db.session.delete(membership)
        db.session.flush()
        if policy.account_is_clinics_own(user, clinic_id) and user.password_hash is None:
            db.session.delete(user)
    db.session.flush()


def _other_onboardings(membership: Membership) -> bool:
    query = select(func.count()).where(Onboarding.membership_id == membership.id)
    return bool(db.session.scalar(query))
