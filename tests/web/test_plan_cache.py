"""The hire's rendered plan is cached by the onboarding's revision, and never served stale."""

import re
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from clinic_onboard.extensions import db
from clinic_onboard.models import AppRole, Onboarding, OnboardingDuty
from clinic_onboard.operations import progress
from clinic_onboard.queries import record as record_reads
from clinic_onboard.web import my
from clinic_onboard.web.render_cache import RenderCache
from tests.conftest import Auth
from tests.web.onboarding_factory import make_team, task_of


@pytest.fixture
def team(make_member, make_clinic):
    return make_team(make_member, make_clinic)


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The onboarding id of every plan actually rendered (a cache miss)."""
    seen: list[int] = []
    render = my._render_plan

    def counted(onboarding_id: int, *args: object) -> str:
        seen.append(onboarding_id)
        return render(onboarding_id, *args)

    monkeypatch.setattr(my, "_render_plan", counted)
    return seen


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
    entry = "x" * 1000
    cache = RenderCache(max_bytes=3 * len(entry) + 200)
    with app.test_request_context():
        for key in ("a", "b", "c"):
            cache.get_or_render(key, lambda token: entry)
        cache.get_or_render("a", lambda token: "not rendered again")
        cache.get_or_render("d", lambda token: entry)  # "b" goes: used least recently
        assert cache.get_or_render("a", lambda token: "fresh") == entry.encode()
        assert cache.get_or_render("b", lambda token: "fresh") == b"fresh"


def test_a_size_of_zero_turns_the_cache_off(app: Flask) -> None:
    cache = RenderCache(max_bytes=0)
    with app.test_request_context():
        assert cache.get_or_render("a", lambda token: "one") == b"one"
        assert cache.get_or_render("a", lambda token: "two") == b"two"
