"""Reminder settings for everyone (digest frequency, calendar link) and, for managers, the log
of every reminder sent about their clinic.

Settings belong to the person, whichever clinic they are working in; the log is scoped to the
current clinic like every tenant page.
"""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import get_translations
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from werkzeug.wrappers import Response
from wtforms import RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from clinic_onboard import policy
from clinic_onboard.extensions import db
from clinic_onboard.models import ReminderSettings, SentReminder, User
from clinic_onboard.operations import reminders
from clinic_onboard.queries.reminders import reminder_settings, sent_reminders
from clinic_onboard.reminders import Frequency, Kind, detail, summary
from clinic_onboard.web.forms import Form
from clinic_onboard.web.tenancy import allowed, current_membership

bp = Blueprint("reminders", __name__, url_prefix="/reminders")
LOG_PAGE = 200
KINDS = frozenset(kind.value for kind in Kind)
FIRST_LINK = _l("Your calendar link is ready.")
NEW_LINK = _l("Your calendar link is replaced; the old one no longer works.")
FREQUENCIES = [
    SelectChoice(
        Frequency.DAILY.value, _l("Daily: at most one email a day, only when something is new")
    ),
    SelectChoice(Frequency.WEEKLY.value, _l("Weekly: at most one email every seven days")),
    SelectChoice(Frequency.OFF.value, _l("Off: no reminder emails")),
]


class FrequencyForm(Form):
    frequency = RadioField(_l("Reminder emails"), choices=FREQUENCIES, validators=[InputRequired()])


class FeedForm(Form):
    """Creating or resetting the calendar link: a button, protected by CSRF."""


@bp.before_request
@login_required
def _signed_in() -> None:
    """Every page here needs a signed-in member of a clinic."""
    current_membership()


@bp.route("/", methods=["GET", "POST"])
def settings() -> str | Response:
    """Choose how often reminder emails come; see, copy or reset the calendar link."""
    found = reminder_settings(current_user.id)
    form = FrequencyForm(frequency=(found.frequency if found else Frequency.DAILY).value)
    if form.validate_on_submit():
        reminders.choose_frequency(_me(), Frequency(form.frequency.data))
        db.session.commit()
        flash(_("Your reminder choice is saved."), "success")
        return redirect(url_for(".settings"))
    return render_template(
        "reminders/settings.html", form=form, feed_form=FeedForm(), feed_url=_feed_url(found)
    )


@bp.post("/feed")
def reset_feed() -> Response:
    """Make a calendar link, or replace it: the old link stops working at once."""
    if not FeedForm().validate_on_submit():
        flash(_("The page had expired, so nothing changed; please try again."), "error")
        return redirect(url_for(".settings"))
    replaced = reminders.reset_feed(_me())
    db.session.commit()
    flash(str(NEW_LINK if replaced else FIRST_LINK), "success")
    return redirect(url_for(".settings"))


@bp.get("/log")
@allowed(policy.can_manage_clinic)
def log() -> str:
    """Every reminder sent about this clinic: to whom, what and when. Newest first."""
    sent = sent_reminders(current_membership().clinic_id, LOG_PAGE)
    rows = [(row, _summary(row)) for row in sent]
    return render_template("reminders/log.html", rows=rows, limit=LOG_PAGE)


def _summary(row: SentReminder) -> str:
    """The line in the reader's language, worded as on the day it was sent; a row without the
    item's date (sent before it was kept) shows its stored English sentence."""
    if row.item_on is None or row.kind not in KINDS:
        return row.summary
    words, kind = get_translations(), Kind(row.kind)
    return summary(kind, row.summary, detail(kind, row.item_on, row.sent_on, words), words)


def _feed_url(found: ReminderSettings | None) -> str | None:
    token = reminders.feed_token(found) if found is not None else None
    return url_for("calendar.feed", token=token, _external=True) if token else None


def _me() -> User:
    return current_user._get_current_object()
