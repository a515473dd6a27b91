"""Journey 1: a clinic manager signs up, sets up a British Columbia rehabilitation centre on
OSCAR Pro, configures a medical office assistant role, has the operator confirm the clinic (no
email on this server), adds a new hire and prints the role's blank duty checklist."""

import re
import subprocess
from datetime import date, timedelta
from urllib.parse import urljoin

from tests.browser.seed import CLINIC, PASSWORD
from tests.browser.server import LiveServer
from tests.browser.ui import Page, Ui, expect
from tests.live_server import cli_path, server_environment

ROLE = "Medical office assistant"
MANAGER = "Priya Sandhu"
HIRE = "Noor Rahman"
OFF_DUTY, OFF_REASON = "Close out the day's billing", "Our billing clerk closes out each day."
OWN_ITEM = "Tour the hydrotherapy pool and the gym"
# A duty kept, whose apostrophe shows the PDF's text reads back as typed (so the switched-off
# duty's absence below means something).
KEPT_DUTY = "File the day's scanned documents and faxes"


def test_a_manager_sets_up_a_clinic_a_role_and_a_hire(open_tab, live_server: LiveServer) -> None:
    manager = open_tab()
    sign_up(manager)
    configure_role(manager)  # no need to wait for the confirmation to set up roles
    confirm_by_operator(manager, live_server)
    link = add_hire(manager)
    check_hire_plan(manager)

    manager.page.get_by_role("navigation", name="Main").get_by_role("link", name="Roles").click()
    manager.landed(f"Roles in {CLINIC}")
    manager.page.get_by_role("link", name=ROLE, exact=True).click()
    manager.landed(ROLE)
    download = manager.page.get_by_role("link", name="Download PDF: duty checklist", exact=True)
    name, text = manager.download_pdf(download.click)
    assert name == "duty-checklist-medical-office-assistant.pdf"
    assert f"Duty checklist — {ROLE}" in text
    assert CLINIC in text and "British Columbia" in text
    assert KEPT_DUTY in text
    assert OFF_DUTY not in text  # switched off for this clinic

    newcomer = open_tab()  # the hire's own browser: the copied link works on the server
    newcomer.open(link, f"Welcome, {HIRE}")
    expect(newcomer.page.locator(".lead")).to_contain_text(f"{CLINIC} has set up your onboarding")


def sign_up(ui: Ui) -> None:
    page = ui.page
    ui.open("/", "Sign in")
    page.get_by_role("link", name="Set up your clinic").click()
    ui.landed("Set up your clinic")
    page.get_by_label("Your full name").fill(MANAGER)
    page.get_by_label("Work email").fill("priya@coastrehab.example.ca")
    page.get_by_label("Choose a password").fill(PASSWORD)
    page.get_by_label("Type the password again").fill(PASSWORD)
    page.get_by_label("Clinic name").fill(CLINIC)
    page.get_by_label("Province or territory").select_option(label="British Columbia")
    page.get_by_label("Type of clinic").select_option(
        label="Rehabilitation centre (physiotherapy and similar)"
    )
    page.get_by_label("EMR product").select_option(label="OSCAR Pro (WELL Health)")
    ui.shoot("signup")
    page.get_by_role("button", name="Create my clinic").click()
    # a manager lands on the dashboard, where a new clinic's getting-started list waits
    ui.landed("Onboarding dashboard", flash=f"Welcome! {CLINIC} is ready.")
    ui.open(urljoin(page.url, "/clinic/"), CLINIC)
    profile = page.locator(".facts")
    expect(profile).to_contain_text("British Columbia")
    expect(profile).to_contain_text("Rehabilitation centre")
    expect(profile).to_contain_text("OSCAR Pro")
    expect(page.locator(".who")).to_have_text(f"{MANAGER} · Manager")
    notice = page.get_by_role("region", name="Confirm your email address to invite your staff.")
    expect(notice).to_contain_text("Email is not set up on this site")


def configure_role(ui: Ui) -> None:
    """Add the role, switch one duty off with a reason and add one item of the clinic's own."""
    page = ui.page
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Roles").click()
    ui.landed(f"Roles in {CLINIC}")
    expect(page.get_by_text("No roles yet.")).to_be_visible()
    page.get_by_label("Role template").select_option(label=ROLE)
    page.get_by_role("button", name="Add the role").click()
    ui.landed(ROLE, flash=f"Added the role “{ROLE}”.")

    entry = page.locator("li.roles-entry").filter(has_text=OFF_DUTY)
    entry.locator("summary", has_text="Switch off").click()
    ui.check_accessibility()  # the form the closed disclosure hid
    entry.get_by_label("Reason").fill(OFF_REASON)
    entry.get_by_role("button", name=f"Switch off “{OFF_DUTY}”").click()
    ui.landed(ROLE, flash="Switched off.")
    expect(page.get_by_role("heading", name="Switched off here (1)")).to_be_visible()
    switched_off = page.get_by_role("table", name=re.compile("does not do at your clinic"))
    expect(switched_off.get_by_role("row", name=OFF_DUTY)).to_contain_text(OFF_REASON)

    add_own_item(ui.page)
    ui.landed(ROLE, flash=f"Added “{OWN_ITEM}” to the role.")
    expect(page.get_by_role("heading", name="Your clinic's own items (1)")).to_be_visible()
    own = page.get_by_role("table", name="Items your clinic added to this role")
    expect(own).to_contain_text(OWN_ITEM)
    expect(own).to_contain_text("Task · First day · A supervisor signs off")
    ui.shoot("role")


def confirm_by_operator(ui: Ui, server: LiveServer) -> None:
    """The operator runs the command the notice shows against the server's database; the
    clinic may then invite people and the notice is gone."""
    command = ui.page.locator(".confirm-notice code").inner_text().split()
    assert command[:3] == ["clinic-onboard", "confirm-clinic", "--clinic-id"], command
    secret = server.secret_key
    env = server_environment(server.database_url, server.upload_folder, SECRET_KEY=secret)
    done = subprocess.run(
        [str(cli_path()), *command[1:]], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"({CLINIC}): it may invite people now." in done.stdout
    ui.page.reload()
    ui.landed(ROLE)
    expect(ui.page.locator(".confirm-notice")).to_have_count(0)


def add_own_item(page: Page) -> None:
    page.get_by_label("Title").fill(OWN_ITEM)
    page.get_by_label("Guidance for the hire").fill(
        "Walk through the pool, the gym and the treatment rooms with your supervisor, "
        "and find the pool's emergency alarm."
    )
    page.get_by_label("Kind").select_option(label="Task")
    page.get_by_label("When it is due").select_option(label="First day")
    page.get_by_label("Sign-off").select_option(label="A supervisor signs off")
    page.get_by_role("button", name="Add the item").click()


def add_hire(ui: Ui) -> str:
    """Add the hire; return the set-password link the page shows (no email is set up)."""
    page = ui.page
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Staff").click()
    ui.landed("Staff onboarding")
    expect(page.get_by_text("No hires yet.")).to_be_visible()
    page.get_by_role("link", name="Add a new hire").click()
    ui.landed("Add a new hire")
    page.get_by_label("Full name").fill(HIRE)
    page.get_by_label("Email").fill("noor@coastrehab.example.ca")
    page.get_by_label("Role").select_option(label=ROLE)
    page.get_by_label("Start date").fill((date.today() + timedelta(days=14)).isoformat())
    page.get_by_label("Supervisor").select_option(label=f"{MANAGER} (manager)")
    page.get_by_role("button", name="Add the hire and make their plan").click()
    ui.landed(f"Set-password link for {HIRE}")
    expect(page.get_by_text("Email is not set up on this site")).to_be_visible()
    link = page.get_by_label(f"Link for {HIRE} to choose a password").input_value().strip()
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/welcome/[\w.-]+", link), link
    ui.shoot("staff-link")
    return link


def check_hire_plan(ui: Ui) -> None:
    """The hire's stored plan has the clinic's own item and not the switched-off duty."""
    page = ui.page
    page.get_by_role("link", name=f"← {HIRE}'s plan").click()
    ui.landed(HIRE)
    expect(page.locator(".facts")).to_contain_text("Waiting for the person to set a password")
    expect(page.get_by_role("table", name=re.compile("Onboarding tasks"))).to_contain_text(OWN_ITEM)
    duties = page.get_by_role("region", name=re.compile("Duty checklist"))
    expect(duties).to_contain_text(KEPT_DUTY)
    expect(duties).not_to_contain_text(OFF_DUTY)
