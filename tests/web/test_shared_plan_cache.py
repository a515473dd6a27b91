"""The plan cache shared in Redis (``PLAN_CACHE_URL``, web/render_cache.py): two apps on one
database and one Redis, as two instances behind a load balancer, serve each other's rendered
plans and never a stale one. Real Redis at 127.0.0.1:6379, under a key prefix of each test's own.
"""

import logging
import os
import re
import secrets
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask, request_started
from flask.testing import FlaskClient

from clinic_onboard.app import create_app
from clinic_onboard.cli.plan_cache import plan_cache_command
from clinic_onboard.extensions import db
from clinic_onboard.web.plan_cache import plan_cache
from clinic_onboard.web.render_cache import SharedRenderCache
from tests.conftest import Auth, _as_a_fresh_request, config_for_tests
from tests.web.onboarding_factory import make_team, task_of

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
redis = pytest.importorskip("redis")


@pytest.fixture
def prefix() -> Iterator[str]:
    connection = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5)
    try:
        connection.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"no Redis at {REDIS_URL}")
    name = f"plancache-test-{secrets.token_hex(8)}"
    yield name
    for key in connection.scan_iter(f"{name}:*"):
        connection.delete(key)


@pytest.fixture
def app_config(database_url: str, prefix: str, request: pytest.FixtureRequest) -> dict[str, Any]:
    """Redis at REDIS_URL, with what a test's parameter changes."""
    settings = {"PLAN_CACHE_URL": REDIS_URL, **getattr(request, "param", {})}
    return config_for_tests(database_url, RATELIMIT_KEY_PREFIX=prefix, **settings)


@pytest.fixture
def other_app(app_config: dict[str, Any]) -> Iterator[Flask]:
    """A second instance: its own app, engine and cache object, the same database and Redis."""
    other = create_app(app_config)
    request_started.connect(_as_a_fresh_request, other)
    yield other
    with other.app_context():
        db.engine.dispose()


@pytest.fixture
def team(make_member, make_clinic):
    return make_team(make_member, make_clinic)


def _page(client: FlaskClient) -> str:
    response = client.get("/my/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _tokenless(page: str) -> str:
    return re.sub(r'name="csrf_token" value="[^"]+"', "", page)


def test_a_plan_rendered_by_one_instance_is_served_by_the_other(
    app: Flask, other_app: Flask, client: FlaskClient, team, renders: list[int]
) -> None:
    people = team()
    plan, hire = people["onboarding"], people["hire"]
    Auth(client).login_as(hire)
    elsewhere = other_app.test_client()
    Auth(elsewhere).login_as(hire)

    first = _page(client)
    assert _tokenless(_page(elsewhere)) == _tokenless(first)
    assert renders == [plan.id]  # the second instance's first visit was a hit

    # A change through the second instance shows through the first at once, and the plan the
    # first renders then is the one the second serves.
    task = task_of(plan, "ipac.hand_hygiene")
    assert elsewhere.post(f"/my/tasks/{task.id}/done").status_code == 302
    assert "Waiting for sign-off" in _page(client)
    assert "Waiting for sign-off" in _page(elsewhere)
    assert renders == [plan.id, plan.id]


def test_a_change_made_outside_either_instance_is_never_served_stale(
    app: Flask, other_app: Flask, client: FlaskClient, team, renders: list[int]
) -> None:
    people = team()
    hire = people["hire"]
    elsewhere = other_app.test_client()
    Auth(elsewhere).login_as(hire)
    Auth(client).login_as(hire)
    _page(client)
    _page(elsewhere)
    people["supervisor"].user.display_name = "Sam Newname"  # the manager renames the supervisor
    db.session.commit()
    assert "supervisor Sam Newname" in _page(elsewhere)
    assert "supervisor Sam Newname" in _page(client)
    assert len(renders) == 2


@pytest.mark.parametrize("app_config", [{"PLAN_CACHE_BYTES": 0}], indirect=True)
def test_each_entry_lives_a_while_after_its_last_fetch_and_the_one_before_goes(
    client: FlaskClient, team, prefix: str
) -> None:
    people = team()
    Auth(client).login_as(people["hire"])
    _page(client)
    connection = redis.Redis.from_url(REDIS_URL)
    [first] = connection.keys(f"{prefix}:plan:v*")
    seconds = plan_cache().seconds
    assert 0 < connection.ttl(first) <= seconds
    connection.expire(first, 5)
    _page(client)  # a fetch sets the time again (nothing is kept in the process here)
    assert connection.ttl(first) > 5

    plan = people["onboarding"]
    progress_task = task_of(plan, "ipac.hand_hygiene")
    assert client.post(f"/my/tasks/{progress_task.id}/done").status_code == 302
    _page(client)
    [second] = connection.keys(f"{prefix}:plan:v*")  # the revision before was deleted
    assert second != first
    assert 0 < connection.ttl(second) <= seconds


def test_the_hit_rate_of_every_instance_is_reported(
    app: Flask, other_app: Flask, client: FlaskClient, team
) -> None:
    people = team()
    elsewhere = other_app.test_client()
    for browser in (client, elsewhere):
        Auth(browser).login_as(people["hire"])
    for browser in (client, elsewhere, client, elsewhere):
        _page(browser)
    # The last two were served by each instance's own copy: counted with its next trip to
    # Redis, or at once when asked.
    with other_app.app_context():
        plan_cache().send_counts()
    stats = plan_cache().stats()
    assert (stats.last_hour.hits, stats.last_hour.misses) == (3, 1)
    assert stats.entries == 1 and stats.used_memory > 0
    result = app.test_cli_runner().invoke(plan_cache_command)
    assert result.exit_code == 0, result.output
    assert "Last hour: plan cache: 75% hits (3 of 4)" in result.output
    assert "Plans kept: 1" in result.output


def test_without_a_cache_url_the_command_says_where_the_hit_rate_is(
    database_url: str, _schema: None
) -> None:
    embedded = create_app(config_for_tests(database_url))
    result = embedded.test_cli_runner().invoke(plan_cache_command)
    assert result.exit_code == 0
    assert "kept in each worker process" in result.output


@pytest.mark.parametrize("app_config", [{"PLAN_CACHE_URL": "redis://127.0.0.1:1/0"}], indirect=True)
def test_a_redis_that_does_not_answer_never_fails_the_page(
    client: FlaskClient, team, renders: list[int], caplog: pytest.LogCaptureFixture
) -> None:
    """Nothing listens on port 1: the process's own copy serves meanwhile."""
    people = team()
    Auth(client).login_as(people["hire"])
    with caplog.at_level(logging.WARNING):
        assert "My onboarding" in _page(client)
        assert "My onboarding" in _page(client)
    assert renders == [people["onboarding"].id]
    assert any("Redis did not answer" in record.message for record in caplog.records)
    assert isinstance(plan_cache(), SharedRenderCache)
    result = client.application.test_cli_runner().invoke(plan_cache_command)
    assert result.exit_code == 1
    assert "Redis at PLAN_CACHE_URL did not answer" in result.output


def test_a_repeat_visit_to_the_same_process_is_served_by_its_own_copy(
    client: FlaskClient, team, prefix: str, renders: list[int]
) -> None:
    """The copy in front of Redis: no round trip for a plan this process served lately."""
    people = team()
    Auth(client).login_as(people["hire"])
    page = _page(client)
    connection = redis.Redis.from_url(REDIS_URL)
    connection.delete(*connection.keys(f"{prefix}:plan:v*"))
    assert _tokenless(_page(client)) == _tokenless(page)
    assert renders == [people["onboarding"].id]
