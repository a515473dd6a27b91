"""Fuzz every form of the app with hypothesis: never a server error, and whatever comes back
shows the input escaped.

The forms are found, not listed: every page of the URL map is fetched as a manager, a
supervisor, a hire and nobody, and each ``<form>`` is read for its fields (names, types,
choices). Each form is then sent random answers: any Unicode (control characters and NUL
included), strings of 10,000+ characters, numbers and dates at their extremes, several values
for one field, missing fields, files (random bytes) in any field, and a ``<script>`` marker
that must never come back raw. A state-changing route that no page offers a form for fails
the test with its name, unless ``NOT_FUZZED`` says why.
"""

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
from flask import Flask, current_app
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from clinic_onboard.extensions import db
from clinic_onboard.models import AppRole
from clinic_onboard.models.types import utcnow
from clinic_onboard.operations import (
    accounts,
    clinic_confirmation,
    clinic_invitations,
    invitations,
    roles,
)
from clinic_onboard.operations.onboarding import start_onboarding
from clinic_onboard.services import totp
from clinic_onboard.web.forms import NUL_MESSAGE
from tests.conftest import PASSWORD, config_for_tests
from tests.security.cast import Cast, build_cast
from tests.security.crawl import (
    STATE_CHANGING,
    Field,
    Form,
    Visitor,
    forms_of,
    named_url,
    routes,
    sent_to_login,
)

EXAMPLES = 25
MARKER = "<script>x</script>"
NUL = "\x00"
# Routes that change state but that no page of the seeded clinic offers, and why.
NOT_FUZZED = {
    "auth.turn_off_two_factor": "only for someone signed in with a code from an enrolled phone",
    # No field but the CSRF token; tests/web/test_signup_confirmation.py sends it.
    "confirmation.send": "only for the manager of an unconfirmed clinic; the cast's is confirmed",
    # No field but the CSRF token; tests/web/test_role_lifecycle.py sends them.
    "roles.delete": "only for a role nobody was hired into; the cast's role has hires",
    "roles.restore": "only for an archived role; the cast's role is in use",
}
# Failing examples hypothesis found, kept so they are tried first on every run.
REGRESSIONS: dict[str, list[dict[str, Any]]] = {
    # PostgreSQL refused the NUL in the email lookup: a server error before forms.Form.
    "auth.login": [{"email": "\x00", "password": PASSWORD}],
    # A file in place of text: a TypeError in the length check, and in reading a date.
    "roles.rename": [{"name": (b"abc", "name.txt")}],
    "staff.add": [{"start_date": (b"2026-09-08", "date.txt"), "name": "A", "email": "a@b.ca"}],
}
# "pending" gave the password of someone who uses two-factor sign-in, and not the code yet.
PENDING = "pending"
PERSONAS = (None, PENDING, "hire", "supervisor", "manager")
# Last: these end or move the session (or make every sign-in need a code), which would weaken
# the forms fuzzed after them.
SESSION_ENDPOINTS = ("auth.logout", "auth.change_password", "clinic.switch", "clinic.security")

# Characters that break things: NUL (PostgreSQL cannot store it), controls, line and bidi
# marks, a byte-order mark, an emoji, quotes, HTML and format specials.
NASTY = "\x00\x01\x1b\x7f\r\n\t\x85\u2028\u202e\ufeff\U0001f600'\"<>&\\%{}"
ANY_TEXT = st.text(st.one_of(st.sampled_from(NASTY), st.characters(codec="utf-8")), max_size=40)
HUGE = st.builds(
    lambda piece, times: piece * times,
    st.text(st.characters(codec="utf-8"), min_size=1, max_size=3),
    st.integers(4_000, 6_000),
)
NUMBERS = st.one_of(st.integers(), st.floats()).map(str)
DATES = st.dates().map(date.isoformat)
MARKED = st.builds(lambda before, after: f"{before}{MARKER}{after}", ANY_TEXT, ANY_TEXT)
FILE_HEADS = st.sampled_from([b"", b"%PDF-1.4\n", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"<html>"])
FILES = st.tuples(st.builds(bytes.__add__, FILE_HEADS, st.binary(max_size=256)), MARKED)


@dataclass
class Target:
    """A form to fuzz: its endpoint, who saw it, where it posts and its fields."""

    endpoint: str
    persona: str | None
    form: Form

    @property
    def order(self) -> tuple[int, int]:
        return (self.endpoint in SESSION_ENDPOINTS, PERSONAS.index(self.persona))


@pytest.fixture
def app_config(database_url: str, tmp_path) -> dict:
    return config_for_tests(database_url, UPLOAD_FOLDER=str(tmp_path), UPLOAD_MAX_BYTES=1024)


@pytest.fixture
def cast(app: Flask) -> Cast:
    return build_cast("Fuzzwick")


@pytest.fixture
def extra_pages(cast: Cast) -> list[str]:
    """What makes the last forms appear: the manager belongs to a second clinic (the clinic
    switcher), a hire has not set a password yet (their set-password page and a new link, on
    the staff and the people pages), the role changed after the plans were made (applying the
    differences), a record with nothing left to finish (the final sign-off), the other hire uses
    two-factor sign-in (the code step, and the manager's reset on their page), a clinic
    signed up by someone else waits for its email to be confirmed (the confirmation page), and
    the second clinic invited the hire (accepting and declining)."""
    manager = cast.people["manager"]
    cast.people["other_hire"].user.totp_secret = totp.new_secret()
    second = accounts.create_clinic(_details("Second"), confirmed=True)
    accounts.add_member(manager.user, second, AppRole.STAFF)
    db.session.flush()
    second_role = roles.add_role(second, manager.user, "medical_assistant", "Second assistant")
    hire = cast.people["hire"].user
    invited = clinic_invitations.HireDetails("Invited", hire.email, second_role, date.today(), None)
    clinic_invitations.invite(second, manager.user, hire, invited)
    newcomer = start_onboarding(
        cast.clinic,
        manager.user,
        name="Fuzzwick Newcomer",
        email="newcomer@fuzzwick.example.com",
        role=cast.role,
        start_date=date.today(),
        supervisor=cast.people["supervisor"].user,
    )
    # A record with nothing left to finish: its page offers the manager's final sign-off.
    finisher = start_onboarding(
        cast.clinic,
        manager.user,
        name="Fuzzwick Finisher",
        email="finisher@fuzzwick.example.com",
        role=cast.role,
        start_date=date.today(),
        supervisor=cast.people["supervisor"].user,
    )
    for task in finisher.tasks:
        task.withdrawn_at = utcnow()
    owner = accounts.sign_up("owner@elsewhere.example.com", "Owner", PASSWORD, _details("Third"))
    with current_app.test_request_context():  # the links are full URLs
        link = invitations.issue_link(newcomer.membership, manager.user)
        confirmation = clinic_confirmation.make_link(owner.user, owner.clinic)
    details = roles.CustomItemDetails(
        "Fuzzwick later item", "Added later.", "task", "week_1", "none"
    )
    roles.add_custom_item(cast.role, manager.user, details)
    db.session.commit()
    return [
        urlsplit(link.url).path,
        urlsplit(confirmation).path,
        f"/staff/{newcomer.id}",
        f"/people/{newcomer.membership_id}/link",
        f"/clinic/members/{cast.people['other_hire'].id}",
        f"/signoffs/onboardings/{finisher.id}/record",
    ]


def _details(name: str) -> accounts.ClinicDetails:
    return accounts.ClinicDetails(name, "BC", "family_medicine", None, ())


def _pages(app: Flask, cast: Cast, extra: list[str]) -> list[str]:
    pages = [
        named_url(route, cast.named, cast.library_item)
        for route in routes(app)
        if "GET" in route.methods and not route.is_secret_link and route.endpoint != "static"
    ]
    return [*pages, *extra]


def _endpoint(app: Flask, form: Form) -> str:
    adapter = app.url_map.bind("localhost")
    endpoint, _ = adapter.match(urlsplit(form.action).path, method=form.method.upper())
    return str(endpoint)


def discover(app: Flask, cast: Cast, extra: list[str]) -> list[Target]:
    """Every form on every page each persona can open; the first persona to see one keeps it."""
    found: dict[str, Target] = {}
    for persona in PERSONAS:
        visitor = _visitor(app, cast, persona)
        for page in _pages(app, cast, extra):
            for form in forms_of(page, visitor.send("GET", page)):
                endpoint = _endpoint(app, form)
                found.setdefault(endpoint, Target(endpoint, persona, form))
    return sorted(found.values(), key=lambda target: target.order)


def _visitor(app: Flask, cast: Cast, persona: str | None) -> Visitor:
    if persona != PENDING:
        return Visitor(app, cast.email(persona) if persona else None, PASSWORD)
    visitor = Visitor(app, None, PASSWORD)
    password_step = {"email": cast.email("other_hire"), "password": PASSWORD}
    assert visitor.send("POST", "/auth/login", password_step).location == "/auth/two-factor/code"
    return visitor


def _scalar(field: Field) -> st.SearchStrategy[str]:
    likely = [st.sampled_from(field.options)] if field.options else []
    likely += [st.just(field.value)] if field.value else []
    likely += [st.just(PASSWORD)] if field.kind == "password" else []
    likely += [DATES] if field.kind == "date" else []
    return st.one_of(*likely, ANY_TEXT, HUGE, NUMBERS, DATES, MARKED)


def _answer(field: Field) -> st.SearchStrategy[Any]:
    if field.kind == "file":
        return st.one_of(st.none(), FILES)
    scalar = _scalar(field)
    return st.one_of(st.none(), scalar, st.lists(scalar, min_size=2, max_size=3), FILES)


def answers(form: Form) -> st.SearchStrategy[dict[str, Any]]:
    fields = {name: _answer(f) for name, f in form.fields.items() if name != "csrf_token"}
    return st.fixed_dictionaries(fields)


def _request_data(answers: dict[str, Any]) -> dict[str, Any]:
    data = {}
    for name, value in answers.items():
        if isinstance(value, tuple):  # a file: (content, name)
            data[name] = (io.BytesIO(value[0]), value[1])
        elif value is not None:
            data[name] = value
    return data


def _send(visitor: Visitor, target: Target, answers: dict[str, Any]) -> list[Any]:
    """The answer to the form and, after a redirect, the page it leads to (with the flash)."""
    data = _request_data(answers)
    if target.form.method == "get":
        action = f"{urlsplit(target.form.action).path}?{urlencode(data, doseq=True)}"
        return [visitor.send("GET", action)]
    response = visitor.send("POST", target.form.action, data)
    if response.status_code in (302, 303) and not sent_to_login(response):
        return [response, visitor.send("GET", response.location)]
    return [response]


def fuzzer(visitor: Visitor, target: Target, *extra: Any) -> Callable[[], None]:
    """The hypothesis test of one form; ``extra`` examples run first, as do REGRESSIONS."""

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(answers=answers(target.form))
    def fuzz(answers: dict[str, Any]) -> None:
        for response in _send(visitor, target, answers):
            where = f"{target.endpoint} as {target.persona or 'nobody'}"
            assert response.status_code < 500, f"{where}: {response.status_code}"
            assert MARKER not in response.get_data(as_text=True), f"{where}: raw {MARKER}"

    for regression in [*extra, *(example(answers=r) for r in REGRESSIONS.get(target.endpoint, []))]:
        fuzz = regression(fuzz)
    return fuzz


def test_every_form_survives_random_answers_and_escapes_them(
    app: Flask, cast: Cast, extra_pages: list[str]
) -> None:
    targets = discover(app, cast, extra_pages)
    fuzzed = {target.endpoint for target in targets}
    changing = {r.endpoint for r in routes(app) if STATE_CHANGING.intersection(r.methods)}
    assert set(NOT_FUZZED) <= changing, "NOT_FUZZED names a route that no longer exists"
    assert sorted(changing - fuzzed - set(NOT_FUZZED)) == [], "no page offers a form for these"
    visitors = {persona: _visitor(app, cast, persona) for persona in PERSONAS}
    for target in targets:
        fuzzer(visitors[target.persona], target, example(answers=_nul_everywhere(target)))()


def _nul_everywhere(target: Target) -> dict[str, str]:
    """Every field at once with a NUL in it: the one input each form must be tried with."""
    fields = target.form.fields.items()
    return {name: f"a{NUL}b" for name, f in fields if f.kind != "file" and name != "csrf_token"}


@pytest.mark.parametrize(
    ("persona", "path", "data"),
    [
        (None, "/auth/login", {"email": f"a{NUL}@example.com", "password": PASSWORD}),
        ("manager", "/roles/{role}/name", {"name": f"Front{NUL}desk"}),
        ("hire", "/my/tasks/{ack}/acknowledge", {"typed_name": f"Fuzzwick{NUL} Hire"}),
    ],
)
def test_a_nul_character_is_a_form_error_on_its_field(app: Flask, cast: Cast, persona, path, data):
    url = path.format(role=cast.role.id, ack=cast.named["task.acknowledgement"])
    response = Visitor(app, cast.email(persona) if persona else None, PASSWORD).send(
        "POST", url, data
    )
    assert response.status_code == 200
    assert str(NUL_MESSAGE) in response.get_data(as_text=True)
