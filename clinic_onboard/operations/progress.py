"""The hire's and the supervisor's verbs: every change is a new event of the record.

Completions, sign-offs and corrections are appended with ``record.append_event``; nothing here
updates or deletes an event. Each verb checks the state folded from the record first, flushes,
and leaves the commit to the caller; ``RecordConflict`` from a simultaneous writer passes up.
"""

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import gettext as _

from clinic_onboard import policy
from clinic_onboard.catalog.schema import DOCUMENT_KINDS
from clinic_onboard.models import (
    Membership,
    Onboarding,
    OnboardingEvent,
    OnboardingStatus,
    OnboardingTask,
)
from clinic_onboard.models.onboarding import OFFBOARDING
from clinic_onboard.operations import audit
from clinic_onboard.operations.record import append_event, start_change
from clinic_onboard.operations.renewals import sync_renewal
from clinic_onboard.queries.policy_documents import current_document, document_facts
from clinic_onboard.queries.record import (
    TaskRecord,
    events_of,
    items_left,
    task_records,
    voided_ids,
)
from clinic_onboard.record.credentials import date_problems, recorded_date_problems
from clinic_onboard.record.progress import HIRE_TO_ACT
from clinic_onboard.record.renewals import add_months
from clinic_onboard.record.states import (
    REOPENING_KINDS,
    SIGNOFF_METHODS,
    SIGNOFF_OUTCOMES,
    STATEMENT_KINDS,
    EventKind,
    SignoffForm,
    TaskStatus,
)
from clinic_onboard.record.words import N_
from clinic_onboard.services.uploads import StoredFile

# Plain text (callers compare it), translated where it is shown.
CONFLICT_MESSAGE = N_("Someone else just updated this record; please check and try again.")
FORM_KINDS = {
    "acknowledgement": "acknowledged",
    "credential": "credential_recorded",
    "document_check": "credential_recorded",
}
# What a signer must say when sending an item back.
REOPEN_WITHOUT_REASON = {
    EventKind.NEEDS_PRACTICE: N_("Say what to practise."),
    EventKind.REJECTED: N_("Say why the document is rejected, so the hire can put it right."),
}
# A correction, the final sign-off and the record's own statements cannot be voided.
NOT_VOIDABLE = frozenset({EventKind.VOIDED, EventKind.FINAL_SIGNOFF, *STATEMENT_KINDS})


class ProgressRefused(ValueError):
    """The record does not allow this step now; the message says why, for the person."""


@dataclass(frozen=True)
class CredentialDetails:
    issuer: str
    number: str
    issued_on: date
    expires_on: date | None


def same_name(typed: str, display_name: str) -> bool:
    """Names match ignoring case and spacing."""
    return " ".join(typed.split()).casefold() == " ".join(display_name.split()).casefold()


# The hire's verbs -----------------------------------------------------------------------------


def complete_task(
    onboarding: Onboarding, task: OnboardingTask, hire: Membership, note: str = ""
) -> OnboardingEvent:
    """The hire marks an ordinary item done (acknowledgements and credentials have forms)."""
    _hire_may_act(onboarding, task, hire)
    if task.kind in FORM_KINDS:
        raise ProgressRefused(_("This item is completed with its own form."))
    payload = {"note": note.strip()} if note.strip() else {}
    return append_event(onboarding, task, EventKind.COMPLETED, hire, payload)


def undo_task(onboarding: Onboarding, task: OnboardingTask, hire: Membership) -> OnboardingEvent:
    """Take back one's own completion while it is not signed off."""
    _require_hire(onboarding, task, hire)
    found = task_records(onboarding).get(task.id)
    if found is None or found.status not in policy.UNDOABLE:
        raise ProgressRefused(_("Only a completed item that is not signed off can be undone."))
    if not policy.can_undo(hire.user_id, found):
        raise ProgressRefused(_("Only the person who completed this item can undo it."))
    return _synced(onboarding, task, append_event(onboarding, task, EventKind.UNDONE, hire))


def acknowledge_task(
    onboarding: Onboarding,
    task: OnboardingTask,
    hire: Membership,
    typed_name: str,
    seen_sha256: str = "",
) -> OnboardingEvent:
    """Sign a policy by typing one's full name as the account gives it; where the clinic
    attached its own document, ``seen_sha256`` must name the version the hire was shown."""
    _hire_may_act(onboarding, task, hire, kinds={"acknowledgement"})
    if not same_name(typed_name, hire.user.display_name):
        raise ProgressRefused(
            _("Type your full name exactly as %(name)s.", name=repr(hire.user.display_name))
        )
    # The content version names the text signed, so the record shows which wording it was.
    payload = {
        "typed_name": " ".join(typed_name.split()),
        "content_version": onboarding.catalog_version,
        **_document_signed(onboarding, task, seen_sha256),
    }
    event = append_event(onboarding, task, EventKind.ACKNOWLEDGED, hire, payload)
    return _synced(onboarding, task, event)


def record_credential(
    onboarding: Onboarding,
    task: OnboardingTask,
    hire: Membership,
    details: CredentialDetails,
    stored: StoredFile | None,
) -> OnboardingEvent:
    """Record a certificate; a blank expiry is the issue date plus the item's validity."""
    _hire_may_act(onboarding, task, hire, kinds=DOCUMENT_KINDS)
    expires_on = details.expires_on
    if expires_on is None and task.validity_months:
        expires_on = add_months(details.issued_on, task.validity_months)
    problems = date_problems(details.issued_on, expires_on, hire.clinic.today())
    if problems:
        raise ProgressRefused(" ".join(_(problem) for problem in problems))
    payload = {
        "issuer": details.issuer.strip(),
        "number": details.number.strip(),
        "issued_on": details.issued_on.isoformat(),
        "expires_on": expires_on.isoformat() if expires_on else None,
        "file": stored.as_payload() if stored else None,
    }
    event = append_event(onboarding, task, EventKind.CREDENTIAL, hire, payload)
    return _synced(onboarding, task, event)


def _document_signed(
    onboarding: Onboarding, task: OnboardingTask, seen_sha256: str
) -> dict[str, Any]:
    """The clinic's document version signed, by number and SHA-256 ({} when there is none)."""
    document = current_document(onboarding.role_id, task.item_id)
    if document is None:
        return {}
    if document.sha256 != seen_sha256:
        raise ProgressRefused(
            _(
                "The clinic uploaded a new version of this document while you were reading. "
                "Read the new version, then sign."
            )
        )
    return document_facts(document)


def _synced(
    onboarding: Onboarding, task: OnboardingTask, event: OnboardingEvent
) -> OnboardingEvent:
    """Bring the item's next renewal in step with the event just appended."""
    sync_renewal(onboarding, task, task_records(onboarding))
    return event


def _require_hire(onboarding: Onboarding, task: OnboardingTask, hire: Membership) -> None:
    # An offboarding is the clinic's checklist about the person: a manager ticks it.
    if not policy.is_hire(hire, onboarding) or onboarding.kind == OFFBOARDING:
        raise ProgressRefused(_("Only the person being onboarded can do this."))
    _require_open(onboarding, task)


def _require_open(onboarding: Onboarding, task: OnboardingTask | None) -> None:
    """A completed onboarding's record is closed, except for the renewals that follow it and
    an acknowledgement a new version of the clinic's document re-opened."""
    # Every verb starts here, before it reads the record's state (see start_change).
    start_change(onboarding)
    if onboarding.status == OnboardingStatus.LEFT:
        raise ProgressRefused(_("This person left the clinic; the record is kept as it was."))
    if onboarding.status != OnboardingStatus.ACTIVE and not _follows_on(onboarding, task):
        raise ProgressRefused(_("This onboarding is complete; the record can no longer change."))


def _follows_on(onboarding: Onboarding, task: OnboardingTask | None) -> bool:
    """A renewal, or an acknowledgement re-opened by a new version of the clinic's document:
    what a completed record still takes."""
    if task is None:
        return False
    revised = any(
        e.kind == EventKind.POLICY_REVISED and e.task_id == task.id for e in events_of(onboarding)
    )
    return task.renewal_of_id is not None or revised


def _hire_may_act(
    onboarding: Onboarding,
    task: OnboardingTask,
    hire: Membership,
    kinds: Collection[str] | None = None,
) -> None:
    _require_hire(onboarding, task, hire)
    if kinds is not None and task.kind not in kinds:
        raise ProgressRefused(_("This item is not completed with this form."))
    found = task_records(onboarding).get(task.id)
    if found is None or found.status not in HIRE_TO_ACT:
        raise ProgressRefused(_("This item is already done or waiting for sign-off."))


# The supervisor's and the manager's verbs ----------------------------------------------------


def sign_off(
    onboarding: Onboarding,
    task: OnboardingTask,
    signer: Membership,
    method: str,
    competent: bool,
    comment: str = "",
) -> OnboardingEvent:
    """Competent signs the item off; needs practice re-opens it for the hire (the signature
    of a competency, whatever the item's kind: ``sign_item`` signs each kind as what it is)."""
    _waiting_for(onboarding, task, signer)
    if not competent and not comment.strip():
        raise ProgressRefused(_("Say what to practise."))
    kind = EventKind.SIGNED_OFF if competent else EventKind.NEEDS_PRACTICE
    return _signed(onboarding, task, signer, kind, {"method": method, "comment": comment})


def _waiting_for(onboarding: Onboarding, task: OnboardingTask, signer: Membership) -> TaskRecord:
    """The item's record, once the signer may sign it and it is waiting for them."""
    _require_open(onboarding, task)
    if not policy.may_sign(signer, onboarding, task):
        raise ProgressRefused(_("You cannot sign off this item."))
    found = task_records(onboarding).get(task.id)
    if found is None or found.status is not TaskStatus.AWAITING_SIGNOFF:
        raise ProgressRefused(_("This item is not waiting for sign-off."))
    return found


def _signed(
    onboarding: Onboarding,
    task: OnboardingTask,
    signer: Membership,
    kind: EventKind,
    payload: dict[str, Any],
) -> OnboardingEvent:
    event = append_event(onboarding, task, kind, signer, payload)
    _audit(signer, f"onboarding.{kind.value}", onboarding, {"task": task.item_id})
    return _synced(onboarding, task, event)


@dataclass(frozen=True)
class SignoffChoice:
    """What a signer chose for one item: how they verified it, the outcome, a comment."""

    method: str
    outcome: str
    comment: str = ""


def sign_item(
    onboarding: Onboarding, task: OnboardingTask, signer: Membership, choice: SignoffChoice
) -> OnboardingEvent:
    """Sign an item as what it is (``policy.signoff_form``): a competency assessed, a document
    verified or rejected with the reason, anything else confirmed done. A sending back (needs
    practice, rejected) re-opens the item and the hire sees the comment."""
    found = _waiting_for(onboarding, task, signer)
    form = policy.signoff_form(task.kind)
    kind = SIGNOFF_OUTCOMES[form].get(choice.outcome)
    methods = SIGNOFF_METHODS[form]
    if kind is None or (methods and choice.method not in methods):
        raise ProgressRefused(_("Choose one of the options given for this item."))
    comment = choice.comment.strip()
    if kind in REOPENING_KINDS and not comment:
        raise ProgressRefused(_(REOPEN_WITHOUT_REASON[kind]))
    if kind is EventKind.VERIFIED and found.completion is not None:
        problems = recorded_date_problems(found.completion.payload, signer.clinic.today())
        if problems:
            raise ProgressRefused(" ".join(_(problem) for problem in problems))
    return _signed(onboarding, task, signer, kind, _signature(form, kind, choice.method, comment))


def _signature(form: SignoffForm, kind: EventKind, method: str, comment: str) -> dict[str, Any]:
    """The payload: how it was verified, and the comment (the reason, for a rejection)."""
    if form is SignoffForm.COMPETENCY:
        return {"method": method, "comment": comment}
    if form is SignoffForm.DOCUMENT:
        return {"seen": method, ("reason" if kind is EventKind.REJECTED else "comment"): comment}
    return {"comment": comment}


@dataclass(frozen=True)
class BatchResult:
    """The items a batch signed, and those it left with the reason (no longer waiting...)."""

    signed: list[OnboardingTask]
    skipped: list[tuple[OnboardingTask, str]]


def sign_many(
    signer: Membership, choices: Sequence[tuple[OnboardingTask, SignoffChoice]]
) -> BatchResult:
    """Sign each item with its own event in its own record; one refused item (signed by
    someone else meanwhile, undone by the hire) is named and the others are still signed."""
    signed: list[OnboardingTask] = []
    skipped: list[tuple[OnboardingTask, str]] = []
    for task, choice in choices:
        try:
            sign_item(task.onboarding, task, signer, choice)
        except ProgressRefused as refusal:
            skipped.append((task, str(refusal)))
        else:
            signed.append(task)
    return BatchResult(signed, skipped)


def complete_onboarding(onboarding: Onboarding, manager: Membership) -> OnboardingEvent:
    """The manager's final sign-off, once every live item is done or signed off."""
    _require_open(onboarding, None)
    if not policy.can_complete_onboarding(manager, onboarding):
        raise ProgressRefused(_("Only a manager other than the hire gives the final sign-off."))
    left = [task for task, _status in items_left(onboarding)]
    if left:
        raise ProgressRefused(_left_message(left))
    event = append_event(onboarding, None, EventKind.FINAL_SIGNOFF, manager)
    onboarding.status = OnboardingStatus.COMPLETED
    onboarding.completed_at = event.created_at
    _audit(manager, "onboarding.final_signoff", onboarding, {"status": "completed"})
    return event


def _left_message(left: list[OnboardingTask], shown: int = 8) -> str:
    titles = "; ".join(t.title for t in left[:shown])
    more = f"; and {len(left) - shown} more" if len(left) > shown else ""
    return f"{len(left)} item{'s' if len(left) != 1 else ''} still to finish: {titles}{more}."


def void_event(
    onboarding: Onboarding, event: OnboardingEvent, manager: Membership, reason: str
) -> OnboardingEvent:
    """A correction: a new event cancelling an earlier one; the task's status re-folds."""
    _require_open(onboarding, event.task)
    if not policy.can_correct_record(manager.role):
        raise ProgressRefused(_("Only a manager can correct the record."))
    if event.onboarding_id != onboarding.id or event.kind in NOT_VOIDABLE:
        raise ProgressRefused(_("This entry cannot be voided."))
    if event.id in voided_ids(events_of(onboarding)):
        raise ProgressRefused(_("This entry is already voided."))
    if not reason.strip():
        raise ProgressRefused(_("Give the reason for the correction."))
    payload = {"voids": event.id, "reason": reason.strip()}
    voiding = append_event(onboarding, event.task, EventKind.VOIDED, manager, payload)
    _audit(manager, "onboarding.void", onboarding, {"voids": event.seq, "reason": reason})
    return _synced(onboarding, event.task, voiding) if event.task else voiding


def _audit(actor: Membership, action: str, onboarding: Onboarding, after: dict[str, Any]) -> None:
    subject = audit.hire_subject(onboarding)
    audit.record(onboarding.clinic_id, actor.user, action, subject, after=after)
