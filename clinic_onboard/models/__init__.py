"""SQLAlchemy models, one module per aggregate; import them from here."""

from clinic_onboard.models.audit import AuditEvent
from clinic_onboard.models.clinic import Clinic, Membership
from clinic_onboard.models.daily import DutySettings, DutyTick, LogEntry, LogIncident, LogUnit
from clinic_onboard.models.event import OnboardingEvent
from clinic_onboard.models.invitation import ClinicInvitation, InvitationStatus
from clinic_onboard.models.issued_record import IssuedRecord
from clinic_onboard.models.job import Job, JobKind, JobLine, JobStatus, LineOutcome
from clinic_onboard.models.onboarding import (
    Onboarding,
    OnboardingDuty,
    OnboardingStatus,
    OnboardingTask,
)
from clinic_onboard.models.policy_document import PolicyDocument
from clinic_onboard.models.reminder import ReminderSettings, SentReminder
from clinic_onboard.models.role import ClinicRole, RoleCustomItem, SwitchedOffItem
from clinic_onboard.models.stored_file import StoredFileRow
from clinic_onboard.models.user import User

# The app roles are the policy's (pure, so the rules need no database); the models use them.
from clinic_onboard.policy import AppRole

__all__ = [
    "AppRole",
    "AuditEvent",
    "Clinic",
    "ClinicInvitation",
    "ClinicRole",
    "DutySettings",
    "DutyTick",
    "InvitationStatus",
    "IssuedRecord",
    "Job",
    "JobKind",
    "JobLine",
    "JobStatus",
    "LineOutcome",
    "LogEntry",
    "LogIncident",
    "LogUnit",
    "Membership",
    "Onboarding",
    "OnboardingDuty",
    "OnboardingEvent",
    "OnboardingStatus",
    "OnboardingTask",
    "PolicyDocument",
    "ReminderSettings",
    "RoleCustomItem",
    "SentReminder",
    "StoredFileRow",
    "SwitchedOffItem",
    "User",
]
