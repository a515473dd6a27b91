"""SQLAlchemy models, one module per aggregate; import them from here."""

from clinic_onboard.models.clinic import AppRole, Clinic, Membership
from clinic_onboard.models.user import User

__all__ = ["AppRole", "Clinic", "Membership", "User"]
