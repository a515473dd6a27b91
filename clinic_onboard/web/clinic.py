"""The current clinic: its home page, its members, and switching between clinics."""

from datetime import date

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response

from clinic_onboard import policy
from clinic_onboard.extensions import db
from clinic_onboard.library import catalog
from clinic_onboard.models import AuditEvent, Membership
from clinic_onboard.operations import clinic_profile
from clinic_onboard.web.forms import ClinicProfileForm, SwitchClinicForm
from clinic_onboard.web.tenancy import (
    allowed,
    choose_clinic,
    current_membership,
    get_for_clinic_or_404,
)

bp = Blueprint("clinic", __name__, url_prefix="/clinic")
AUDIT_PAGE = 200


@bp.before_request
@login_required
def _signed_in() -> None:
    """Every page here needs a signed-in member of the clinic."""
    current_membership()


@bp.get("/")
def home() -> str:
    membership = current_membership()
    return render_template(
        "clinic/home.html", clinic=membership.clinic, profile=_profile_labels(membership)
    )


def _profile_labels(membership: Membership) -> dict[str, str]:
    """The clinic's codes and slugs as the names the content library gives them."""
    library, clinic = catalog(), membership.clinic
    emr = library.emr_products.get(clinic.emr) if clinic.emr else None
    return {
        "Province or territory": library.jurisdictions[clinic.province].name,
        "Type of clinic": library.settings[clinic.setting].name,
        "EMR product": emr.name if emr else "None recorded",
        "On site": ", ".join(library.options[o].name for o in clinic.options) or "None",
    }


@bp.get("/members")
@allowed(policy.can_view_people)
def members() -> str:
    query = (
        select(Membership)
        .where(Membership.clinic_id == current_membership().clinic_id)
        .options(joinedload(Membership.user))
    )
    people = sorted(db.session.scalars(query), key=lambda m: m.user.display_name.lower())
    return render_template("clinic/members.html", members=people)


@bp.get("/members/<int:membership_id>")
@allowed(policy.can_view_people)
def member(membership_id: int) -> str:
    return render_template(
        "clinic/member.html", member=get_for_clinic_or_404(Membership, membership_id)
    )


@bp.route("/profile", methods=["GET", "POST"])
@allowed(policy.can_manage_clinic)
def profile() -> str | Response:
    """Edit the profile: the first POST previews what changes, the confirmed one applies it."""
    clinic = current_membership().clinic
    form = ClinicProfileForm()
    form.use_catalog(catalog())
    if request.method == "GET":
        form.fill_from(clinic)
    elif form.validate_on_submit():
        details = form.details()
        if clinic_profile.unchanged(clinic, details):
            flash("Nothing changed.", "info")
            return redirect(url_for("clinic.home"))
        if form.confirmed.data == "yes":
            clinic_profile.update_profile(clinic, current_user, details)
            db.session.commit()
            flash("The clinic profile is updated.", "success")
            return redirect(url_for("clinic.home"))
        changes = clinic_profile.preview_changes(catalog(), clinic, details, date.today())
        return render_template("clinic/profile_preview.html", form=form, changes=changes)
    return render_template("clinic/profile.html", form=form)


@bp.get("/audit")
@allowed(policy.can_manage_clinic)
def audit_log() -> str:
    query = (
        select(AuditEvent)
        .where(AuditEvent.clinic_id == current_membership().clinic_id)
        .options(joinedload(AuditEvent.actor))
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
        .limit(AUDIT_PAGE)
    )
    return render_template("clinic/audit.html", events=db.session.scalars(query).all())


@bp.post("/switch")
def switch() -> Response:
    """Make another of the person's clinics the current one."""
    form = SwitchClinicForm()
    if not form.validate_on_submit() or not choose_clinic(form.clinic_id.data):
        abort(404)
    clinic = next(m.clinic for m in g.memberships if m.clinic_id == form.clinic_id.data)
    flash(f"You are now working in {clinic.name}.", "info")
    return redirect(url_for("clinic.home"))
