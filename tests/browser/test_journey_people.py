"""Journey 5: people over a clinic's first month, from an empty sign-up outside Ontario. A Nova
Scotia community health centre invites a supervisor and a second manager from People, adds two
hires (one with a French plan), the supervisor signs in from the copied link and signs an item,
one hire's start date and supervisor change, the other leaves (their open session is refused at
once, their offboarding is generated and completed, their record says so) and comes back with
their police check carried over. The manager's key pages are checked again at 390 px."""

import subprocess
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from tests.browser.seed import PASSWORD
from tests.browser.server import LiveServer
from tests.browser.ui import Ui, expect
from tests.live_server import cli_path, server_environment

CLINIC = "Harbour Community Health Centre"
ROLE = "Medical office assistant"
MANAGER, SUPERVISOR, SECOND = "Morgan MacLeod", "Fatima Ali", "Jordan Boudreau"
LEAVER, FRANCO = "Liam Murphy", "Élise Arsenault"
SIGNED = "Find the emergency kit and the AED"  # a task the supervisor signs off
POLICE = "Provide a criminal record check"  # a document valid 36 months: carried over
FRENCH_TITLE = "Fournir une vérification du casier judiciaire"
HIRE_PASSWORD = "a hire's own passphrase"
PHONE = {"width": 390, "height": 844}
# The clinic's own day (Atlantic time, the province's default): a last day or start date is
# judged by it, so the journey passes at any hour of the UTC day.
HALIFAX = ZoneInfo("America/Halifax")


def test_people_join_change_leave_and_return(open_tab, live_server: LiveServer) -> None:
    manager = open_tab()
    sign_up(manager)
    confirm_by_operator(manager, live_server)
    add_role(manager)
    supervisor_link = invite(manager, SUPERVISOR, "fatima", "Supervisor")
    invite(manager, SECOND, "jordan", "Manager")  # named supervisor below; never signs in here
    today = datetime.now(HALIFAX).date()
    leaver_link = add_hire(manager, LEAVER, "liam", today)
    add_hire(manager, FRANCO, "elise", today + timedelta(days=7), language="Français")

    leaver = open_tab()
    start_work(leaver, leaver_link, today)
    supervisor = open_tab()
    sign_as_supervisor(supervisor, supervisor_link)
    verify_police_check(manager)
    change_hire(manager, today + timedelta(days=14))

    mark_left(manager, today)
    leaver.page.reload()  # the copied cookie reaches nothing of this clinic any more
    leaver.landed("You no longer belong to this clinic")
    complete_offboarding(manager)
    record_says_left(manager)
    bring_back(manager, today)
    on_a_phone(manager)


def go_to(ui: Ui, link: str, heading: str) -> None:
    ui.page.get_by_role("navigation", name="Main").get_by_role("link", name=link).click()
    ui.landed(heading)


def sign_up(ui: Ui) -> None:
    """A new clinic outside Ontario; its dashboard lists the first steps."""
    page = ui.page
    ui.open("/auth/signup", "Set up your clinic")
    page.get_by_label("Your full name").fill(MANAGER)
    page.get_by_label("Work email").fill("morgan@harbourchc.example.ca")
    page.get_by_label("Choose a password").fill(PASSWORD)
    page.get_by_label("Type the password again").fill(PASSWORD)
    page.get_by_label("Clinic name").fill(CLINIC)
    page.get_by_label("Province or territory").select_option(label="Nova Scotia")
    page.get_by_label("Type of clinic").select_option(label="Community health centre")
    page.get_by_label("EMR product").select_option(label="Med Access (TELUS Health)")
    page.get_by_role("button", name="Create my clinic").click()
    ui.landed("Onboarding dashboard", flash=f"Welcome! {CLINIC} is ready.")
    steps = page.get_by_role("region", name="Getting started")
    expect(steps).to_contain_text("Invite a supervisor (or a second manager)")


def confirm_by_operator(ui: Ui, server: LiveServer) -> None:
    """No email on this server: the operator confirms the clinic, which may then invite."""
    go_to(ui, "People", f"People in {CLINIC}")
    command = ui.page.locator(".confirm-notice code").inner_text().split()
    env = server_environment(
        server.database_url, server.upload_folder, SECRET_KEY=server.secret_key
    )
    done = subprocess.run(
        [str(cli_path()), *command[1:]], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stdout + done.stderr
    ui.page.reload()
    ui.landed(f"People in {CLINIC}")


def add_role(ui: Ui) -> None:
    page = ui.page
    go_to(ui, "Roles", f"Roles in {CLINIC}")
    page.get_by_label("Role template").select_option(label=ROLE)
    page.get_by_role("button", name="Add the role").click()
    ui.landed(ROLE, flash=f"Added the role “{ROLE}”.")


def invite(ui: Ui, name: str, mailbox: str, app_role: str) -> str:
    """Invite from People; return the set-password link the page shows once."""
    page = ui.page
    go_to(ui, "People", f"People in {CLINIC}")
    page.get_by_role("link", name="Invite someone").click()
    ui.landed("Invite someone")
    page.get_by_label("Full name").fill(name)
    page.get_by_label("Email").fill(f"{mailbox}@harbourchc.example.ca")
    page.get_by_label("What they may do here").select_option(label=app_role)
    page.get_by_role("button", name="Invite", exact=True).click()
    ui.landed(f"Set-password link for {name}")
    return page.get_by_label(f"Link for {name} to choose a password").input_value().strip()


def add_hire(ui: Ui, name: str, mailbox: str, start: date, language: str = "") -> str:
    page = ui.page
    go_to(ui, "Staff", "Staff onboarding")
    page.get_by_role("link", name="Add a new hire").click()
    ui.landed("Add a new hire")
    page.get_by_label("Full name").fill(name)
    page.get_by_label("Email").fill(f"{mailbox}@harbourchc.example.ca")
    page.get_by_label("Role").select_option(label=ROLE)
    page.get_by_label("Start date").fill(start.isoformat())
    page.get_by_label("Supervisor").select_option(label=f"{SUPERVISOR} (supervisor)")
    if language:
        page.get_by_label("Language of the plan").select_option(label=language)
    page.get_by_role("button", name="Add the hire and make their plan").click()
    ui.landed(f"Set-password link for {name}")
    return page.get_by_label(f"Link for {name} to choose a password").input_value().strip()


def set_password(ui: Ui, link: str, name: str, password: str) -> None:
    ui.open(link, f"Welcome, {name}")
    ui.page.get_by_label("Choose a password").fill(password)
    ui.page.get_by_label("Type the password again").fill(password)
    ui.page.get_by_role("button", name="Set my password").click()


def start_work(ui: Ui, link: str, today: date) -> None:
    """The hire marks a supervised task done and records their police check."""
    page = ui.page
    set_password(ui, link, LEAVER, HIRE_PASSWORD)
    ui.landed("My onboarding", flash=f"Welcome, {LEAVER}! Your password is set.")
    ui.task(SIGNED).get_by_role("button", name="Mark as done").click()
    ui.landed("My onboarding", flash=f"“{SIGNED}” is marked as done.")
    # the page scrolls to the item, and the confirmation stays in sight above it
    expect(page.locator(".flashes")).to_be_in_viewport()
    expect(ui.task(SIGNED)).to_be_in_viewport()
    ui.task(POLICE).get_by_role("link", name="Record the document").click()
    ui.landed(POLICE)
    page.get_by_label("Issued by").fill("Halifax Regional Police")
    page.get_by_label("Certificate or licence number").fill("HRP-2026-3310")
    page.get_by_label("Issue date").fill((today - timedelta(days=30)).isoformat())
    page.get_by_role("button", name="Record the document").click()
    ui.landed("My onboarding", flash=f"Recorded: {POLICE}.")


def sign_as_supervisor(ui: Ui, link: str) -> None:
    """The supervisor's copied link; they land on their queue and sign the hire's task."""
    page = ui.page
    set_password(ui, link, SUPERVISOR, PASSWORD)
    ui.landed("Waiting for your sign-off")
    page.get_by_role("row").filter(has_text=SIGNED).get_by_role("link", name="Review").click()
    ui.landed(SIGNED)
    sign(ui, PASSWORD)
    ui.landed("Waiting for your sign-off", flash=f"Confirmed “{SIGNED}” for {LEAVER}.")


def sign(ui: Ui, password: str, seen: str = "") -> None:
    """Sign the item open on the page; ``seen`` is what a document's signer saw."""
    page = ui.page
    if seen:
        page.get_by_label("What you saw").select_option(label=seen)
    page.get_by_label("Your password, to confirm it is you").fill(password)
    page.get_by_role("button", name="Record my sign-off").click()


def verify_police_check(ui: Ui) -> None:
    page = ui.page
    go_to(ui, "Sign-offs", "Waiting for your sign-off")
    page.get_by_role("row").filter(has_text=POLICE).get_by_role("link", name="Review").click()
    ui.landed(POLICE)
    sign(ui, PASSWORD, seen="Original seen")
    ui.landed("Waiting for your sign-off", flash=f"Verified “{POLICE}” for {LEAVER}.")


def open_hire(ui: Ui, name: str) -> None:
    go_to(ui, "Staff", "Staff onboarding")
    ui.page.get_by_role("link", name=name, exact=True).click()
    ui.landed(name)


def change_hire(ui: Ui, new_start: date) -> None:
    """The French hire starts a week later, with the second manager as supervisor."""
    page = ui.page
    open_hire(ui, FRANCO)
    expect(page.locator("main")).to_contain_text(FRENCH_TITLE)  # her plan is in French
    page.get_by_role("link", name="Change the details, the role or the start date").click()
    ui.landed(f"Change {FRANCO}")
    page.get_by_label("Start date").fill(new_start.isoformat())
    page.get_by_label("Supervisor").select_option(label=f"{SECOND} (manager)")
    page.get_by_role("button", name="Save the changes").click()
    ui.landed(FRANCO)
    facts = page.locator(".facts")
    expect(facts).to_contain_text(new_start.isoformat())
    expect(facts).to_contain_text(SECOND)


def open_member(ui: Ui, name: str) -> None:
    go_to(ui, "People", f"People in {CLINIC}")
    ui.page.get_by_role("link", name=name, exact=True).click()
    ui.landed(name)


def mark_left(ui: Ui, today: date) -> None:
    page = ui.page
    open_member(ui, LEAVER)
    page.get_by_role("link", name="Mark as left").click()
    ui.landed(f"Mark {LEAVER} as having left")
    page.get_by_label("Last day").fill(today.isoformat())
    page.get_by_label("Reason").select_option(label="Resigned")
    page.get_by_role("button", name="Mark as left").click()
    ui.landed(f"{LEAVER} has left", flash=f"{LEAVER} is marked as having left.")


def complete_offboarding(ui: Ui) -> None:
    """Every generated item ticked, then the final sign-off closes the offboarding."""
    page = ui.page
    page.get_by_role("link", name="Offboarding checklist").click()
    ui.landed(f"Offboarding: {LEAVER}")
    items = page.locator("ul.checklist > li")
    titles = items.locator("h2").all_inner_texts()
    assert any("EMR" in title for title in titles), titles
    for title in titles:
        item = items.filter(has=page.get_by_role("heading", name=title, exact=True))
        item.get_by_role("button", name="Mark as done").click()
        ui.landed(f"Offboarding: {LEAVER}", flash=f"Done: {title}")
    ui.shoot("leaving", top=True)
    page.get_by_role("link", name="Offboarding record and final sign-off").click()
    ui.landed(f"Offboarding record: {LEAVER}")
    page.get_by_label("Your password, to confirm it is you").fill(PASSWORD)
    page.get_by_role("button", name="Complete the onboarding").click()
    ui.landed(f"Offboarding record: {LEAVER}")


def record_says_left(ui: Ui) -> None:
    page = ui.page
    open_hire(ui, LEAVER)
    page.get_by_role("link", name="Onboarding record", exact=True).click()
    ui.landed(f"Onboarding record: {LEAVER}")
    _, text = ui.download_pdf(page.get_by_role("button", name="Download PDF").click)
    assert f"Onboarding record — {LEAVER}" in text
    assert "Closed unfinished: the staff member left the clinic." in text, text[:600]


def bring_back(ui: Ui, today: date) -> None:
    """A new onboarding; the police check recorded a month ago is carried over."""
    page = ui.page
    go_to(ui, "People", f"People in {CLINIC}")
    expect(page.get_by_role("row", name=LEAVER)).to_contain_text("Left")
    ui.shoot("people", top=True)
    page.get_by_role("link", name=LEAVER, exact=True).click()
    ui.landed(LEAVER)
    page.get_by_role("link", name="Bring them back").click()
    ui.landed(f"Bring {LEAVER} back")
    page.get_by_label("New onboarding in the role").select_option(label=ROLE)
    page.get_by_label("First day back").fill(today.isoformat())
    page.get_by_label("Supervisor").select_option(label=f"{SUPERVISOR} (supervisor)")
    page.get_by_role("button", name="Bring them back").click()
    ui.landed(LEAVER, flash=f"{LEAVER} is back in the clinic.")
    page.get_by_role("link", name="Onboarding record and final sign-off").click()
    ui.landed(f"Onboarding record: {LEAVER}")
    carried = page.get_by_role("row").filter(has_text="Carried over from an earlier onboarding")
    expect(carried.filter(has_text=POLICE)).to_have_count(1)


def on_a_phone(ui: Ui) -> None:
    """At 390 px the menu folds behind a Menu button and the pages still pass axe-core: the
    returning hire's record (where the journey ends), then the lists a manager works from."""
    page = ui.page
    page.set_viewport_size(PHONE)
    page.reload()
    ui.landed(f"Onboarding record: {LEAVER}")
    menu = page.get_by_role("button", name="Menu")
    for url, heading in (
        ("/dashboard/", "Onboarding dashboard"),
        ("/staff/", "Staff onboarding"),
        ("/clinic/members", f"People in {CLINIC}"),
    ):
        expect(menu).to_be_visible()
        expect(page.locator("#main-menu")).to_be_hidden()
        ui.open(url, heading)
    expect(page.locator("#main-menu")).to_be_hidden()
    ui.shoot("people-phone", top=True)
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    main = page.get_by_role("navigation", name="Main")
    expect(main.get_by_role("link", name="Staff")).to_be_visible()
    ui.check_accessibility()  # the open menu too
