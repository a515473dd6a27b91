"""Each item is signed as what it is (issue 20): a competency assessed, a credential or document
check seen and verified or rejected with a reason, a reading or task confirmed done."""

import io
import re
from datetime import date, timedelta

import pytest
from flask.testing import FlaskClient
from pypdf import PdfReader

from clinic_onboard.extensions import db
from clinic_onboard.models import AppRole
from clinic_onboard.operations import progress
from clinic_onboard.operations.record import append_event
from clinic_onboard.queries import record as record_reads
from clinic_onboard.record.states import EventKind, TaskStatus
from tests.conftest import PASSWORD, Auth
from tests.web.onboarding_factory import PLAN, TITLES, build_onboarding, make_team, task_of

POLICE = "background_checks.police_check_on"
READING = "privacy.read_policy"
HAND, BLS = "ipac.hand_hygiene", "bls.certificate"
# The factory's plan, with a police check and a reading the supervisor confirms.
KINDS_PLAN = {
    **PLAN,
    READING: ("reading", "supervisor", "before_start", -2, None),
    POLICE: ("document_check", "supervisor", None, 20, 36),
}
TODAY = date.today()


@pytest.fixture
def people(make_member, make_clinic) -> dict:
    team = make_team(make_member, make_clinic)()
    hire = make_member(AppRole.STAFF, clinic=team["hire"].clinic)
    team["checked"] = hire
    team["plan"] = build_onboarding(hire, team["supervisor"].user_id, KINDS_PLAN)
    return team


def _as(auth: Auth, member) -> None:
    auth.logout()
    auth.login_as(member)


def _record(client: FlaskClient, task_id: int, **fields):
    data = {"issuer": "Ontario Provincial Police", "number": "PRC-1"}
    data.update(fields)
    return client.post(f"/my/tasks/{task_id}/credential", data=data)


def _sign(client: FlaskClient, task_id: int, **fields):
    return client.post(f"/signoffs/tasks/{task_id}", data={"password": PASSWORD, **fields})


def _status(plan, item_id: str) -> TaskStatus:
    db.session.expire_all()
    return record_reads.task_records(plan)[task_of(plan, item_id).id].status


def test_credential_dates_are_checked_on_the_hires_form(
    client: FlaskClient, auth: Auth, people: dict
) -> None:
    task = task_of(people["plan"], BLS)
    auth.login_as(people["checked"])
    tomorrow = (TODAY + timedelta(days=1)).isoformat()
    cases = [
        ({"issued_on": tomorrow}, "The issue date cannot be later than today."),
        (
            {"issued_on": "2026-01-05", "expires_on": "2026-01-01"},
            "The expiry date must be after the issue date.",
        ),
        (
            {"issued_on": "2020-01-05", "expires_on": "2021-01-05"},
            "This has expired: the expiry date is past.",
        ),
    ]
    for fields, message in cases:
        response = _record(client, task.id, **fields)
        page = response.get_data(as_text=True)
        assert response.status_code == 200 and message in page, fields
        assert 'value="Ontario Provincial Police"' in page  # the values are kept
    assert _status(people["plan"], BLS) is TaskStatus.NOT_STARTED
    yesterday = (TODAY - timedelta(days=1)).isoformat()
    assert _record(client, task.id, issued_on=yesterday).status_code == 302
    assert _status(people["plan"], BLS) is TaskStatus.AWAITING_SIGNOFF


def test_a_rejected_police_check_reopens_and_tells_the_hire_why(
    client: FlaskClient, auth: Auth, people: dict
) -> None:
    plan, police = people["plan"], task_of(people["plan"], POLICE)
    auth.login_as(people["checked"])
    assert "Record the document" in client.get("/my/").get_data(as_text=True)
    _record(client, police.id, issued_on=(TODAY - timedelta(days=400)).isoformat())
    _as(auth, people["supervisor"])
    page = client.get(f"/signoffs/tasks/{police.id}").get_data(as_text=True)
    assert "you saw the document" in page and "can do" not in page
    assert "Original seen" in page and "Observed" not in page
    no_reason = _sign(client, police.id, method="original", outcome="rejected")
    assert "Say why the document is rejected" in no_reason.get_data(as_text=True)
    reason = "Older than the 6 months the clinic accepts"
    _sign(client, police.id, method="original", outcome="rejected", comment=reason)
    assert _status(plan, POLICE) is TaskStatus.REJECTED
    rejected = record_reads.events_of(plan)[-1]
    assert (rejected.kind, rejected.payload) == ("rejected", {"seen": "original", "reason": reason})

    _as(auth, people["checked"])
    mine = client.get("/my/").get_data(as_text=True)
    assert f"Why it was rejected:</strong> {reason}" in mine  # not a supervisor's practice note
    assert "Rejected: to record again" in mine
    assert _record(client, police.id, issued_on=TODAY.isoformat()).status_code == 302
    _as(auth, people["supervisor"])
    assert _sign(client, police.id, method="online_registry", outcome="verified").status_code == 302
    assert _status(plan, POLICE) is TaskStatus.SIGNED_OFF
    verified = record_reads.events_of(plan)[-1]
    assert (verified.kind, verified.payload["seen"]) == ("verified", "online_registry")
    # Finished is finished: the item's page shows its history, not a form.
    done = client.get(f"/signoffs/tasks/{police.id}").get_data(as_text=True)
    assert "History of this item" in done and reason in done and 'name="password"' not in done
    assert "Document verified" in done and "Checked in an online registry" in done
    record = client.get(f"/signoffs/onboardings/{plan.id}/record").get_data(as_text=True)
    assert "Document rejected" in record and "Document verified" in record


def test_a_credential_that_expired_while_waiting_cannot_be_verified(
    client: FlaskClient, auth: Auth, people: dict
) -> None:
    plan, bls = people["plan"], task_of(people["plan"], BLS)
    # Recorded before the date rules, or expired since: the record holds what was written.
    payload = {"issuer": "Red Cross", "number": "", "issued_on": "2022-01-05"}
    append_event(
        plan,
        bls,
        EventKind.CREDENTIAL,
        people["checked"],
        {**payload, "file": None, "expires_on": "2024-01-05"},
    )
    db.session.commit()
    auth.login_as(people["supervisor"])
    page = client.get(f"/signoffs/tasks/{bls.id}").get_data(as_text=True)
    assert "Check the dates" in page and "This has expired" in page
    assert '<option selected value="rejected">' in page  # the only outcome these dates allow
    refused = _sign(client, bls.id, method="original", outcome="verified")
    assert refused.status_code == 200 and "This has expired" in refused.get_data(as_text=True)
    assert _status(plan, BLS) is TaskStatus.AWAITING_SIGNOFF
    _sign(client, bls.id, method="original", outcome="rejected", comment="Expired in 2024")
    assert _status(plan, BLS) is TaskStatus.REJECTED


def test_a_batch_signs_each_kind_as_what_it_is_and_the_pdf_says_so(
    client: FlaskClient, auth: Auth, people: dict
) -> None:
    plan, hire = people["plan"], people["checked"]
    for item in (HAND, READING):
        progress.complete_task(plan, task_of(plan, item), hire)
    db.session.commit()
    auth.login_as(hire)
    _record(client, task_of(plan, BLS).id, issued_on=TODAY.isoformat())
    _as(auth, people["supervisor"])
    ids = [task_of(plan, item).id for item in (HAND, READING, BLS)]
    queue = client.get(f"/signoffs/?hire={plan.id}&select=all").get_data(as_text=True)
    assert "Competencies: you personally verified" in queue
    assert "Credentials and documents: you saw each one" in queue
    assert "Readings, tasks and acknowledgements" in queue
    # A competency's outcome on a reading does not fit: named, nothing signed.
    wrong = client.post(
        "/signoffs/batch",
        data={"tasks": ids, "password": PASSWORD, f"outcome-{ids[1]}": "competent"},
    )
    assert "“Read the clinic privacy policy”: choose from the options" in wrong.get_data(True)
    data = {"tasks": ids, "method": "simulated", "seen": "certified_copy", "password": PASSWORD}
    assert client.post("/signoffs/batch", data=data).status_code == 302
    kinds = {e.task_id: (e.kind, e.payload) for e in record_reads.events_of(plan)[-3:]}
    assert kinds == {
        ids[0]: ("signed_off", {"method": "simulated", "comment": ""}),
        ids[1]: ("confirmed", {"comment": ""}),
        ids[2]: ("verified", {"seen": "certified_copy", "comment": ""}),
    }
    response = client.post(f"/exports/onboardings/{plan.id}/record.pdf")
    reader = PdfReader(io.BytesIO(response.data))
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))
    for words in ("Simulated", "Completion confirmed", "Certified copy seen", TITLES[READING]):
        assert words in text, words
    assert "for a credential or document check, that they saw it" in text


@pytest.mark.parametrize(
    ("item", "fields"),
    [
        (HAND, {"method": "observed", "outcome": "verified"}),
        (HAND, {"method": "original", "outcome": "competent"}),
        (READING, {"method": "observed", "outcome": "confirmed"}),
        (READING, {"outcome": "rejected", "comment": "no"}),
        (BLS, {"method": "observed", "outcome": "verified"}),
        (BLS, {"outcome": "verified"}),
        (BLS, {"method": "original", "outcome": "competent", "comment": "x" * 5000}),
    ],
)
def test_an_answer_that_does_not_fit_the_kind_re_renders_the_form(
    client: FlaskClient, auth: Auth, people: dict, item: str, fields: dict
) -> None:
    plan, hire = people["plan"], people["checked"]
    task = task_of(plan, item)
    if item == BLS:
        details = progress.CredentialDetails("Red Cross", "", TODAY, None)
        progress.record_credential(plan, task, hire, details, None)
    else:
        progress.complete_task(plan, task, hire)
    db.session.commit()
    auth.login_as(people["supervisor"])
    response = _sign(client, task.id, **fields)
    assert response.status_code == 200
    assert _status(plan, item) is TaskStatus.AWAITING_SIGNOFF


def test_the_operation_refuses_impossible_dates_whatever_form_sent_them(people: dict) -> None:
    """The rule holds below the form too (an import, a script): refused, named, not stored."""
    plan, hire = people["plan"], people["checked"]
    bls = task_of(plan, BLS)
    tomorrow, last_year = TODAY + timedelta(days=1), TODAY - timedelta(days=365)
    cases = [
        ((tomorrow, None), "The issue date cannot be later than today."),
        (
            (last_year, last_year - timedelta(days=1)),
            "The expiry date must be after the issue date.",
        ),
    ]
    for (issued, expires), message in cases:
        details = progress.CredentialDetails("Red Cross", "", issued, expires)
        with pytest.raises(progress.ProgressRefused, match=message):
            progress.record_credential(plan, bls, hire, details, None)
    assert _status(plan, BLS) is TaskStatus.NOT_STARTED


def test_a_blank_expiry_that_makes_the_card_expired_is_refused_on_the_form(
    client: FlaskClient, auth: Auth, people: dict
) -> None:
    """The expiry the item's validity gives (24 months here) is checked like a typed one."""
    auth.login_as(people["checked"])
    old = (TODAY - timedelta(days=3 * 365)).isoformat()
    response = _record(client, task_of(people["plan"], BLS).id, issued_on=old)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "This has expired" in page
    assert _status(people["plan"], BLS) is TaskStatus.NOT_STARTED


@pytest.mark.parametrize(
    "fields",
    [
        {"issued_on": "2026-13-45"},
        {"issued_on": "yesterday"},
        {"issued_on": ""},
        {"issued_on": "0001-01-01", "expires_on": "9999-12-31"},
        {"issued_on": "2020-01-05", "expires_on": "not a date"},
        {"issuer": "", "issued_on": "2020-01-05"},
        {"issuer": "x" * 5000, "issued_on": "2020-01-05"},
    ],
)
def test_a_credential_form_that_makes_no_sense_re_renders_never_500(
    client: FlaskClient, auth: Auth, people: dict, fields: dict
) -> None:
    auth.login_as(people["checked"])
    response = _record(client, task_of(people["plan"], POLICE).id, **fields)
    assert response.status_code == 200
    assert _status(people["plan"], POLICE) is TaskStatus.NOT_STARTED


def test_a_batch_rejects_a_document_with_its_reason_and_skips_one_it_cannot_verify(
    client: FlaskClient, auth: Auth, people: dict
) -> None:
    """An expired card in a batch is named and left waiting; the rest is signed. Rejected in
    the next batch with its own reason, it reopens and the hire reads why."""
    plan, hire = people["plan"], people["checked"]
    progress.complete_task(plan, task_of(plan, HAND), hire)
    expired = {"issuer": "Red Cross", "number": "", "issued_on": "2022-01-05"}
    expired |= {"expires_on": "2024-01-05", "file": None}
    append_event(plan, task_of(plan, BLS), EventKind.CREDENTIAL, hire, expired)
    db.session.commit()
    hand, bls = task_of(plan, HAND).id, task_of(plan, BLS).id
    auth.login_as(people["supervisor"])
    data = {"tasks": [hand, bls], "method": "observed", "seen": "original", "password": PASSWORD}
    page = client.post("/signoffs/batch", data=data, follow_redirects=True).get_data(True)
    assert "1 item signed: Hand hygiene at the point of care" in page
    assert f"Not signed: “{TITLES[BLS]}” for {hire.user.display_name}: This has expired" in page
    assert _status(plan, HAND) is TaskStatus.SIGNED_OFF
    assert _status(plan, BLS) is TaskStatus.AWAITING_SIGNOFF
    reason = "Expired in January 2024: bring the card from your refresher."
    data = {"tasks": [bls], "seen": "original", "password": PASSWORD}
    data |= {f"outcome-{bls}": "rejected", f"comment-{bls}": reason}
    assert client.post("/signoffs/batch", data=data).status_code == 302
    assert _status(plan, BLS) is TaskStatus.REJECTED
    _as(auth, hire)
    assert f"Why it was rejected:</strong> {reason}" in client.get("/my/").get_data(True)


def test_a_managers_practice_note_is_the_managers(
    client: FlaskClient, auth: Auth, people: dict
) -> None:
    """Billing is the manager's to sign: the hire is not told their supervisor said it."""
    plan, hire = people["plan"], people["checked"]
    billing = task_of(plan, "emr.billing")
    progress.complete_task(plan, billing, hire)
    choice = progress.SignoffChoice("observed", "needs_practice", "Bill two more visits.")
    progress.sign_item(plan, billing, people["manager"], choice)
    db.session.commit()
    auth.login_as(hire)
    page = client.get("/my/").get_data(as_text=True)
    assert "Your manager says:</strong> Bill two more visits." in page
