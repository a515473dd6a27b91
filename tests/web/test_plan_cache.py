"""The hire's rendered plan is cached by the onboarding's revision, and never served stale
(web/plan_cache.py)."""

import re
import secrets
import sys
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.exc import InvalidRequestError

from clinic_onboard.extensions import db
from clinic_onboard.models import AppRole, ClinicRole, Onboarding, OnboardingDuty, User
from clinic_onboard.operations import progress
from clinic_onboard.queries import record as record_reads
from clinic_onboard.web import plan_cache
from clinic_onboard.web.render_cache import RenderCache, pack
from tests.conftest import Auth, counting_queries
from tests.web.onboarding_factory import make_team, task_of


@pytest.fixture
def team(make_member, make_clinic):
    return make_team(make_member, make_clinic)


def _token(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def _tokenless(page: str) -> str:
    return re.sub(r'name="csrf_token" value="[^"]+"', "", page)


def _revision(onboarding: Onboarding) -> int:
    db.session.refresh(onboarding)
    return onboarding.revision


def test_every_change_to_the_plan_moves_its_revision(team) -> None:
    people = team()
    plan: Onboarding = people["onboarding"]
    seen = [_revision(plan)]

    def changed(change: Callable[[], object]) -> None:
        change()
        db.session.commit()
        seen.append(_revision(plan))
        assert seen[-1] == seen[-2] + 1, change

    task = task_of(plan, "ipac.hand_hygiene")
    changed(lambda: progress.complete_task(plan, task, people["hire"], ""))
    changed(lambda: setattr(task, "title", "Hand hygiene, the five moments"))
    changed(lambda: plan.duties.append(_duty(plan)))
    changed(lambda: db.session.delete(plan.duties[-1]))
    # The two names the plan shows from other rows.
    changed(lambda: setattr(plan.role, "name", "Front desk, mornings"))
    changed(lambda: setattr(people["supervisor"].user, "display_name", "Sam Newname"))
    changed(lambda: setattr(plan, "supervisor_id", None))
    # Someone else's plan, or a name elsewhere, leaves this one alone.
    other = people["other_onboarding"]
    progress.complete_task(other, task_of(other, "ipac.hand_hygiene"), people["other_hire"], "")
    people["hire"].user.display_name = "Someone Renamed"
    db.session.commit()
    assert _revision(plan) == seen[-1]


def test_a_new_supervisor_renamed_in_the_same_flush_moves_the_revision(team, make_member) -> None:
    people = team()
    plan: Onboarding = people["onboarding"]
    before = _revision(plan)
    newcomer = make_member(AppRole.SUPERVISOR, people["supervisor"].clinic)
    plan.supervisor_id = newcomer.user_id
    newcomer.user.display_name = "Robin Newcomer"
    db.session.commit()
    assert _revision(plan) > before


def test_deleting_the_supervisor_moves_the_revision(team) -> None:
    """The database empties ``supervisor_id`` (ON DELETE SET NULL) where no listener sees it."""
    people = team()
    plan: Onboarding = people["onboarding"]
    before = _revision(plan)
    db.session.delete(people["supervisor"].user)
    db.session.commit()
    assert _revision(plan) == before + 1
    assert plan.supervisor_id is None


def _duty(plan: Onboarding) -> OnboardingDuty:
    return OnboardingDuty(
        clinic_id=plan.clinic_id,
        item_id="ipac.sharps",
        position=1,
        title="Check the sharps container",
        guidance="",
        frequency="end_of_day",
        module="ipac",
        module_title="IPAC",
        references=[],
    )


def test_the_plan_is_rendered_once_until_it_changes(
    client: FlaskClient, auth: Auth, team, renders: list[int]
) -> None:
    people = team()
    plan, hire = people["onboarding"], people["hire"]
    auth.login_as(hire)
    first = client.get("/my/").get_data(as_text=True)
    # The same page but for the CSRF tokens, which carry the second they were made in.
    assert _tokenless(client.get("/my/").get_data(as_text=True)) == _tokenless(first)
    assert renders == [plan.id]

    task = task_of(plan, "ipac.hand_hygiene")
    client.post(f"/my/tasks/{task.id}/done", data={"csrf_token": _token(first)})
    page = client.get("/my/").get_data(as_text=True)
    assert renders == [plan.id, plan.id]
    assert "Waiting for sign-off" in page


def test_a_change_made_by_someone_else_shows_at_once(
    client: FlaskClient, auth: Auth, team, renders: list[int]
) -> None:
    people = team()
    plan, hire = people["onboarding"], people["hire"]
    task = task_of(plan, "ipac.hand_hygiene")
    progress.complete_task(plan, task, hire, "")
    db.session.commit()
    auth.login_as(hire)
    assert "Waiting for sign-off" in client.get("/my/").get_data(as_text=True)

    progress.sign_off(plan, task, people["supervisor"], "observed", competent=True)
    db.session.commit()
    assert "Signed off" in client.get("/my/").get_data(as_text=True)
    task_of(plan, "emr.billing").title = "Bill a visit to the provincial plan"
    db.session.commit()
    assert "Bill a visit to the provincial plan" in client.get("/my/").get_data(as_text=True)
    people["supervisor"].user.display_name = "Sam Newname"
    db.session.commit()
    assert "supervisor Sam Newname" in client.get("/my/").get_data(as_text=True)
    plan.role.name = "Front desk, mornings"
    db.session.commit()
    assert "Front desk, mornings · started" in client.get("/my/").get_data(as_text=True)
    assert len(renders) == 5


def test_each_session_gets_its_own_csrf_token(
    app: Flask, auth: Auth, client: FlaskClient, team, renders: list[int]
) -> None:
    people = team()
    plan, hire = people["onboarding"], people["hire"]
    auth.login_as(hire)
    first = _token(client.get("/my/").get_data(as_text=True))

    other = app.test_client()
    Auth(other).login_as(hire)
    app.config["WTF_CSRF_ENABLED"] = True  # signed in; from here every POST needs its token
    page = other.get("/my/").get_data(as_text=True)
    assert len(renders) == 1  # the same plan, from the cache
    assert _token(page) != first
    assert plan_cache_placeholder(app) not in page
    task = task_of(plan, "ipac.hand_hygiene")
    response = other.post(f"/my/tasks/{task.id}/done", data={"csrf_token": _token(page)})
    assert response.status_code == 302
    db.session.expire_all()
    assert record_reads.task_records(plan)[task.id].status == "awaiting_signoff"


def plan_cache_placeholder(app: Flask) -> str:
    return app.extensions["clinic_onboard.plan_cache"].token_placeholder


def test_each_language_has_its_own_copy(
    client: FlaskClient, auth: Auth, team, renders: list[int]
) -> None:
    people = team()
    auth.login_as(people["hire"])
    assert "Waiting for sign-off" not in client.get("/my/").get_data(as_text=True)
    assert "Not started" in client.get("/my/").get_data(as_text=True)
    people["hire"].user.language = "fr"
    db.session.commit()
    page = client.get("/my/").get_data(as_text=True)
    assert "Not started" not in page and "Pas commencé" in page
    assert len(renders) == 2


def test_the_cache_keeps_to_its_size_dropping_the_least_recently_used(app: Flask) -> None:
    entry = secrets.token_hex(1000)
    packed = sys.getsizeof(pack([entry.encode()]))  # an entry as the cache keeps it
    cache = RenderCache(max_bytes=3 * packed + packed // 2)
    with app.test_request_context():
        for key in ("a", "b", "c"):
            cache.get_or_render(key, lambda token: entry)
        cache.get_or_render("a", lambda token: "not rendered again")
        cache.get_or_render("d", lambda token: entry)  # "b" goes: used least recently
        assert cache.get_or_render("a", lambda token: "fresh") == entry.encode()
        assert cache.get_or_render("b", lambda token: "fresh") == b"fresh"


def test_entries_are_kept_compressed_and_the_hit_rate_counted(app: Flask) -> None:
    """A plan is repetitive markup: 1,000 items of it fit where about 100 did uncompressed."""
    row = '<li class="item"><span class="badge badge--not_started">Not started</span></li>'
    plan = row * 100
    cache = RenderCache(max_bytes=100 * len(plan))
    with app.test_request_context():
        for key in range(1_000):
            cache.get_or_render(key, lambda token, key=key: f"{key}{plan}")
        assert cache.get_or_render(0, lambda token: "rendered again") == f"0{plan}".encode()
    stats = cache.stats()
    assert stats.entries == 1_000 and stats.bytes < 100 * len(plan)
    assert (stats.hits, stats.misses) == (1, 1_000)
    assert str(stats).startswith("plan cache: 0% hits (1 of 1001), 1000 plans in ")


def test_a_size_of_zero_turns_the_cache_off(app: Flask) -> None:
    cache = RenderCache(max_bytes=0)
    with app.test_request_context():
        assert cache.get_or_render("a", lambda token: "one") == b"one"
        assert cache.get_or_render("a", lambda token: "two") == b"two"


@pytest.mark.parametrize(
    "declared",
    [
        pytest.param([(Onboarding.supervisor, User.display_name)], id="role-left-out"),
        pytest.param([(Onboarding.role, ClinicRole.name)], id="supervisor-left-out"),
        pytest.param(
            [(Onboarding.role, ClinicRole.template), (Onboarding.supervisor, User.display_name)],
            id="another-column-of-the-role",
        ),
    ],
)
def test_a_value_shown_from_another_table_must_be_declared(
    client: FlaskClient, auth: Auth, team, monkeypatch: pytest.MonkeyPatch, declared
) -> None:
    """What moves the revision for values from other tables (``SHOWN_ELSEWHERE``) is also all
    the render may read of them: a value shown but not declared fails every render, loudly,
    instead of being served stale after it changes."""
    people = team()
    auth.login_as(people["hire"])
    assert "Medical assistant · started" in client.get("/my/").get_data(as_text=True)
    monkeypatch.setattr(plan_cache, "SHOWN_ELSEWHERE", tuple(declared))
    task_of(people["onboarding"], "ipac.hand_hygiene").title = "Hand hygiene again"  # a new key
    db.session.commit()
    db.session.expunge_all()  # as each request's own session starts
    with pytest.raises(InvalidRequestError, match="not available"):
        client.get("/my/")


def test_only_the_plan_page_loads_onboardings_with_the_person(
    client: FlaskClient, auth: Auth, team
) -> None:
    """Every signed-in request loads the person; the onboardings that key the plan come with
    them on the plan page alone."""
    auth.login_as(team()["hire"])
    for path, joined in (("/clinic/", False), ("/my/", True)):
        db.session.expunge_all()
        with counting_queries() as statements:
            assert client.get(path).status_code == 200
        assert ("onboardings" in statements[0]) is joined, path
