"""What a manager may do to a member's sign-in: end their sessions, reset their two-factor.

Only a manager of every clinic the person belongs to may (``policy.manages_every_clinic_of``,
checked by the view)."""

from clinic_onboard.extensions import db
from clinic_onboard.models import Membership, User
from clinic_onboard.operations import audit


def end_sessions(member: Membership, manager: User) -> None:
    """Sign the member out on every device (a lost phone, a shared computer left signed in)."""
    member.user.end_all_sessions()
    audit.record(member.clinic_id, manager, "account.end_sessions", member.user.display_name)
    db.session.flush()


def reset_two_factor(member: Membership, manager: User) -> None:
    """Remove a member's second factor (a lost phone); their sessions end too, and they can
    enrol a new app at their next sign-in."""
    user = member.user
    user.totp_secret = user.totp_last_step = None
    user.end_all_sessions()
    audit.record(
        member.clinic_id,
        manager,
        "account.two_factor_reset",
        user.display_name,
        before={"two_factor": True},
        after={"two_factor": False},
    )
    db.session.flush()
