"""The public verification page: a record PDF issued by a clinic verifies by its SHA-256 alone,
for anyone, without signing in; an edited copy does not; nothing but the clinic and the date
is told."""

import hashlib
import io
import re
from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from pypdf import PdfReader, PdfWriter

from clinic_onboard.extensions import db
from clinic_onboard.operations import progress
from tests.web.onboarding_factory import make_team, task_of


@pytest.fixture
def issued(client: FlaskClient, auth, make_member: Callable, make_clinic: Callable) -> dict:
    """A record PDF downloaded by the manager, then the manager signed out."""
    people = make_team(make_member, make_clinic)()
    onboarding = people["onboarding"]
    hygiene = task_of(onboarding, "ipac.hand_hygiene")
    progress.complete_task(onboarding, hygiene, people["hire"])
    progress.sign_off(onboarding, hygiene, people["supervisor"], "observed", True)
    db.session.commit()
    auth.login_as(people["manager"])
    response = client.post(f"/exports/onboardings/{onboarding.id}/record.pdf")
    assert response.status_code == 200
    auth.logout()
    return {**people, "pdf": response.data}


def page_text(response) -> str:
    """The visible words of the page's main content."""
    main = re.search(r"<main.*?</main>", response.text, re.S)
    body = main.group(0) if main else response.text
    return " ".join(re.sub(r"<[^>]+>", " ", body).split())


def test_the_pdf_leads_to_the_public_page_by_qr_code_and_link(issued: dict):
    reader = PdfReader(io.BytesIO(issued["pdf"]))
    last = reader.pages[-1]
    links = [a.get_object()["/A"]["/URI"] for a in last.get("/Annots", [])]
    assert links and all(link == "http://localhost/verify" for link in links)
    assert "http://localhost/verify" in last.extract_text()


def test_an_uploaded_genuine_pdf_verifies_without_signing_in(client: FlaskClient, issued: dict):
    upload = {"document": (io.BytesIO(issued["pdf"]), "record.pdf")}
    response = client.post("/verify", data=upload, content_type="multipart/form-data")

    assert response.status_code == 200
    text = page_text(response)
    assert "Issued. Harbour Clinic issued exactly this document on" in text
    # nothing about the person or the record: only the clinic and the date
    for secret in (
        issued["hire"].user.display_name,
        issued["supervisor"].user.display_name,
        issued["manager"].user.display_name,
        issued["onboarding"].role.name,
    ):
        assert secret not in response.text


def test_a_typed_fingerprint_verifies_and_tells_only_clinic_and_date(
    client: FlaskClient, issued: dict
):
    fingerprint = hashlib.sha256(issued["pdf"]).hexdigest()
    response = client.post("/verify", data={"fingerprint": fingerprint.upper()})

    text = page_text(response)
    found = re.search(r"Issued\. (.+?) issued exactly this document on (\d{4}-\d\d-\d\d)\.", text)
    assert found and found.group(1) == "Harbour Clinic"
    after = text[found.end() :].split("Fingerprint:")[0].strip()
    assert after == ""  # the verdict says nothing more


def test_an_edited_pdf_with_the_genuine_fingerprint_printed_fails(
    client: FlaskClient, issued: dict
):
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(issued["pdf"])))
    writer.add_metadata({"/Title": "Edited"})
    edited = io.BytesIO()
    writer.write(edited)
    upload = {"document": (io.BytesIO(edited.getvalue()), "record.pdf")}

    response = client.post("/verify", data=upload, content_type="multipart/form-data")

    assert "Not issued." in page_text(response)
    assert "Harbour Clinic" not in page_text(response)


def test_a_fingerprint_never_issued_fails(client: FlaskClient, issued: dict):
    response = client.post("/verify", data={"fingerprint": "0" * 64})
    assert "Not issued." in page_text(response)


def test_nothing_given_re_renders_the_form_with_a_message(client: FlaskClient):
    response = client.post("/verify", data={"fingerprint": "not a hash"})
    assert response.status_code == 200
    assert "type its SHA-256 fingerprint" in response.text
    assert 'value="not a hash"' in response.text


@pytest.fixture
def app_config(app_config: dict[str, Any], request: pytest.FixtureRequest) -> dict[str, Any]:
    """The rate-limit test gets the limiter on, with a small allowance."""
    if request.node.name == "test_the_page_is_rate_limited":
        return {**app_config, "RATELIMIT_ENABLED": True, "VERIFY_RATE_LIMIT": "3 per minute"}
    return app_config


def test_the_page_is_rate_limited(client: FlaskClient):
    codes = [client.post("/verify", data={"fingerprint": "0" * 64}).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


def whole_text(response) -> str:
    """Every visible word of the page, header and footer included."""
    body = re.search(r"<body.*?</body>", response.text, re.S)
    assert body is not None
    visible = re.sub(r"<(script|style)\b.*?</\1>", " ", body.group(0), flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", visible).split())


def test_a_verified_page_adds_only_the_clinic_the_date_and_the_fingerprint(
    client: FlaskClient, issued: dict
):
    """Issue 24: the page leaks nothing beyond the clinic's name and the issue date. The
    verdict is the only text the answer adds to the blank form's page, word for word."""
    fingerprint = hashlib.sha256(issued["pdf"]).hexdigest()
    client.get("/verify")  # shows, and so clears, the "You are signed out." message
    blank = whole_text(client.get("/verify"))

    answer = whole_text(client.post("/verify", data={"fingerprint": fingerprint}))

    day = re.search(r"issued exactly this document on (\d{4}-\d\d-\d\d)\.", answer)
    assert day is not None
    verdict = (
        f"Issued. Harbour Clinic issued exactly this document on {day.group(1)}. "
        f"Fingerprint: {fingerprint}"
    )
    assert answer.replace(verdict + " ", "", 1) == blank
    assert issued["hire"].user.email not in answer and issued["manager"].user.email not in answer
