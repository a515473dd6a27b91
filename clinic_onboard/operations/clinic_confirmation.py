"""Confirming a new sign-up's email, by a link sent to it or by the operator's command.

Sign-up is open and checks nothing, so a clinic invites nobody until its owner has shown they
read mail at the address they gave (see ``invitation_quota``). The link holds a signed,
timestamped token (itsdangerous, salt "confirm-clinic", its own max age) naming the person,
the clinic and a fingerprint of the email and the clinic's confirmation: confirming changes
the fingerprint, so a link works once. Nothing about links is stored in the database.
"""

import hashlib
import hmac
from dataclasses import dataclass
from typing import Any

from flask import current_app, render_template, url_for
from flask_babel import force_locale, gettext
from itsdangerous import BadData, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select, update

from clinic_onboard.extensions import db
from clinic_onboard.models import AppRole, Clinic, Membership, User
from clinic_onboard.models.types import utcnow
from clinic_onboard.operations import audit
from clinic_onboard.operations.invitations import Delivery, LinkProblem
from clinic_onboard.services import mail
from clinic_onboard.services.i18n import LOCALES

SALT = "confirm-clinic"


class ConfirmationError(ValueError):
    """The link cannot confirm anything; ``problem`` says whether it expired, was used or is bad."""

    def __init__(self, problem: LinkProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


@dataclass(frozen=True)
class Confirmation:
    """A link that checked out: whose email it confirms, for which clinic."""

    user: User
    clinic: Clinic


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def _fingerprint(user: User, clinic: Clinic) -> str:
    """Changes when the clinic is confirmed or the email changes (keyed: reveals neither)."""
    key = current_app.config["SECRET_KEY"]
    key = key.encode() if isinstance(key, str) else key
    state = f"{user.id}|{user.email}|{clinic.id}|{clinic.confirmed_at or ''}".encode()
    return hmac.new(key, state, hashlib.sha256).hexdigest()[:32]


def make_link(user: User, clinic: Clinic) -> str:
    token = _serializer().dumps({"u": user.id, "c": clinic.id, "f": _fingerprint(user, clinic)})
    return url_for("confirmation.confirm", token=token, _external=True)


def read_token(token: str) -> Confirmation:
    """The confirmation behind ``token``; raises ConfirmationError (expired, used or invalid)."""
    max_age = int(current_app.config["CONFIRMATION_MAX_AGE"])
    try:
        data = _serializer().loads(token, max_age=max_age)
    except SignatureExpired as error:
        raise ConfirmationError(LinkProblem.EXPIRED) from error
    except BadData as error:
        raise ConfirmationError(LinkProblem.INVALID) from error
    confirmation = _named_by(data)
    if not hmac.compare_digest(
        str(data.get("f", "")), _fingerprint(confirmation.user, confirmation.clinic)
    ):
        raise ConfirmationError(LinkProblem.USED)
    return confirmation


def _named_by(data: Any) -> Confirmation:
    """The active manager and clinic the token names, else INVALID."""
    user_id, clinic_id = (data.get("u"), data.get("c")) if isinstance(data, dict) else (None, None)
    if not isinstance(user_id, int) or not isinstance(clinic_id, int):
        raise ConfirmationError(LinkProblem.INVALID)
    membership = db.session.scalar(
        select(Membership).where(
            Membership.user_id == user_id,
            Membership.clinic_id == clinic_id,
            Membership.role == AppRole.MANAGER,
        )
    )
    if membership is None or not membership.user.active:
        raise ConfirmationError(LinkProblem.INVALID)
    return Confirmation(membership.user, membership.clinic)


def confirm_with_link(token: str) -> Confirmation:
    """Confirm the clinic a valid link names; the link (and every copy) stops working."""
    confirmation = read_token(token)
    if not confirm(confirmation.clinic, confirmation.user, by_operator=False):
        raise ConfirmationError(LinkProblem.USED)  # another request confirmed it first
    return confirmation


def confirm(clinic: Clinic, actor: User | None, *, by_operator: bool) -> bool:
    """Mark the clinic confirmed; False if it already was. Flushes, never commits.

    One conditional UPDATE, so two requests with the same link confirm (and log) once.
    """
    moment = utcnow()
    result = db.session.execute(
        update(Clinic)
        .where(Clinic.id == clinic.id, Clinic.confirmed_at.is_(None))
        .values(confirmed_at=moment)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(clinic, ["confirmed_at"])
    if result.rowcount != 1:
        return False
    after = {"by_operator": by_operator}
    audit.record(clinic.id, actor, "clinic.confirm", clinic.name, None, after)
    db.session.flush()
    return True


def send_link(user: User, clinic: Clinic) -> Delivery:
    """Email the person a link confirming their address, when SMTP is configured.

    Call it after committing: a slow mail server must never hold the database. The message
    carries nothing the sign-up typed (no clinic name, no person's name), so the form cannot
    be used to mail a stranger a message of one's own.
    """
    if not mail.mail_configured():
        return Delivery.NOT_CONFIGURED
    url = make_link(user, clinic)
    with force_locale(LOCALES[user.language or clinic.language]):
        subject = gettext("Confirm your email address for clinic_onboard")
        text = render_template("confirmation/email.txt", url=url, max_age=_hours())
        html = render_template("confirmation/email.html", url=url, max_age=_hours())
    try:
        mail.send_email(user.email, subject, text, html)
    except mail.MailError as error:
        current_app.logger.warning("Confirmation email to %s failed: %s", user.email, error)
        return Delivery.FAILED
    return Delivery.SENT


def _hours() -> int:
    return int(current_app.config["CONFIRMATION_MAX_AGE"]) // 3600
