"""The role matrix inside one clinic: who may reach each route of the URL map.

``ACCESS`` says, for every endpoint, which of the clinic's people may use it on the hire's
objects (the hire is supervised by "supervisor"; "other_supervisor" supervises "other_hire").
It mirrors ``clinic_onboard.policy``: managers configure the clinic; supervisors see people and
sign their own hires' supervisor-level items; a record and its files belong to the hire, their
supervisor and the managers. An endpoint missing from the table fails the test with its name.
"""

from collections.abc import Iterator

import pytest
from flask import Flask
from werkzeug.test import TestResponse

from clinic_onboard.queries import record as record_reads
from clinic_onboard.record.states import TaskStatus
from tests.conftest import PASSWORD, config_for_tests
from tests.security.cast import PERSONAS, Cast, build_cast
from tests.security.crawl import (
    Route,
    Unfillable,
    Visitor,
    changed_tables,
    gather_ids,
    header_problems,
    named_url,
    plausible_data,
    routes,
    sent_to_login,
    snapshot,
)

NOBODY = "nobody"
EVERYONE = frozenset(PERSONAS)
MANAGER = frozenset({"manager"})
PEOPLE = frozenset({"manager", "supervisor", "other_supervisor"})
RECORD = frozenset({"manager", "supervisor", "hire"})  # the hire, their supervisor, managers
SIGNERS = frozenset({"manager", "supervisor"})  # of the hire's supervisor-level item
HIRE = frozenset({"hire"})
PUBLIC = EVERYONE | {NOBODY}

# Whole blueprints that configure the clinic.
BLUEPRINTS = {
    "dashboard": MANAGER,
    "roles": MANAGER,
    "staff": MANAGER,
    "reminders": EVERYONE,
    "leaving": MANAGER,
    "people": MANAGER,
    "hires": MANAGER,
    "jobs": MANAGER,  # an import's progress and per-line results name the people it added
}
ACCESS: dict[str, frozenset[str]] = {
    "static": PUBLIC,
    "main.index": EVERYONE,  # nobody is sent to the sign-in page
    "main.healthz": PUBLIC,
    "auth.signup": PUBLIC,
    "auth.login": PUBLIC,
    "auth.logout": EVERYONE,
    "auth.change_password": EVERYONE,
    "auth.language": EVERYONE,
    # Only between the password and the code; nobody in the matrix is half signed in.
    "auth.two_factor_code": frozenset(),
    "auth.two_factor_setup": EVERYONE,
    "auth.turn_off_two_factor": EVERYONE,
    "confirmation.send": MANAGER,
    "clinic.home": EVERYONE,
    "clinic.switch": EVERYONE,
    "clinic.members": PEOPLE,
    "clinic.member": PEOPLE,
    "clinic.profile": MANAGER,
    "clinic.security": MANAGER,
    "clinic.hours": MANAGER,
    "clinic.audit_log": MANAGER,
    "clinic.end_sessions": MANAGER,
    "clinic.reset_two_factor": MANAGER,
    # Each person's own invitations: the list is theirs; only the invited person (never a
    # member of the inviting clinic) may answer one.
    "clinic_invitations.index": EVERYONE,
    "clinic_invitations.accept": frozenset(),
    "clinic_invitations.decline": frozenset(),
    "my.index": EVERYONE,
    "my.done": HIRE,
    "my.undo": HIRE,
    "my.acknowledge": HIRE,
    "my.credential": HIRE,
    "my.file": RECORD,
    "my.document": RECORD,
    "signoffs.index": PEOPLE,
    "signoffs.batch": PEOPLE,  # signs only what the signer may sign (tests/web)
    "signoffs.task": SIGNERS,
    "signoffs.record": RECORD,
    "signoffs.complete": MANAGER,
    "signoffs.void": MANAGER,
    "exports.record": RECORD,
    "exports.role_checklist": MANAGER,
    "exports.role_plan": MANAGER,
    "exports.summary": MANAGER,
    # Anyone holding a record PDF checks it; it tells only the clinic and the issue date.
    "verify.index": PUBLIC,
    "reminders.log": MANAGER,
    "today.index": EVERYONE,
    "today.tick": EVERYONE,
    "logs.index": EVERYONE,
    "logs.record": EVERYONE,
    "logs.month": EVERYONE,
    "logs.incident": EVERYONE,
    "logs.add_unit": MANAGER,
    "logs.settings": MANAGER,
    "logs.close_incident": MANAGER,
    "logs.void": PEOPLE,  # managers and supervisors correct a clinic log
    "exports.log_sheet": EVERYONE,
    "exports.log_month": EVERYONE,
    "exports.role_duty_grid": MANAGER,
}
# The only route whose whole point is to end the session.
SIGNS_OUT = frozenset({"auth.logout"})


@pytest.fixture
def app_config(database_url: str, tmp_path) -> dict:
    return config_for_tests(database_url, UPLOAD_FOLDER=str(tmp_path))


@pytest.fixture
def cast(app: Flask) -> Cast:
    return build_cast("Harbourview")


def allowed(route: Route, persona: str) -> bool:
    """The matrix's answer; an endpoint it does not know fails the test, naming the rule."""
    blueprint = route.endpoint.partition(".")[0]
    who = ACCESS.get(route.endpoint, BLUEPRINTS.get(blueprint))
    if who is None:
        raise Unfillable(f"{route}: add it to ACCESS in tests/security/test_role_matrix.py")
    return persona in who


def url(route: Route, cast: Cast) -> str:
    return named_url(route, cast.named, cast.library_item)


def matrix_routes(app: Flask) -> list[Route]:
    """Every route but the secret links (public; the cross-clinic crawler sends them a wrong
    secret)."""
    return [route for route in routes(app) if not route.is_secret_link]


def refused(route: Route, persona: str, response: TestResponse) -> bool:
    if response.status_code in (401, 403, 404):
        return True
    return sent_to_login(response) and (persona == NOBODY or route.endpoint not in SIGNS_OUT)


def visitor(app: Flask, cast: Cast, persona: str) -> Visitor:
    return Visitor(app, None if persona == NOBODY else cast.email(persona), PASSWORD)


def data_for(cast: Cast, persona: str) -> dict[str, str]:
    name = cast.people[persona].user.display_name if persona in cast.people else "Nobody"
    ids = gather_ids(cast.clinic.id, cast.featured, cast.library_item)
    return plausible_data(name, ids, cast.clinic.id)


def requests(app: Flask, persona: str, post_allowed: bool) -> Iterator[tuple[Route, str]]:
    """Every GET, and the POSTs the persona may (or may not) make, sign-out last."""
    for route in sorted(matrix_routes(app), key=lambda r: r.endpoint.startswith("auth.")):
        for method in route.methods:
            if method == "GET" or allowed(route, persona) == post_allowed:
                yield route, method


def test_the_matrix_names_only_real_endpoints_and_blueprints(app: Flask) -> None:
    endpoints = {route.endpoint for route in routes(app)}
    assert set(ACCESS) - endpoints == set()
    assert set(BLUEPRINTS) - {endpoint.partition(".")[0] for endpoint in endpoints} == set()


@pytest.mark.parametrize("persona", [*PERSONAS, NOBODY])
def test_each_person_reaches_exactly_what_the_matrix_allows(app: Flask, cast, persona) -> None:
    """GET every page, and try every change the person may not make: refused, nothing written."""
    person, data = visitor(app, cast, persona), data_for(cast, persona)
    before, problems = snapshot(), []
    for route, method in requests(app, persona, post_allowed=False):
        response = person.send(method, url(route, cast), data if method != "GET" else None)
        expected = allowed(route, persona)
        if response.status_code >= 500 or refused(route, persona, response) == expected:
            problems.append(f"{method} {url(route, cast)}: {response.status_code} {expected=}")
        if method == "GET":
            problems += [f"GET {url(route, cast)}: {p}" for p in header_problems(response)]
    assert not problems, f"{persona}:\n" + "\n".join(problems)
    assert changed_tables(before, snapshot()) == []


@pytest.mark.parametrize("persona", [*PERSONAS, NOBODY])
def test_each_person_may_make_the_changes_the_matrix_allows(app: Flask, cast, persona) -> None:
    """The changes the matrix allows get past the access checks (the form may still say no)."""
    person, data, problems = visitor(app, cast, persona), data_for(cast, persona), []
    for route, method in requests(app, persona, post_allowed=True):
        if method == "GET":
            continue
        response = person.send(method, url(route, cast), data)
        if response.status_code >= 400 or refused(route, persona, response):
            problems.append(f"{method} {url(route, cast)}: {response.status_code}")
    assert not problems, f"{persona}:\n" + "\n".join(problems)


def _waiting(cast: Cast, hire: str, signoff: str) -> set[str]:
    """Links to the hire's items waiting for a sign-off of that level."""
    onboarding = cast.onboardings[hire]
    records = record_reads.task_records(onboarding)
    return {
        f'href="/signoffs/tasks/{task.id}"'
        for task in onboarding.tasks
        if task.signoff == signoff and records[task.id].status is TaskStatus.AWAITING_SIGNOFF
    }


@pytest.mark.parametrize(
    ("persona", "theirs", "not_theirs"),
    [
        (
            "supervisor",
            [("hire", "supervisor")],
            [("other_hire", "supervisor"), ("hire", "manager")],
        ),
        ("other_supervisor", [("other_hire", "supervisor")], [("hire", "supervisor")]),
        (
            "manager",
            [(h, s) for h in ("hire", "other_hire") for s in ("supervisor", "manager")],
            [],
        ),
    ],
)
def test_the_queue_holds_exactly_the_items_the_person_may_sign(
    app: Flask, cast, persona, theirs, not_theirs
) -> None:
    """A supervisor's hires are the onboardings naming them as supervisor; only their
    supervisor-level items; managers sign every level for every hire."""
    queue = visitor(app, cast, persona).send("GET", "/signoffs/").get_data(as_text=True)
    expected = set().union(*(_waiting(cast, hire, level) for hire, level in theirs))
    unexpected = set().union(set(), *(_waiting(cast, hire, level) for hire, level in not_theirs))
    assert expected and all(link in queue for link in expected)
    assert not [link for link in unexpected if link in queue]
