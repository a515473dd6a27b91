"""Two-factor sign-in: enrolling an authenticator app, checking its codes, turning it off,
and the clinic setting that requires it (who it applies to: ``policy.two_factor_required``).
Verbs flush and audit; the view commits once."""

from sqlalchemy import or_, update

from clinic_onboard.extensions import db
from clinic_onboard.models import Clinic, User
from clinic_onboard.operations import audit
from clinic_onboard.services import totp


def enrol(user: User, secret: str, code: str, at: float) -> bool:
    """Turn two-factor on once a code proves the app holds ``secret``.

    Every other session ends: they were opened with the password alone.
    """
    step = totp.matching_step(secret, code, at, None)
    if step is None:
        return False
    user.totp_secret, user.totp_last_step = secret, step
    user.end_all_sessions()
    _audit_own_change(user, "account.two_factor_on", on=True)
    db.session.flush()
    return True


def check_code(user: User, code: str, at: float) -> bool:
    """True for a fresh code from the person's app; each code works once.

    The step is claimed with a conditional UPDATE, so two requests racing with the same code
    cannot both succeed.
    """
    if user.totp_secret is None:
        return False
    step = totp.matching_step(user.totp_secret, code, at, user.totp_last_step)
    if step is None:
        return False
    claimed = db.session.execute(
        update(User)
        .where(User.id == user.id)
        .where(or_(User.totp_last_step.is_(None), User.totp_last_step < step))
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(user)
    return claimed.rowcount == 1


def turn_off(user: User) -> None:
    """The person removes their own second factor (after giving a current code)."""
    user.totp_secret = user.totp_last_step = None
    _audit_own_change(user, "account.two_factor_off", on=False)
    db.session.flush()


def set_requirement(clinic: Clinic, manager: User, required: bool) -> None:
    """Change the clinic's "require two-factor for managers and supervisors" setting."""
    before = clinic.require_two_factor
    clinic.require_two_factor = required
    audit.record(
        clinic.id,
        manager,
        "clinic.require_two_factor",
        clinic.name,
        before={"require_two_factor": before},
        after={"require_two_factor": required},
    )
    db.session.flush()


def _audit_own_change(user: User, action: str, *, on: bool) -> None:
    """Each of the person's clinics sees in its audit log that their sign-in changed."""
    for membership in user.memberships:
        audit.record(
            membership.clinic_id,
            user,
            action,
            user.display_name,
            before={"two_factor": not on},
            after={"two_factor": on},
        )
