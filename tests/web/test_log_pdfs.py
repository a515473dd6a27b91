"""A kept log's month is a record, not guidance: its PDF carries no "not legal advice" line,
while the blank sheet, printed from the library's wording, keeps it; in English and French."""

import io
from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from pypdf import PdfReader

from clinic_onboard.extensions import db
from clinic_onboard.models import AppRole, Clinic, Membership
from clinic_onboard.operations import daily_logs
from clinic_onboard.pdf.document import DISCLAIMER
from clinic_onboard.pdf.words import Words
from clinic_onboard.services.library import catalog
from tests.conftest import Auth, counting_queries

FRIDGE = "ipac.log.vaccine_fridge"


@pytest.fixture
def kept(make_clinic: Callable[..., Clinic], make_member: Callable[..., Membership]) -> Any:
    """A fridge with a voided reading and a warm one whose incident is closed."""
    clinic = make_clinic("Harbour Clinic", province="NS", options=["vaccine_storage"])
    manager = make_member(AppRole.MANAGER, clinic)
    log = catalog().log(FRIDGE)
    fridge = daily_logs.add_unit(clinic, log, "Fridge, room 2", manager.user)
    first, _ = daily_logs.record_reading(
        fridge, log, "opening", {"current": 4.0, "minimum": 3.0, "maximum": 5.0}, manager
    )
    _, incident = daily_logs.record_reading(
        fridge, log, "closing", {"current": 4.0, "minimum": 3.0, "maximum": 9.5}, manager
    )
    daily_logs.void_entry(first, "Wrong fridge", manager, set())
    daily_logs.close_incident(incident, "Public health said use them.", manager)
    db.session.commit()
    return clinic, manager, fridge


def _text(body: bytes) -> str:
    """The PDF's text with line breaks and spaces folded, so a wrapped line still matches."""
    pages = PdfReader(io.BytesIO(body)).pages
    return " ".join(" ".join(page.extract_text().split()) for page in pages)


def _folded(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_filled_month_has_no_disclaimer_and_the_blank_sheet_keeps_it(
    client: FlaskClient, auth: Auth, kept: Any, lang: str
) -> None:
    clinic, manager, fridge = kept
    clinic.language = lang
    db.session.commit()
    words = Words(lang)
    disclaimer = _folded(words(DISCLAIMER))
    assert disclaimer != _folded(DISCLAIMER) or lang == "en"  # the French line is French
    auth.login_as(manager)

    month = client.get(f"/exports/logs/{fridge.id}/month.pdf")
    assert month.status_code == 200 and month.mimetype == "application/pdf"
    text = _text(month.data)
    assert "Fridge, room 2" in text and "Public health said use them." in text
    assert _folded(words("Page {page} of {total}").format(page=1, total=1)) in text
    assert disclaimer not in text and _folded(DISCLAIMER) not in text

    sheet = client.get(f"/exports/logs/{fridge.id}/sheet.pdf?period=week")
    assert sheet.status_code == 200 and disclaimer in _text(sheet.data)


def test_the_month_pdf_runs_the_same_queries_however_many_entries(
    client: FlaskClient, auth: Auth, kept: Any
) -> None:
    _clinic, manager, fridge = kept
    auth.login_as(manager)

    def queries() -> int:
        with counting_queries() as statements:
            assert client.get(f"/exports/logs/{fridge.id}/month.pdf").status_code == 200
        return len(statements)

    few = queries()
    log, warm = catalog().log(FRIDGE), {"current": 4.0, "minimum": 3.0, "maximum": 9.0}
    for session in ("opening", "closing") * 10:
        entry, incident = daily_logs.record_reading(fridge, log, session, warm, manager)
        daily_logs.close_incident(incident, "Checked.", manager)
        daily_logs.void_entry(entry, "Twice.", manager, set())
    db.session.commit()
    assert queries() == few
