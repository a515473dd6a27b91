"""Journey 3: a supervisor signs off two competencies (one needs practice first, then passes),
and the manager gives the final sign-off and downloads the completed record."""

import re
from datetime import UTC, date, datetime

from clinic_onboard.local_time import today_in
from tests.browser.seed import Item, Person, Team
from tests.browser.ui import Locator, Ui, expect

QUEUE = "Waiting for your sign-off"
PRACTICE = "Say the patient's full name and date of birth back before you book."
PRACTISED = "Practised it twice with Sam watching."


def test_sign_offs_with_a_practice_round_then_the_final_sign_off(open_tab, seeder) -> None:
    team, (first, second) = seeder.nearly_done("Maya Tremblay")
    supervisor = sign_in(open_tab(), team.supervisor, QUEUE)
    go_to(supervisor, "Sign-offs", QUEUE)
    expect(supervisor.page.locator(".lead")).to_have_text(
        "2 items completed by your hires are waiting."
    )
    for item in (first, second):
        expect(queue_row(supervisor, item)).to_contain_text(team.hire.name)
    supervisor.shoot("signoffs")

    review(supervisor, team, first)
    sign(supervisor, team, "Observed", "Competent")
    supervisor.landed(QUEUE, flash=f"Signed off “{first.title}” for {team.hire.name}.")
    send_back_to_practise(supervisor, team, second)

    hire = sign_in(open_tab(), team.hire, "My onboarding")
    practise_again(hire, team, second)

    go_to(supervisor, "Sign-offs", QUEUE)
    review(supervisor, team, second)
    expect(supervisor.page.locator(".facts")).to_contain_text(PRACTISED)
    sign(supervisor, team, "Observed", "Competent")
    supervisor.landed(QUEUE, flash=f"Signed off “{second.title}” for {team.hire.name}.")
    expect(supervisor.page.get_by_text("Nothing is waiting for your sign-off.")).to_be_visible()

    complete_and_print(
        sign_in(open_tab(), team.manager, "Onboarding dashboard"), team, [first, second]
    )


def sign_in(ui: Ui, person: Person, landing: str) -> Ui:
    """Sign in; each person lands where their work is (``landing``, that page's heading)."""
    ui.open("/auth/login", "Sign in")
    ui.page.get_by_label("Email").fill(person.email)
    ui.page.get_by_label("Password").fill(person.password)
    ui.page.get_by_role("button", name="Sign in").click()
    ui.landed(landing)
    return ui


def go_to(ui: Ui, link: str, heading: str) -> None:
    ui.page.get_by_role("navigation", name="Main").get_by_role("link", name=link).click()
    ui.landed(heading)


def queue_row(ui: Ui, item: Item) -> Locator:
    return ui.page.get_by_role("row").filter(has_text=item.title)


def review(ui: Ui, team: Team, item: Item) -> None:
    """Open the item from the queue; the page says what signing it means."""
    queue_row(ui, item).get_by_role("link", name="Review").click()
    ui.landed(item.title)
    meaning = f"you personally verified that {team.hire.name} can do “{item.title}”"
    expect(ui.page.locator(".meaning")).to_contain_text(meaning)


def sign(ui: Ui, team: Team, method: str, outcome: str, comment: str = "") -> None:
    """Fill in the sign-off form, password re-entered as the signature, and send it."""
    page = ui.page
    page.get_by_label("How you verified it").select_option(label=method)
    page.get_by_label("Outcome").select_option(label=outcome)
    page.get_by_label("Comment").fill(comment)
    page.get_by_label("Your password, to confirm it is you").fill(team.supervisor.password)
    page.get_by_role("button", name="Record my sign-off").click()


def send_back_to_practise(ui: Ui, team: Team, item: Item) -> None:
    """Needs practice without a comment is refused with the reason; with one it goes back."""
    review(ui, team, item)
    sign(ui, team, "Demonstrated", "Needs practice")
    ui.landed(item.title)
    expect(ui.page.get_by_role("alert")).to_contain_text("Say what the person should practise.")
    sign(ui, team, "Demonstrated", "Needs practice", PRACTICE)
    ui.landed(QUEUE, flash=f"“{item.title}” is back with {team.hire.name} to practise.")
    expect(ui.page.get_by_text("Nothing is waiting for your sign-off.")).to_be_visible()


def practise_again(ui: Ui, team: Team, item: Item) -> None:
    """The hire sees the supervisor's comment and marks the item done again."""
    go_to(ui, "My onboarding", "My onboarding")
    total, page = len(team.items), ui.page
    late = " · 1 overdue" if item.due < date.today() else ""
    expect(page.locator(".plan-figure")).to_have_text(f"{total - 1} of {total} done{late}")
    task = ui.task(item.title)
    expect(task.locator(".status").first).to_have_text("Needs practice")
    expect(task.locator(".practice-comment")).to_have_text(f"Your supervisor says: {PRACTICE}")
    task.locator("summary", has_text="Add a note").click()
    task.get_by_label("Note for your supervisor (optional)").fill(PRACTISED)
    task.get_by_role("button", name="Mark as done").click()
    ui.landed("My onboarding", flash=f"“{item.title}” is marked as done.")
    expect(page.locator(".plan-figure")).to_have_text(
        f"{total - 1} of {total} done · 1 waiting for sign-off"
    )


def complete_and_print(ui: Ui, team: Team, signed: list[Item]) -> None:
    """The manager finds the record from the staff page, signs it complete and prints it."""
    page, hire = ui.page, team.hire.name
    go_to(ui, "Staff", "Staff onboarding")
    page.get_by_role("link", name=hire).click()
    ui.landed(hire)
    page.get_by_role("link", name="Onboarding record and final sign-off").click()
    ui.landed(f"Onboarding record: {hire}")
    expect(page.get_by_role("status")).to_contain_text("The record verifies.")
    page.get_by_label("Your password, to confirm it is you").fill(team.manager.password)
    page.get_by_role("button", name="Complete the onboarding").click()
    ui.landed(f"Onboarding record: {hire}", flash=f"{hire}'s onboarding is complete.")
    today = today_in(team.zone, datetime.now(UTC)).isoformat()  # on the clinic's calendar
    expect(page.locator(".lead")).to_contain_text(f"Completed {today}")
    final = page.get_by_role("row").filter(has_text="Final sign-off")
    expect(final).to_contain_text(team.manager.name)
    ui.shoot("record")

    fingerprint = page.locator(".fingerprint code").inner_text()
    name, text = ui.download_pdf(page.get_by_role("button", name="Download PDF").click)
    assert name == f"onboarding-record-maya-tremblay-{today}.pdf"
    assert f"Onboarding record — {hire}" in text
    assert f"Fingerprint starts {fingerprint[:12]}" in text  # the printout names this very record
    assert re.search(rf"{len(team.items)} items: \d+ signed off", text), text[:400]
    assert all(item.title in text for item in signed)
    assert team.supervisor.name in text
