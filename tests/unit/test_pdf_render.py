"""pdf.render: the PDFs themselves, read back with pypdf (text, metadata, fonts, page furniture)."""

import re
import unicodedata
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from io import BytesIO
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from pypdf import PdfReader
from reportlab.pdfbase.pdfmetrics import getFont, stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph

from clinic_onboard.catalog import load_catalog
from clinic_onboard.paths import checklists_dir
from clinic_onboard.pdf import (
    DISCLAIMER,
    AcknowledgementEntry,
    ClinicInfo,
    CredentialEntry,
    Document,
    ExpiringCredential,
    HireInfo,
    RecordInput,
    RecordItem,
    StaffRow,
    SummaryInput,
    blank_checklist,
    blank_plan,
    completed_record,
    compliance_summary,
)
from clinic_onboard.pdf import fonts as fonts_module
from clinic_onboard.pdf import render as renderer
from clinic_onboard.pdf.document import HistoryEntry, signature_meaning
from clinic_onboard.pdf.fonts import register_fonts
from clinic_onboard.pdf.render import MARGIN_X, _qr, render
from clinic_onboard.planner import ClinicProfile, Plan, build_plan
from clinic_onboard.record.progress import ModuleProgress
from clinic_onboard.record.states import TaskStatus
from tests.unit.pdf_words import pdf_texts

EST = timezone(timedelta(hours=-5), "EST")
FINGERPRINT = "9f2c4be07a1d36e85c0f47b2a9d13e6c58b0f7a2e4c91d3b6a08e5f27c4d19b3"
CLINIC = "Clinique Saint-Éloi"
START = date(2026, 12, 1)


def signed(by: str = "Grace Okafor", method: str = "demonstrated", **facts: str) -> HistoryEntry:
    return HistoryEntry(
        "signed_off",
        datetime(2026, 12, 2, 15, 5, tzinfo=EST),
        by,
        "supervisor",
        (("method", method), *facts.items()) if method else tuple(facts.items()),
    )


def item(number: int, **changes: object) -> RecordItem:
    fields: dict[str, object] = {
        "title": f"Clean your hands at each moment of care, step {number}",
        "module_title": f"Module {number // 25}",
        "kind": "competency",
        "status": TaskStatus.SIGNED_OFF,
        "completed_on": date(2026, 12, 2),
        "history": (signed(),),
    }
    return RecordItem(**{**fields, **changes})  # type: ignore[arg-type]


def record(items: tuple[RecordItem, ...] = (), **changes: object) -> RecordInput:
    fields: dict[str, object] = {
        "clinic": ClinicInfo(CLINIC, "Ontario", "Family medicine clinic"),
        "hire": HireInfo("Émilie Côté-Lévesque", "Medical assistant", START, "Grace Okafor"),
        "catalog_version": "2026.11.0+test",
        "generated_at": datetime(2026, 12, 18, 16, 40, tzinfo=EST),
        "items": items or tuple(item(n) for n in range(3)),
        "credentials": (
            CredentialEntry(
                "BLS", "Heart and Stroke", "HSF-1", date(2025, 12, 1), date(2026, 12, 30)
            ),
        ),
        "acknowledgements": (
            AcknowledgementEntry(
                "Confidentiality agreement",
                "Émilie Côté-Lévesque",
                datetime(2026, 11, 30, 10, 12, tzinfo=EST),
            ),
        ),
        "signature_meaning": "A sign-off means the signer watched the task done.",
        "fingerprint": FINGERPRINT,
        "verify_url": "https://onboard.example.ca/verify/r/8c1f3a7e",
    }
    return RecordInput(**{**fields, **changes})  # type: ignore[arg-type]


def summary() -> SummaryInput:
    modules = tuple(f"Module {n}" for n in range(9))
    return SummaryInput(
        clinic=ClinicInfo(CLINIC, "Ontario", "Family medicine clinic"),
        generated_at=datetime(2026, 12, 18, 16, 45, tzinfo=EST),
        catalog_version="2026.11.0+test",
        modules=modules,
        staff=(
            StaffRow("Noah Kakfwi", "MOA", (ModuleProgress.DONE, ModuleProgress.OVERDUE, None) * 3),
        ),
        expiring=(ExpiringCredential("Noah Kakfwi", "BLS", date(2026, 12, 22)),),
    )


@pytest.fixture(scope="module")
def real_plan() -> tuple[Plan, tuple[str, str, str, str]]:
    catalog = load_catalog(checklists_dir())
    profile = ClinicProfile("ON", "family_medicine", "accuro")
    plan = build_plan(catalog, profile, "medical_assistant", START)
    names = (
        catalog.jurisdictions["ON"].name,
        catalog.settings["family_medicine"].name,
        catalog.roles["medical_assistant"].name,
        catalog.version,
    )
    return plan, names


def read(document: Document) -> PdfReader:
    return PdfReader(BytesIO(render(document)))


def texts(reader: PdfReader) -> list[str]:
    return [page.extract_text() for page in reader.pages]


def words(text: str) -> str:
    """Whitespace collapsed: a title wrapped onto two lines still reads as one."""
    return " ".join(text.split())


def squeezed(text: str) -> str:
    """Whitespace removed: an id split mid-word to fit its cell still reads as one."""
    return "".join(text.split())


# ---- Unicode ----------------------------------------------------------------------------------


def test_accented_and_syllabic_names_come_back_out_of_the_pdf():
    decomposed = unicodedata.normalize("NFD", "Émilie Côté-Lévesque")
    items = (
        item(1, title="ᐃᓄᒃᑎᑐᑦ: greet patients in Inuktitut", history=(signed("Siaja Qaunaq"),)),
    )
    document = completed_record(
        record(items, hire=HireInfo(decomposed, "Medical assistant", START, "Nguyễn Thị Hạnh"))
    )

    text = words("\n".join(texts(read(document))))

    assert "Émilie Côté-Lévesque" in text  # composed again, and findable by a search
    assert "ᐃᓄᒃᑎᑐᑦ: greet patients in Inuktitut" in text
    assert "Nguyễn Thị Hạnh" in text and "Clinique Saint-Éloi" in text


def test_the_dejavu_font_is_embedded_from_the_package():
    reader = read(completed_record(record()))

    fonts = {
        font["/BaseFont"].split("+")[-1]: font
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert set(fonts) == {"DejaVuSans", "DejaVuSans-Bold"}
    assert all("/FontFile2" in font["/FontDescriptor"] for font in fonts.values())  # embedded
    package_fonts = Path(fonts_module.__file__).parent / "fonts"
    register_fonts()
    loaded = Path(getFont("DejaVuSans").face.filename)
    assert loaded.parent == package_fonts  # from the package, never the system's font folders
    assert {p.name for p in package_fonts.glob("*.ttf")} == {
        "DejaVuSans.ttf",
        "DejaVuSans-Bold.ttf",
    }
    assert (package_fonts / "LICENSE").read_text().count("Bitstream") > 3


# ---- the record in French ---------------------------------------------------------------------


def _long_words(text: str) -> set[str]:
    """The words of five letters or more, lower-cased, leaving out ``{field}`` names."""
    return {word.lower() for word in re.findall(r"[^\W\d_]{5,}", re.sub(r"\{\w+\}", "", text))}


def french_record() -> RecordInput:
    """A record whose data is all French, so any English left on the page is a label."""
    practice = replace(signed(method="", comment="Revoir le lavage."), kind="needs_practice")
    items = (
        item(1, title="Hygiène des mains", module_title="Prévention des infections"),
        item(
            2,
            title="Accueil",
            module_title="Accueil",
            status=TaskStatus.NEEDS_PRACTICE,
            history=(practice,),
        ),
        item(3, title="Stérilisation", module_title="Accueil", status=TaskStatus.DONE, history=()),
        item(
            4,
            title="Confidentialité",
            module_title="Accueil",
            status=TaskStatus.AWAITING_SIGNOFF,
            history=(),
        ),
    )
    return record(
        items,
        clinic=ClinicInfo(CLINIC, "Québec", "Clinique de médecine familiale"),
        hire=HireInfo("Émilie Côté-Lévesque", "Adjointe médicale", START, "Grace Okafor"),
        credentials=(
            CredentialEntry("RCR", "Cœur + AVC", "HSF-1", date(2025, 12, 1), date(2026, 12, 30)),
            CredentialEntry("Vaccin", "CIUSSS", "", None, None),
            CredentialEntry("Permis", "OIIQ", "7", date(2024, 1, 1), date(2026, 1, 1)),
        ),
        acknowledgements=(
            AcknowledgementEntry(
                "Entente de confidentialité", "Émilie", datetime(2026, 11, 30, 9, tzinfo=EST)
            ),
        ),
        signature_meaning=signature_meaning("fr"),
        verify_url="https://integration.exemple.ca/v/8c1f3a7e",
        language="fr",
    )


RECORD = "the completed, signed record"


def test_a_french_record_prints_no_english_label():
    french = words(" ".join(texts(read(completed_record(french_record())))))

    english = pdf_texts("en", RECORD)
    same = _long_words(" ".join(pdf_texts("fr", RECORD)))  # "document", "module"
    leftover = (_long_words(" ".join(english)) - same) & _long_words(french)
    assert not leftover
    for text in english:
        for piece in re.split(r"\{\w+\}", text):
            assert len(piece.strip(" :.,…—·")) < 5 or piece.strip() not in french
    for label in (
        "Dossier d\u2019intégration — Émilie",
        "Page 1 sur",
        "Ce que signifie une validation",
    ):
        assert label in french
    summary = "4 éléments : 1 validé, 1 terminé, 1 pratique requise, 1 en attente de validation."
    assert summary in french
    assert "Statut" in french and "Dans 12 jours" in french and "Sans expiration" in french
    assert "Pratique requise" in french and "Observé" not in french  # no method, no word
    assert (
        "Démontré" in french and "« Revoir le lavage. »" in french
    ) or "“Revoir le lavage.”" in french


# ---- long tables ------------------------------------------------------------------------------


def test_a_300_item_record_splits_with_headers_on_every_page_and_every_item():
    items = tuple(item(n) for n in range(300))

    pages = texts(read(completed_record(record(items))))

    assert len(pages) > 1
    everything = words("".join(pages))
    assert all(f"step {each}" in everything for each in range(300))
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page
        assert DISCLAIMER not in page  # a signed record is not guidance
        assert "Content 2026.11.0+test" in page and "Fingerprint starts 9f2c4be07a1d" in page
        if "Clean your hands" in page:
            assert "Status" in page and "History" in page  # the repeated header row
        if number > 1:
            assert "Clinique Saint-Éloi · Onboarding record · Émilie Côté-Lévesque" in page
            if words(page).split("Émilie Côté-Lévesque", 1)[1].lstrip().startswith("Module"):
                assert "(continued)" in page  # a table carried over names its section again


def test_the_signatures_close_the_page_with_room_instead_of_a_page_of_their_own():
    """Issue 24: a nested KeepTogether measured as infinitely tall sent the closing section
    (meaning, signatures, proof) to a last page alone, easy to detach or swap."""
    pages = texts(read(completed_record(record())))

    last = words(pages[-1])
    assert len(pages) == 2
    assert "Pending renewals" in last and "What a sign-off means" in last
    assert last.count("Printed name") == 2 and last.count("Date") >= 2


@pytest.mark.parametrize("items", range(9, 21))
def test_the_signatures_never_sit_alone_on_the_last_page(items: int):
    """Issue 24: whatever the record's length, the closing section shares its page with the
    record's content; when it cannot fit after the renewals, the renewals move with it."""
    pages = texts(read(completed_record(record(tuple(item(n) for n in range(items))))))

    last = words(pages[-1])
    assert "What a sign-off means" in last and "Pending renewals" in last


def test_the_last_page_carries_the_full_fingerprint_and_the_qr_target():
    pages = texts(read(completed_record(record())))

    assert FINGERPRINT in squeezed(pages[-1])
    assert "https://onboard.example.ca/verify/r/8c1f3a7e" in squeezed(pages[-1])
    assert "A sign-off means the signer watched the task done." in words(pages[-1])


def test_the_qr_code_encodes_the_verify_address():
    linked = _qr("https://onboard.example.ca/verify/r/8c1f3a7e")

    assert linked._drawing.contents[0].value == "https://onboard.example.ca/verify/r/8c1f3a7e"


def test_long_unbroken_strings_wrap_inside_their_cells():
    email = "emilie.cote-levesque.medical.assistant.maplegrove.familyhealth@example-clinic.ca" * 2
    items = (item(1, title=email, history=(signed("Grace" + "x" * 40 + "Okafor"),)),)
    reader = read(completed_record(record(items)))

    runs = _text_runs(reader.pages[0])
    starts = {text: x for text, x, _ in runs}
    title_limit = starts["Status"]
    assert len(_pieces(runs, email)) > 2
    assert all(right <= title_limit for right in _pieces(runs, email))
    assert any("Grace" + "x" * 40 + "Okafor" in text for text, _, _ in runs)  # shrunk, whole
    assert all(right <= 612 - MARGIN_X + 0.5 for _, _, right in runs)


def test_a_long_name_shrinks_to_stay_whole_and_words_break_only_at_hyphens():
    name = "Jonathan Arnatsiaq-O'Connor"
    items = (item(1, title="Infection prevention and control"),)
    document = completed_record(
        record(
            items,
            hire=HireInfo(name, "Medical assistant", START, name),
            credentials=(CredentialEntry("Communication", name, "HSF-1", date(2025, 12, 1), None),),
        )
    )
    lines = [text for page in read(document).pages for text, _, _ in _text_runs(page)]

    assert "Arnatsiaq-O'Connor" in " ".join(lines)  # the name never split mid-word
    for line in lines:
        last = line.split()[-1] if line.split() else ""
        # a word cut at the end of a line carries a hyphen: never "Communicatio" / "n"
        assert last not in ("Communicatio", "Arnatsia", "Infec"), line


def _text_runs(page) -> list[tuple[str, float, float]]:
    """Every line of text on the page: its text, left and right edge in points."""
    runs: list[tuple[str, float, float]] = []

    def visit(text, cm, tm, font, size):
        line = text.strip()
        if line and font:
            name = font["/BaseFont"].split("+")[-1]
            left = cm[4] + tm[4]
            runs.append((line, left, left + stringWidth(line, name, size)))

    page.extract_text(visitor_text=visit)
    return runs


def _pieces(runs: list[tuple[str, float, float]], whole: str) -> list[float]:
    """Right edges of the lines that are parts of ``whole`` (split to fit their cell)."""
    return [right for text, _, right in runs if len(text) >= 5 and text.rstrip("-") in whole]


# ---- one-line cells (issue 26: a 400-staff summary's 11,000 cells) ---------------------------

ROOM = 90.0  # points: a summary's module column at 6 modules


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("align", ["left", "center", "right"])
@pytest.mark.parametrize("text", ["Done", "Overdue", "Pas commencé", "—", "Kim Lê & Co"])
def test_a_one_line_cell_prints_as_its_paragraph_would(text: str, align: str, language: str):
    """A cell's single line skips the paragraph machinery, not its look: the same words at
    the same place, in the same font, size and colour."""
    register_fonts()
    look = renderer._Look(size=9, bold=True, tone="bad", align=align)
    token = renderer._language.set(language)
    try:
        line = renderer._para(text, look, ROOM)
        paragraph = Paragraph(escape(text), renderer._style(look))
    finally:
        renderer._language.reset(token)

    assert isinstance(line, renderer._Line)
    assert line.wrap(ROOM, 100) == paragraph.wrap(ROOM, 100)
    assert _drawn(line) == _drawn(paragraph)


@pytest.mark.parametrize(
    "text",
    [
        "Vérifications d'antécédents et documents d'embauche",  # wider than the room
        "Fait  deux fois",  # a paragraph collapses the double space
        "Fait\u00a0:",  # a paragraph measures a no-break space its own way
        "1er jour",  # French raises the ordinal's ending
        "Deux\nlignes",
        "Fait\u200bdeux",  # a paragraph may break at a zero-width space
        "Ac\u00adquis",  # and prints no soft hyphen unless it breaks there
    ],
)
def test_text_a_paragraph_would_set_otherwise_stays_a_paragraph(text: str):
    register_fonts()
    token = renderer._language.set("fr")
    try:
        assert isinstance(renderer._para(text, renderer._Look(size=9), ROOM), Paragraph)
    finally:
        renderer._language.reset(token)


def _drawn(flowable: Flowable) -> tuple[list[tuple[str, str, float, float, float]], list[str]]:
    """The text runs a flowable draws at (72, 500), each with its font, size and position,
    and the fill colours it sets."""
    buffer = BytesIO()
    canvas = Canvas(buffer)
    flowable.wrapOn(canvas, ROOM, 100)
    flowable.drawOn(canvas, 72, 500)
    canvas.save()
    page = PdfReader(BytesIO(buffer.getvalue())).pages[0]
    runs: list[tuple[str, str, float, float, float]] = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            x, y = cm[4] + tm[4] * cm[0], cm[5] + tm[5] * cm[3]
            runs.append((text, font["/BaseFont"], size, round(x, 3), round(y, 3)))

    page.extract_text(visitor_text=visit)
    content = page.get_contents().get_data().decode("latin-1")
    return runs, re.findall(r"[\d.]+ [\d.]+ [\d.]+ rg", content)


# ---- stable bytes and metadata ----------------------------------------------------------------

KINDS: dict[str, Callable[..., Document]] = {
    "record": lambda plan, names: completed_record(record()),
    "summary": lambda plan, names: compliance_summary(summary()),
    "checklist": lambda plan, names: blank_checklist(
        plan, CLINIC, *names, printed_on=date(2026, 11, 23)
    ),
    "plan": lambda plan, names: blank_plan(plan, CLINIC, *names, printed_on=date(2026, 11, 24)),
}


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("kind", ["checklist", "plan"])
def test_no_text_is_cut_with_an_ellipsis_and_no_item_id_is_printed(kind: str, language: str):
    """Issue 24: French guidance was cut mid-sentence with "…"; ids printed on every row."""
    catalog = load_catalog(checklists_dir())
    plan = build_plan(
        catalog, ClinicProfile("QC", "family_medicine"), "medical_assistant", START, lang=language
    )
    names = (
        catalog.jurisdictions["QC"].name.get(language),
        catalog.settings["family_medicine"].name.get(language),
        catalog.roles["medical_assistant"].name.get(language),
        catalog.version,
    )
    builder = blank_checklist if kind == "checklist" else blank_plan
    text = " ".join(texts(read(builder(plan, CLINIC, *names))))

    assert "…" not in text
    assert not any(task.id in squeezed(text) for task in plan.tasks)


def test_the_long_french_disclaimer_never_runs_under_the_page_number():
    catalog = load_catalog(checklists_dir())
    plan = build_plan(catalog, ClinicProfile("QC", "family_medicine"), "medical_assistant", START)
    french = replace(plan, language="fr")
    runs = _text_runs(read(blank_plan(french, CLINIC, *NAMES_FR)).pages[0])

    disclaimer = next(r for r in runs if "renseignements personnels" in r[0])
    page = next(r for r in runs if r[0].startswith("Page 1 sur"))
    assert disclaimer[2] < page[1]


NAMES_FR = ("Québec", "Clinique de médecine familiale", "Adjointe médicale", "2026.11.0+test")


def test_a_record_prints_no_ellipsis():
    assert "…" not in " ".join(texts(read(completed_record(record())))).replace(FINGERPRINT, "")


@pytest.mark.parametrize("kind", KINDS)
def test_the_same_input_gives_the_same_bytes(kind: str, real_plan):
    document = KINDS[kind](*real_plan)

    assert render(document) == render(document)


@pytest.mark.parametrize("kind", KINDS)
def test_title_author_and_language_are_in_the_pdf(kind: str, real_plan):
    document = KINDS[kind](*real_plan)

    reader = read(document)

    assert reader.metadata is not None
    assert reader.metadata.title == document.title and CLINIC in document.title
    assert reader.metadata.author == CLINIC  # the clinic issues every export, not the software
    assert reader.metadata.creator == "clinic_onboard"
    assert reader.trailer["/Root"]["/Lang"] == "en-CA"
    outline = [entry.title for entry in reader.outline if not isinstance(entry, list)]
    assert outline == [section.heading for section in document.sections]


@pytest.mark.parametrize(
    ("kind", "created"),
    [
        ("record", "D:20261218214000"),
        ("summary", "D:20261218214500"),
        ("plan", "D:20261124120000"),
        ("checklist", "D:20261123120000"),
    ],
)
def test_the_creation_date_is_when_the_document_was_made(kind: str, created: str, real_plan):
    reader = read(KINDS[kind](*real_plan))

    assert reader.metadata is not None
    assert reader.metadata["/CreationDate"].startswith(created)


def test_a_wide_summary_prints_landscape_on_letter():
    reader = read(compliance_summary(summary()))

    box = reader.pages[0].mediabox
    assert (float(box.width), float(box.height)) == (792, 612)
    assert "Noah Kakfwi" in reader.pages[0].extract_text()


# ---- real plans from the content library -----------------------------------------------------


def test_a_real_blank_checklist_lists_every_duty(real_plan):
    plan, names = real_plan

    pages = texts(read(blank_checklist(plan, CLINIC, *names)))

    text = words("\n".join(pages))
    assert CLINIC in pages[0] and "Duty checklist" in pages[0]
    assert all(words(duty.title) in text for duty in plan.duties)
    assert "Start of day" in text and "With every patient" in text


def test_a_real_blank_plan_lists_every_task_with_lines_to_sign(real_plan):
    plan, names = real_plan

    pages = texts(read(blank_plan(plan, CLINIC, *names)))

    text = words("\n".join(pages))
    assert CLINIC in pages[0] and "Tuesday 1 December 2026" in words(pages[0])
    assert all(words(task.title) in text for task in plan.tasks)
    assert all("Done on" in words(p) and "Sign-off date" in words(p) for p in pages[1:-1])
    assert "Before the first day" in text and "Day 1" in text
    assert "…" not in text
    assert "Signature log" in text and text.count("Printed name") >= 4
    for page in pages[1:]:  # a table carried onto a page names its section again
        assert page.split("\n", 1)[0].strip() != "Due", page[:80]
    assert "(continued)" in text
