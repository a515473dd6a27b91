"""The words of the record's states, each written once: English messages of the gettext catalog.

The core passes ``TaskStatus``, ``EventKind``, ``ModuleProgress`` and sign-off methods as
values; only the edge puts them into words, translating these messages: the web's Jinja
filters (``services/i18n.py``), the PDFs (``pdf/document.py``) and the forms. A new status
needs its word here and its French in ``messages.po`` (``make translations``).
"""

from clinic_onboard.record.progress import ModuleProgress
from clinic_onboard.record.states import EventKind, TaskStatus


def N_(message: str) -> str:
    """Mark ``message`` for the catalog where it is defined; it is translated where it is shown."""
    return message


STATUS_WORDS = {
    TaskStatus.NOT_STARTED: N_("Not started"),
    TaskStatus.AWAITING_SIGNOFF: N_("Waiting for sign-off"),
    TaskStatus.NEEDS_PRACTICE: N_("Needs practice"),
    TaskStatus.DONE: N_("Done"),
    TaskStatus.SIGNED_OFF: N_("Signed off"),
}
# On the printed record an item done with no sign-off to wait for reads "Completed", the
# column beside it giving the date.
PRINTED_STATUS_WORDS = {**STATUS_WORDS, TaskStatus.DONE: N_("Completed")}
EVENT_WORDS = {
    EventKind.COMPLETED: N_("Completed"),
    EventKind.ACKNOWLEDGED: N_("Signed the policy"),
    EventKind.CREDENTIAL: N_("Recorded a credential"),
    EventKind.UNDONE: N_("Took back a completion"),
    EventKind.SIGNED_OFF: N_("Signed off: competent"),
    EventKind.NEEDS_PRACTICE: STATUS_WORDS[TaskStatus.NEEDS_PRACTICE],
    EventKind.VOIDED: N_("Correction"),
    EventKind.FINAL_SIGNOFF: N_("Final sign-off"),
    EventKind.LEFT: N_("Left the clinic"),
    EventKind.CARRIED_OVER: N_("Carried over from an earlier onboarding"),
    EventKind.OPENED: N_("Plan started"),
    EventKind.PLAN_UPDATED: N_("Plan brought up to date"),
    EventKind.RENEWAL_ADDED: N_("Renewal added"),
    EventKind.RESEALED: N_("Record signed with the key"),
}
PROGRESS_WORDS = {
    ModuleProgress.DONE: N_("Done"),
    ModuleProgress.OVERDUE: N_("Overdue"),
    ModuleProgress.IN_PROGRESS: N_("In progress"),
    ModuleProgress.NOT_STARTED: STATUS_WORDS[TaskStatus.NOT_STARTED],
}
# How a supervisor verified an item, by the value a sign-off stores.
METHOD_WORDS = {
    "observed": N_("Observed"),
    "demonstrated": N_("Demonstrated"),
    "discussed": N_("Discussed"),
    "document reviewed": N_("Document reviewed"),
}
