"""Clinic logs in the library: fields, ranges and cadences are data, checked at load."""

from pathlib import Path
from typing import Any

from clinic_onboard.catalog import Catalog, load_catalog
from tests.unit.test_catalog_problems import Edit, Problems, assert_problem, entry

IPAC = "modules/ipac.yaml"


def _log(data: dict[str, Any]) -> dict[str, Any]:
    return next(log for log in data["logs"] if log["id"] == "ipac.log.fridge")


def test_logs_load_with_their_fields_and_duty_link(minimal_catalog: Catalog) -> None:
    log = minimal_catalog.log("ipac.log.fridge")
    current = log.fields[0]
    assert (current.kind, current.unit, current.min, current.max) == ("number", "°C", 2.0, 8.0)
    assert [s.id for s in log.sessions] == ["opening", "closing"]
    assert log.incident_steps[1].get("fr").startswith("Appelez")


def test_a_duty_may_be_done_by_recording_a_log(edit: Edit, library: Path) -> None:
    edit(IPAC, _link)
    duty = load_catalog(library).duty("ipac.duty.supplies")
    assert duty.log is not None
    assert (duty.log.id, duty.log.session) == ("ipac.log.fridge", "opening")


def _link(data: dict[str, Any]) -> None:
    entry(data, "ipac.duty.supplies")["log"] = {"id": "ipac.log.fridge", "session": "opening"}


def test_a_range_with_min_above_max_names_file_log_and_field(
    edit: Edit, problems: Problems
) -> None:
    edit(IPAC, lambda d: _log(d)["fields"][0].update(min=9.0))
    assert_problem(
        problems(), IPAC, "ipac.log.fridge", "fields[0] (current)", "min 9.0 is above max 8.0"
    )


def test_a_range_on_a_pass_fail_field_is_refused(edit: Edit, problems: Problems) -> None:
    edit(IPAC, lambda d: _log(d)["fields"][1].update(min=1))
    assert_problem(problems(), IPAC, "ipac.log.fridge", "fields[1] (door_closed)", "only a number")


def test_a_number_needs_its_unit(edit: Edit, problems: Problems) -> None:
    edit(IPAC, lambda d: _log(d)["fields"][0].pop("unit"))
    assert_problem(problems(), IPAC, "ipac.log.fridge", "fields[0] (current)", "needs its unit")


def test_a_duty_must_name_a_known_log_and_session(edit: Edit, problems: Problems) -> None:
    edit(IPAC, _link)
    edit(IPAC, lambda d: entry(d, "ipac.duty.supplies")["log"].update(session="noon"))
    assert_problem(problems(), IPAC, "ipac.duty.supplies", "log.session", "no session 'noon'")
    edit(IPAC, lambda d: entry(d, "ipac.duty.supplies")["log"].update(id="ipac.log.none"))
    assert_problem(problems(), IPAC, "ipac.duty.supplies", "log.id", "unknown log")


def test_an_unknown_cadence_is_named(edit: Edit, problems: Problems) -> None:
    edit(IPAC, lambda d: _log(d).update(cadence="hourly"))
    assert_problem(problems(), IPAC, "ipac.log.fridge", "cadence", "")


def test_a_log_shares_the_id_space_of_items_and_duties(edit: Edit, problems: Problems) -> None:
    edit(IPAC, lambda d: _log(d).update(id="ipac.duty.supplies"))
    assert any(p.item == "ipac.duty.supplies" for p in problems())
