"""The public check of a record PDF: anyone, signed in or not, uploads the file or types its
SHA-256 and learns whether exactly that document was issued, by which clinic and when.

Nothing else is shown (no name, no role, no item): the person holding the file can read it,
and a guessed hash must teach nobody anything. Rate-limited per address like the sign-in.
"""

from flask import Blueprint, current_app, render_template

from clinic_onboard.extensions import limiter
from clinic_onboard.queries import verification
from clinic_onboard.web.verify_forms import VerifyForm

bp = Blueprint("verify", __name__, url_prefix="/verify")


def _rate() -> str:
    return current_app.config["VERIFY_RATE_LIMIT"]


@bp.route("", methods=["GET", "POST"])
@limiter.limit(_rate)
def index() -> str:
    form = VerifyForm()
    checked, issued = False, None
    if form.validate_on_submit():
        fingerprint = form.fingerprint_given()
        checked, issued = True, verification.find_issued(fingerprint)
        form.fingerprint.data = fingerprint
    return render_template("verify/index.html", form=form, checked=checked, issued=issued)
