"""Sign-off kinds (issue 20), pure: the form per library kind, the states a signature folds to,
and the dates a credential must have."""

from datetime import date

import pytest

from clinic_onboard import policy
from clinic_onboard.catalog.schema import DOCUMENT_KINDS
from clinic_onboard.record.credentials import (
    EXPIRED,
    EXPIRES_BEFORE_ISSUE,
    ISSUED_LATER,
    date_problems,
    recorded_date_problems,
)
from clinic_onboard.record.states import (
    SIGNOFF_OUTCOMES,
    EventKind,
    SignoffForm,
    TaskEvent,
    TaskStatus,
    task_status,
)
from clinic_onboard.record.words import EVENT_WORDS, MEANING_WORDS, OUTCOME_WORDS, STATUS_WORDS

TODAY = date(2026, 12, 7)


@pytest.mark.parametrize(
    ("kind", "form"),
    [
        ("competency", SignoffForm.COMPETENCY),
        ("credential", SignoffForm.DOCUMENT),
        ("document_check", SignoffForm.DOCUMENT),
        ("acknowledgement", SignoffForm.CONFIRMATION),
        ("reading", SignoffForm.CONFIRMATION),
        ("task", SignoffForm.CONFIRMATION),
    ],
)
def test_every_library_kind_has_its_sign_off_form(kind: str, form: SignoffForm) -> None:
    assert policy.signoff_form(kind) is form
    assert form in MEANING_WORDS


def test_document_kinds_are_the_credential_and_the_document_check() -> None:
    assert {"credential", "document_check"} == DOCUMENT_KINDS
    assert all(policy.signoff_form(kind) is SignoffForm.DOCUMENT for kind in DOCUMENT_KINDS)


@pytest.mark.parametrize(
    ("kind", "status"),
    [
        (EventKind.VERIFIED, TaskStatus.SIGNED_OFF),
        (EventKind.CONFIRMED, TaskStatus.SIGNED_OFF),
        (EventKind.REJECTED, TaskStatus.REJECTED),
        (EventKind.NEEDS_PRACTICE, TaskStatus.NEEDS_PRACTICE),
    ],
)
def test_each_signature_folds_to_its_state(kind: EventKind, status: TaskStatus) -> None:
    done = TaskEvent(1, EventKind.CREDENTIAL)
    assert task_status([done, TaskEvent(2, kind)], needs_signoff=True) is status
    # A rejected document recorded again waits for sign-off once more.
    again = [done, TaskEvent(2, kind), TaskEvent(3, EventKind.CREDENTIAL)]
    assert task_status(again, needs_signoff=True) is TaskStatus.AWAITING_SIGNOFF


def test_every_outcome_status_and_event_has_its_words() -> None:
    outcomes = {o for by_form in SIGNOFF_OUTCOMES.values() for o in by_form}
    assert outcomes <= set(OUTCOME_WORDS)
    assert set(TaskStatus) <= set(STATUS_WORDS) and set(EventKind) <= set(EVENT_WORDS)


@pytest.mark.parametrize(
    ("issued", "expires", "problems"),
    [
        (date(2026, 12, 7), None, []),
        (date(2026, 1, 5), date(2028, 1, 5), []),
        (date(2026, 1, 5), TODAY, []),  # valid through its expiry day
        (date(2026, 12, 8), None, [ISSUED_LATER]),
        (date(2026, 1, 5), date(2026, 1, 5), [EXPIRES_BEFORE_ISSUE]),
        (date(2027, 1, 5), date(2026, 1, 5), [ISSUED_LATER, EXPIRES_BEFORE_ISSUE]),
        (date(2020, 1, 5), date(2026, 12, 6), [EXPIRED]),
    ],
)
def test_credential_dates(issued: date, expires: date | None, problems: list[str]) -> None:
    assert date_problems(issued, expires, TODAY) == problems


def test_recorded_dates_read_from_the_payload() -> None:
    payload = {"issued_on": "2020-01-05", "expires_on": "2021-01-05"}
    assert recorded_date_problems(payload, TODAY) == [EXPIRED]
    assert recorded_date_problems({"issued_on": "2026-01-05", "expires_on": None}, TODAY) == []
    assert recorded_date_problems({}, TODAY) == []
