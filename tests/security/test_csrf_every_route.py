"""Every state-changing route of the URL map refuses a request without a valid CSRF token.

The routes come from ``app.url_map``, so a route added later is covered without touching this
file. Each is sent plausible form data (what its form would accept) with no token, a forged
one, or a real token from somebody else's session, signed in as a manager, as a hire and as
nobody: the answer must be the 400 "form expired" page, and no row of any table may change.
"""

import pytest
from flask import Flask

from tests.conftest import PASSWORD, config_for_tests
from tests.security.cast import Cast, build_cast
from tests.security.crawl import (
    STATE_CHANGING,
    TOKEN_FIELD,
    Visitor,
    changed_tables,
    gather_ids,
    own_urls,
    plausible_data,
    routes,
    snapshot,
)

# Endpoints that may take a state-changing request without a token, each with the reason.
# None today: anything added here needs a reason a reviewer can check.
EXEMPT: dict[str, str] = {}
EXPIRED = "This form expired or was sent from another page"


@pytest.fixture
def app_config(database_url: str, tmp_path) -> dict:
    return config_for_tests(database_url, WTF_CSRF_ENABLED=True, UPLOAD_FOLDER=str(tmp_path))


@pytest.fixture
def cast(app: Flask) -> Cast:
    return build_cast("Tokenfield")


def _someone_elses_token(app: Flask) -> str:
    """A real token, but issued to another browser's session."""
    page = Visitor(app, None, PASSWORD).send("GET", "/auth/login").get_data(as_text=True)
    found = TOKEN_FIELD.search(page)
    assert found, "the sign-in page has no CSRF token"
    return found[1]


def _token_field(app: Flask, kind: str) -> dict[str, str]:
    return {
        "missing": {},
        "forged": {"csrf_token": "forged-token"},
        "stolen": {"csrf_token": _someone_elses_token(app)},
    }[kind]


def test_the_exempt_list_names_real_routes(app: Flask) -> None:
    endpoints = {route.endpoint for route in routes(app)}
    assert set(EXEMPT) <= endpoints


@pytest.mark.parametrize("token", ["missing", "forged", "stolen"])
@pytest.mark.parametrize("persona", ["manager", "hire", None])
def test_every_state_changing_route_refuses_a_request_without_a_valid_token(
    app: Flask, cast, persona, token
) -> None:
    visitor = Visitor(app, cast.email(persona) if persona else None, PASSWORD)
    ids = gather_ids(cast.clinic.id, cast.featured, cast.library_item, per_type=1)
    name = cast.people[persona].user.display_name if persona else "Nobody"
    data = {**plausible_data(name, ids, cast.clinic.id), **_token_field(app, token)}
    before, problems, asked = snapshot(), [], 0
    for route in routes(app):
        if route.endpoint in EXEMPT:
            continue
        for method in STATE_CHANGING.intersection(route.methods):
            for url in own_urls(route, ids):
                response = visitor.send(method, url, data)
                asked += 1
                page = response.get_data(as_text=True)
                if response.status_code != 400 or EXPIRED not in page:
                    problems.append(f"{method} {url}: {response.status_code}")
    assert asked >= 20, "the URL map should hold a few dozen state-changing routes"
    assert not problems, f"{persona or 'nobody'} with a {token} token:\n" + "\n".join(problems)
    assert changed_tables(before, snapshot()) == []
