"""People who sign in. A person may belong to several clinics (see ``Membership``)."""

import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clinic_onboard.extensions import db
from clinic_onboard.models.types import UTCDateTime, utcnow


def new_session_token() -> str:
    return secrets.token_urlsafe(24)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    # Part of the login cookie's identity: rotating it ends every session of this person.
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)
    # Two-factor sign-in (RFC 6238 TOTP): None until the person enrols an authenticator app.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    # The last time step whose code was accepted: a code is never accepted twice.
    totp_last_step: Mapped[int | None] = mapped_column()
    # The interface language the person chose ("en" or "fr"); None follows the clinic.
    language: Mapped[str | None] = mapped_column(String(5))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The clinic that made this account (a hire it added, or a sign-up's first clinic): only it
    # may hand out a set-password link, and only while nobody else has touched the account.
    # No foreign key: the account outlives that clinic and crosses into others' backups.
    created_by_clinic_id: Mapped[int | None] = mapped_column()

    memberships: Mapped[list["Membership"]] = relationship(  # noqa: F821
        back_populates="user", cascade="all, delete-orphan"
    )
    # Clinics waiting for this person's answer (pending) or told no (declined).
    invitations: Mapped[list["ClinicInvitation"]] = relationship(  # noqa: F821
        back_populates="user",
        foreign_keys="ClinicInvitation.user_id",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def pending_invitations(self) -> list["ClinicInvitation"]:  # noqa: F821
        return [invitation for invitation in self.invitations if invitation.pending]

    @property
    def has_two_factor(self) -> bool:
        return self.totp_secret is not None

    def get_id(self) -> str:
        """Flask-Login's cookie identity: id plus the current session token."""
        return f"{self.id}:{self.session_token}"

    def end_all_sessions(self) -> None:
        """Invalidate every copy of this person's login cookie."""
        self.session_token = new_session_token()
