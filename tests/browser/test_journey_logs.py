"""Journey 4: a day of a clinic's duties on a phone. A medical assistant in a British Columbia
family practice ticks today's start-of-day duties, records the vaccine fridge's morning
readings and then a reading too warm to ignore; the manager sees the incident on the
dashboard, closes it with what was done, and downloads the month's log for an inspection."""

import re

from tests.browser.seed import Team
from tests.browser.test_journey_signoff import sign_in
from tests.browser.ui import Ui, expect

PHONE = {"width": 390, "height": 844}
TODAY = re.compile(r"^Today \d{4}-\d{2}-\d{2}$")
MORNING = {"Current temperature": "4.5", "Minimum since": "3.1", "Maximum since": "6.0"}
TOO_WARM = {"Current temperature": "5.0", "Minimum since": "3.2", "Maximum since": "9.5"}
DONE = "Public health said the vaccines can be used; the door seal was replaced."
TAP = 44  # CSS pixels: the smallest target a finger hits reliably (WCAG 2.5.5)


def test_a_day_of_duties_on_a_phone_and_an_incident_closed_by_the_manager(open_tab, seeder) -> None:
    team, fridge = seeder.fridge_clinic("Priya Chen")
    staff = sign_in(on_a_phone(open_tab()), team.hire, "My onboarding")
    open_today(staff)
    tick_start_of_day(staff)
    record(staff, fridge, "At opening", MORNING)
    staff.landed(TODAY, flash="The reading is recorded.")
    expect(due_log(staff, fridge)).to_contain_text("At opening ✓ · At closing not yet")
    fridge_duty = staff.page.get_by_role("region", name="Start of day").get_by_role("listitem")
    expect(fridge_duty.filter(has_text="vaccine fridge")).to_contain_text("✓ Readings recorded")
    staff.shoot("today-phone", top=True)
    record(staff, fridge, "At closing", TOO_WARM)
    confirm_out_of_range(staff, fridge)

    manager = sign_in(open_tab(), team.manager, "Onboarding dashboard")
    close_from_dashboard(manager, fridge)
    download_month(manager, team, fridge)


def on_a_phone(ui: Ui) -> Ui:
    ui.page.set_viewport_size(PHONE)
    return ui


def open_today(ui: Ui) -> None:
    """The menu folds behind its button on a phone."""
    nav = ui.page.get_by_role("navigation", name="Main")
    nav.get_by_role("button", name="Menu").click()
    nav.get_by_role("link", name="Today").click()
    ui.landed(TODAY)


def tick_start_of_day(ui: Ui) -> None:
    """Each duty is one tap on a button big enough for a finger, and then shows when."""
    section = ui.page.get_by_role("region", name="Start of day")
    tick = ui.page.get_by_role("button", name=re.compile(r"^Done\b"))
    buttons = section.locator(tick)
    count = buttons.count()
    assert count >= 2, "the medical assistant's plan has start-of-day duties to tick"
    for _ in range(count):
        duty = section.get_by_role("listitem").filter(has=tick).first
        title = duty.locator(".duty-title").inner_text()
        box = buttons.first.bounding_box()
        assert box and box["height"] >= TAP and box["x"] + box["width"] <= PHONE["width"]
        buttons.first.click()
        ui.landed(TODAY)
        done = section.get_by_role("listitem").filter(has_text=title)
        expect(done).to_contain_text(re.compile(r"✓ Done at \d{2}:\d{2} [A-Z]+"))
    expect(buttons).to_have_count(0)


def due_log(ui: Ui, fridge: str):
    section = ui.page.get_by_role("region", name="Clinic logs due today")
    return section.get_by_role("listitem").filter(has_text=fridge)


def record(ui: Ui, fridge: str, session: str, values: dict[str, str]) -> None:
    due_log(ui, fridge).get_by_role("link", name="Record").click()
    heading = f"Vaccine refrigerator temperatures: {fridge}"
    ui.landed(heading)
    page = ui.page
    page.get_by_label("When").select_option(label=session)
    for label, value in values.items():
        page.get_by_label(re.compile(f"^{label}")).fill(value)
    page.get_by_role("button", name="Record").click()


def confirm_out_of_range(ui: Ui, fridge: str) -> None:
    """The reading is kept in the form, the question asked; confirming opens the incident."""
    ui.landed(f"Vaccine refrigerator temperatures: {fridge}")
    alert = ui.page.get_by_role("alert")
    expect(alert).to_contain_text("Out of range: Maximum since the last reading")
    expect(ui.page.get_by_label(re.compile("^Maximum since"))).to_have_value("9.5")
    ui.page.get_by_role("button", name="Yes, the reading is right: open an incident").click()
    ui.landed(f"Incident: {fridge}")
    steps = ui.page.get_by_role("region", name="Do this now")
    expect(steps).to_contain_text("Keep the refrigerator door closed.")
    expect(steps).to_contain_text("Call the local public health unit now")
    expect(ui.page.get_by_role("button", name="Close the incident")).to_have_count(0)


def close_from_dashboard(ui: Ui, fridge: str) -> None:
    logs = ui.page.get_by_role("region", name="Clinic logs")
    expect(logs).to_contain_text("1 open incident")
    logs.get_by_role("link", name=re.compile(f"^{re.escape(fridge)} · ")).click()
    ui.landed(f"Incident: {fridge}")
    ui.page.get_by_role("button", name="Close the incident").click()
    ui.landed(f"Incident: {fridge}", flash="Say what was done before closing the incident.")
    ui.page.get_by_label("What was done").fill(DONE)
    ui.page.get_by_role("button", name="Close the incident").click()
    ui.landed(f"Incident: {fridge}", flash="The incident is closed.")
    expect(ui.page.get_by_role("region", name=re.compile("^Closed "))).to_contain_text(DONE)


def download_month(ui: Ui, team: Team, fridge: str) -> None:
    """From the dashboard's month grid to the fridge's month, and its PDF for an inspection."""
    nav = ui.page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="Dashboard").click()
    ui.landed("Onboarding dashboard")
    logs = ui.page.get_by_role("region", name="Clinic logs")
    expect(logs).not_to_contain_text("open incident")
    logs.get_by_role("link", name=fridge).click()
    ui.landed(re.compile(f"^Vaccine refrigerator temperatures: {re.escape(fridge)} "))
    expect(ui.page.locator(".month-grid")).to_contain_text("✓ recorded")
    ui.shoot("log-month")
    link = ui.page.get_by_role("link", name="Download PDF: this month's log, for an inspection")
    name, text = ui.download_pdf(link.click)
    assert re.fullmatch(r"log-vaccine-fridge-room-2-\d{4}-\d{2}\.pdf", name), name
    assert f"Vaccine refrigerator temperatures — {fridge}" in text
    assert "4.5" in text and "9.5" in text and "out of range" in text
    assert team.hire.name in text and DONE in text
