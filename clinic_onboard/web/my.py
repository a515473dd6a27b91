"""The new hire's own onboarding: the plan, ticking items off, signing policies, credentials.

A hire only ever reaches their own onboarding: a task of anyone else answers 404, even in the
same clinic. Every change is an event appended by ``operations.progress``.
"""

import re
from collections.abc import Collection
from datetime import date
from functools import partial

from babel.dates import format_date
from flask import Blueprint, abort, current_app, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from werkzeug.wrappers import Response

from clinic_onboard import policy
from clinic_onboard.catalog.schema import DOCUMENT_KINDS
from clinic_onboard.models import (
    Onboarding,
    OnboardingEvent,
    OnboardingTask,
    PolicyDocument,
)
from clinic_onboard.operations import progress
from clinic_onboard.queries import plans
from clinic_onboard.queries import record as record_reads
from clinic_onboard.queries.policy_documents import current_document, is_document_of
from clinic_onboard.record.states import EventKind
from clinic_onboard.services import uploads
from clinic_onboard.web import plan_cache, policy_files
from clinic_onboard.web.progress_forms import (
    AcknowledgeForm,
    ActionForm,
    CredentialForm,
    NoteForm,
)
from clinic_onboard.web.recording import save
from clinic_onboard.web.stored_files import keep_upload, send_stored
from clinic_onboard.web.tenancy import current_membership, get_for_clinic_or_404

bp = Blueprint("my", __name__, url_prefix="/my")

PHASES = {
    "before_start": _l("Before your first day"),
    "day_1": _l("Day 1"),
    "week_1": _l("Week 1"),
    "first_30_days": _l("First 30 days"),
    "first_90_days": _l("First 90 days"),
}
BY_DATE = _l("By date")
# "Fri 25 Sep 2026" / « ven. 25 sept. 2026 », with Babel directly: once per item.
DUE_FORMAT = "EEE d MMM y"
INDENTATION = re.compile(r"\n[ \t]+")
FREQUENCIES = {
    "start_of_day": _l("Start of day"),
    "per_patient": _l("With every patient"),
    "end_of_day": _l("End of day"),
    "weekly": _l("Weekly"),
    "monthly": _l("Monthly"),
}


@bp.before_request
@login_required
def _signed_in() -> None:
    """Every page here needs a signed-in member of the clinic."""
    current_membership()


@bp.get("/")
def index() -> str | bytes:
    key = plan_cache.plan_key(current_membership(), current_membership().clinic.today())
    if key is None:
        return render_template("my/index.html", plan=None)
    render = partial(_render_plan, key.onboarding_id, key.today)
    plan = plan_cache.plan_cache().get_or_render(key, render)
    return plan_cache.in_page(plan, lambda slot: render_template("my/index.html", plan=slot))


def _render_plan(onboarding_id: int, today: date, token: str) -> str:
    onboarding = plan_cache.plan_onboarding(onboarding_id)
    records = record_reads.task_records(onboarding)
    renewals = plans.renewal_rows(onboarding, records, today)
    html = render_template(
        "my/_plan.html",
        onboarding=onboarding,
        groups=[
            (PHASES.get(phase or "", BY_DATE), rows)
            for phase, rows in plans.plan_groups(onboarding, records, today, PHASES)
        ],
        renewals=renewals,
        coming_due=[r for r in renewals if plans.is_row_coming_due(r, today)],
        figures=plans.plan_progress(onboarding, records, today),
        duties=_duties(onboarding),
        due_on=partial(format_date, format=DUE_FORMAT, locale=get_locale()),
        can_undo=partial(policy.can_undo, current_membership().user_id),
        csrf_token=lambda: token,
    )
    # The template's indentation is a sixth of the page; HTML reads any run of white space as
    # one (the plan has no <pre>, and its only <textarea> is empty), so it goes.
    return INDENTATION.sub("\n", html)


def _duties(onboarding: Onboarding) -> list[tuple[str, list]]:
    by_frequency = [
        (title, [d for d in onboarding.duties if d.frequency == key])
        for key, title in FREQUENCIES.items()
    ]
    return [(title, duties) for title, duties in by_frequency if duties]


def _my_task(task_id: int, kinds: Collection[str] = ()) -> OnboardingTask:
    """One live task of the person's own onboarding, or 404."""
    task = get_for_clinic_or_404(OnboardingTask, task_id)
    mine = policy.is_hire(current_membership(), task.onboarding)
    if not mine or task.withdrawn_at is not None or (kinds and task.kind not in kinds):
        abort(404)
    return task


def _back(task: OnboardingTask) -> Response:
    return redirect(url_for("my.index", _anchor=f"task-{task.id}"))


@bp.post("/tasks/<int:task_id>/done")
def done(task_id: int) -> Response:
    """Mark an item done, with an optional note for the supervisor."""
    task = _my_task(task_id)
    form = NoteForm()
    if not form.validate_on_submit():
        abort(400)
    hire = current_membership()
    save(
        lambda: progress.complete_task(task.onboarding, task, hire, form.note.data or ""),
        _("“%(item)s” is marked as done.", item=task.title),
    )
    return _back(task)


@bp.post("/tasks/<int:task_id>/undo")
def undo(task_id: int) -> Response:
    """Take back one's own completion that is not signed off yet."""
    task = _my_task(task_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    hire = current_membership()
    save(
        lambda: progress.undo_task(task.onboarding, task, hire),
        _("“%(item)s” is re-opened.", item=task.title),
    )
    return _back(task)


@bp.route("/tasks/<int:task_id>/acknowledge", methods=["GET", "POST"])
def acknowledge(task_id: int) -> str | Response:
    """Read a policy and sign it by typing one's full name."""
    task = _my_task(task_id, kinds={"acknowledgement"})
    form = AcknowledgeForm()
    hire = current_membership()
    seen = form.document_sha256.data or ""
    if form.validate_on_submit() and save(
        lambda: progress.acknowledge_task(task.onboarding, task, hire, form.typed_name.data, seen),
        _("Thank you; your signature is recorded."),
        refused=form.typed_name.errors.append,
    ):
        return _back(task)
    document = current_document(task.onboarding.role_id, task.item_id)
    # The version shown is the version signed: the page names it, whatever was posted.
    form.document_sha256.data = document.sha256 if document else ""
    return render_template(
        "my/acknowledge.html", task=task, form=form, document=document, revised=_revised(task)
    )


def _revised(task: OnboardingTask) -> OnboardingEvent | None:
    """The new version of the clinic's document that re-opened the item, while it waits."""
    found = record_reads.task_records(task.onboarding).get(task.id)
    last = found.events[-1] if found and found.events else None
    return last if last is not None and last.kind == EventKind.POLICY_REVISED else None


@bp.get("/tasks/<int:task_id>/documents/<int:document_id>")
def document(task_id: int, document_id: int) -> Response:
    """A version of the clinic's document behind the item, for those who may see the hire's
    record: the hire, their supervisor and the clinic's managers."""
    task = get_for_clinic_or_404(OnboardingTask, task_id)
    found = get_for_clinic_or_404(PolicyDocument, document_id)
    if not policy.can_view_record(current_membership(), task.onboarding):
        abort(404)
    if not is_document_of(found, task.onboarding.role_id, task.item_id):
        abort(404)
    return policy_files.send_document(found)


@bp.route("/tasks/<int:task_id>/credential", methods=["GET", "POST"])
def credential(task_id: int) -> str | Response:
    """Record a certificate or licence, with an optional copy of it."""
    task = _my_task(task_id, kinds=DOCUMENT_KINDS)
    form = CredentialForm()
    if form.validate_on_submit() and _record_credential(task, form):
        return _back(task)
    limit = uploads.size_words(current_app.config["UPLOAD_MAX_BYTES"])
    return render_template("my/credential.html", task=task, form=form, limit=limit)


def _record_credential(task: OnboardingTask, form: CredentialForm) -> bool:
    """Store the copy and record the credential in one commit: if the record is refused, the
    rollback takes the copy away with it."""
    try:
        stored = _store_file(form, task.clinic_id)
    except uploads.UploadRejected as rejected:
        form.file.errors.append(str(rejected))
        return False
    details = progress.CredentialDetails(
        form.issuer.data, form.number.data or "", form.issued_on.data, form.expires_on.data
    )
    hire = current_membership()
    return save(
        lambda: progress.record_credential(task.onboarding, task, hire, details, stored),
        _("Recorded: %(item)s.", item=task.title),
    )


def _store_file(form: CredentialForm, clinic_id: int) -> uploads.StoredFile | None:
    """Store the copy, if one was sent (``keep_upload``)."""
    upload = form.file.data
    if upload is None or not getattr(upload, "filename", ""):
        return None
    return keep_upload(upload, clinic_id)


@bp.get("/files/<int:event_id>")
def file(event_id: int) -> Response:
    """A credential's copy, for the hire, their supervisor and the clinic's managers only."""
    event = get_for_clinic_or_404(OnboardingEvent, event_id)
    stored = event.payload.get("file") if event.kind == EventKind.CREDENTIAL else None
    viewer, onboarding = current_membership(), event.onboarding
    if not stored or not policy.can_view_record(viewer, onboarding):
        abort(404)
    copy = uploads.find(event.clinic_id, stored["stored_name"])
    if copy is None:
        abort(404)
    return send_stored(copy, stored["original_name"], as_attachment=True)
