"""Starting a hire's onboarding, and bringing an existing plan up to date deliberately.

``start_onboarding`` stores the generated plan as a snapshot (tasks and duties copied, with the
library version and clinic profile they came from). Later library, role or profile edits never
touch it: ``queries.plans.plan_differences`` compares it with what the role gives today, and only
``apply_differences`` changes it, item by item, with an audit event for each.
"""

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import insert, select

from clinic_onboard import policy
from clinic_onboard.catalog import Catalog
from clinic_onboard.extensions import db
from clinic_onboard.models import (
    AppRole,
    Clinic,
    ClinicRole,
    Membership,
    Onboarding,
    OnboardingDuty,
    OnboardingStatus,
    OnboardingTask,
    User,
)
from clinic_onboard.models.onboarding import ONBOARDING
from clinic_onboard.operations import audit, plan_verdicts, record
from clinic_onboard.operations.accounts import add_member, create_user, find_user
from clinic_onboard.planner import Plan, PlannedDuty, PlannedTask
from clinic_onboard.queries.plan_inputs import plan_for
from clinic_onboard.queries.plans import (
    DUTY_FIELDS,
    TASK_FIELDS,
    ItemChange,
    PlanDifferences,
    plan_differences,
    plan_problem,
)
from clinic_onboard.services import library

# A hire may be recorded a year late or planned two years ahead; anything wider is a typo.
EARLIEST_START = timedelta(days=366)
LATEST_START = timedelta(days=2 * 366)


class OnboardingError(ValueError):
    """The hire cannot be started or changed; the message says why, ``field`` which answer."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


# --- starting ------------------------------------------------------------------------------------


def check_start_date(start: date, today: date | None = None) -> str | None:
    """A message when ``start`` is implausibly far from today, else None."""
    today = today or date.today()
    if start < today - EARLIEST_START:
        return _("The start date is more than a year ago; check the year.")
    if start > today + LATEST_START:
        return _("The start date is more than two years away; check the year.")
    return None


def is_supervisor(clinic: Clinic, user: User) -> bool:
    """True when ``user`` may supervise hires in ``clinic`` (a supervisor or manager there)."""
    membership = membership_in(clinic, user)
    if membership is None or membership.has_left:
        return False
    return policy.can_supervise(membership.role)


def start_onboarding(
    clinic: Clinic,
    actor: User,
    *,
    name: str,
    email: str,
    role: ClinicRole,
    start_date: date,
    supervisor: User | None,
    catalog: Catalog | None = None,
    app_role: AppRole = AppRole.STAFF,
    language: str | None = None,
) -> Onboarding:
    """Add a hire with a new account, or a member of this clinic, and snapshot their plan.

    An account that is not this clinic's is never taken in here: ``clinic_invitations.add_hire``
    invites it instead, since joining a clinic is the person's choice.
    """
    check_new_hire(clinic, role, start_date, supervisor)
    catalog = catalog or library.catalog()
    plan = plan_or_error(catalog, clinic, role, start_date, language)
    user = find_user(email)
    created = user is None
    if user is None:
        user = create_user(email, name, None, created_by=clinic)
    check_not_own_supervisor(user, supervisor)
    membership = _hire_membership(clinic, actor, user, created, app_role)
    onboarding = snapshot_plan(
        membership, actor, role, start_date, supervisor, plan, new_account=created
    )
    plan_verdicts.refresh([onboarding], catalog)  # the staff list reads it (not behind)
    return onboarding


def snapshot_plan(
    membership: Membership,
    actor: User,
    role: ClinicRole,
    start_date: date,
    supervisor: User | None,
    plan: Plan,
    *,
    new_account: bool,
    kind: str = ONBOARDING,
) -> Onboarding:
    """Store ``plan`` as the member's onboarding (the snapshot later edits never rewrite), or
    with ``kind`` OFFBOARDING as the checklist of their leaving."""
    clinic_id, user = membership.clinic_id, membership.user
    onboarding = Onboarding(
        kind=kind,
        clinic_id=clinic_id,
        membership=membership,
        role=role,
        supervisor=supervisor,
        start_date=start_date,
        status=OnboardingStatus.ACTIVE,
        catalog_version=plan.catalog_version,
        profile=profile_dict(plan, role),
    )
    db.session.add(onboarding)
    db.session.flush()
    # Written as two bulk INSERTs, not as ORM objects: a plan's hundred-odd rows would
    # otherwise each pass through the unit of work (most of a CSV import's time per hire).
    where = {"clinic_id": clinic_id, "onboarding_id": onboarding.id}
    tasks = [_values(t, TASK_FIELDS, where, position=i) for i, t in enumerate(plan.tasks)]
    duties = [_values(d, DUTY_FIELDS, where, position=i) for i, d in enumerate(plan.duties)]
    for model, rows in ((OnboardingTask, tasks), (OnboardingDuty, duties)):
        if rows:
            # NULLs written as such, so every row has the same columns: one executemany.
            db.session.execute(insert(model).execution_options(render_nulls=True), rows)
    record.open_record(onboarding, membership_in(membership.clinic, actor))
    facts = {
        "email": user.email,
        "new_account": new_account,
        "role": role.name,
        "start_date": start_date.isoformat(),
        "supervisor": supervisor.email if supervisor else None,
        "catalog_version": plan.catalog_version,
        "tasks": len(plan.tasks),
        "duties": len(plan.duties),
    }
    audit.record(clinic_id, actor, f"{kind}.start", audit.hire_subject(onboarding), None, facts)
    return onboarding


def check_not_own_supervisor(user: User, supervisor: User | None) -> None:
    if user is supervisor:
        raise OnboardingError(_("A hire cannot be their own supervisor."), "supervisor")


def check_new_hire(
    clinic: Clinic, role: ClinicRole, start_date: date, supervisor: User | None
) -> None:
    if role.clinic_id != clinic.id:
        raise OnboardingError(_("That role belongs to another clinic."), "role")
    if role.archived_at is not None:
        raise OnboardingError(_("That role is archived: it takes no new hires."), "role")
    if supervisor is not None and not is_supervisor(clinic, supervisor):
        message = _("The supervisor must be a supervisor or manager of this clinic.")
        raise OnboardingError(message, "supervisor")
    if problem := check_start_date(start_date):
        raise OnboardingError(problem, "start_date")


def plan_or_error(
    catalog: Catalog, clinic: Clinic, role: ClinicRole, start: date, lang: str | None = None
) -> Plan:
    """Today's plan for ``role``; a library that no longer knows the role is a clear error."""
    try:
        # the clinic's date, as plan_differences dates the onboarding's created_at
        made = clinic.today()
        return plan_for(catalog, clinic, role, start, lang=lang, created_on=made)
    except ValueError as error:
        raise OnboardingError(plan_problem(role, error), "role") from error


def _hire_membership(
    clinic: Clinic, actor: User, user: User, created: bool, app_role: AppRole = AppRole.STAFF
) -> Membership:
    """The person's membership here: a new one in ``app_role`` for a new account, or theirs
    if they have no open plan. Anyone else must be invited (``clinic_invitations.add_hire``)."""
    membership = membership_in(clinic, user)
    if membership is None and not created:
        raise OnboardingError(_("This person has an account: invite them instead."), "email")
    if membership is not None and membership.has_left:
        message = _(
            "%(name)s left this clinic: bring them back from their page.", name=user.display_name
        )
        raise OnboardingError(message, "email")
    if membership is None:
        membership = add_member(user, clinic, app_role)
        db.session.flush()
        after = {"email": user.email, "role": app_role.value}
        audit.record(clinic.id, actor, "member.add", user.display_name, None, after)
        return membership
    if _active_onboarding(membership) is not None:
        message = _(
            "%(name)s (%(email)s) already has an onboarding in progress here.",
            name=user.display_name,
            email=user.email,
        )
        raise OnboardingError(message, "email")
    return membership


def membership_in(clinic: Clinic, user: User) -> Membership | None:
    if user.id is None:
        return None
    query = select(Membership).where(
        Membership.clinic_id == clinic.id, Membership.user_id == user.id
    )
    return db.session.scalar(query)


def _active_onboarding(membership: Membership) -> Onboarding | None:
    query = select(Onboarding).where(
        Onboarding.membership_id == membership.id,
        Onboarding.status == OnboardingStatus.ACTIVE,
    )
    return db.session.scalars(query).first()


def profile_dict(plan: Plan, role: ClinicRole) -> dict[str, Any]:
    """What the plan was generated from, kept with the snapshot."""
    return {
        "province": plan.profile.province,
        "setting": plan.profile.setting,
        "emr": plan.profile.emr,
        "options": sorted(plan.profile.options),
        "role_template": role.template,
        "role_name": role.name,
        "switched_off": sorted(entry.id for entry in plan.switched_off),
        "language": plan.language,
    }


def _task_row(clinic_id: int, position: int, task: PlannedTask) -> OnboardingTask:
    row = OnboardingTask(
        clinic_id=clinic_id,
        item_id=task.id,
        position=position,
        module=task.module,
        custom=task.custom,
    )
    _copy(task, row, TASK_FIELDS)
    return row


def _duty_row(clinic_id: int, position: int, duty: PlannedDuty) -> OnboardingDuty:
    row = OnboardingDuty(
        clinic_id=clinic_id, item_id=duty.id, position=position, module=duty.module
    )
    _copy(duty, row, DUTY_FIELDS)
    return row


def _values(
    entry: PlannedTask | PlannedDuty, names: Iterable[str], where: dict[str, int], position: int
) -> dict[str, Any]:
    """The column values of ``entry``'s row at ``position`` of the plan ``where`` names."""
    values = {name: getattr(entry, name) for name in names}
    if "references" in values:
        values["references"] = list(values["references"])
    if isinstance(entry, PlannedTask):
        values["custom"] = entry.custom
    return {**where, "item_id": entry.id, "position": position, "module": entry.module, **values}


def _copy(source: PlannedTask | PlannedDuty, row: Any, names: Iterable[str]) -> None:
    for name in names:
        value = getattr(source, name)
        setattr(row, name, list(value) if name == "references" else value)


# --- applying ------------------------------------------------------------------------------------


def apply_differences(
    onboarding: Onboarding, actor: User, catalog: Catalog, expected: str | None = None
) -> PlanDifferences:
    """Bring the snapshot up to today's plan: add, withdraw (never delete) and update tasks.

    ``expected`` is the fingerprint of the differences the manager saw; if the role, library
    or clinic changed since, nothing is applied and OnboardingError says to look again.
    """
    differences = plan_differences(onboarding, catalog)
    if differences.problem:
        raise OnboardingError(differences.problem)
    plan = differences._plan
    if plan is None:
        raise OnboardingError(_("Only an onboarding in progress can be brought up to date."))
    if expected is not None and expected != differences.fingerprint():
        raise OnboardingError(
            "The role, the library or the clinic changed since that page was shown. "
            "Check the differences below, then apply them again."
        )
    log = _Recorder(onboarding, actor)
    now = datetime.now(UTC)
    rewritten = _apply_tasks(onboarding, plan, differences, log, now)
    _apply_duties(onboarding, plan, differences, log)
    before = {"catalog_version": onboarding.catalog_version, "profile": onboarding.profile}
    onboarding.catalog_version = plan.catalog_version
    onboarding.profile = profile_dict(plan, onboarding.role)
    after = {"catalog_version": onboarding.catalog_version, "profile": onboarding.profile}
    log("onboarding.apply_differences", before, after)
    if rewritten or differences.removed_tasks:
        # The record states the items' new text and rule, so only edits outside the app show.
        manager = membership_in(db.session.get(Clinic, onboarding.clinic_id), actor)
        record.record_plan_update(onboarding, manager, rewritten, differences.removed_tasks)
    db.session.flush()
    plan_verdicts.refresh([onboarding], catalog)  # the staff list reads it (up to date now)
    return differences


class _Recorder:
    """Audit events for one onboarding, each naming the hire and the item."""

    def __init__(self, onboarding: Onboarding, actor: User) -> None:
        self.onboarding, self.actor = onboarding, actor

    def __call__(
        self, action: str, before: dict[str, Any] | None, after: dict[str, Any] | None
    ) -> None:
        subject = audit.hire_subject(self.onboarding)
        audit.record(self.onboarding.clinic_id, self.actor, action, subject, before, after)


def _apply_tasks(
    onboarding: Onboarding,
    plan: Plan,
    differences: PlanDifferences,
    record: _Recorder,
    now: datetime,
) -> list[OnboardingTask]:
    """Add, reinstate, withdraw and update the tasks; the rows added, reinstated or updated."""
    rows = {t.item_id: t for t in onboarding.tasks}
    rewritten = []
    for task in differences.added_tasks:
        row = rows.get(task.id)
        if row is None:
            row = _task_row(onboarding.clinic_id, 0, task)
            onboarding.tasks.append(row)
            record("onboarding.task_add", None, _task_facts(row))
        else:  # withdrawn earlier, back in the plan: reinstate the same row
            before = _task_facts(row)
            row.withdrawn_at = None
            _copy(task, row, TASK_FIELDS)
            record("onboarding.task_reinstate", before, _task_facts(row))
        rewritten.append(row)
    for row in differences.removed_tasks:
        row.withdrawn_at = now
        record("onboarding.task_withdraw", _task_facts(row), {"withdrawn_at": now.isoformat()})
    for change in differences.changed_tasks:
        _update(rows[change.item_id], _plan_entry(plan.tasks, change.item_id), change, record)
        rewritten.append(rows[change.item_id])
    _renumber(onboarding.tasks, [t.id for t in plan.tasks])
    return rewritten


def _apply_duties(
    onboarding: Onboarding, plan: Plan, differences: PlanDifferences, record: _Recorder
) -> None:
    rows = {d.item_id: d for d in onboarding.duties}
    for duty in differences.added_duties:
        row = _duty_row(onboarding.clinic_id, 0, duty)
        onboarding.duties.append(row)
        record("onboarding.duty_add", None, _duty_facts(row))
    for row in differences.removed_duties:
        # Duties carry no progress and have no withdrawn mark; the audit event keeps the row.
        record("onboarding.duty_remove", _duty_facts(row), None)
        onboarding.duties.remove(row)
    for change in differences.changed_duties:
        _update(rows[change.item_id], _plan_entry(plan.duties, change.item_id), change, record)
    _renumber(onboarding.duties, [d.id for d in plan.duties])


def _plan_entry(entries: Sequence[Any], item_id: str) -> Any:
    return next(entry for entry in entries if entry.id == item_id)


def _update(
    row: Any, entry: PlannedTask | PlannedDuty, change: ItemChange, record: _Recorder
) -> None:
    before = {name: _jsonable(getattr(row, name)) for name in change.fields}
    _copy(entry, row, change.fields)
    after = {name: _jsonable(getattr(row, name)) for name in change.fields}
    kind = "task" if isinstance(row, OnboardingTask) else "duty"
    record(f"onboarding.{kind}_update", {"item_id": row.item_id, **before}, after)


def _renumber(rows: Sequence[Any], order: list[str]) -> None:
    """Positions follow today's plan; withdrawn rows keep their relative order after it."""
    index = {item_id: i for i, item_id in enumerate(order)}
    ranked = sorted(
        rows, key=lambda r: (r.item_id not in index, index.get(r.item_id, 0), r.position)
    )
    for position, row in enumerate(ranked):
        row.position = position


def _task_facts(row: OnboardingTask) -> dict[str, Any]:
    return {
        "item_id": row.item_id,
        "title": row.title,
        "kind": row.kind,
        "due_date": row.due_date.isoformat(),
        "signoff": row.signoff,
    }


def _duty_facts(row: OnboardingDuty) -> dict[str, Any]:
    return {"item_id": row.item_id, "title": row.title, "frequency": row.frequency}


def _jsonable(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    return list(value) if isinstance(value, tuple) else value
