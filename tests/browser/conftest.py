"""Browser fixtures: Debian's Chromium driven by playwright, one live server for the session,
a seeder writing into that server's database, and a tab per person.

The journeys skip, saying why, when Chromium or playwright is missing (``.ci/run`` installs
Chromium from Debian; playwright never downloads a browser of its own here).
"""

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.seed import Seeder
from tests.browser.server import LiveServer, running_server
from tests.live_server import separate_database

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# The size of the README's screenshots; en-US fixes how Chromium's date fields read typed digits.
CONTEXT = {"viewport": {"width": 1280, "height": 900}, "locale": "en-US"}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
_REPORTS = pytest.StashKey[dict[str, pytest.TestReport]]()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Any:
    """Keep each phase's report, so a fixture can tell whether its test passed."""
    report = yield
    item.stash.setdefault(_REPORTS, {})[report.when] = report
    return report


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def live_server(browser: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """Started after the browser, so a machine without Chromium starts no server either."""
    folder = tmp_path_factory.mktemp("live")
    with (
        separate_database(folder, "browser") as database_url,
        running_server(database_url, folder) as server,
    ):
        yield server


@pytest.fixture(scope="session")
def seeder(live_server: LiveServer) -> Iterator[Seeder]:
    seeder = Seeder(live_server)
    yield seeder
    seeder.close()


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``SCREENSHOTS=1`` refreshes the README's pictures; otherwise they stay out of the tree."""
    if os.environ.get("SCREENSHOTS") == "1":
        return SCREENSHOTS
    return tmp_path_factory.mktemp("screenshots")


@pytest.fixture
def open_tab(
    request: pytest.FixtureRequest, browser: Any, live_server: LiveServer, screenshots: Path
) -> Iterator[Callable[..., Any]]:
    """``open_tab(axe=True)``: a new browser (own cookies) for one person, on the live server."""
    from tests.browser.ui import Ui

    contexts, tabs = [], []

    def open_(axe: bool = True) -> Ui:
        context = browser.new_context(base_url=live_server.url, **CONTEXT)
        context.set_default_timeout(10_000)
        contexts.append(context)
        tabs.append(Ui(context.new_page(), screenshots, axe))
        return tabs[-1]

    yield open_
    for context in contexts:
        context.close()
    call = request.node.stash.get(_REPORTS, {}).get("call")
    if call is not None and call.passed:
        missed = [url for tab in tabs for url in tab.missed()]
        assert not missed, f"pages loaded but never checked by the journey: {missed}"
