"""Reminders as pure rules: which items each person is told about, when, and in what words.

No Flask or database import: ``operations.reminders`` loads a ``Snapshot`` of every clinic,
asks ``reminder_items`` and ``plan_digests`` what to send today, and sends and records it.
The same snapshot feeds each person's calendar (``calendar_entries``).
"""

from clinic_onboard.reminders.calendar import Entry, calendar_entries, render_calendar
from clinic_onboard.reminders.digest import (
    Digest,
    Line,
    RunPlan,
    detail,
    lines,
    may_send,
    plan_digests,
    sections,
    subject,
    summary,
)
from clinic_onboard.reminders.items import latest_credentials, reminder_items
from clinic_onboard.reminders.model import (
    Credential,
    CredentialRecord,
    Frequency,
    Hire,
    Item,
    Kind,
    Link,
    LogGap,
    Member,
    Person,
    Snapshot,
    Task,
)
from clinic_onboard.reminders.stages import (
    STAGE_LIFETIME_DAYS,
    credential_stage,
    due_stage,
    expiry_window,
)

__all__ = [
    "STAGE_LIFETIME_DAYS",
    "Credential",
    "CredentialRecord",
    "Digest",
    "Entry",
    "Frequency",
    "Hire",
    "Item",
    "Kind",
    "Line",
    "Link",
    "LogGap",
    "Member",
    "Person",
    "RunPlan",
    "Snapshot",
    "Task",
    "calendar_entries",
    "credential_stage",
    "detail",
    "due_stage",
    "expiry_window",
    "latest_credentials",
    "lines",
    "may_send",
    "plan_digests",
    "reminder_items",
    "render_calendar",
    "sections",
    "subject",
    "summary",
]
