"""pdf.document: what each export says, checked as plain data (nothing is rendered here)."""

import re
import subprocess
import sys
import unicodedata
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from typing import get_args

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clinic_onboard.catalog import Catalog, Frequency, Kind, Phase, Signoff
from clinic_onboard.pdf import (
    DISCLAIMER,
    ClinicInfo,
    ClosedRow,
    CredentialEntry,
    Document,
    ExpiringCredential,
    FormScope,
    HireInfo,
    RecordInput,
    RecordItem,
    StaffRow,
    SummaryInput,
    blank_checklist,
    blank_plan,
    completed_record,
    compliance_summary,
    form_scope,
)
from clinic_onboard.pdf.document import (
    KINDS,
    PHASES,
    SIGNOFFS,
    HistoryEntry,
    PendingRenewal,
    frequencies,
    matrix_spans,
    short,
)
from clinic_onboard.pdf.model import (
    Cell,
    Column,
    FactGrid,
    Note,
    Section,
    Signatures,
    Table,
    Verification,
)
from clinic_onboard.pdf.words import Words
from clinic_onboard.planner import (
    ClinicProfile,
    CustomItem,
    Plan,
    RoleCustomization,
    build_plan,
)
from clinic_onboard.record.progress import ModuleProgress
from clinic_onboard.record.states import TaskStatus
from tests.unit.pdf_words import pdf_texts

ENGLISH, FRENCH = Words("en"), Words("fr")
START = date(2026, 12, 1)  # a Tuesday
EST = timezone(timedelta(hours=-5), "EST")
GENERATED = datetime(2026, 12, 18, 16, 40, tzinfo=EST)
NAMES = ("Ontario", "Family medicine clinic", "Medical assistant", "2026.11.0+test")


def plan_for(catalog: Catalog, *custom: CustomItem) -> Plan:
    profile = ClinicProfile("ON", "family_medicine")
    return build_plan(
        catalog, profile, "medical_assistant", START, RoleCustomization(custom_items=custom)
    )


def by_day(days: int) -> CustomItem:
    return CustomItem(
        id=f"custom.day_{days}",
        title=f"Shadow the nurse, day {days}",
        guidance="Spend a clinic with the nurse.",
        kind="task",
        signoff="supervisor",
        due_days=days,
    )


def headings(document: Document) -> list[str]:
    return [section.heading for section in document.sections]


def tables(section: Section) -> list[Table]:
    return [block for block in section.blocks if isinstance(block, Table)]


def all_rows(document: Document) -> list[tuple[Cell, ...]]:
    return [row for section in document.sections for t in tables(section) for row in t.rows]


SIGNED = HistoryEntry(
    "signed_off",
    datetime(2026, 12, 2, 15, 5, tzinfo=EST),
    "Grace Okafor",
    "supervisor",
    (("method", "observed"),),
)


def item(number: int, **changes: object) -> RecordItem:
    fields: dict[str, object] = {
        "title": f"Item {number}",
        "module_title": "Infection prevention and control",
        "kind": "competency",
        "status": TaskStatus.SIGNED_OFF,
        "due_on": date(2026, 12, 4),
        "completed_on": date(2026, 12, 2),
        "history": (SIGNED,),
    }
    return RecordItem(**{**fields, **changes})  # type: ignore[arg-type]


def record(*items: RecordItem, **changes: object) -> RecordInput:
    fields: dict[str, object] = {
        "clinic": ClinicInfo("Maple Grove Family Health", "Ontario", "Family medicine clinic"),
        "hire": HireInfo("Émilie Côté-Lévesque", "Medical assistant", START, "Grace Okafor"),
        "catalog_version": "2026.11.0+test",
        "generated_at": GENERATED,
        "items": items or (item(1),),
        "credentials": (),
        "acknowledgements": (),
        "signature_meaning": "A sign-off means the signer saw it done.",
        "fingerprint": "9f2c4be07a1d36e85c0f47b2a9d13e6c58b0f7a2e4c91d3b6a08e5f27c4d19b3",
        "verify_url": "https://example.org/verify/1",
    }
    return RecordInput(**{**fields, **changes})  # type: ignore[arg-type]


# ---- blank checklist --------------------------------------------------------------------------


def test_checklist_groups_duties_by_frequency_in_the_working_order(minimal_catalog: Catalog):
    document = blank_checklist(plan_for(minimal_catalog), "Maple Grove", *NAMES)

    frequencies = ["Start of day", "With every patient", "End of day", "Weekly"]
    assert headings(document) == [*frequencies, "Review"]
    first = tables(document.sections[0])[0]
    assert [column.heading for column in first.columns] == ["", "Duty", "Initials", "Date"]
    assert first.write_in
    checkbox, duty, initials, day = first.rows[0]
    assert checkbox.kind == "checkbox"
    assert duty.text and duty.detail and not initials.text and not day.text


def test_checklist_header_names_the_clinic_place_setting_and_role(minimal_catalog: Catalog):
    document = blank_checklist(plan_for(minimal_catalog), "Maple Grove", *NAMES)

    assert document.kicker == "Maple Grove"
    assert [fact.value for fact in document.header][:3] == list(NAMES[:3])
    assert document.footer.disclaimer == DISCLAIMER
    assert "Content 2026.11.0+test" in document.footer.facts
    assert (document.author, document.language) == ("Maple Grove", "en-CA")


@pytest.mark.parametrize("builder", [blank_checklist, blank_plan])
def test_a_blank_form_names_the_emr_and_options_it_was_made_for(minimal_catalog: Catalog, builder):
    """Issue 24: blank forms omitted the EMR and options they were made for."""
    options = frozenset({"vaccine_storage", "specimen_collection"})
    profile = ClinicProfile("ON", "family_medicine", "accuro", options)
    plan = build_plan(minimal_catalog, profile, "medical_assistant", START)

    scope = form_scope(minimal_catalog, plan)
    facts = {
        fact.label: fact.value for fact in builder(plan, "Maple Grove", *NAMES, scope=scope).header
    }

    assert scope == FormScope(
        "Accuro (QHR Technologies)", ("Specimen collection on site", "Vaccine storage")
    )
    assert facts["EMR"] == "Accuro (QHR Technologies)"
    assert facts["Clinic options"] == "Specimen collection on site, Vaccine storage"


def test_a_blank_form_for_no_emr_and_no_option_says_so_in_french(minimal_catalog: Catalog):
    plan = french_plan(minimal_catalog)
    scope = form_scope(minimal_catalog, plan)

    facts = {f.label: f.value for f in blank_plan(plan, "Clinique", *NOMS, scope=scope).header}

    assert scope == FormScope()
    assert facts["DME"] == "Aucun DME (dossiers papier)"
    assert facts["Options de la clinique"] == "Aucune choisie"


def test_blank_footer_prints_a_date_only_when_given(minimal_catalog: Catalog):
    plan = plan_for(minimal_catalog)

    undated = blank_plan(plan, "Maple Grove", *NAMES)
    dated = blank_plan(plan, "Maple Grove", *NAMES, printed_on=date(2026, 11, 24))

    assert not any("Printed" in fact for fact in undated.footer.facts)
    assert "Printed 2026-11-24" in dated.footer.facts


# ---- blank plan -------------------------------------------------------------------------------


def test_plan_lists_tasks_by_phase_and_by_day_with_offsets(minimal_catalog: Catalog):
    plan = plan_for(minimal_catalog, by_day(14), by_day(90))

    document = blank_plan(plan, "Maple Grove", *NAMES)

    assert headings(document) == [
        "How to fill in",
        "Signature log",
        "Before the first day",
        "Day 1",
        "Week 1",
        "By day 14",
        "First 30 days",
        "First 90 days",
        "Plan complete",
    ]
    offsets = {row[1].text: row[0].text for row in all_rows(document)}
    assert offsets["Shadow the nurse, day 14"] == "Day 14"
    assert offsets["Shadow the nurse, day 90"] == "Day 90"


def test_plan_rows_have_a_box_for_each_fact_a_sign_off_records(minimal_catalog: Catalog):
    plan = plan_for(minimal_catalog)
    tasks = {task.id: task for task in plan.tasks}

    document = blank_plan(plan, "Maple Grove", *NAMES)

    first = next(s for s in document.sections if s.heading == "Before the first day")
    columns = [column.heading for column in tables(first)[0].columns]
    assert columns == [
        "Due",
        "Task",
        "Done on",
        "Initials",
        "Signed off by (initials)",
        "Sign-off date",
        "Method",
        "Outcome",
        "Comment",
        "Credential no.",
        "Expires",
    ]
    rows = {row[1].text: row for row in all_rows(document)}
    reading = rows[tasks["ipac.routine_practices"].title]
    assert (reading[0].text, reading[0].detail) == ("Before day 1", "Mon 2026-11-30")
    assert reading[1].detail.startswith(short(tasks["ipac.routine_practices"].guidance, 0))
    assert reading[1].detail.endswith("· no sign-off")
    assert reading[4].text == "Not needed" and reading[9].text == "—"
    bls = rows[tasks["bls.certificate"].title]
    assert bls[1].detail.endswith("· manager signs off")
    assert all(cell.text == "" for cell in bls[2:])  # a credential: number and expiry too
    assert document.landscape


def test_plan_explains_its_codes_and_ends_with_a_signature_log_and_three_signers(
    minimal_catalog: Catalog,
):
    document = blank_plan(plan_for(minimal_catalog), "Maple Grove", *NAMES)

    legend = document.sections[0].blocks[0]
    assert isinstance(legend, Note)
    assert "O = observed" in legend.text and "P = needs practice" in legend.text
    log, complete = document.sections[1], document.sections[-1]
    assert log.heading == "Signature log"
    assert [c.heading for c in tables(log)[0].columns] == [
        "Initials",
        "Printed name",
        "Role",
        "Signature",
    ]
    [signatures] = complete.blocks
    assert isinstance(signatures, Signatures) and complete.keep_together
    assert signatures.signers == ("Staff member", "Supervisor", "Manager")
    assert (signatures.printed_name, signatures.date) == ("Printed name", "Date")


def test_plan_lists_items_the_clinic_switched_off_with_its_reason(minimal_catalog: Catalog):
    profile = ClinicProfile("ON", "family_medicine")
    customization = RoleCustomization(disabled={"emr.scheduling": "We use paper booking."})
    plan = build_plan(minimal_catalog, profile, "medical_assistant", START, customization)

    document = blank_plan(plan, "Maple Grove", *NAMES)

    section = next(s for s in document.sections if s.heading == "Switched off by the clinic")
    assert tables(section)[0].rows[0][1].text == "We use paper booking."


# ---- blank exports in French ------------------------------------------------------------------

NOMS = ("Ontario", "Clinique de médecine familiale", "Assistant médical", "2026.11.0+test")


def french_plan(catalog: Catalog, *custom: CustomItem) -> Plan:
    profile = ClinicProfile("ON", "family_medicine")
    customization = RoleCustomization(
        disabled={"emr.scheduling": "Rendez-vous sur papier."}, custom_items=custom
    )
    return build_plan(catalog, profile, "medical_assistant", START, customization, lang="fr")


def test_a_french_plan_gives_a_french_checklist(minimal_catalog: Catalog):
    document = blank_checklist(french_plan(minimal_catalog), "Clinique des Érables", *NOMS)

    frequencies = ["En début de journée", "Avec chaque patient", "En fin de journée"]
    assert headings(document) == [*frequencies, "Chaque semaine", "Révision"]
    columns = [column.heading for column in tables(document.sections[0])[0].columns]
    assert columns == ["", "Tâche", "Initiales", "Date"]
    assert document.headline == "Liste des tâches courantes — Assistant médical"
    assert document.language == "fr-CA"
    assert [s.count for s in document.sections[:2]] == ["1 tâche", "1 tâche"]
    assert document.footer.page == "Page {page} sur {total}"
    assert document.footer.disclaimer.endswith("ce n\u2019est pas un avis juridique.")
    assert "protection des renseignements personnels" in document.footer.disclaimer


def test_a_french_plan_gives_a_french_plan_sheet(minimal_catalog: Catalog):
    plan = french_plan(minimal_catalog, by_day(14))

    document = blank_plan(plan, "Clinique des Érables", *NOMS, printed_on=date(2026, 11, 24))

    assert headings(document)[2:-1] == [
        "Avant le premier jour",
        "Jour 1",
        "Semaine 1",
        "D\u2019ici le jour 14",
        "30 premiers jours",
        "Désactivés par la clinique",
    ]
    assert headings(document)[-1] == "Plan terminé"
    assert document.header[-1].value == "mardi 1er décembre 2026"
    assert "Imprimé le 2026-11-24" in document.footer.facts
    rows = {row[1].text: row for row in all_rows(document)}
    due, task, _, _, signer, *_ = rows[
        "Lire les pratiques de base de l\u2019organisme de référence (Santé"
        " publique Ontario (SPO) et CCPMI)"
    ]
    assert (due.text, due.detail) == ("Avant le jour 1", "lun. 2026-11-30")
    assert task.detail.endswith("Lecture · sans validation") and signer.text == "Non requise"
    assert rows["Shadow the nurse, day 14"][0].text == "Jour 14"


@pytest.mark.parametrize(
    ("day", "english", "french"),
    [
        (date(2026, 12, 1), "Tuesday 1 December 2026", "mardi 1er décembre 2026"),
        (date(2027, 2, 14), "Sunday 14 February 2027", "dimanche 14 février 2027"),
        (date(2027, 8, 2), "Monday 2 August 2027", "lundi 2 août 2027"),
    ],
)
def test_long_dates_come_from_tables_not_the_locale(day: date, english: str, french: str):
    assert (ENGLISH.long_date(day), FRENCH.long_date(day)) == (english, french)
    assert ENGLISH.weekday(day) == f"{day:%a}"  # the C locale the tests run in


def test_french_counts_zero_and_one_as_singular():
    french = [FRENCH.npgettext("pdf", "task", "tasks", n) for n in (0, 1, 2)]
    assert french == ["0 étape", "1 étape", "2 étapes"]
    assert [ENGLISH.npgettext("pdf", "task", "tasks", n) for n in (0, 1)] == ["0 tasks", "1 task"]


@pytest.mark.parametrize("words", [ENGLISH, FRENCH], ids=["en", "fr"])
def test_labels_cover_every_kind_phase_sign_off_and_frequency(words: Words):
    """A kind or phase added to the schema without its words would print a raw code."""
    assert set(KINDS) == set(get_args(Kind))
    assert set(PHASES) == set(get_args(Phase))
    assert set(SIGNOFFS) == set(get_args(Signoff))
    assert list(frequencies(words)) == list(get_args(Frequency))


def test_french_labels_use_no_break_spaces():
    assert (
        FRENCH("Onboarding plan: {role}, {clinic}")
        == "Plan d\u2019intégration\u00a0: {role}, {clinic}"
    )
    assert " :" not in str(pdf_texts("fr")) and " ;" not in str(pdf_texts("fr"))


# ---- completed record -------------------------------------------------------------------------


def test_record_rows_carry_status_due_date_and_the_whole_history_without_ids():
    practice = HistoryEntry(
        "needs_practice",
        datetime(2026, 12, 1, 9, 30, tzinfo=EST),
        "Grace Okafor",
        "supervisor",
        (("method", "demonstrated"), ("comment", "Label the tubes first")),
    )
    completed = HistoryEntry(
        "completed", datetime(2026, 12, 1, 8, 0, tzinfo=EST), "Émilie Côté-Lévesque", "staff"
    )
    document = completed_record(record(item(1, history=(completed, practice, SIGNED))))

    title, status, history = all_rows(document)[0]
    assert (title.text, status.text, status.tone) == ("Item 1", "Signed off", "good")
    assert title.detail == "Competency · Due 2026-12-04" and "ipac" not in str(title)
    assert status.detail == "Completed 2026-12-02"
    assert history.text.splitlines() == [
        "2026-12-01 08:00 EST · Completed · Émilie Côté-Lévesque, Staff member",
        "2026-12-01 09:30 EST · Needs practice · Grace Okafor, Supervisor · Demonstrated"
        " · “Label the tubes first”",
        "2026-12-02 15:05 EST · Signed off: competent · Grace Okafor, Supervisor · Observed",
    ]


def test_a_correction_prints_its_reason_and_marks_the_entry_it_cancels():
    wrong = HistoryEntry(
        "signed_off",
        datetime(2026, 12, 2, 15, 5, tzinfo=EST),
        "Grace Okafor",
        "supervisor",
        cancelled=True,
    )
    void = HistoryEntry(
        "voided",
        datetime(2026, 12, 3, 10, 0, tzinfo=EST),
        "Sam Lee",
        "manager",
        (("reason", "Signed on the wrong item"),),
        cancels=datetime(2026, 12, 2, 15, 5, tzinfo=EST),
    )
    document = completed_record(
        record(item(1, status=TaskStatus.AWAITING_SIGNOFF, history=(wrong, void)))
    )

    history = all_rows(document)[0][2].text.splitlines()
    assert history[0].endswith("[cancelled by a correction]")
    assert history[1] == (
        "2026-12-03 10:00 EST · Correction · Sam Lee, Manager"
        " · Cancels the entry of 2026-12-02 15:05 EST · “Signed on the wrong item”"
    )


def test_the_record_prints_the_final_sign_off_status_dates_and_zone():
    final = HistoryEntry(
        "final_signoff", datetime(2026, 12, 10, 14, 2, tzinfo=EST), "Sam Lee", "manager"
    )
    document = completed_record(
        record(
            status="completed",
            completed_on=date(2026, 12, 10),
            final_signoff=final,
            time_zone="Eastern (Ontario, Quebec), EST",
        )
    )

    header = {fact.label: fact.value for fact in document.header}
    assert header["Onboarding status"] == "Completed"
    assert header["Completed on"] == "Thursday 10 December 2026"
    assert header["Times are in"] == "Eastern (Ontario, Quebec), EST"
    section = next(s for s in document.sections if s.heading == "Final sign-off")
    [grid] = section.blocks
    assert isinstance(grid, FactGrid)
    assert [(f.label, f.value) for f in grid.facts] == [
        ("Signed by", "Sam Lee"),
        ("Role", "Manager"),
        ("Signed at", "2026-12-10 14:02 EST"),
    ]


def test_an_onboarding_in_progress_says_the_final_sign_off_is_not_given():
    section = next(s for s in completed_record(record()).sections if s.heading == "Final sign-off")
    assert isinstance(section.blocks[0], Note) and "Not given yet" in section.blocks[0].text


def test_pending_renewals_are_listed_with_their_due_date():
    renewals = (PendingRenewal("BLS renewal", date(2027, 11, 1)),)
    document = completed_record(record(pending_renewals=renewals))

    section = next(s for s in document.sections if s.heading == "Pending renewals")
    assert [(r[0].text, r[1].text) for r in tables(section)[0].rows] == [
        ("BLS renewal", "2027-11-01")
    ]


def test_a_signed_record_carries_no_legal_advice_disclaimer_but_a_blank_form_does(
    minimal_catalog: Catalog,
):
    assert completed_record(record()).footer.disclaimer == ""
    assert blank_plan(plan_for(minimal_catalog), "Maple Grove", *NAMES).footer.disclaimer == (
        ENGLISH(DISCLAIMER)
    )


def test_the_record_is_authored_by_the_clinic_and_dated_when_generated():
    document = completed_record(record())
    assert document.author == "Maple Grove Family Health"
    assert document.created_at == GENERATED


def test_french_roles_print_in_both_gender_forms():
    document = completed_record(record(language="fr"))
    history = all_rows(document)[0][2].text
    assert "Grace Okafor, Superviseur ou superviseure" in history
    signatures = next(b for b in document.sections[-1].blocks if isinstance(b, Signatures))
    assert signatures.signers == ("Membre du personnel", "Gestionnaire")


def test_record_states_the_meaning_of_a_sign_off_and_ends_with_the_proof():
    document = completed_record(record())

    last = document.sections[-1]
    assert last.keep_together
    assert "A sign-off means the signer saw it done." in [
        getattr(b, "text", "") for b in last.blocks
    ]
    proof = last.blocks[-1]
    assert isinstance(proof, Verification)
    assert proof.fingerprint == record().fingerprint and proof.url == "https://example.org/verify/1"
    assert "Fingerprint starts 9f2c4be07a1d" in document.footer.facts
    assert "Generated 2026-12-18 16:40 EST" in document.footer.facts


def test_record_summary_counts_statuses_in_a_fixed_order():
    items = (
        item(1, status=TaskStatus.NOT_STARTED),
        item(2),
        item(3),
        item(4, status=TaskStatus.NEEDS_PRACTICE),
    )

    assert completed_record(record(*items)).intro == (
        "4 items: 2 signed off, 1 needs practice, 1 not started."
    )


def test_record_flags_expired_and_soon_expiring_credentials():
    credentials = (
        CredentialEntry("BLS", "Heart and Stroke", "A1", date(2025, 12, 1), date(2026, 12, 1)),
        CredentialEntry("Police check", "OPP", "B2", date(2026, 10, 1), date(2027, 1, 10)),
        CredentialEntry("WHMIS", "Clinic", "", date(2026, 12, 2), None),
    )

    document = completed_record(record(credentials=credentials))

    section = next(s for s in document.sections if s.heading == "Credentials")
    expiry = [row[-1] for row in tables(section)[0].rows]
    assert [(cell.detail, cell.tone) for cell in expiry] == [
        ("Expired", "bad"),
        ("In 23 days", "warn"),
        ("", "muted"),
    ]


def test_record_groups_items_by_module_in_the_order_given():
    items = (item(1), item(2, module_title="Privacy"), item(3))

    sections = completed_record(record(*items)).sections

    assert [s.heading for s in sections[:2]] == ["Infection prevention and control", "Privacy"]
    assert [row[0].text for row in tables(sections[0])[0].rows] == ["Item 1", "Item 3"]


@pytest.mark.parametrize(
    "make",
    [
        lambda naive: record(generated_at=naive),
        lambda naive: HistoryEntry("completed", naive, "Someone"),
    ],
)
def test_naive_times_are_refused(make):
    with pytest.raises(ValueError, match="timezone-aware"):
        make(datetime(2026, 12, 18, 16, 40))


def test_every_text_is_nfc_normalized():
    decomposed = unicodedata.normalize("NFD", "Émilie Côté-Lévesque")
    assert decomposed != "Émilie Côté-Lévesque"

    document = completed_record(record(hire=HireInfo(decomposed, "MA", START, decomposed)))

    assert document.headline == "Onboarding record — Émilie Côté-Lévesque"
    assert Cell(decomposed, decomposed).detail == "Émilie Côté-Lévesque"
    assert Column(decomposed, 1).heading == "Émilie Côté-Lévesque"


# ---- compliance summary -----------------------------------------------------------------------


def summary(modules: int, staff: int = 2, **changes: object) -> SummaryInput:
    titles = tuple(f"Module {n}" for n in range(modules))
    rows = tuple(
        StaffRow(f"Person {p}", "Medical assistant", (ModuleProgress.DONE,) * modules)
        for p in range(staff)
    )
    fields: dict[str, object] = {
        "clinic": ClinicInfo("Maple Grove Family Health", "Ontario", "Family medicine clinic"),
        "generated_at": GENERATED,
        "catalog_version": "2026.11.0+test",
        "modules": titles,
        "staff": rows,
        "expiring": (),
    }
    return SummaryInput(**{**fields, **changes})  # type: ignore[arg-type]


def test_summary_matrix_has_a_status_per_person_and_module():
    row = StaffRow(
        "Noah Kakfwi",
        "MOA",
        (ModuleProgress.DONE, ModuleProgress.OVERDUE, ModuleProgress.IN_PROGRESS, None),
    )

    document = compliance_summary(replace(summary(4), staff=(row,)))

    matrix = tables(document.sections[0])[0]
    assert [column.heading for column in matrix.columns][1:] == [f"Module {n}" for n in range(4)]
    cells = matrix.rows[0]
    assert (cells[0].text, cells[0].detail) == ("Noah Kakfwi", "MOA")
    assert [(c.text, c.tone) for c in cells[1:]] == [
        ("Done", "good"),
        ("Overdue", "bad"),
        ("In progress", "plain"),
        ("—", "muted"),
    ]
    assert matrix.keep_together and not document.landscape


def test_a_wide_matrix_turns_landscape_and_splits_into_balanced_tables():
    document = compliance_summary(summary(15))

    assert document.landscape
    matrices = tables(document.sections[0])
    assert [len(matrix.columns) - 1 for matrix in matrices] == [5, 5, 5]


def test_summary_lists_expiring_credentials_soonest_first_with_days_left():
    expiring = (
        ExpiringCredential("Mei-Lin Zhang", "BLS", date(2027, 2, 3)),
        ExpiringCredential("Jordan Whitehorse", "Police check", date(2026, 12, 12)),
        ExpiringCredential("Aaliyah Haddad", "N95 fit test", date(2026, 12, 28)),
    )

    document = compliance_summary(summary(3, expiring=expiring))

    rows = tables(document.sections[1])[0].rows
    assert [(row[0].text, row[3].text, row[3].tone) for row in rows] == [
        ("Jordan Whitehorse", "Expired", "bad"),
        ("Aaliyah Haddad", "10", "warn"),
        ("Mei-Lin Zhang", "47", "plain"),
    ]


def test_people_who_completed_or_left_are_listed_once_not_as_matrix_rows():
    """Issue 26: a large clinic's summary would otherwise be mostly rows of finished people."""
    closed = (
        ClosedRow("Mei-Lin Zhang", "MOA", left=False, closed_on=date(2026, 11, 30)),
        ClosedRow("Jordan Whitehorse", "Medical assistant", left=True, closed_on=None),
    )

    document = compliance_summary(summary(3, staff=1, closed=closed))

    header = {fact.label: fact.value for fact in document.header}
    assert (header["Onboarding"], header["Completed or left"]) == ("1", "2")
    assert len(tables(document.sections[0])[0].rows) == 1
    section = document.sections[2]
    assert section.heading == "Completed or left"
    assert [(r[0].text, r[0].detail, r[1].text, r[2].text) for r in tables(section)[0].rows] == [
        ("Mei-Lin Zhang", "MOA", "Completed and signed off", "2026-11-30"),
        ("Jordan Whitehorse", "Medical assistant", "Left before finishing", "—"),
    ]


def test_a_summary_with_no_one_closed_says_so():
    section = compliance_summary(summary(3)).sections[2]

    assert not tables(section)
    assert "No one has completed onboarding or left yet." in str(section.blocks)


def test_summary_refuses_a_row_without_one_status_per_module():
    with pytest.raises(ValueError, match="one status per module"):
        replace(summary(3), staff=(StaffRow("Noah", "MOA", (ModuleProgress.DONE,)),))


# ---- helpers and purity -----------------------------------------------------------------------


@given(st.integers(min_value=0, max_value=60))
def test_matrix_spans_cover_every_module_once_in_balanced_tables(modules: int):
    spans = matrix_spans(modules)

    assert [i for span in spans for i in span] == list(range(modules))
    sizes = [len(span) for span in spans]
    assert all(size <= 7 for size in sizes)
    assert len(spans) == -(-modules // 7) or modules <= 4
    assert not sizes or max(sizes) - min(sizes) <= 1


@given(st.text(min_size=1, max_size=600).filter(str.strip))
def test_short_guidance_is_whole_sentences_never_cut(text: str):
    shortened = short(text, 120)

    assert "…" not in shortened or "…" in text
    # the leading sentences, word for word, spacing aside
    assert " ".join(text.split()).startswith(" ".join(shortened.split()))
    first = re.split(r"(?<=[.!?])\s+", text.strip())[0]
    assert len(shortened) <= 120 or shortened == first


def test_document_layer_imports_no_reportlab_and_no_flask():
    code = (
        "import sys, clinic_onboard.pdf.document; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('reportlab', 'flask')))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_a_withdrawn_item_keeps_its_row_marked_withdrawn_and_is_counted_apart():
    withdrawn = item(2, status=TaskStatus.NEEDS_PRACTICE, withdrawn_on=date(2026, 12, 10))
    document = completed_record(record(item(1), withdrawn))

    title, status, *_ = all_rows(document)[1]
    assert (title.text, status.text) == ("Item 2", "Needs practice")
    assert status.detail.endswith("Withdrawn")
    assert "Withdrawn from the plan on 2026-12-10" in title.detail
    assert document.intro == "2 items: 1 signed off, 1 withdrawn."


def test_a_withdrawn_item_is_marked_in_french():
    withdrawn = item(2, status=TaskStatus.NEEDS_PRACTICE, withdrawn_on=date(2026, 12, 10))
    document = completed_record(record(withdrawn, language="fr"))

    title, status, *_ = all_rows(document)[0]
    assert status.text == "Pratique requise" and status.detail.endswith("Retiré")
    assert "Retiré du plan le 2026-12-10" in title.detail
    assert document.intro.endswith("1 retiré.")


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_busy_days_are_said_up_front(minimal_catalog: Catalog, lang: str) -> None:
    first_day = tuple(
        CustomItem(f"custom.tour_{n}", f"Tour {n}", "Walk it.", "task", "none", phase="day_1")
        for n in range(2)
    )
    profile = ClinicProfile("ON", "family_medicine")
    busy = build_plan(
        minimal_catalog,
        profile,
        "medical_assistant",
        START,
        RoleCustomization(custom_items=first_day),
        lang=lang,
        max_per_day=1,
    )
    assert busy.crowded_days, "two first-day tours cannot both fit a one-task day"
    document = blank_plan(busy, "Maple Grove", *NAMES)
    section = document.sections[0]
    assert section.heading == {"en": "Busy days", "fr": "Journées chargées"}[lang]
    note = section.blocks[0].text
    assert Words(lang).long_date(busy.crowded_days[0].day) in note and "1" in note
    calm = build_plan(minimal_catalog, profile, "medical_assistant", START, lang=lang)
    assert calm.crowded_days == ()
    assert section.heading not in headings(blank_plan(calm, "Maple Grove", *NAMES))
