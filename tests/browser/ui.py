"""One person's browser tab, and what every journey does with it: check each page they land on
with axe-core, keep screenshots, read downloaded PDFs, and move around by keyboard alone."""

import io
import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urldefrag

import pytest
from pypdf import PdfReader

NEEDED = "the browser journeys need the test extra: pip install -e '.[test]'"
pytest.importorskip("playwright.sync_api", reason=f"playwright is not installed; {NEEDED}")
pytest.importorskip("axe_playwright_python", reason=f"axe-playwright-python is missing; {NEEDED}")

from axe_playwright_python.sync_playwright import Axe  # noqa: E402
from playwright.sync_api import Locator, Page, expect  # noqa: E402

# The impacts that fail a journey (axe-core also reports "minor" and "moderate" ones).
BLOCKING = frozenset({"serious", "critical"})
AXE = Axe()

# The accessible name of the focused element, near enough for the controls of this app: an
# aria-label, else the text of its label, else its own text (visually hidden text included).
FOCUSED_NAME = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return "";
  const label = el.getAttribute("aria-label")
    || (el.labels && el.labels.length ? el.labels[0].textContent : el.textContent);
  return (label || "").replace(/\\s+/g, " ").trim();
}"""
# The title of the My onboarding item the focused element belongs to, if any.
FOCUSED_TASK = """() => {
  const title = document.activeElement.closest("li.task")?.querySelector(".task-title");
  return title ? title.textContent.trim() : "";
}"""
# Whether the focused element shows a focus ring a sighted keyboard user can see.
FOCUS_SHOWN = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  const onScreen = box.width > 0 && box.height > 0 && box.bottom > 0 && box.right > 0
    && box.top < innerHeight && box.left < innerWidth;
  return el.matches(":focus-visible") && style.outlineStyle !== "none"
    && parseFloat(style.outlineWidth) >= 2 && onScreen;
}"""


class Ui:
    """Wraps a page; ``landed`` must follow every navigation (checked when the test ends).

    ``axe=False`` is for a journey that only repeats, state for state, pages another journey
    checks with axe-core: it still waits for each page and keeps the guard."""

    def __init__(self, page: Page, screenshots: Path, axe: bool = True) -> None:
        self.page = page
        self.screenshots = screenshots
        self.axe = axe
        self.unchecked: list[str] = []  # navigated to since the last check
        self.skipped: list[str] = []  # left before they were checked
        # Each new document, not fragment moves such as the skip link's (they load nothing).
        page.on("domcontentloaded", lambda loaded: self.unchecked.append(loaded.url))

    def open(self, url: str, heading: str | re.Pattern) -> None:
        self.page.goto(url)
        self.landed(heading)

    def landed(self, heading: str | re.Pattern, flash: str | re.Pattern | None = None) -> None:
        """Wait for the page the person expects (its heading, and the message the last action
        should show), then check it with axe-core: no serious or critical violation.
        Every new page a tab loads must pass through here (or ``check_accessibility``)."""
        expect(self.page.get_by_role("heading", level=1)).to_have_text(heading)
        if flash is not None:
            expect(self.page.locator(".flashes")).to_contain_text(flash)
        self.page.wait_for_load_state("load")
        self.check_accessibility()

    def check_accessibility(self) -> None:
        if self.axe:
            results = AXE.run(self.page)
            blocking = [v for v in results.response["violations"] if v["impact"] in BLOCKING]
            assert not blocking, f"{self.page.url}\n{_report(blocking)}"
        here = urldefrag(self.page.url).url
        self.skipped += [url for url in self.unchecked if urldefrag(url).url != here]
        self.unchecked.clear()

    def missed(self) -> list[str]:
        """Pages this tab loaded that the journey never waited for and checked."""
        return [*self.skipped, *self.unchecked]

    def shoot(self, name: str, top: bool = False, whole: bool = False) -> Path:
        """Save what the person sees (``top``: from the top of the page; ``whole``: the whole
        page, scrolled through) as ``name``.png."""
        if top:
            self.page.evaluate("window.scrollTo(0, 0)")
        path = self.screenshots / f"{name}.png"
        self.page.screenshot(path=path, full_page=whole)
        return path

    def download_pdf(self, start: Callable[[], object]) -> tuple[str, str]:
        """Run ``start`` (a click or a key press) and return the PDF's file name and text."""
        with self.page.expect_download() as info:
            start()
        download = info.value
        data = Path(download.path()).read_bytes()
        assert data.startswith(b"%PDF-"), download.suggested_filename
        return download.suggested_filename, pdf_text(data)

    def task(self, title: str) -> Locator:
        """The card of one item of the plan on My onboarding (its renewal, listed after the
        plan under the same title, is not it)."""
        heading = self.page.get_by_role("heading", name=title, exact=True)
        return self.page.locator("li.task").filter(has=heading).first


def pdf_text(data: bytes) -> str:
    """All the text of a PDF, each run of white space made one space (lines wrap anywhere)."""
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def _report(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"[{violation['impact']}] {violation['id']}: {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"][:5]:
            lines.append(f"  - {', '.join(map(str, node['target']))}: {node['html'][:160]}")
            lines.append(f"    {node.get('failureSummary', '').replace(chr(10), ' ')}")
    return "\n".join(lines)


# ---- keyboard only ------------------------------------------------------------------------------


def focused_name(page: Page) -> str:
    return page.evaluate(FOCUSED_NAME)


def tab_to(page: Page, name: str, task: str | None = None, limit: int = 600) -> None:
    """Press Tab until the focused element's accessible name is ``name`` (inside the item
    titled ``task`` when given); the focus ring must show on it. Reading where the focus is
    stands for the person looking at the screen: it moves nothing."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if focused_name(page) == name and (task is None or page.evaluate(FOCUSED_TASK) == task):
            assert page.evaluate(FOCUS_SHOWN), f"no visible focus on {name!r} at {page.url}"
            return
    where = f" in {task!r}" if task else ""
    raise AssertionError(f"{limit} presses of Tab never reached {name!r}{where} on {page.url}")
