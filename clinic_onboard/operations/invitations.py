"""One-time set-password links for new hires, and the invitation email that carries one.

A link holds a signed, timestamped token (itsdangerous, salt "set-password") naming the person,
the inviting clinic and a fingerprint of the person's current password hash and session token.
Setting the password changes both, so a used link stops working; making a new link rotates the
session token, so older links stop working too. Nothing about links is stored in the database.
"""

import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from flask import current_app, render_template, url_for
from flask_babel import force_locale, gettext
from itsdangerous import BadData, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import update

from clinic_onboard.extensions import db
from clinic_onboard.models import Clinic, Membership, User
from clinic_onboard.models.user import new_session_token
from clinic_onboard.operations import audit, invitation_quota
from clinic_onboard.services import mail
from clinic_onboard.services.i18n import LOCALES
from clinic_onboard.services.passwords import hash_password

SALT = "set-password"


class LinkProblem(StrEnum):
    EXPIRED = "expired"
    USED = "used"
    INVALID = "invalid"


class InvitationError(ValueError):
    """The link cannot set a password; ``problem`` says whether it expired, was used or is bad."""

    def __init__(self, problem: LinkProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


class HasPassword(ValueError):
    """The person already set a password; they sign in with it instead of a link."""


class NotThisClinics(ValueError):
    """Another clinic created the account, or it belongs to another clinic too: no link here."""


class Delivery(StrEnum):
    """What happened to the invitation email."""

    SENT = "sent"
    NOT_CONFIGURED = "not_configured"
    FAILED = "failed"


@dataclass(frozen=True)
class Invitation:
    """A token that checked out: whose it is and which clinic sent it."""

    user: User
    clinic: Clinic


@dataclass(frozen=True)
class IssuedLink:
    url: str
    expires_at: datetime


def max_age() -> int:
    return int(current_app.config["SET_PASSWORD_MAX_AGE"])


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def _fingerprint(user: User) -> str:
    """Changes whenever the password or session token does (keyed, so the token reveals neither)."""
    key = current_app.config["SECRET_KEY"]
    key = key.encode() if isinstance(key, str) else key
    state = f"{user.id}|{user.password_hash or ''}|{user.session_token}".encode()
    return hmac.new(key, state, hashlib.sha256).hexdigest()[:32]


def may_issue_link(user: User, clinic_id: int) -> bool:
    """A link signs its holder in as the person, so only the clinic that created the account
    may make one, and only while nobody else has touched it: no password set and no other
    clinic joined (an accepted invitation is a membership). A clinic that merely adds the
    same email gets an invitation the person answers while signed in, never a link."""
    return (
        user.password_hash is None
        and user.created_by_clinic_id == clinic_id
        and all(m.clinic_id == clinic_id for m in user.memberships)
    )


def make_token(user: User, clinic: Clinic) -> str:
    return _serializer().dumps({"u": user.id, "c": clinic.id, "f": _fingerprint(user)})


def read_token(token: str) -> Invitation:
    """The invitation behind ``token``; raises InvitationError (expired, used or invalid)."""
    try:
        data = _serializer().loads(token, max_age=max_age())
    except SignatureExpired as error:
        raise InvitationError(LinkProblem.EXPIRED) from error
    except BadData as error:
        raise InvitationError(LinkProblem.INVALID) from error
    user = _user_named_by(data)
    if not hmac.compare_digest(str(data.get("f", "")), _fingerprint(user)):
        raise InvitationError(LinkProblem.USED)
    clinic_id = data.get("c")
    clinic = db.session.get(Clinic, clinic_id) if isinstance(clinic_id, int) else None
    # Checked again on use: a link made before this rule, or before another clinic took the
    # person in, must not work.
    if clinic is None or not may_issue_link(user, clinic.id):
        raise InvitationError(LinkProblem.INVALID)
    return Invitation(user=user, clinic=clinic)


def _user_named_by(data: Any) -> User:
    user_id = data.get("u") if isinstance(data, dict) else None
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or not user.active:
        raise InvitationError(LinkProblem.INVALID)
    return user


def set_password(token: str, new_password: str) -> User:
    """Set the password a valid link allows; the link (and every older one) stops working."""
    invitation = read_token(token)
    user = invitation.user
    _replace_password(user, hash_password(new_password))
    audit.record(
        invitation.clinic.id,
        user,
        "user.set_password",
        user.display_name,
        {"password_set": False},
        {"password_set": True},
    )
    db.session.flush()
    return user


def _replace_password(user: User, new_hash: str) -> None:
    """Change the password only if nobody changed it since the link was read (single use even
    when the form is sent twice at once); also ends every session of the person."""
    unchanged = (
        User.password_hash.is_(None)
        if user.password_hash is None
        else User.password_hash == user.password_hash
    )
    result = db.session.execute(
        update(User)
        .where(User.id == user.id, User.session_token == user.session_token, unchanged)
        .values(password_hash=new_hash, session_token=new_session_token())
        .execution_options(synchronize_session=False)
    )
    db.session.expire(user)
    if result.rowcount != 1:
        raise InvitationError(LinkProblem.USED)


def issue_link(membership: Membership, actor: User, *, renew: bool = False) -> IssuedLink:
    """A set-password link for a hire who has no password yet (flushes, never commits).

    ``renew`` first rotates the person's session token, so links made before stop working.
    Raises invitation_quota.InvitationRefused when the clinic may not invite anyone now.
    """
    user, clinic = membership.user, membership.clinic
    if user.password_hash is not None:
        raise HasPassword(user.email)
    if not may_issue_link(user, clinic.id):
        raise NotThisClinics(user.email)
    invitation_quota.check(clinic)
    if renew:
        user.end_all_sessions()
    url = url_for("invitations.welcome", token=make_token(user, clinic), _external=True)
    expires_at = datetime.now(UTC) + timedelta(seconds=max_age())
    after = {"email": user.email, "renewed": renew, "expires_at": expires_at.isoformat()}
    audit.record(clinic.id, actor, "invitation.issue", user.display_name, None, after)
    db.session.flush()
    return IssuedLink(url=url, expires_at=expires_at)


def email_links(
    sendings: Sequence[tuple[Membership, IssuedLink, str]], actor: User
) -> list[Delivery]:
    """Email each (membership, link, role name) when SMTP is configured; flushes the audit.

    Call it after committing the hires, so a slow mail server never holds the database. After
    one failure the rest are not tried: the manager copies those links instead.
    """
    if not mail.mail_configured():
        return [Delivery.NOT_CONFIGURED] * len(sendings)
    deliveries: list[Delivery] = []
    for membership, link, role_name in sendings:
        if Delivery.FAILED in deliveries:
            deliveries.append(Delivery.FAILED)
            continue
        deliveries.append(email_link(membership, link, role_name, actor))
    db.session.flush()
    return deliveries


def email_link(membership: Membership, link: IssuedLink, role_name: str, actor: User) -> Delivery:
    """Email one link (SMTP is configured) and log what happened; the caller flushes."""
    delivery = _send(membership, actor, link, role_name)
    after = {"email": membership.user.email, "delivery": delivery.value}
    audit.record(
        membership.clinic_id, actor, "invitation.email", membership.user.display_name, None, after
    )
    return delivery


def _send(membership: Membership, actor: User, link: IssuedLink, role_name: str) -> Delivery:
    user, clinic = membership.user, membership.clinic
    context = {
        "user": user,
        "clinic": clinic,
        "manager": actor,
        "url": link.url,
        "expires_on": link.expires_at.date(),
        "role_name": role_name,
    }
    # In the language the hire will read: their own choice, else their clinic's.
    with force_locale(LOCALES[user.language or clinic.language]):
        subject = gettext("Set your password for %(clinic)s", clinic=clinic.name)
        text = render_template("invitations/email.txt", **context)
        html = render_template("invitations/email.html", **context)
    try:
        mail.send_email(user.email, subject, text, html)
    except mail.MailError as error:
        current_app.logger.warning("Invitation email to %s failed: %s", user.email, error)
        return Delivery.FAILED
    return Delivery.SENT
