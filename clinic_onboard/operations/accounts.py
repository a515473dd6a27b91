"""Sign-up, sign-in and password changes."""

from dataclasses import asdict, dataclass

from sqlalchemy import select

from clinic_onboard.extensions import db
from clinic_onboard.models import AppRole, Clinic, Membership, User
from clinic_onboard.models.types import utcnow
from clinic_onboard.operations import audit
from clinic_onboard.services.i18n import default_language
from clinic_onboard.services.passwords import hash_password, verify_password


class EmailTaken(ValueError):
    """Another account already uses this email address."""


@dataclass(frozen=True)
class ClinicDetails:
    name: str
    province: str
    setting: str
    emr: str | None
    options: tuple[str, ...] = ()
    # "en" or "fr"; empty means the province's default (see ``i18n.default_language``).
    language: str = ""


def normalize_email(email: str) -> str:
    return email.strip().lower()


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalize_email(email)))


def create_user(
    email: str, display_name: str, password: str | None, created_by: Clinic | None = None
) -> User:
    """Create an account; ``password`` None leaves it waiting for a set-password link, which
    only ``created_by`` may hand out (see ``invitations.may_issue_link``)."""
    if find_user(email) is not None:
        raise EmailTaken(email)
    user = User(
        email=normalize_email(email),
        display_name=display_name.strip(),
        password_hash=hash_password(password) if password else None,
        created_by_clinic_id=created_by.id if created_by else None,
    )
    db.session.add(user)
    return user


def create_clinic(details: ClinicDetails, *, confirmed: bool = False) -> Clinic:
    """A clinic; ``confirmed`` only where the operator vouches for it (the demo, a seed), since
    an unconfirmed clinic invites nobody until its owner confirms their email."""
    clinic = Clinic(
        confirmed_at=utcnow() if confirmed else None,
        name=details.name.strip(),
        province=details.province,
        setting=details.setting,
        emr=details.emr,
        options=sorted(details.options),
        language=details.language or default_language(details.province),
    )
    db.session.add(clinic)
    return clinic


def add_member(user: User, clinic: Clinic, role: AppRole) -> Membership:
    membership = Membership(user=user, clinic=clinic, role=role)
    db.session.add(membership)
    return membership


def sign_up(email: str, display_name: str, password: str, clinic: ClinicDetails) -> Membership:
    """A new manager and their first clinic, in one step."""
    user = create_user(email, display_name, password)
    membership = add_member(user, create_clinic(clinic), AppRole.MANAGER)
    db.session.flush()
    user.created_by_clinic_id = membership.clinic_id
    audit.record(membership.clinic_id, user, "clinic.create", clinic.name, after=asdict(clinic))
    return membership


def authenticate(user: User | None, password: str) -> User | None:
    """``user`` (found by email) if active and the password is theirs, else None; the same cost
    when no account has the email."""
    ok = verify_password(user.password_hash if user else None, password)
    return user if ok and user is not None and user.active else None


def change_password(user: User, current: str, new: str) -> bool:
    """Set a new password when the current one is right; ends every other session."""
    if not verify_password(user.password_hash, current):
        return False
    user.password_hash = hash_password(new)
    user.end_all_sessions()
    db.session.flush()
    return True


def set_language(user: User, language: str | None) -> None:
    """The person's interface language; None lets the clinic's language decide."""
    user.language = language or None
    db.session.flush()
