"""Journey 7: a manager on a phone imports two dozen hires from pasted CSV rows and watches the
import run as a job: the progress page updates itself, announces only its status, ends with a
link to every line's result, fits 390 px and passes axe-core at each step."""

from tests.browser.seed import ROLE_NAMES, ROLE_TEMPLATE
from tests.browser.test_journey_signoff import sign_in
from tests.browser.ui import Ui, expect

PHONE = {"width": 390, "height": 844}
HIRES = 24  # with the bad line, within the 30 invitations a clinic may send in an hour
START = "2027-03-01"


def test_a_manager_imports_hires_on_a_phone_and_watches_the_job(open_tab, seeder) -> None:
    team = seeder.new_hire("Noor Aziz")
    manager = sign_in(open_tab(), team.manager, "Onboarding dashboard")
    page = manager.page
    page.set_viewport_size(PHONE)
    manager.open("/staff/import", "Import hires from a CSV file")
    page.get_by_label("Or paste the rows here").fill(_rows())
    page.get_by_role("button", name="Import the hires").click()
    manager.landed("Import of hires")
    fits_the_phone(manager)
    expect(page.locator("[data-status]")).to_have_text("Done", timeout=120_000)
    expect(page.locator("[data-counts]")).to_have_text(f"{HIRES + 1} of {HIRES + 1} lines done")
    more = page.get_by_role("link", name="Show every line's result")
    if more.count():  # the job was still running when the page loaded: it says it is over
        more.click()
        manager.landed("Import of hires")
    refused = page.get_by_role("row").filter(has_text="Refused")
    expect(refused).to_have_count(1)
    expect(refused).to_contain_text("is not a valid email address")
    fits_the_phone(manager)


def fits_the_phone(ui: Ui) -> None:
    """Nothing wider than the screen: the page never scrolls sideways at 390 px."""
    width = ui.page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width


def _rows() -> str:
    role = ROLE_NAMES[ROLE_TEMPLATE]
    lines = ["name,email,role,start_date"]
    lines += [f"Bulk {n},bulk{n}@journey.example.com,{role},{START}" for n in range(HIRES)]
    return "\n".join([*lines, f"Nobody,not-an-email,{role},{START}"]) + "\n"
