"""Issue 24 on the rendered PDFs of the largest plan the library makes, in English and French,
read back with pypdf: no internal id and no "…" in any kind; the record's auditor facts; the
French typography (1er raised); legible guidance; the Quebec footer's Law 25 wording."""

from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from functools import cache
from io import BytesIO

import pytest
from pypdf import PdfReader
from reportlab.lib import colors

from clinic_onboard.catalog import Catalog, load_catalog
from clinic_onboard.paths import checklists_dir
from clinic_onboard.pdf import (
    ClinicInfo,
    CredentialEntry,
    Document,
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
from clinic_onboard.pdf import render as renderer
from clinic_onboard.pdf.day_grid import DutyGridInput, DutyLine, duty_checklist_grid
from clinic_onboard.pdf.document import HistoryEntry, PendingRenewal, signature_meaning
from clinic_onboard.pdf.render import render, typeset
from clinic_onboard.planner import ClinicProfile, Plan, build_plan
from clinic_onboard.record.progress import ModuleProgress
from clinic_onboard.record.states import TaskStatus

EST = timezone(timedelta(hours=-5), "EST")
START = date(2026, 12, 1)  # a first: the French long date prints « 1er décembre »
AT = datetime(2026, 12, 2, 10, 5, tzinfo=EST)
CLINIC = "Clinique Saint-Éloi"


@cache
def library() -> Catalog:
    return load_catalog(checklists_dir())


@cache
def largest_plan(lang: str) -> Plan:
    """The plan with the most items: every place, setting and role, with an EMR and every
    option on (the options add items, never remove them)."""
    catalog = library()
    emr = next(iter(catalog.emr_products))
    options = frozenset(catalog.options)
    plans = (
        build_plan(catalog, ClinicProfile(code, setting, emr, options), role, START, lang=lang)
        for code in catalog.jurisdictions
        for setting in catalog.settings
        for role in catalog.roles
    )
    return max(plans, key=lambda plan: (len(plan.tasks) + len(plan.duties), plan.role))


def names(plan: Plan) -> tuple[str, str, str, str]:
    catalog, lang = library(), plan.language
    return (
        catalog.jurisdictions[plan.profile.province].name.get(lang),
        catalog.settings[plan.profile.setting].name.get(lang),
        catalog.roles[plan.role].name.get(lang),
        catalog.version,
    )


def record_of(plan: Plan) -> RecordInput:
    """Every task of ``plan`` in a record, each signed off with a comment."""
    signed = HistoryEntry("signed_off", AT, "Grace Okafor", "supervisor", (("method", "observed"),))
    items = tuple(
        RecordItem(
            task.title,
            task.module_title,
            task.kind,
            TaskStatus.SIGNED_OFF,
            task.due_date,
            AT.date(),
            (signed,),
        )
        for task in plan.tasks
    )
    place, setting, role, version = names(plan)
    return RecordInput(
        clinic=ClinicInfo(CLINIC, place, setting),
        hire=HireInfo("Émilie Côté-Lévesque", role, START, "Grace Okafor"),
        catalog_version=version,
        generated_at=datetime(2026, 12, 18, 16, 40, tzinfo=EST),
        items=items,
        credentials=(CredentialEntry("BLS", "Cœur + AVC", "HSF-1", START, date(2028, 12, 1)),),
        acknowledgements=(),
        signature_meaning=signature_meaning(plan.language),
        fingerprint="9f2c4be07a1d36e85c0f47b2a9d13e6c58b0f7a2e4c91d3b6a08e5f27c4d19b3",
        verify_url="https://onboard.example.ca/verify",
        language=plan.language,
    )


def summary_of(plan: Plan) -> SummaryInput:
    """Two people against every module of the library, named in the plan's language."""
    modules = tuple(module.title.get(plan.language) for module in library().modules)
    place, setting, _role, version = names(plan)
    cells = tuple(ModuleProgress.IN_PROGRESS for _ in modules)
    return SummaryInput(
        clinic=ClinicInfo(CLINIC, place, setting),
        generated_at=datetime(2026, 12, 18, 16, 45, tzinfo=EST),
        catalog_version=version,
        modules=modules,
        staff=(StaffRow("Noah Kakfwi", "MOA", cells), StaffRow("Aputi Arnatsiaq", "RN", cells)),
        expiring=(),
        language=plan.language,
    )


def _checklist(plan: Plan) -> Document:
    scope = form_scope(library(), plan)
    return blank_checklist(plan, CLINIC, *names(plan), printed_on=START, scope=scope)


def _plan(plan: Plan) -> Document:
    return blank_plan(
        plan, CLINIC, *names(plan), printed_on=START, scope=form_scope(library(), plan)
    )


def _duty_grid(plan: Plan) -> Document:
    """The month's day grid of the plan's duties (the duty-log work's builder, checked here
    as one more PDF kind): every weekday of December 2026."""
    days = tuple(START + timedelta(days=n) for n in range(31))
    grid = DutyGridInput(
        CLINIC,
        names(plan)[2],
        tuple(DutyLine(duty.title, duty.frequency) for duty in plan.duties),
        tuple(day for day in days if day.weekday() < 5),
        days[0],
        days[-1],
        plan.language,
        START,
    )
    return duty_checklist_grid(grid)


KINDS: dict[str, Callable[[Plan], Document]] = {
    "checklist": _checklist,
    "duty grid": _duty_grid,
    "plan": _plan,
    "record": lambda plan: completed_record(record_of(plan)),
    "summary": lambda plan: compliance_summary(summary_of(plan)),
}


@cache
def pages(kind: str, lang: str) -> tuple[str, ...]:
    reader = PdfReader(BytesIO(render(KINDS[kind](largest_plan(lang)))))
    return tuple(page.extract_text() for page in reader.pages)


def squeezed(text: str) -> str:
    """Whitespace removed: an id split to fit its cell would still read as one."""
    return "".join(text.split())


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("kind", KINDS)
def test_no_pdf_of_the_largest_plan_prints_an_internal_id_or_an_ellipsis(kind: str, lang: str):
    """Issue 24: ids on every record row, French guidance cut mid-sentence with "…"."""
    plan = largest_plan(lang)
    text = " ".join(pages(kind, lang))

    assert "…" not in text
    ids = {entry.id for entry in (*plan.tasks, *plan.duties)} | {m.id for m in library().modules}
    dotted = {each for each in ids if "." in each or "_" in each}
    assert dotted and not [each for each in dotted if each in squeezed(text)]
    assert len(plan.tasks) > 100  # truly the largest: the library's full reach


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_largest_plan_lists_every_task_and_duty(lang: str):
    plan = largest_plan(lang)
    tasks, duties = (
        squeezed(" ".join(pages("plan", lang))),
        squeezed(" ".join(pages("checklist", lang))),
    )

    assert all(squeezed(task.title) in tasks for task in plan.tasks)
    assert all(squeezed(duty.title) in duties for duty in plan.duties)


def test_the_record_prints_what_an_auditor_checks_in_french():
    practice = HistoryEntry(
        "needs_practice", AT, "Grace Okafor", "supervisor", (("comment", "Revoir le lavage."),)
    )
    signed = HistoryEntry("signed_off", AT + timedelta(hours=1), "Grace Okafor", "supervisor")
    voided = HistoryEntry(
        "voided",
        AT + timedelta(hours=2),
        "Dana Leclerc",
        "manager",
        (("reason", "Validé avant l'observation"),),
        cancels=signed.at,
    )
    record = replace(
        record_of(largest_plan("fr")),
        items=(
            RecordItem(
                "Hygiène des mains",
                "Prévention",
                "competency",
                TaskStatus.NEEDS_PRACTICE,
                START,
                None,
                (practice, replace(signed, cancelled=True), voided),
            ),
        ),
        status="completed",
        completed_on=date(2026, 12, 17),
        final_signoff=HistoryEntry(
            "final_signoff", AT + timedelta(days=15), "Dana Leclerc", "manager"
        ),
        pending_renewals=(PendingRenewal("Essai d'ajustement N95", date(2027, 12, 1)),),
    )

    text = " ".join(
        " ".join(page.extract_text().split()) for page in _read(completed_record(record)).pages
    )

    assert "« Revoir le lavage. »" in text
    assert "« Validé avant l'observation »" in text and "[annulée par une correction]" in text
    assert "Signé par Dana Leclerc Poste Gestionnaire" in text
    assert "Signé le 2026-12-17 10 h 05 EST" in text
    assert "Essai d'ajustement N95 2027-12-01" in text
    assert (
        "Terminé le jeudi 17 décembre 2026" in text or "Terminée le jeudi 17 décembre 2026" in text
    )


def _read(document: Document) -> PdfReader:
    return PdfReader(BytesIO(render(document)))


# ---- French typography ------------------------------------------------------------------------


def test_a_french_ordinal_ending_is_raised_and_nothing_else_is():
    token = renderer._language.set("fr")
    try:
        assert typeset("mardi 1er décembre, la 2e fois, les 1res") == (
            "mardi 1<super>er</super> décembre, la 2<super>e</super> fois, les 1<super>res</super>"
        )
        for untouched in ("9f2c4be07a1d", "HSF-2e", "2026-12-01", "1 000 $", "v1.2e3", "A4e"):
            assert typeset(untouched) == untouched
    finally:
        renderer._language.reset(token)
    assert typeset("the 1er of December") == "the 1er of December"  # English: as written


def test_the_french_first_of_the_month_prints_a_raised_er_that_reads_back_as_1er():
    """« mardi 1er décembre 2026 »: "er" set smaller and raised, extracted as one word."""
    page = _read(_plan(largest_plan("fr"))).pages[0]
    sizes: dict[str, list[float]] = {}

    def visit(text, cm, tm, font, size):
        sizes.setdefault(text.strip(), []).append(size * tm[3])

    page.extract_text(visitor_text=visit)

    assert "mardi 1er décembre 2026" in " ".join(page.extract_text().split())
    assert "er" in sizes and min(sizes["er"]) < 10.5 * 0.85  # the header's date is 10.5 pt


# ---- legibility and wording -------------------------------------------------------------------


def _luminance(color: colors.Color) -> float:
    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * channel(color.red) + 0.7152 * channel(color.green) + 0.0722 * channel(color.blue)
    )


def _contrast(ink: colors.Color, paper: colors.Color) -> float:
    light, dark = sorted((_luminance(ink), _luminance(paper)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize("ink", [*renderer.TONES.values(), renderer.ACCENT], ids=str)
@pytest.mark.parametrize(
    "paper", [colors.white, renderer.ZEBRA, renderer.NOTE_FILL, renderer.HEADER_FILL], ids=str
)
def test_every_text_colour_has_a_contrast_of_at_least_4_5_to_1(ink, paper):
    """Issue 24: guidance was 8 pt mid-grey. WCAG 2.1's 4.5:1 for normal text."""
    assert _contrast(ink, paper) >= 4.5


def test_guidance_is_never_set_under_9_pt():
    page = _read(_checklist(largest_plan("en"))).pages[0]
    duty = largest_plan("en").duties[0]
    guidance: list[float] = []

    def visit(text, cm, tm, font, size):
        if text.strip() and text.strip() in duty.guidance:
            guidance.append(size * tm[3] if tm[3] else size)

    page.extract_text(visitor_text=visit)

    assert guidance and min(guidance) >= renderer.DETAIL_SIZE == 9


def test_a_quebec_form_footer_names_the_law_25_officer():
    """Issue 24: « responsable de la vie privée » where Law 25 says « responsable de la
    protection des renseignements personnels »."""
    plan = build_plan(
        library(), ClinicProfile("QC", "family_medicine"), "medical_assistant", START, lang="fr"
    )
    text = " ".join(" ".join(p.extract_text().split()) for p in _read(_checklist(plan)).pages)

    assert "responsable de la protection des renseignements personnels" in text
    assert "responsable de la vie privée" not in text
