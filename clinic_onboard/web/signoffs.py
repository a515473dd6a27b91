"""Supervisor and manager sign-offs, the manager's final sign-off and corrections, and the
record page that shows every event and whether the signed record still verifies.

Tenancy first (another clinic's id answers 404), then ``policy``; every change is an event
appended by ``operations.progress`` and committed once here.
"""

from dataclasses import dataclass

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from clinic_onboard import policy
from clinic_onboard.models import (
    Membership,
    Onboarding,
    OnboardingEvent,
    OnboardingStatus,
    OnboardingTask,
)
from clinic_onboard.operations import progress
from clinic_onboard.queries import record as record_reads
from clinic_onboard.queries import signoff_queue
from clinic_onboard.record.anchors import AnchorReason
from clinic_onboard.record.credentials import recorded_date_problems
from clinic_onboard.record.states import (
    SIGNOFF_METHODS,
    SIGNOFF_OUTCOMES,
    EventKind,
    TaskStatus,
)
from clinic_onboard.record.words import BATCH_MEANING_WORDS, MEANING_WORDS, N_
from clinic_onboard.services import anchor_log
from clinic_onboard.web import throttle
from clinic_onboard.web.hire_lists import number_arg
from clinic_onboard.web.progress_forms import (
    METHODS,
    OUTCOMES,
    BatchSignOffForm,
    FinalSignOffForm,
    SignOffForm,
    VoidForm,
    item_choices,
)
from clinic_onboard.web.recording import save
from clinic_onboard.web.role_forms import KIND_LABELS
from clinic_onboard.web.tenancy import allowed, current_membership, get_for_clinic_or_404

bp = Blueprint("signoffs", __name__, url_prefix="/signoffs")
AWAITING = TaskStatus.AWAITING_SIGNOFF
# What the signer is told once the item is signed, by outcome.
SIGNED_MESSAGES = {
    "competent": N_("Signed off “%(item)s” for %(hire)s."),
    "needs_practice": N_("“%(item)s” is back with %(hire)s to practise."),
    "verified": N_("Verified “%(item)s” for %(hire)s."),
    "rejected": N_("“%(item)s” is rejected; %(hire)s is told why."),
    "confirmed": N_("Confirmed “%(item)s” for %(hire)s."),
}
WRONG_PASSWORD = _l("That password is not right. Nothing was recorded.")
# What the anchor log shows against a record that is still there (a deleted one answers 404).
ANCHOR_REASONS = {
    AnchorReason.LAST_EVENTS_DELETED: _l("its last entries were deleted after they were anchored."),
    AnchorReason.HEAD_REWRITTEN: _l("its last anchored entry has changed since it was anchored."),
    AnchorReason.ALL_EVENTS_DELETED: _l("every entry was deleted after the record was anchored."),
    AnchorReason.FORGED: _l("the anchor log holds a line for this record that is not authentic."),
}


@bp.before_request
@login_required
def _signed_in() -> None:
    """Every page here needs a signed-in member of the clinic."""
    current_membership()


@bp.get("/")
@allowed(policy.can_review_signoffs)
def index() -> str:
    """One page of the items waiting for the signer, narrowed and sorted as asked, ready to
    sign together ("select every item shown" selects the page's)."""
    form = BatchSignOffForm(formdata=None)
    return _queue_page(form, select_all=request.args.get("select") == "all")


@bp.post("/batch")
@allowed(policy.can_review_signoffs)
def batch() -> str | Response:
    """Sign the selected items with one password: one event per item, one password check;
    then back to the same page of the queue, filters kept."""
    form = BatchSignOffForm()
    signer = current_membership()
    rows = signoff_queue.awaiting_signoff(signer, form.tasks.data or [])
    if form.validate_on_submit():
        forms = {row.task.id: (row.task.title, policy.signoff_form(row.task.kind)) for row in rows}
        choices, problems = item_choices(form, request.form, forms)
        form.tasks.errors = [*form.tasks.errors, *problems]
        if not problems and _sign_batch(form, signer, rows, choices):
            return redirect(url_for("signoffs.index", **_queue_args()))
    return _queue_page(form)


def _queue_filter() -> signoff_queue.QueueFilter:
    """The queue's filters from the query string; a value that is not one is ignored."""
    return signoff_queue.QueueFilter(
        hire=number_arg(request.args.get("hire")),
        kind=request.args.get("kind") if request.args.get("kind") in KIND_LABELS else None,
        by_due_date=request.args.get("sort") == "due",
        page=number_arg(request.args.get("page")) or 1,
    )


def _filter_args() -> dict[str, str]:
    return {key: request.args[key] for key in ("hire", "kind", "sort") if request.args.get(key)}


def _queue_args() -> dict[str, str]:
    """The filters and the page: where the batch's form returns to."""
    page = number_arg(request.args.get("page"))
    return {**_filter_args(), **({"page": str(page)} if page else {})}


def _queue_page(form: BatchSignOffForm, select_all: bool = False) -> str:
    filters = _queue_filter()
    queue = signoff_queue.queue_page(current_membership(), filters)
    shown = queue.rows
    selected = {row.task.id for row in shown} if select_all else set(form.tasks.data or [])
    return render_template(
        "signoffs/index.html",
        queue=queue,
        rows=shown,
        waiting=queue.waiting,
        hires=queue.hires,
        kinds=queue.kinds,
        kind_labels=KIND_LABELS,
        filters=filters,
        filter_args=_filter_args(),
        queue_args=_queue_args(),
        selected=selected,
        form=form,
        signoff_forms={row.task.id: policy.signoff_form(row.task.kind) for row in shown},
        methods=METHODS,
        outcomes=OUTCOMES,
        signoff_methods=SIGNOFF_METHODS,
        signoff_outcomes=SIGNOFF_OUTCOMES,
        meanings=BATCH_MEANING_WORDS,
    )


def _sign_batch(
    form: BatchSignOffForm,
    signer: Membership,
    rows: list[signoff_queue.QueueRow],
    choices: dict[int, progress.SignoffChoice],
) -> bool:
    if not throttle.reauthenticated(current_user, form.password.data):
        form.password.errors.append(WRONG_PASSWORD)
        return False
    waiting = {row.task.id: row.task for row in rows}
    gone = signoff_queue.named_tasks(signer.clinic_id, set(choices) - set(waiting))
    result: list[progress.BatchResult] = []

    def sign() -> None:
        pairs = [(waiting[i], choice) for i, choice in choices.items() if i in waiting]
        result.append(progress.sign_many(signer, pairs))

    if not save(sign, lambda: _batch_summary(result[0])):
        return False
    for task in gone:
        flash(_not_waiting(task), "warning")
    return True


def _batch_summary(result: progress.BatchResult) -> str:
    """What the batch signed, named; the items it skipped are flashed on their own."""
    for task, reason in result.skipped:
        message = _(
            "Not signed: “%(item)s” for %(hire)s: %(reason)s",
            item=task.title,
            hire=_hire_name(task),
            reason=reason,
        )
        flash(message, "warning")
    if not result.signed:
        return _("No item was signed.")
    names = "; ".join(f"{t.title} ({_hire_name(t)})" for t in result.signed)
    return ngettext(
        "%(num)d item signed: %(items)s.",
        "%(num)d items signed: %(items)s.",
        len(result.signed),
        items=names,
    )


def _not_waiting(task: OnboardingTask) -> str:
    return _(
        "Not signed: “%(item)s” for %(hire)s is no longer waiting for your sign-off.",
        item=task.title,
        hire=_hire_name(task),
    )


def _hire_name(task: OnboardingTask) -> str:
    return task.onboarding.membership.user.display_name


@bp.route("/tasks/<int:task_id>", methods=["GET", "POST"])
@allowed(policy.can_review_signoffs)
def task(task_id: int) -> str | Response:
    """Sign an item off (or send it back for practice) after re-entering one's password."""
    task = get_for_clinic_or_404(OnboardingTask, task_id)
    onboarding, signer = task.onboarding, current_membership()
    if task.withdrawn_at is not None or not policy.may_sign(signer, onboarding, task):
        abort(403)
    signoff_form = policy.signoff_form(task.kind)
    form = SignOffForm().use_form(signoff_form)
    if form.validate_on_submit() and _sign(form, onboarding, task, signer):
        return redirect(url_for("signoffs.index"))
    record = record_reads.task_records(onboarding)[task.id]
    date_problems = _date_problems(record)
    if date_problems and not form.is_submitted():
        form.outcome.data = "rejected"  # the only outcome these dates allow
    return render_template(
        "signoffs/task.html",
        task=task,
        onboarding=onboarding,
        record=record,
        form=form,
        signoff_form=signoff_form,
        meaning=MEANING_WORDS[signoff_form],
        date_problems=date_problems,
        methods=METHODS,
    )


def _date_problems(record: record_reads.TaskRecord) -> list[str]:
    """What is wrong with a recorded credential's dates today, for the signer to see."""
    done = record.completion
    if done is None or done.kind != EventKind.CREDENTIAL:
        return []
    return [
        _(problem)
        for problem in recorded_date_problems(done.payload, current_membership().clinic.today())
    ]


def _sign(
    form: SignOffForm, onboarding: Onboarding, task: OnboardingTask, signer: Membership
) -> bool:
    if not throttle.reauthenticated(current_user, form.password.data):
        form.password.errors.append(WRONG_PASSWORD)
        return False
    choice = progress.SignoffChoice(
        form.method.data or "", form.outcome.data, form.comment.data or ""
    )
    hire = onboarding.membership.user.display_name
    return save(
        lambda: progress.sign_item(onboarding, task, signer, choice),
        _(SIGNED_MESSAGES[choice.outcome], item=task.title, hire=hire),
        form.comment.errors.append,
    )


@bp.post("/onboardings/<int:onboarding_id>/complete")
@allowed(policy.can_correct_record)
def complete(onboarding_id: int) -> Response:
    """The manager's final sign-off, password re-entered, once every item is finished; the
    items still waiting for the manager are signed in the same step, each with its event."""
    onboarding = get_for_clinic_or_404(Onboarding, onboarding_id)
    form = FinalSignOffForm()
    if not form.validate_on_submit() or not throttle.reauthenticated(
        current_user, form.password.data
    ):
        flash(str(WRONG_PASSWORD), "error")
    else:
        _complete(form, onboarding, current_membership())
    return redirect(url_for("signoffs.record", onboarding_id=onboarding.id))


def _complete(form: FinalSignOffForm, onboarding: Onboarding, manager: Membership) -> None:
    waiting = {t.id: t for t, status in record_reads.items_left(onboarding) if status == AWAITING}
    forms = {i: (t.title, policy.signoff_form(t.kind)) for i, t in waiting.items()}
    choices, problems = item_choices(form, request.form, forms)
    for problem in problems:
        flash(problem, "error")
    pairs = [(waiting[i], choice) for i, choice in choices.items() if i in waiting]

    def sign_and_complete() -> None:
        progress.sign_many(manager, pairs)
        progress.complete_onboarding(onboarding, manager)

    if not problems:
        name = onboarding.membership.user.display_name
        save(sign_and_complete, _("%(name)s's onboarding is complete.", name=name))


@bp.post("/events/<int:event_id>/void")
@allowed(policy.can_correct_record)
def void(event_id: int) -> Response:
    """Correct the record: a new entry cancels an earlier one, with the reason."""
    event = get_for_clinic_or_404(OnboardingEvent, event_id)
    form = VoidForm()
    if not form.validate_on_submit():
        flash(_("Give the reason for the correction (up to 500 characters)."), "error")
    else:
        manager = current_membership()
        save(
            lambda: progress.void_event(event.onboarding, event, manager, form.reason.data),
            _("Entry %(seq)s is voided; the correction is recorded.", seq=event.seq),
        )
    return redirect(url_for("signoffs.record", onboarding_id=event.onboarding_id))


@bp.get("/onboardings/<int:onboarding_id>/record")
def record(onboarding_id: int) -> str:
    """Every event in order, whether the signed record verifies (and if not, why), and whether
    it still reaches its latest anchor (read from the process's index of the log)."""
    onboarding = get_for_clinic_or_404(Onboarding, onboarding_id)
    viewer = current_membership()
    if not policy.can_view_record(viewer, onboarding):
        abort(404)
    pairs = record_reads.record_events([onboarding.id])
    events = [event for event, _item in pairs]
    tasks = {task.id: task for task in onboarding.tasks}
    active = onboarding.status == OnboardingStatus.ACTIVE
    manager_here = policy.can_correct_record(viewer.role)
    report = record_reads.verify_onboarding(onboarding, pairs)
    return render_template(
        "signoffs/record.html",
        onboarding=onboarding,
        rows=[(e, _title(e, tasks), _summary(e, events)) for e in events],
        findings=[record_reads.describe(finding, _) for finding in report.findings],
        head=report.head,
        anchor=anchor_log.record_status(onboarding.id, [(e.seq, e.hash) for e in events]),
        anchor_reasons=ANCHOR_REASONS,
        voided=record_reads.voided_ids(events),
        # A completed record stays closed, except for the renewals that follow it.
        correctable={
            e.id
            for e in events
            if manager_here
            and (active or _renews(e, tasks))
            and e.kind not in progress.NOT_VOIDABLE
        },
        may_complete=active and policy.can_complete_onboarding(viewer, onboarding),
        left=_left(viewer, onboarding) if active else [],
        may_sign_items=policy.can_review_signoffs(viewer.role)
        and not policy.is_hire(viewer, onboarding),
        void_form=VoidForm(),
        complete_form=FinalSignOffForm(formdata=None),
        meanings=BATCH_MEANING_WORDS,
    )


@dataclass(frozen=True)
class LeftItem:
    """An item standing between the record and its final sign-off, and whether the viewer
    signs it (then the final sign-off signs it first)."""

    task: OnboardingTask
    status: TaskStatus
    signs: bool
    signoff_form: str


def _left(viewer: Membership, onboarding: Onboarding) -> list[LeftItem]:
    return [
        LeftItem(
            task,
            status,
            status == AWAITING and policy.may_sign(viewer, onboarding, task),
            policy.signoff_form(task.kind),
        )
        for task, status in record_reads.items_left(onboarding)
    ]


def _title(event: OnboardingEvent, tasks: dict[int, OnboardingTask]) -> str | None:
    task = tasks.get(event.task_id) if event.task_id else None
    return task.title if task else None


def _renews(event: OnboardingEvent, tasks: dict[int, OnboardingTask]) -> bool:
    task = tasks.get(event.task_id) if event.task_id else None
    return task is not None and task.renewal_of_id is not None


def _summary(event: OnboardingEvent, events: list[OnboardingEvent]) -> str:
    """The payload in a line of plain words (the links are added by the template)."""
    payload = dict(event.payload)
    payload.pop("hire", None)  # a statement's: the person the page is about
    if "tasks" in payload:  # a statement's digests: say how many items it states
        payload["items"] = len(payload.pop("tasks"))
    if "voids" in payload:
        voided_id = payload.pop("voids")
        seq = next((e.seq for e in events if e.id == voided_id), "?")
        payload = {"voids entry": seq, **payload}
    for key in ("method", "seen"):
        if key in payload:
            payload[key] = METHODS.get(payload[key], payload[key])
    # The file and the clinic's document version are links the template adds.
    for key in ("file", "document_version", "document_sha256", "document_id"):
        payload.pop(key, None)
    return "; ".join(
        f"{key.replace('_', ' ')}: {_plain(value)}" for key, value in payload.items() if value
    )


def _plain(value: object) -> str:
    """A list (the items a plan update withdrew) as words, not as Python writes it."""
    return ", ".join(map(str, value)) if isinstance(value, list) else str(value)
