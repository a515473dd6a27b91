"""The clinic's roles: add from a library template, tailor, and preview (managers only)."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from itertools import groupby
from typing import Any, TypeVar

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from clinic_onboard import policy
from clinic_onboard.catalog import Catalog
from clinic_onboard.extensions import db
from clinic_onboard.models import (
    ClinicRole,
    PolicyDocument,
    RoleCustomItem,
    SwitchedOffItem,
    User,
)
from clinic_onboard.operations import role_lifecycle as lifecycle
from clinic_onboard.operations import roles as ops
from clinic_onboard.operations.policy_documents import Attached
from clinic_onboard.planner import Plan, PlannedDuty, PlannedTask
from clinic_onboard.queries.plan_inputs import plan_for
from clinic_onboard.queries.policy_documents import role_documents
from clinic_onboard.queries.roles import clinic_roles, role_in_use
from clinic_onboard.services import uploads
from clinic_onboard.services.library import catalog
from clinic_onboard.web import policy_files
from clinic_onboard.web.role_forms import (
    LABELS,
    AddRoleForm,
    CustomItemForm,
    PolicyDocumentForm,
    PreviewForm,
    RenameRoleForm,
    SwitchOffForm,
)
from clinic_onboard.web.tenancy import allowed, current_membership, get_for_clinic_or_404

bp = Blueprint("roles", __name__, url_prefix="/roles")
T = TypeVar("T")
Child = TypeVar("Child", RoleCustomItem, SwitchedOffItem)
SIMULTANEOUS = _l("Someone else changed this role at the same moment. Check it and try again.")


@bp.before_request
@login_required
@allowed(policy.can_manage_clinic)
def _managers_only() -> None:
    """Every page here configures the clinic, so only its managers reach them."""


@bp.context_processor
def _words() -> dict[str, Any]:
    return {"labels": LABELS, "long_date": long_date}


@bp.get("/")
def index() -> str:
    return _index_page(AddRoleForm(formdata=None))


@bp.post("/")
def add() -> str | Response:
    """Add a role from a library template; a blank name takes the template's name."""
    form = AddRoleForm()
    clinic = current_membership().clinic
    role = _apply(form, lambda: ops.add_role(clinic, _actor(), form.template.data, form.name.data))
    if role is None:
        return _index_page(form)
    return _saved(role, _("Added the role “%(role)s”.", role=role.name))


@bp.get("/<int:role_id>")
def role(role_id: int) -> str:
    return _role_page(get_for_clinic_or_404(ClinicRole, role_id))


@bp.post("/<int:role_id>/name")
def rename(role_id: int) -> str | Response:
    role = get_for_clinic_or_404(ClinicRole, role_id)
    form = RenameRoleForm()
    if _apply(form, lambda: ops.rename_role(role, _actor(), form.name.data)) is None:
        return _role_page(role, rename=form)
    return _saved(role, _("The role is now called “%(role)s”.", role=role.name))


@bp.post("/<int:role_id>/items/<item_id>/switch-off")
def switch_off(role_id: int, item_id: str) -> str | Response:
    """Stop giving a library item to new hires in this role; the reason is required."""
    role = get_for_clinic_or_404(ClinicRole, role_id)
    form = SwitchOffForm(prefix=_off_prefix(item_id))
    if _apply(form, lambda: ops.switch_off(role, _actor(), item_id, form.reason.data)) is None:
        return _role_page(role, switch_off=(item_id, form))
    return _saved(role, _("Switched off. It is listed under “Switched off here” with your reason."))


@bp.post("/<int:role_id>/switched-off/<int:entry_id>/switch-on")
def switch_on(role_id: int, entry_id: int) -> Response:
    role = get_for_clinic_or_404(ClinicRole, role_id)
    try:
        ops.switch_on(_child_or_404(SwitchedOffItem, entry_id, role), _actor())
    except ops.Rejected as refusal:
        db.session.rollback()
        flash(str(refusal), "error")
        return redirect(url_for("roles.role", role_id=role_id))
    db.session.commit()
    return _saved(role, _("Switched back on: new hires in this role get it again."))


@bp.post("/<int:role_id>/items/<item_id>/document")
def attach_document(role_id: int, item_id: str) -> str | Response:
    """Attach a new version of the clinic's own PDF to an acknowledgement item; staff who
    signed an older version are asked to sign again."""
    role = get_for_clinic_or_404(ClinicRole, role_id)
    form = PolicyDocumentForm(prefix=_doc_prefix(item_id))
    attached = policy_files.attach(role, item_id, form) if form.validate_on_submit() else None
    if attached is None:
        return _role_page(role, document=(item_id, form))
    return _saved(role, _attached_words(attached))


def _attached_words(attached: Attached) -> str:
    """What the upload did: the version, and who must sign again (if anyone)."""
    version = attached.document.version
    if not attached.asked_again:
        return _(
            "Version %(version)s is attached: hires in this role read it before they sign.",
            version=version,
        )
    return ngettext(
        "Version %(version)s is attached. %(num)d person who signed an earlier version is "
        "asked to sign it again.",
        "Version %(version)s is attached. %(num)d people who signed an earlier version are "
        "asked to sign it again.",
        attached.asked_again,
        version=version,
    )


@bp.get("/<int:role_id>/documents/<int:document_id>")
def document(role_id: int, document_id: int) -> Response:
    """Any version of a role's document, for the clinic's managers."""
    found = get_for_clinic_or_404(PolicyDocument, document_id)
    if found.role_id != role_id:
        abort(404)
    return policy_files.send_document(found)


@bp.post("/<int:role_id>/custom-items")
def add_custom_item(role_id: int) -> str | Response:
    role = get_for_clinic_or_404(ClinicRole, role_id)
    form = CustomItemForm()
    item = _apply(form, lambda: ops.add_custom_item(role, _actor(), _details(form)))
    if item is None:
        return _role_page(role, custom=form)
    return _saved(role, _("Added “%(item)s” to the role.", item=item.title))


@bp.post("/<int:role_id>/custom-items/<int:item_id>/remove")
def remove_custom_item(role_id: int, item_id: int) -> Response:
    role = get_for_clinic_or_404(ClinicRole, role_id)
    item = _child_or_404(RoleCustomItem, item_id, role)
    title = item.title
    ops.remove_custom_item(item, _actor())
    db.session.commit()
    return _saved(role, _("Removed “%(item)s” from the role.", item=title))


@bp.post("/<int:role_id>/archive")
def archive(role_id: int) -> Response:
    """No new hires in the role; those it has keep their plans."""
    message = _l("“%(role)s” is archived: it is no longer offered for new hires.")
    return _end_of_role(role_id, lifecycle.archive_role, message)


@bp.post("/<int:role_id>/restore")
def restore(role_id: int) -> Response:
    message = _l("“%(role)s” is offered for new hires again.")
    return _end_of_role(role_id, lifecycle.restore_role, message)


@bp.post("/<int:role_id>/delete")
def delete(role_id: int) -> Response:
    """Only a role nobody was hired or invited into; the others are archived."""
    return _end_of_role(role_id, lifecycle.delete_role, _l("“%(role)s” is deleted."))


def _end_of_role(role_id: int, change: Callable[[ClinicRole, User], None], done: str) -> Response:
    role = get_for_clinic_or_404(ClinicRole, role_id)
    name = role.name
    try:
        change(role, _actor())
    except lifecycle.RoleRefused as refusal:
        db.session.rollback()
        flash(str(refusal), "error")
        return redirect(url_for("roles.role", role_id=role_id))
    db.session.commit()
    flash(str(done) % {"role": name}, "success")
    gone = change is lifecycle.delete_role
    return redirect(url_for("roles.index") if gone else url_for("roles.role", role_id=role_id))


@bp.get("/<int:role_id>/preview")
def preview(role_id: int) -> str:
    """What a hire in this role starting on ``start`` gets; today for a missing or bad date."""
    role = get_for_clinic_or_404(ClinicRole, role_id)
    form = PreviewForm(formdata=request.args)
    start = (
        form.start.data
        if form.validate() and form.start.data
        else current_membership().clinic.today()
    )
    plan = plan_for(catalog(), current_membership().clinic, role, start)
    return render_template(
        "roles/preview.html",
        role=role,
        form=form,
        plan=plan,
        duty_groups=duty_groups(plan),
        task_groups=task_groups(plan),
    )


def _actor() -> User:
    return current_user._get_current_object()  # type: ignore[attr-defined]


def _apply(form: FlaskForm, change: Callable[[], T]) -> T | None:
    """Validate ``form``, make ``change`` and commit; or None, with the refusal on the form."""
    if not form.validate_on_submit():
        return None
    try:
        result = change()
        db.session.commit()
    except ops.Rejected as refusal:
        field = form[refusal.field]
        field.errors = [*field.errors, str(refusal)]
        return None
    except IntegrityError:
        # Another manager made the same change at the same moment (a unique constraint held).
        db.session.rollback()
        flash(str(SIMULTANEOUS), "error")
        return None
    return result


def _saved(role: ClinicRole, message: str) -> Response:
    flash(message, "success")
    return redirect(url_for("roles.role", role_id=role.id))


def _child_or_404(model: type[Child], child_id: int, role: ClinicRole) -> Child:
    """A switched-off entry or custom item of this clinic that also belongs to ``role``."""
    child = get_for_clinic_or_404(model, child_id)
    if child.role_id != role.id:
        abort(404)
    return child


def _details(form: CustomItemForm) -> ops.CustomItemDetails:
    return ops.CustomItemDetails(
        title=form.title.data,
        guidance=form.guidance.data,
        kind=form.kind.data,
        phase=form.phase.data,
        signoff=form.signoff.data,
    )


def _index_page(form: AddRoleForm) -> str:
    form.use_catalog(catalog())
    roles = clinic_roles(current_membership().clinic_id, tailoring=True)
    return render_template("roles/index.html", roles=roles, templates=catalog().roles, form=form)


def _role_page(role: ClinicRole, **failed: Any) -> str:
    """The role page; ``failed`` holds a submitted form to show again, with what was typed."""
    clinic = current_membership().clinic
    plan = plan_for(catalog(), clinic, role, clinic.today())
    failed_off: tuple[str, SwitchOffForm] | None = failed.pop("switch_off", None)
    failed_doc: tuple[str, PolicyDocumentForm] | None = failed.pop("document", None)
    forms = {
        "rename": RenameRoleForm(formdata=None, name=role.name),
        "custom": CustomItemForm(formdata=None),
        **failed,
    }
    return render_template(
        "roles/role.html",
        role=role,
        plan=plan,
        forms=forms,
        sections=library_sections(catalog(), plan),
        off_forms=_switch_off_forms(plan, failed_off),
        failed_off=failed_off,
        documents=role_documents(role.id),
        doc_forms=_document_forms(plan, failed_doc),
        failed_doc=failed_doc,
        upload_limit=uploads.size_words(current_app.config["UPLOAD_MAX_BYTES"]),
        template=catalog().roles.get(role.template),
        in_use=role_in_use(role.id),
    )


def _off_prefix(item_id: str) -> str:
    """Field names (and ids) unique to one item's form on the role page."""
    return "off-" + item_id.replace(".", "-")


def _switch_off_forms(
    plan: Plan, failed: tuple[str, SwitchOffForm] | None
) -> dict[str, SwitchOffForm]:
    forms = {}
    for entry in (*(task for task in plan.tasks if not task.custom), *plan.duties):
        form = SwitchOffForm(formdata=None, prefix=_off_prefix(entry.id))
        if failed and failed[0] == entry.id:
            form = failed[1]
        form.reason.label.text = _("Reason for switching off “%(item)s”", item=entry.title)
        forms[entry.id] = form
    return forms


def _doc_prefix(item_id: str) -> str:
    return "doc-" + item_id.replace(".", "-")


def _document_forms(
    plan: Plan, failed: tuple[str, PolicyDocumentForm] | None
) -> dict[str, PolicyDocumentForm]:
    """An upload form for each acknowledgement item, the one that failed as it was sent."""
    forms = {}
    for task in plan.tasks:
        if task.kind == "acknowledgement":
            form = PolicyDocumentForm(formdata=None, prefix=_doc_prefix(task.id))
            if failed and failed[0] == task.id:
                form = failed[1]
            form.file.label.text = _("New version of the document for “%(item)s”", item=task.title)
            forms[task.id] = form
    return forms


@dataclass(frozen=True)
class Section:
    """One library module's items and duties on the role page."""

    title: str
    entries: tuple[PlannedTask | PlannedDuty, ...]


@dataclass(frozen=True)
class DueGroup:
    """The plan's tasks that fall due on one day, with the phases that put them there."""

    due: date
    phases: tuple[str, ...]
    tasks: tuple[PlannedTask, ...]


def library_sections(catalog: Catalog, plan: Plan) -> list[Section]:
    """The plan's library items, then duties, grouped by module in the library's order."""
    order = {module.id: module.order for module in catalog.modules}
    entries = [*(task for task in plan.tasks if not task.custom), *plan.duties]
    entries.sort(key=lambda entry: order[entry.module])  # stable: items stay before duties
    groups = (tuple(group) for _, group in groupby(entries, key=lambda entry: entry.module))
    return [Section(group[0].module_title, group) for group in groups]


def task_groups(plan: Plan) -> list[DueGroup]:
    """The plan's tasks (already in date order) grouped by due date."""
    groups = []
    for due, tasks in groupby(plan.tasks, key=lambda task: task.due_date):
        chosen = tuple(tasks)
        phases = tuple(dict.fromkeys(task.phase for task in chosen if task.phase))
        groups.append(DueGroup(due, phases, chosen))
    return groups


def duty_groups(plan: Plan) -> list[tuple[str, tuple[PlannedDuty, ...]]]:
    """The duty checklist (already in frequency order) grouped by frequency."""
    return [(freq, tuple(duties)) for freq, duties in groupby(plan.duties, lambda d: d.frequency)]


def long_date(day: date) -> str:
    """Like "Tuesday 1 December 2026"."""
    return format_date(day, "EEEE d MMMM y")
