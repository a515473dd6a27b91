"""Each hire keeps the verdict on whether their plan is behind its role (``Onboarding.behind``).

The staff list reads it instead of building the plans of its page (0.6 s for 50 hires on a
worker's first visit), while the plan's inputs are those it was reached with: making or
bringing a plan up to date keeps it, a change to the snapshot clears it, and
``verify-plan-verdicts`` compares every kept verdict with the plans again.
"""

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import update

from clinic_onboard.cli.main import cli
from clinic_onboard.extensions import db
from clinic_onboard.models import ClinicRole, Membership, Onboarding, SwitchedOffItem
from clinic_onboard.operations import onboarding as plans
from clinic_onboard.operations import progress
from clinic_onboard.queries import plans as plan_reads
from clinic_onboard.services.library import catalog
from tests.web.test_staff import make_role, manager, role, signed_in, start_hire  # noqa: F401

BEHIND = "Plan behind the role"


def _kept(onboarding: Onboarding) -> tuple[str | None, bool | None]:
    db.session.refresh(onboarding)
    return onboarding.behind_inputs, onboarding.behind


def _builds(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The roles whose plan the page builds, in order (each call still builds it)."""
    built: list[int] = []
    real = plan_reads.plan_for

    def counting(*args, **kwargs):
        built.append(args[2].id)
        return real(*args, **kwargs)

    monkeypatch.setattr(plan_reads, "plan_for", counting)
    return built


def _switch_off(role: ClinicRole, item_id: str) -> None:  # noqa: F811 (the fixture's name)
    db.session.add(
        SwitchedOffItem(clinic_id=role.clinic_id, role_id=role.id, item_id=item_id, reason="No")
    )
    db.session.commit()


def test_making_and_applying_a_plan_keep_its_verdict(
    app: Flask,
    client: FlaskClient,
    signed_in: Membership,  # noqa: F811
    role: ClinicRole,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    hire = start_hire(signed_in.clinic, signed_in.user, role, "kept@clinic.example.com")
    assert _kept(hire) == (plan_reads.plan_inputs(hire, catalog()), False)
    built = _builds(monkeypatch)
    assert BEHIND not in client.get("/staff/").get_data(as_text=True)
    assert built == []  # a worker's first visit reads the verdict: no plan built

    _switch_off(role, hire.tasks[0].item_id)
    assert BEHIND in client.get("/staff/").get_data(as_text=True)  # reached, not kept
    assert built == [role.id]
    assert _kept(hire)[1] is False  # kept for the inputs before the role's new tailoring

    plans.apply_differences(hire, signed_in.user, catalog())
    db.session.commit()
    assert _kept(hire) == (plan_reads.plan_inputs(hire, catalog()), False)
    built.clear()
    assert BEHIND not in client.get("/staff/").get_data(as_text=True)
    assert built == []
    clean = app.test_cli_runner().invoke(cli, ["verify-plan-verdicts"])
    assert clean.exit_code == 0, clean.output
    assert "Every kept verdict agrees with the plans; 0 hires keep none" in clean.output


def test_a_snapshot_change_clears_the_kept_verdict_and_an_event_does_not(
    signed_in: Membership,  # noqa: F811
    role: ClinicRole,  # noqa: F811
) -> None:
    hire = start_hire(signed_in.clinic, signed_in.user, role, "events@clinic.example.com")
    kept = _kept(hire)
    task = next(t for t in hire.tasks if t.kind not in progress.FORM_KINDS and t.signoff == "none")
    progress.complete_task(hire, task, hire.membership)
    db.session.commit()
    assert _kept(hire) == kept  # a task's kept state moved, not the snapshot

    other = start_hire(signed_in.clinic, signed_in.user, role, "other@clinic.example.com")
    other.tasks[1].guidance = "Edited in the snapshot"
    db.session.commit()
    assert _kept(other) == (None, None)
    assert _kept(hire) == kept  # another hire's change is not theirs


def test_verify_plan_verdicts_finds_a_tampered_verdict_the_page_reads(
    app: Flask,
    client: FlaskClient,
    signed_in: Membership,  # noqa: F811
    role: ClinicRole,  # noqa: F811
) -> None:
    hires = [
        start_hire(signed_in.clinic, signed_in.user, role, f"hire{n}@clinic.example.com")
        for n in range(3)
    ]
    tampered = hires[1].id
    db.session.execute(update(Onboarding).where(Onboarding.id == tampered).values(behind=True))
    db.session.commit()
    assert client.get("/staff/").get_data(as_text=True).count(BEHIND) == 1  # read, not reached

    runner = app.test_cli_runner()
    found = runner.invoke(cli, ["verify-plan-verdicts", "--batch", "2"])
    assert found.exit_code == 1
    assert f"Onboarding {tampered}: its kept verdict is wrong." in found.output
    assert "1 hires keep a verdict their plan does not give" in found.output

    repaired = runner.invoke(cli, ["verify-plan-verdicts", "--repair"])
    assert repaired.exit_code == 0, repaired.output
    assert "Kept today's verdict for 1 hires (1 were wrong)." in repaired.output
    assert BEHIND not in client.get("/staff/").get_data(as_text=True)
    assert runner.invoke(cli, ["verify-plan-verdicts"]).exit_code == 0


def test_repair_keeps_the_verdicts_a_role_change_left_to_the_pages(
    app: Flask,
    client: FlaskClient,
    signed_in: Membership,  # noqa: F811
    role: ClinicRole,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    hires = [
        start_hire(signed_in.clinic, signed_in.user, role, f"late{n}@clinic.example.com")
        for n in range(2)
    ]
    _switch_off(role, hires[0].tasks[0].item_id)
    runner = app.test_cli_runner()
    stale = runner.invoke(cli, ["verify-plan-verdicts"])
    assert stale.exit_code == 0, stale.output
    assert "2 hires keep none for today's plan inputs" in stale.output
    assert runner.invoke(cli, ["verify-plan-verdicts", "--repair"]).exit_code == 0
    assert [_kept(h)[1] for h in hires] == [True, True]
    built = _builds(monkeypatch)
    assert client.get("/staff/").get_data(as_text=True).count(BEHIND) == 2
    assert built == []


def test_a_new_planner_sets_every_kept_verdict_aside(
    signed_in: Membership,  # noqa: F811
    role: ClinicRole,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A deploy that changes how plans are made (or the statutory holidays they are dated
    around) must not leave yesterday's verdicts standing until someone runs --repair."""
    hire = start_hire(signed_in.clinic, signed_in.user, role, "deploy@clinic.example.com")
    inputs, _behind = _kept(hire)
    assert plan_reads.kept_verdict_holds(hire, plan_reads.plan_inputs(hire, catalog()))
    monkeypatch.setattr(plan_reads, "planner_version", lambda: "a-new-planner")
    assert plan_reads.plan_inputs(hire, catalog()) != inputs
    assert not plan_reads.kept_verdict_holds(hire, plan_reads.plan_inputs(hire, catalog()))
