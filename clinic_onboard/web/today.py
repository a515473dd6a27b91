"""Today: each member's duties due today, ticked with one tap, and the clinic's logs due."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from clinic_onboard.extensions import db
from clinic_onboard.operations import daily_logs
from clinic_onboard.queries import daily
from clinic_onboard.queries.today import today_page
from clinic_onboard.services.library import catalog
from clinic_onboard.web.daily_forms import TickForm
from clinic_onboard.web.tenancy import current_membership

bp = Blueprint("today", __name__, url_prefix="/today")


@bp.before_request
@login_required
def _signed_in() -> None:
    """Every member has a Today page."""
    current_membership()


@bp.get("/")
def index() -> str:
    page = today_page(current_membership(), catalog())
    return render_template("today/index.html", page=page)


@bp.post("/duties/<item_id>/tick")
def tick(item_id: str) -> Response:
    """Tick one of my duties due today; a tick after the expected time is marked late."""
    member = current_membership()
    duty = next((d for d in daily.my_duties(member) if d.item_id == item_id), None)
    if duty is None:
        flash(_("That duty is not on your checklist."), "error")
    elif TickForm().validate_on_submit():
        clinic_day = daily.clinic_day(member.clinic, daily.duty_settings(member.clinic))
        daily_logs.tick_duty(member, duty.item_id, duty.frequency, clinic_day)
        db.session.commit()
    return redirect(url_for(".index", _anchor=f"duty-{duty.id}" if duty else None))
