"""The words of the record's states, each written once: English messages of the gettext catalog.

The core passes ``TaskStatus``, ``EventKind``, ``ModuleProgress`` and sign-off methods as
values; only the edge puts them into words, translating these messages: the web's Jinja
filters (``services/i18n.py``), the PDFs (``pdf/document.py``) and the forms. A new status
needs its word here and its French in ``messages.po`` (``make translations``).
"""

from clinic_onboard.record.progress import ModuleProgress
from clinic_onboard.record.states import EventKind, SignoffForm, TaskStatus


def N_(message: str) -> str:
    """Mark ``message`` for the catalog where it is defined; it is translated where it is shown."""
    return message


STATUS_WORDS = {
    TaskStatus.NOT_STARTED: N_("Not started"),
    TaskStatus.AWAITING_SIGNOFF: N_("Waiting for sign-off"),
    TaskStatus.NEEDS_PRACTICE: N_("Needs practice"),
    TaskStatus.REJECTED: N_("Rejected: to record again"),
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
    EventKind.VERIFIED: N_("Document verified"),
    EventKind.REJECTED: N_("Document rejected"),
    EventKind.CONFIRMED: N_("Completion confirmed"),
    EventKind.VOIDED: N_("Correction"),
    EventKind.FINAL_SIGNOFF: N_("Final sign-off"),
    EventKind.LEFT: N_("Left the clinic"),
    EventKind.POLICY_REVISED: N_("New version of the clinic's document: to sign again"),
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
    "simulated": N_("Simulated"),
    "document reviewed": N_("Document reviewed"),
    "original": N_("Original seen"),
    "certified_copy": N_("Certified copy seen"),
    "online_registry": N_("Checked in an online registry"),
    EventKind.CONFIRMED.value: EVENT_WORDS[EventKind.CONFIRMED],
}
# Each outcome a signer may choose, by the value the sign-off forms send.
OUTCOME_WORDS = {
    "competent": N_("Competent"),
    "needs_practice": STATUS_WORDS[TaskStatus.NEEDS_PRACTICE],
    "verified": N_("Verified"),
    "rejected": N_("Rejected"),
    "confirmed": N_("Completion confirmed"),
}
# What a signature of each form attests, shown before signing and on the record.
MEANING_WORDS = {
    SignoffForm.COMPETENCY: N_(
        "By signing you confirm that you personally verified that %(hire)s can do “%(item)s” "
        "safely and as the clinic expects, by the method you choose below."
    ),
    SignoffForm.DOCUMENT: N_(
        "By signing you confirm that you saw the document %(hire)s recorded for “%(item)s”, in "
        "the form you choose below, and that it is genuine, theirs and in date; or you reject "
        "it and tell them why."
    ),
    SignoffForm.CONFIRMATION: N_(
        "By signing you confirm that %(hire)s completed “%(item)s” as the clinic asks."
    ),
}
# The same, for a batch of items of several hires: one line per form the batch holds.
BATCH_MEANING_WORDS = {
    SignoffForm.COMPETENCY: N_(
        "Competencies: you personally verified that the hire can do each one safely and as the "
        "clinic expects, by the method given."
    ),
    SignoffForm.DOCUMENT: N_(
        "Credentials and documents: you saw each one in the form given, and it is genuine, the "
        "hire's own and in date."
    ),
    SignoffForm.CONFIRMATION: N_(
        "Readings, tasks and acknowledgements: the hire completed each one as the clinic asks."
    ),
}
