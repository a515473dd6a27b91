"""The cross-clinic crawler: people of clinic B, whatever their app role, reach nothing of
clinic A through any route of the URL map with any of A's object ids.

Two clinics are seeded with the whole cast (manager, supervisors, hires part-way through,
events, a credential file, a tailored role). Every rule is asked with every method, its id
arguments filled with A's ids (alone and mixed with B's own), as B's manager, a supervisor, a
hire and nobody. Nothing but 403/404 (or the sign-in page for nobody) may come back, no page
may show anything of A, and A's rows must be exactly as they were.
"""

from typing import Any

import pytest
from flask import Flask

from tests.conftest import PASSWORD, config_for_tests
from tests.security.cast import Cast, build_cast
from tests.security.crawl import (
    SECRET_STATUSES,
    Ids,
    Route,
    Visitor,
    changed_tables,
    foreign_urls,
    gather_ids,
    header_problems,
    leaks,
    plausible_data,
    routes,
    sent_to_login,
    snapshot,
)

REFUSED = frozenset({403, 404})
# B's people: one of each app role, and somebody who is not signed in.
VISITORS = ("manager", "supervisor", "hire", None)


@pytest.fixture
def app_config(database_url: str, tmp_path) -> dict:
    return config_for_tests(database_url, UPLOAD_FOLDER=str(tmp_path))


@pytest.fixture
def clinics(app: Flask) -> tuple[Cast, Cast]:
    return build_cast("Quillfeather"), build_cast("Brambleton")


def _ids(cast: Cast) -> Ids:
    return gather_ids(cast.clinic.id, cast.featured, cast.library_item, per_type=3)


def _verdict(route: Route, response: Any, signed_in: bool) -> str | None:
    """What is wrong with the answer to a request that names one of A's objects."""
    status = response.status_code
    if status >= 500:
        return f"server error {status}"
    if route.is_secret_link:
        return None if status in SECRET_STATUSES else f"a wrong secret answered {status}"
    if not route.tenant_arguments:
        return None  # B's own pages: only leaks and errors count
    if status in REFUSED or (not signed_in and sent_to_login(response)):
        return None
    return f"answered {status} {response.location or ''}".strip()


def _crawl(app: Flask, visitor: Visitor, theirs: Ids, mine: Ids, a: Cast, data: dict) -> list:
    problems = []
    for route in routes(app):
        for method in route.methods:
            for url in foreign_urls(route, theirs, mine):
                response = visitor.send(method, url, data if method != "GET" else None)
                found = [_verdict(route, response, visitor.email is not None)]
                found += [f"shows {secret!r}" for secret in leaks(response, a.secrets)]
                if method == "GET":
                    found += header_problems(response)
                problems += [f"{visitor.email}: {method} {url}: {p}" for p in found if p]
    return problems


def test_nobody_of_clinic_b_reaches_anything_of_clinic_a(app: Flask, clinics) -> None:
    a, b = clinics
    theirs, mine = _ids(a), _ids(b)
    before = snapshot(a.clinic.id)
    problems = []
    for persona in VISITORS:
        email = b.email(persona) if persona else None
        visitor = Visitor(app, email, PASSWORD)
        name = b.people[persona].user.display_name if persona else "Nobody"
        data = plausible_data(name, theirs, a.clinic.id)
        problems += _crawl(app, visitor, theirs, mine, a, data)
    assert not problems, "\n".join(problems)
    assert changed_tables(before, snapshot(a.clinic.id)) == []
