"""French output for a Quebec clinic: the plan command and the blank PDFs carry no English, and
French typography survives the trip through the PDF.

"No English" is checked three ways: none of the English plan's titles or guidance, none of the
English labels, and none of a list of common English words (which French never uses) may appear.
Item ids such as ``[ipac.hand_hygiene]`` are codes, not words, and are left out of the check.
"""

import re
from collections.abc import Iterator
from datetime import date
from functools import cache
from pathlib import Path

import pytest
from click.testing import CliRunner
from pydantic import BaseModel
from pypdf import PdfReader
from reportlab.pdfbase.ttfonts import TTFontFace

from clinic_onboard.catalog import Catalog, Text, load_catalog
from clinic_onboard.cli.catalog import plan_command
from clinic_onboard.cli.pdf import pdf_group
from clinic_onboard.paths import checklists_dir
from clinic_onboard.pdf.document import short
from clinic_onboard.planner import ClinicProfile, Plan, build_plan
from tests.unit.pdf_words import pdf_texts

ROLES = (
    "medical_office_assistant",
    "medical_assistant",
    "clinic_assistant",
    "lead_medical_assistant",
)
OPTIONS = ("specimen_collection", "vaccine_storage", "minor_procedures", "onsite_reprocessing")
START = "2026-12-01"
FONT = Path(__file__).parents[2] / "clinic_onboard" / "pdf" / "fonts" / "DejaVuSans.ttf"
# Common English words that are not also French words (so not "a", "on", "or", "plan", "date").
_WORDS = """the and with your you of to for before after when every each this that these those is
are be from into who what which how should must can will not it its they their them our we by at
in if has have than any only ask tell clinic staff check sign off due day week first duty duties
task tasks hand hands room rooms privacy health record records training policy supervisor manager
initials reviewed printed content"""
ENGLISH_WORDS = frozenset(_WORDS.split())
ITEM_ID = re.compile(r"\[[a-z_]+(\.[a-z_0-9]+)+\]")


def profile_args(province: str, role: str) -> list[str]:
    options = [arg for option in OPTIONS for arg in ("--option", option)]
    return [
        "--province",
        province,
        "--setting",
        "family_medicine",
        "--role",
        role,
        "--emr",
        "accuro",
        *options,
        "--start",
        START,
    ]


@pytest.fixture(scope="module")
def real() -> Catalog:
    return load_catalog(checklists_dir())


def english_plan(real: Catalog, province: str, role: str) -> Plan:
    profile = ClinicProfile(province, "family_medicine", "accuro", frozenset(OPTIONS))
    return build_plan(real, profile, role, date.fromisoformat(START))


def flat(text: str) -> str:
    """One line, single spaces: PDF text breaks wherever a cell wrapped."""
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def english_words(text: str) -> set[str]:
    # Whole words, accents included: « désignée » is not the English "sign".
    return {word for word in re.findall(r"[^\W\d_]+", text) if word.lower() in ENGLISH_WORDS}


def english_texts(plan: Plan) -> list[str]:
    """Every title and guidance the English plan prints, as the PDFs shorten guidance too."""
    entries = (*plan.tasks, *plan.duties)
    return [text for e in entries for text in (e.title, e.guidance, short(e.guidance))]


def label_pieces() -> list[str]:
    """The fixed words of the English labels, where French says something else."""
    pieces = []
    for english, french in zip(pdf_texts("en"), pdf_texts("fr"), strict=True):
        if english not in french:
            parts = (part.strip() for part in re.split(r"\{\w+\}", english))
            pieces += [part for part in parts if len(part) > 3 and part not in french]
    return pieces


def assert_no_english(output: str, plan: Plan) -> None:
    text = flat(ITEM_ID.sub(" ", output))
    leftovers = [t for t in english_texts(plan) if flat(t) in text]
    assert not leftovers, leftovers[:5]
    labels = [p for p in label_pieces() if re.search(rf"\b{re.escape(p)}\b", text)]
    assert not labels, labels
    assert not english_words(text), sorted(english_words(text))


@cache
def french_pdf(command: str, province: str, role: str, folder: Path) -> str:
    output = folder / f"{command}-{province}-{role}.pdf"
    args = [command, *profile_args(province, role), "--lang", "fr", "-o", str(output)]
    result = CliRunner().invoke(pdf_group, args)
    assert result.exit_code == 0, result.output
    return "\n".join(page.extract_text() for page in PdfReader(output).pages)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("french-pdfs")


# ---- the plan command -----------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_the_french_plan_command_prints_no_english(real: Catalog, role: str) -> None:
    result = CliRunner().invoke(plan_command, [*profile_args("QC", role), "--lang", "fr"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Plan d\u2019intégration\u00a0: ")
    assert_no_english(result.output.replace(real.version, ""), english_plan(real, "QC", role))


def test_the_french_plan_command_json_is_french(real: Catalog) -> None:
    args = [*profile_args("QC", "medical_assistant"), "--lang", "fr", "--format", "json"]
    result = CliRunner().invoke(plan_command, args)
    assert result.exit_code == 0, result.output
    titles = re.findall(r'"title": "([^"]*)"', result.output)
    assert titles and not english_words(" ".join(titles))


def test_an_unknown_language_is_a_usage_error() -> None:
    result = CliRunner().invoke(
        plan_command, [*profile_args("QC", "medical_assistant"), "--lang", "es"]
    )
    assert result.exit_code == 2
    assert "Invalid value for '--lang': 'es' is not one of 'en', 'fr'." in result.output


# ---- the blank PDFs -------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["checklist", "plan"])
@pytest.mark.parametrize("role", ROLES)
def test_the_french_pdfs_print_no_english(
    real: Catalog, folder: Path, command: str, role: str
) -> None:
    text = french_pdf(command, "QC", role, folder)
    headline = "Liste des tâches courantes" if command == "checklist" else "Plan d\u2019intégration"
    assert headline in text and "Votre clinique" in text and "Page 1 sur" in text
    assert "pas un avis juridique" in flat(text)
    assert_no_english(text, english_plan(real, "QC", role))


def test_the_french_pdf_metadata_is_french(folder: Path) -> None:
    french_pdf("plan", "QC", "medical_assistant", folder)
    reader = PdfReader(folder / "plan-QC-medical_assistant.pdf")
    assert reader.metadata is not None and reader.metadata.title.startswith(
        "Plan d\u2019intégration"
    )
    assert reader.trailer["/Root"]["/Lang"] == "fr-CA"


def test_no_break_spaces_extract_as_spaces_and_nothing_is_lost(folder: Path) -> None:
    text = french_pdf("checklist", "QC", "medical_assistant", folder)
    assert "Politique de la clinique\u00a0:" in text or "Politique de la clinique :" in text
    assert "\ufffd" not in text and "clinique:" not in text
    # Quebec usage: no space before ? ; ! (a colon keeps its no-break space)
    assert "personnels; ce n\u2019est pas un avis juridique" in text
    assert not re.search(r"\s[?;!]", text), re.findall(r".{20}\s[?;!]", text)


def test_french_quotation_marks_print(folder: Path) -> None:
    """New Brunswick's checklist greets « Bonjour, hello »: guillemets and their spaces."""
    text = french_pdf("checklist", "NB", "medical_office_assistant", folder)
    assert re.search(r"«[\u00a0\u202f ]Bonjour, hello[\u00a0\u202f ]»", text), text


def test_the_font_has_a_glyph_for_every_french_character(real: Catalog) -> None:
    """A character the font lacks prints as a box (tofu): check the whole French library."""
    face = TTFontFace(str(FONT))
    texts = [*pdf_texts("fr"), real.disclaimer.fr]
    for module in real.modules:
        texts += [module.title.fr, module.summary.fr]
    models = [*real.jurisdictions.values(), *real.settings.values(), *real.roles.values()]
    models += [e for m in real.modules for e in (*m.items, *m.duties)]
    texts += [text.fr for model in models for text in french_texts(model)]
    missing = {char for char in "".join(texts) if ord(char) not in face.charToGlyph}
    assert not missing, sorted(missing)


def french_texts(model: BaseModel) -> Iterator[Text]:
    """Every Text in a model and the models inside it."""
    for name in type(model).model_fields:
        value = getattr(model, name)
        for one in value if isinstance(value, tuple) else (value,):
            if isinstance(one, Text):
                yield one
            elif isinstance(one, BaseModel):
                yield from french_texts(one)
