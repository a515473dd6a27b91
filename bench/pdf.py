"""The completed record of a 150-item plan as PDF: our reportlab export against WeasyPrint
rendering the record page's HTML (with the app's stylesheet), each in a process of its own.

Both sides start from what the app already has in memory (the record's data for reportlab, the
page's HTML for WeasyPrint) and end with PDF bytes, so the comparison is layout and rendering.
The whole download (``/exports/.../record.pdf``, database reads included) is timed as well.
"""

import json
import pickle
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from flask import Flask
from sqlalchemy import select

from bench.common import make_app
from bench.pages import signed_in
from bench.seed import PLAN_MAX, seed_record
from bench.timing import Timing, measure
from clinic_onboard.extensions import db
from clinic_onboard.models import AppRole, Membership, Onboarding
from clinic_onboard.queries import pdf_inputs

SPEED_GOAL = 20.0
INSTALL_HINT = (
    "WeasyPrint cannot load. It needs Debian's pango: apt-get install -y libpango-1.0-0 "
    "libpangoft2-1.0-0 libharfbuzz-subset0 (see bench/README.md). Skipping the comparison"
)


@dataclass(frozen=True)
class Rendering:
    name: str
    median_ms: float
    p95_ms: float
    peak_kb: int
    before_kb: int
    pages: int
    size: int


@dataclass(frozen=True)
class PdfResult:
    items: int
    ours: Rendering
    theirs: Rendering | None
    unavailable: str | None
    download: Timing  # the whole POST of record.pdf (render and issue), in-process
    page: Timing  # the record page's HTML, in-process


def measure_pdf(folder: Path, url: str, repeat: int, weasyprint_runs: int) -> PdfResult:
    """Seed the record at ``url``, hand each renderer its input in a file in ``folder``, and
    run each in a subprocess."""
    onboarding_id = seed_record(url, PLAN_MAX)
    app = make_app(url)
    items, record = _record_input(app, onboarding_id)
    client = signed_in(app, _manager_email(app))
    record_path = f"/signoffs/onboardings/{onboarding_id}/record"
    download_path = f"/exports/onboardings/{onboarding_id}/record.pdf"
    (folder / "record.pickle").write_bytes(pickle.dumps(record))
    (folder / "record.html").write_text(client.get(record_path).get_data(as_text=True))
    ours = _run("reportlab", folder / "record.pickle", 1, repeat)
    # WeasyPrint takes most of a minute per run here: one warm-up would double that.
    theirs = _run("weasyprint", folder / "record.html", 0, weasyprint_runs)
    return PdfResult(
        items=items,
        ours=ours if isinstance(ours, Rendering) else _fail(ours),
        theirs=theirs if isinstance(theirs, Rendering) else None,
        unavailable=theirs if isinstance(theirs, str) else None,
        download=measure(lambda: _ok(client.post(download_path)), 2, repeat),
        page=measure(lambda: _ok(client.get(record_path)), 2, repeat),
    )


def _record_input(app: Flask, onboarding_id: int) -> tuple[int, object]:
    with app.app_context():
        onboarding = db.session.get(Onboarding, onboarding_id)
        record = pdf_inputs.record_input(
            onboarding, "https://onboard.example.ca/verify", datetime.now(UTC)
        )
        return len(record.items), record


def _manager_email(app: Flask) -> str:
    with app.app_context():
        manager = db.session.scalar(select(Membership).where(Membership.role == AppRole.MANAGER))
        return manager.user.email


def _ok(response: object) -> None:
    if getattr(response, "status_code", None) != 200:
        raise RuntimeError(f"the record answered {getattr(response, 'status_code', '?')}")


def _run(renderer: str, path: Path, warmup: int, repeat: int) -> Rendering | str:
    """The worker's figures, or why the renderer could not load."""
    done = subprocess.run(
        [sys.executable, "-m", "bench.pdf_worker", renderer, str(path), str(warmup), str(repeat)],
        capture_output=True,
        text=True,
    )
    lines = done.stdout.strip().splitlines()
    report = json.loads(lines[-1]) if lines else {}
    if "unavailable" in report:
        return report["unavailable"]
    if done.returncode != 0:
        return f"{renderer} failed (exit {done.returncode}): {done.stderr.strip()[-400:]}"
    return Rendering(
        renderer,
        report["median_ms"],
        report["p95_ms"],
        report["peak_kb"],
        report["before_kb"],
        report["pages"],
        report["bytes"],
    )


def _fail(reason: str) -> Rendering:
    raise RuntimeError(f"our own PDF export failed: {reason}")
