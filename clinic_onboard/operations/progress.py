"""The hire's and the supervisor's verbs: every change is a new event of the record.

Completions, sign-offs and corrections are appended with ``record.append_event``; nothing here
updates or deletes an event. Each verb checks the state folded from the record first, flushes,
and leaves the commit to the caller; ``RecordConflict`` from a simultaneous writer passes up.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import gettext as _

from clinic_onboard import policy
from clinic_onboard.models import (
    Membership,
    Onboarding,
    OnboardingEvent,
    OnboardingStatus,
    OnboardingTask,
)
from clinic_onboard.operations import audit
from clinic_onboard.operations.record import append_event, start_change
from clinic_onboard.operations.renewals import sync_renewal
from clinic_onboard.queries.record import events_of, task_records, voided_ids
from clinic_onboard.record.progress import HIRE_TO_ACT
from clinic_onboard.record.renewals import add_months
from clinic_onboard.record.states import (
    STATEMENT_KINDS,
    EventKind,
    TaskStatus,
    is_finished,
)
from clinic_onboard.record.words import N_
from clinic_onboard.services.uploads import StoredFile

# Plain text (callers compare it), translated where it is shown.
CONFLICT_MESSAGE = N_("Someone else just updated this record; please check and try again.")
FORM_KINDS = {"acknowledgement": "acknowledged", "credential": "credential_recorded"}
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
    onboarding: Onboarding, task: OnboardingTask, hire: Membership, typed_name: str
) -> OnboardingEvent:
    """Sign a policy by typing one's full name as the account gives it."""
    _hire_may_act(onboarding, task, hire, kind="acknowledgement")
    if not same_name(typed_name, hire.user.display_name):
        raise ProgressRefused(
            _("Type your full name exactly as %(name)s.", name=repr(hire.user.display_name))
        )
    # The content version names the text signed, so the record shows which wording it was.
    payload = {
        "typed_name": " ".join(typed_name.split()),
        "content_version": onboarding.catalog_version,
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
    _hire_may_act(onboarding, task, hire, kind="credential")
    expires_on = details.expires_on
    if expires_on is None and task.validity_months:
        expires_on = add_months(details.issued_on, task.validity_months)
    if expires_on is not None and expires_on <= details.issued_on:
        raise ProgressRefused(_("The expiry date must be after the issue date."))
    payload = {
        "issuer": details.issuer.strip(),
        "number": details.number.strip(),
        "issued_on": details.issued_on.isoformat(),
        "expires_on": expires_on.isoformat() if expires_on else None,
        "file": stored.as_payload() if stored else None,
    }
    event = append_event(onboarding, task, EventKind.CREDENTIAL, hire, payload)
    return _synced(onboarding, task, event)


def _synced(
    onboarding: Onboarding, task: OnboardingTask, event: OnboardingEvent
) -> OnboardingEvent:
    """Bring the item's next renewal in step with the event just appended."""
    sync_renewal(onboarding, task, task_records(onboarding))
    return event


def _require_hire(onboarding: Onboarding, task: OnboardingTask, hire: Membership) -> None:
    if not policy.is_hire(hire, onboarding):
        raise ProgressRefused(_("Only the person being onboarded can do this."))
    _require_open(onboarding, task)


def _require_open(onboarding: Onboarding, task: OnboardingTask | None) -> None:
    """A completed onboarding's record is closed, except for the renewals that follow it."""
    # Every verb starts here, before it reads the record's state (see start_change).
    start_change(onboarding)
    renewal = task is not None and task.renewal_of_id is not None
    if onboarding.status != OnboardingStatus.ACTIVE and not renewal:
        raise ProgressRefused(_("This onboarding is complete; the record can no longer change."))


def _hire_may_act(
    onboarding: Onboarding, task: OnboardingTask, hire: Membership, kind: str | None = None
) -> None:
    _require_hire(onboarding, task, hire)
    if kind is not None and task.kind != kind:
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
    """Competent signs the item off; needs practice re-opens it for the hire."""
    _require_open(onboarding, task)
    if not policy.may_sign(signer, onboarding, task):
        raise ProgressRefused(_("You cannot sign off this item."))
    found = task_records(onboarding).get(task.id)
    if found is None or found.status is not TaskStatus.AWAITING_SIGNOFF:
        raise ProgressRefused(_("This item is not waiting for sign-off."))
    if not competent and not comment.strip():
        raise ProgressRefused(_("Say what to practise."))
    kind = EventKind.SIGNED_OFF if competent else EventKind.NEEDS_PRACTICE
    event = append_event(onboarding, task, kind, signer, {"method": method, "comment": comment})
    _audit(signer, f"onboarding.{kind.value}", onboarding, {"task": task.item_id})
    return _synced(onboarding, task, event)


def items_left(onboarding: Onboarding) -> list[OnboardingTask]:
    """Live items that are neither done nor signed off, in plan order (renewals come later)."""
    records = task_records(onboarding)
    return [
        t
        for t in onboarding.tasks
        if t.id in records and t.renewal_of_id is None and not is_finished(records[t.id].status)
    ]


def complete_onboarding(onboarding: Onboarding, manager: Membership) -> OnboardingEvent:
    """The manager's final sign-off, once every live item is done or signed off."""
    _require_open(onboarding, None)
    if not policy.can_complete_onboarding(manager, onboarding):
        raise ProgressRefused(_("Only a manager other than the hire gives the final sign-off."))
    left = items_left(onboarding)
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
