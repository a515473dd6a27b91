"""Broken libraries: each test breaks one thing in a copy of the minimal library and checks that
the problem names the right file, item and field."""

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from clinic_onboard.catalog import CatalogError, Problem, load_catalog

Edit = Callable[[str, Callable[[Any], object]], None]
Problems = Callable[[], list[Problem]]


def entry(data: dict[str, Any], entry_id: str) -> dict[str, Any]:
    """The item or duty with this id (or the jurisdiction, role, ... with this code or slug)."""
    for key in ("items", "duties", "jurisdictions", "settings", "roles", "options", "emr_products"):
        for candidate in data.get(key, []):
            if entry_id in (candidate.get("id"), candidate.get("code"), candidate.get("slug")):
                return candidate
    raise KeyError(entry_id)


def assert_problem(
    found: list[Problem], file: str, item: str | None, field: str | None, text: str
) -> None:
    here = [p for p in found if (p.file, p.item, p.field) == (file, item, field)]
    listing = "\n".join(map(str, found))
    assert here, f"no problem at {file} / {item} / {field}; found:\n{listing}"
    assert any(text in p.message for p in here), f"{text!r} not in:\n{listing}"


def change(entry_id: str, **fields: Any) -> Callable[[dict[str, Any]], None]:
    return lambda data: entry(data, entry_id).update(fields)


def drop(entry_id: str, field: str) -> Callable[[dict[str, Any]], None]:
    return lambda data: entry(data, entry_id).pop(field)


IPAC = "modules/ipac.yaml"
PRIVACY = "modules/privacy.yaml"
BLS = "modules/bls.yaml"


@pytest.mark.parametrize(
    ("file", "mutate", "where"),
    [
        (IPAC, change("ipac.hand_hygiene", colour="red"), ("ipac.hand_hygiene", "colour")),
        (
            IPAC,
            lambda d: entry(d, "ipac.hand_hygiene")["applies"].update(role=["x"]),
            ("ipac.hand_hygiene", "applies.role"),
        ),
        (
            "jurisdictions.yaml",
            lambda d: entry(d, "ON")["privacy"].update(law_long="x"),
            ("ON", "privacy.law_long"),
        ),
        (IPAC, lambda d: d.update(extras=[]), (None, "extras")),
        (IPAC, lambda d: d["module"].update(colour="red"), (None, "module.colour")),
        ("roles.yaml", change("medical_assistant", level=2), ("medical_assistant", "level")),
        ("library.yaml", lambda d: d.update(author="me"), (None, "author")),
    ],
    ids=["item", "nested", "jurisdiction", "top-level", "module", "role", "library"],
)
def test_unknown_key_is_named(
    edit: Edit, problems: Problems, file: str, mutate: Any, where: tuple[str | None, str]
) -> None:
    edit(file, mutate)
    key = where[1].rsplit(".", 1)[-1]
    assert_problem(problems(), file, *where, f"unknown key {key!r}")


@pytest.mark.parametrize(
    ("file", "mutate", "where"),
    [
        (IPAC, drop("ipac.hand_hygiene", "guidance"), ("ipac.hand_hygiene", "guidance")),
        (IPAC, drop("ipac.duty.supplies", "frequency"), ("ipac.duty.supplies", "frequency")),
        ("library.yaml", lambda d: d.pop("disclaimer"), (None, "disclaimer")),
        ("jurisdictions.yaml", lambda d: entry(d, "QC").pop("ipac"), ("QC", "ipac")),
        ("options.yaml", lambda d: d.pop("emr_products"), (None, "emr_products")),
        (IPAC, lambda d: d.pop("module"), (None, "module")),
    ],
    ids=["item", "duty", "library", "jurisdiction", "section", "module-header"],
)
def test_missing_required_field(
    edit: Edit, problems: Problems, file: str, mutate: Any, where: tuple[str | None, str]
) -> None:
    edit(file, mutate)
    assert_problem(problems(), file, *where, "required field is missing")


def test_missing_section_does_not_flood_references(edit: Edit, problems: Problems) -> None:
    edit("roles.yaml", lambda d: d.pop("roles"))
    assert [str(p) for p in problems()] == ["roles.yaml: roles: required field is missing"]


def test_duplicate_id_across_items_and_duties(edit: Edit, problems: Problems) -> None:
    edit(IPAC, change("ipac.duty.supplies", id="ipac.hand_hygiene"))
    assert_problem(problems(), IPAC, "ipac.hand_hygiene", "id", "duplicate id; first used in")


def test_duplicate_id_across_modules(edit: Edit, problems: Problems) -> None:
    edit(PRIVACY, change("privacy.pledge", id="ipac.hand_hygiene"))
    assert_problem(problems(), PRIVACY, "ipac.hand_hygiene", "id", f"first used in {IPAC}")


def test_duplicate_slug(edit: Edit, problems: Problems) -> None:
    edit("roles.yaml", lambda d: d["roles"].append(copy.deepcopy(entry(d, "clinic_assistant"))))
    assert_problem(problems(), "roles.yaml", "clinic_assistant", "slug", "duplicate slug")


@pytest.mark.parametrize(
    ("file", "entry_id", "path", "value", "choices"),
    [
        (IPAC, "ipac.hand_hygiene", ("kind",), "chore", "task, competency, credential"),
        (IPAC, "ipac.hand_hygiene", ("phase",), "day_two", "before_start, day_1, week_1"),
        (IPAC, "ipac.hand_hygiene", ("signoff",), "boss", "none, supervisor, manager"),
        (IPAC, "ipac.hand_hygiene", ("basis",), "vibes", "law, guidance, policy"),
        (IPAC, "ipac.duty.supplies", ("frequency",), "hourly", "start_of_day, per_patient"),
        ("jurisdictions.yaml", "ON", ("privacy", "pipeda"), "maybe", "substantially_similar"),
        ("jurisdictions.yaml", "ON", ("ohs", "status"), "sure", "confirmed, caveat, unverified"),
        ("jurisdictions.yaml", "NU", ("type",), "state", "province, territory"),
    ],
    ids=["kind", "phase", "signoff", "basis", "frequency", "pipeda", "status", "type"],
)
def test_bad_enum_value(
    edit: Edit,
    problems: Problems,
    file: str,
    entry_id: str,
    path: tuple[str, ...],
    value: str,
    choices: str,
) -> None:
    def mutate(data: dict[str, Any]) -> None:
        target = entry(data, entry_id)
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    edit(file, mutate)
    assert_problem(problems(), file, entry_id, ".".join(path), f"{value!r} is not one of {choices}")


def test_phase_and_due_days_together(edit: Edit, problems: Problems) -> None:
    edit(IPAC, change("ipac.hand_hygiene", due_days=3))
    assert_problem(problems(), IPAC, "ipac.hand_hygiene", "due_days", "not both")


def test_neither_phase_nor_due_days(edit: Edit, problems: Problems) -> None:
    edit(IPAC, drop("ipac.hand_hygiene", "phase"))
    assert_problem(problems(), IPAC, "ipac.hand_hygiene", "phase", "give either phase or due_days")


@pytest.mark.parametrize(("days", "text"), [(-1, "outside 0..365"), (366, "outside 0..365")])
def test_due_days_out_of_range(edit: Edit, problems: Problems, days: int, text: str) -> None:
    edit(IPAC, change("ipac.specimen_labelling", due_days=days))
    assert_problem(problems(), IPAC, "ipac.specimen_labelling", "due_days", f"{days} is {text}")


def test_due_days_must_be_a_number_not_text(edit: Edit, problems: Problems) -> None:
    edit(IPAC, change("ipac.specimen_labelling", due_days="14"))
    assert_problem(
        problems(), IPAC, "ipac.specimen_labelling", "due_days", "expected a whole number, got '14'"
    )


@pytest.mark.parametrize(
    ("file", "mutate", "where", "text"),
    [
        (
            IPAC,
            change("ipac.hand_hygiene", validity_months=12, renews=True),
            ("ipac.hand_hygiene", "validity_months"),
            "only credentials, document checks and acknowledgements expire",
        ),
        (
            IPAC,
            change("ipac.routine_practices", renews=False),
            ("ipac.routine_practices", "renews"),
            "only credentials, document checks and acknowledgements expire",
        ),
        (
            BLS,
            drop("bls.certificate", "validity_months"),
            ("bls.certificate", "validity_months"),
            "required on a credential",
        ),
        (
            BLS,
            drop("bls.certificate", "renews"),
            ("bls.certificate", "renews"),
            "required on a credential",
        ),
        (
            PRIVACY,
            drop("privacy.pledge", "renews"),
            ("privacy.pledge", "validity_months"),
            "give validity_months and renews together",
        ),
    ],
    ids=["on-competency", "on-reading", "credential-validity", "credential-renews", "ack-half"],
)
def test_validity_rules(
    edit: Edit, problems: Problems, file: str, mutate: Any, where: tuple[str, str], text: str
) -> None:
    edit(file, mutate)
    assert_problem(problems(), file, *where, text)


@pytest.mark.parametrize(
    ("key", "values", "text"),
    [
        ("roles", ["medical_assistant", "nurse"], "unknown role 'nurse'"),
        ("provinces", ["ON", "XX"], "unknown jurisdiction 'XX'"),
        ("settings", ["family_medicine", "hospital"], "unknown setting 'hospital'"),
        ("options", ["specimen_collection", "x_ray"], "unknown option 'x_ray'"),
        ("emr", ["accuro", "epic"], "unknown EMR product 'epic'"),
    ],
)
def test_unknown_slug_in_applies(
    edit: Edit, problems: Problems, key: str, values: list[str], text: str
) -> None:
    edit(IPAC, lambda d: entry(d, "ipac.hand_hygiene")["applies"].update({key: values}))
    assert_problem(problems(), IPAC, "ipac.hand_hygiene", f"applies.{key}[1]", text)


def test_empty_applies_list(edit: Edit, problems: Problems) -> None:
    edit(IPAC, lambda d: entry(d, "ipac.hand_hygiene")["applies"].update(roles=[]))
    assert_problem(problems(), IPAC, "ipac.hand_hygiene", "applies.roles", "must not be empty")


def test_includes_unknown_role(edit: Edit, problems: Problems) -> None:
    edit("roles.yaml", change("lead_medical_assistant", includes=["medical_assistant", "nurse"]))
    assert_problem(
        problems(), "roles.yaml", "lead_medical_assistant", "includes[1]", "unknown role 'nurse'"
    )


def test_includes_cycle(edit: Edit, problems: Problems) -> None:
    edit("roles.yaml", change("medical_assistant", includes=["lead_medical_assistant"]))
    assert_problem(
        problems(),
        "roles.yaml",
        "medical_assistant",
        "includes",
        "cycle: medical_assistant -> lead_medical_assistant -> medical_assistant",
    )


def test_role_including_itself_is_a_cycle(edit: Edit, problems: Problems) -> None:
    edit("roles.yaml", change("clinic_assistant", includes=["clinic_assistant"]))
    assert_problem(problems(), "roles.yaml", "clinic_assistant", "includes", "cycle")


def test_requires_unknown_item(edit: Edit, problems: Problems) -> None:
    edit(IPAC, change("ipac.hand_hygiene", requires=["ipac.routine_practices", "ipac.nope"]))
    assert_problem(problems(), IPAC, "ipac.hand_hygiene", "requires[1]", "unknown item 'ipac.nope'")


def test_requires_a_duty(edit: Edit, problems: Problems) -> None:
    edit(IPAC, change("ipac.hand_hygiene", requires=["ipac.duty.supplies"]))
    assert_problem(problems(), IPAC, "ipac.hand_hygiene", "requires[0]", "is a duty")


def test_requires_cycle(edit: Edit, problems: Problems) -> None:
    edit(PRIVACY, change("privacy.training", requires=["privacy.pledge"]))
    found = problems()
    assert_problem(found, PRIVACY, "privacy.training", "requires", "items require each other")
    assert len(found) == 1, "one problem per cycle, not one per member"


def both(en: str, fr: str | None = None) -> dict[str, str]:
    """A library text: the same words in both languages unless French ones are given."""
    return {"en": en, "fr": en if fr is None else fr}


@pytest.mark.parametrize(
    ("field", "value", "path"),
    [
        ("title", both("Training on {privacy_act}", "Formation sur {privacy_act}"), "title.en"),
        ("guidance", both("Read {privacy_law}.", "Lisez {Privacy_law}."), "guidance.fr"),
        ("references", [both("ok", "bien"), both("{ipac}")], "references[1].en"),
    ],
)
def test_unknown_placeholder(
    edit: Edit, problems: Problems, field: str, value: Any, path: str
) -> None:
    edit(PRIVACY, change("privacy.training", **{field: value}))
    assert_problem(problems(), PRIVACY, "privacy.training", path, "unknown placeholder {")


def test_stray_brace(edit: Edit, problems: Problems) -> None:
    guidance = both("Read {privacy_law}.", "Lisez {privacy_law} {trop")
    edit(PRIVACY, change("privacy.training", guidance=guidance))
    assert_problem(problems(), PRIVACY, "privacy.training", "guidance.fr", "a { or } that is not")


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_placeholder_empty_for_a_jurisdiction_it_can_reach(
    edit: Edit, problems: Problems, lang: str
) -> None:
    guidance = both("Learn the {whmis_law} labels.", "Apprenez les étiquettes ({whmis_law}).")
    edit(PRIVACY, change("privacy.training", guidance=guidance))
    message = "{whmis_law} is empty for QC, YT"
    assert_problem(problems(), PRIVACY, "privacy.training", f"guidance.{lang}", message)


def test_placeholder_limited_to_jurisdictions_with_a_value_is_fine(
    edit: Edit, library: Path
) -> None:
    edit(
        PRIVACY,
        change("privacy.accessibility", title=both("{whmis_law}"), applies={"provinces": ["ON"]}),
    )
    assert load_catalog(library).item("privacy.accessibility").applies.provinces == ("ON",)


def test_accessibility_placeholder_needs_provinces(edit: Edit, problems: Problems) -> None:
    edit(PRIVACY, drop("privacy.accessibility", "applies"))
    assert_problem(problems(), PRIVACY, "privacy.accessibility", "title.fr", "AB, BC, NB")


def test_module_id_must_match_file_name(edit: Edit, problems: Problems) -> None:
    edit(IPAC, lambda d: d["module"].update(id="infection"))
    assert_problem(problems(), IPAC, None, "module.id", "'infection' does not match the file name")


def test_item_id_must_start_with_module_id(edit: Edit, problems: Problems) -> None:
    edit(IPAC, change("ipac.hand_hygiene", id="hygiene.hands"))
    assert_problem(problems(), IPAC, "hygiene.hands", "id", "must start with 'ipac.'")


def test_id_format(edit: Edit, problems: Problems) -> None:
    edit(IPAC, change("ipac.hand_hygiene", id="ipac.Hand-Hygiene"))
    assert_problem(problems(), IPAC, "ipac.Hand-Hygiene", "id", "is not an id like module.name")


def test_missing_jurisdiction(edit: Edit, problems: Problems) -> None:
    edit("jurisdictions.yaml", lambda d: d["jurisdictions"].remove(entry(d, "NU")))
    assert_problem(problems(), "jurisdictions.yaml", "NU", None, "missing; the library needs")


def test_extra_jurisdiction(edit: Edit, problems: Problems) -> None:
    def add_xx(data: dict[str, Any]) -> None:
        data["jurisdictions"].append({**copy.deepcopy(entry(data, "ON")), "code": "XX"})

    edit("jurisdictions.yaml", add_xx)
    assert_problem(problems(), "jurisdictions.yaml", "XX", "code", "not one of AB, BC")


def test_missing_setting(edit: Edit, problems: Problems) -> None:
    edit("settings.yaml", lambda d: d["settings"].remove(entry(d, "walk_in_clinic")))
    assert_problem(problems(), "settings.yaml", "walk_in_clinic", None, "missing")


def test_extra_setting(edit: Edit, problems: Problems) -> None:
    edit(
        "settings.yaml",
        lambda d: d["settings"].append({"slug": "spa", "name": both("S"), "summary": both("S")}),
    )
    assert_problem(problems(), "settings.yaml", "spa", "slug", "not one of family_medicine")


def test_yaml_syntax_error_names_the_line(library: Path, problems: Problems) -> None:
    path = library / IPAC
    lines = path.read_text().splitlines()
    lines[3] = "  summary: [unclosed"
    path.write_text("\n".join(lines) + "\n")
    found = problems()
    assert [p.file for p in found] == [IPAC]
    assert "invalid YAML at line 5" in found[0].message


def test_duplicate_yaml_key_is_an_error(library: Path, problems: Problems) -> None:
    path = library / "library.yaml"
    path.write_text(path.read_text() + "title: Again\n")
    assert_problem(problems(), "library.yaml", None, None, "duplicate key 'title'")


def test_missing_file(library: Path, problems: Problems) -> None:
    (library / "roles.yaml").unlink()
    assert [str(p) for p in problems()] == ["roles.yaml: file is missing"]


def test_missing_modules_folder(library: Path, problems: Problems) -> None:
    for path in (library / "modules").iterdir():
        path.unlink()
    (library / "modules").rmdir()
    assert_problem(problems(), "modules", None, None, "folder is missing")


def test_stray_file_in_modules(library: Path, problems: Problems) -> None:
    (library / "modules" / "notes.yml").write_text("module: {}\n")
    assert_problem(problems(), "modules/notes.yml", None, None, "holds only")


def test_library_folder_that_does_not_exist(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match="is not a folder"):
        load_catalog(tmp_path / "nowhere")


def test_empty_references(edit: Edit, problems: Problems) -> None:
    edit(IPAC, change("ipac.hand_hygiene", references=[]))
    assert_problem(problems(), IPAC, "ipac.hand_hygiene", "references", "must not be empty")


def test_wrong_type_is_plain_words(edit: Edit, problems: Problems) -> None:
    edit("roles.yaml", change("medical_assistant", clinical="yes"))
    assert_problem(
        problems(),
        "roles.yaml",
        "medical_assistant",
        "clinical",
        "expected true or false, got 'yes'",
    )


def test_entry_without_id_is_labelled_by_position(edit: Edit, problems: Problems) -> None:
    edit(IPAC, drop("ipac.hand_hygiene", "id"))
    assert_problem(problems(), IPAC, "items[1]", "id", "required field is missing")


def test_file_that_is_not_a_mapping(library: Path, problems: Problems) -> None:
    (library / "settings.yaml").write_text("- family_medicine\n")
    assert_problem(problems(), "settings.yaml", None, None, "expected a mapping")


def test_every_problem_is_reported_at_once(edit: Edit, problems: Problems) -> None:
    edit(IPAC, change("ipac.hand_hygiene", kind="chore", signoff="boss"))
    edit(PRIVACY, change("privacy.training", title=both("{nope}", "Formation")))
    edit("roles.yaml", change("lead_medical_assistant", includes=["nurse"]))
    edit("settings.yaml", lambda d: d["settings"].pop())
    assert len(problems()) == 5
