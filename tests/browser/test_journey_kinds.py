"""Journey 4: each item signed as what it is. The clinic's manager, who signs the documents
the library leaves to a manager, batch-signs a hire's competencies with one password, verifies
the criminal record check, and rejects a BLS card that expired while it waited; the hire reads
why and records the new card, which is verified; the record page and its PDF say, item by
item, what each signature attests."""

from datetime import date

from tests.browser.seed import Item, Team, Waiting
from tests.browser.test_journey_signoff import QUEUE, go_to, queue_row, sign_in
from tests.browser.ui import Ui, expect

HIRE = "Ana Lima"
REASON = "The card you showed me expired last month. Bring the new one from your refresher course."
PHONE = {"width": 390, "height": 844}


def test_a_batch_of_competencies_a_police_check_and_a_rejected_card(open_tab, seeder) -> None:
    team, waiting = seeder.documents_waiting(HIRE)
    manager = sign_in(open_tab(), team.manager, "Onboarding dashboard")
    batch_sign(manager, team, waiting.competencies)
    verify(manager, team, waiting.police_check, "Original seen")
    reject_the_expired_card(manager, team, waiting.bls_card)

    hire = sign_in(open_tab(), team.hire, "My onboarding")
    record_a_new_card(hire, waiting.bls_card)

    verify(manager, team, waiting.bls_card, "Checked in an online registry")
    expect(manager.page.get_by_text("Nothing is waiting for your sign-off.")).to_be_visible()
    read_the_record(manager, team, waiting)


def batch_sign(ui: Ui, team: Team, competencies: tuple[Item, ...]) -> None:
    """Narrow the queue to the competencies, select them all, one password for the lot."""
    page = ui.page
    go_to(ui, "Sign-offs", QUEUE)
    expect(page.locator(".lead")).to_have_text(
        f"{len(competencies) + 2} items completed by hires in this clinic are waiting."
    )
    page.get_by_label("Kind of item").select_option(label="Competency")
    page.get_by_role("button", name="Show").click()
    ui.landed(QUEUE)
    page.get_by_role("link", name="Select every item shown").click()
    ui.landed(QUEUE)
    for item in competencies:
        expect(queue_row(ui, item).get_by_role("checkbox")).to_be_checked()
    meanings = page.locator(".meaning li")
    expect(meanings).to_have_count(1)  # competencies only: no document wording
    expect(meanings).to_contain_text("Competencies: you personally verified that the hire can do")
    page.get_by_label("How you verified the competencies").select_option(label="Demonstrated")
    page.get_by_label("Your password, to confirm it is you").fill(team.manager.password)
    shoot_both(ui, "batch-signoff")
    page.get_by_role("button", name="Sign the selected items").click()
    count = len(competencies)
    ui.landed(QUEUE, flash=f"{count} items signed: {competencies[0].title} ({HIRE})")
    expect(page.get_by_text("No waiting item matches these filters.")).to_be_visible()


def shoot_both(ui: Ui, name: str) -> None:
    """The README's pictures, whole pages: at desktop width, and at a phone's 390 px as
    ``name``-phone."""
    desktop = ui.page.viewport_size
    ui.shoot(name, whole=True)
    ui.page.set_viewport_size(PHONE)
    ui.shoot(f"{name}-phone", whole=True)
    ui.page.set_viewport_size(desktop)


def review(ui: Ui, item: Item) -> None:
    """Open a document from the whole queue; the page says the signer saw it, not that the
    hire can do it."""
    go_to(ui, "Sign-offs", QUEUE)
    queue_row(ui, item).get_by_role("link", name="Review").click()
    ui.landed(item.title)
    meaning = ui.page.locator(".meaning")
    expect(meaning).to_contain_text(f"you saw the document {HIRE} recorded for “{item.title}”")
    expect(meaning).not_to_contain_text("can do")


def sign(ui: Ui, team: Team, seen: str, outcome: str, comment: str = "") -> None:
    page = ui.page
    page.get_by_label("What you saw").select_option(label=seen)
    page.get_by_label("Outcome").select_option(label=outcome)
    page.get_by_label("Comment, or the reason for a rejection").fill(comment)
    page.get_by_label("Your password, to confirm it is you").fill(team.manager.password)
    page.get_by_role("button", name="Record my sign-off").click()


def verify(ui: Ui, team: Team, item: Item, seen: str) -> None:
    review(ui, item)
    expect(ui.page.get_by_role("heading", name="Check the dates")).to_have_count(0)
    sign(ui, team, seen, "Verified")
    ui.landed(QUEUE, flash=f"Verified “{item.title}” for {HIRE}.")


def reject_the_expired_card(ui: Ui, team: Team, card: Item) -> None:
    """The page warns that the card has expired; it cannot be verified, only rejected, and a
    rejection needs its reason."""
    review(ui, card)
    warning = ui.page.get_by_role("alert")
    expect(warning).to_contain_text("This has expired: the expiry date is past.")
    shoot_both(ui, "document-check")
    sign(ui, team, "Original seen", "Verified")
    ui.landed(card.title)
    expect(ui.page.locator(".error-summary")).to_contain_text("This has expired")
    sign(ui, team, "Original seen", "Rejected")
    ui.landed(card.title)
    expect(ui.page.locator(".error-summary")).to_contain_text("Say why the document is rejected")
    sign(ui, team, "Original seen", "Rejected", REASON)
    ui.landed(QUEUE, flash=f"“{card.title}” is rejected; {HIRE} is told why.")


def record_a_new_card(ui: Ui, card: Item) -> None:
    """The hire sees the card rejected with the reason, and records the new one."""
    page = ui.page
    task = ui.task(card.title)
    expect(task.locator(".status").first).to_have_text("Rejected: to record again")
    expect(task.locator(".practice-comment")).to_have_text(f"Why it was rejected: {REASON}")
    task.get_by_role("link", name="Record credential").click()
    ui.landed(card.title)
    page.get_by_label("Issued by").fill("Heart and Stroke Foundation")
    page.get_by_label("Certificate or licence number").fill("HSF-2026-77031")
    page.get_by_label("Issue date").fill(date.today().isoformat())
    page.get_by_role("button", name="Record credential").click()
    ui.landed("My onboarding", flash=f"Recorded: {card.title}.")
    expect(ui.task(card.title).locator(".status").first).to_have_text("Waiting for sign-off")


def read_the_record(ui: Ui, team: Team, waiting: Waiting) -> None:
    """The record page and the PDF name each signature by its kind, the rejection with its
    reason."""
    page = ui.page
    go_to(ui, "Staff", "Staff onboarding")
    page.get_by_role("link", name=HIRE).click()
    ui.landed(HIRE)
    page.get_by_role("link", name="Onboarding record and final sign-off").click()
    ui.landed(f"Onboarding record: {HIRE}")
    events = page.get_by_role("table", name="Every entry of the record, in order")
    for item in waiting.competencies:
        expect(events.get_by_role("row").filter(has_text=item.title).last).to_contain_text(
            "Signed off: competent"
        )
    police = events.get_by_role("row").filter(has_text=waiting.police_check.title).last
    expect(police).to_contain_text("Document verified")
    expect(police).to_contain_text("Original seen")
    card = events.get_by_role("row").filter(has_text=waiting.bls_card.title)
    expect(card.filter(has_text="Document rejected")).to_contain_text(REASON)
    expect(card.last).to_contain_text("Document verified")
    expect(card.last).to_contain_text("Checked in an online registry")

    _name, text = ui.download_pdf(page.get_by_role("button", name="Download PDF").click)
    batch = f"Signed off: competent · {team.manager.name}, Manager · Demonstrated"
    assert text.count(batch) == len(waiting.competencies)
    assert f"Document verified · {team.manager.name}, Manager · Original seen" in text
    assert f"Document rejected · {team.manager.name}, Manager · Original seen · “{REASON}”" in text
    assert (
        f"Document verified · {team.manager.name}, Manager · Checked in an online registry" in text
    )
    assert "Completion confirmed" in text  # the readings and tasks the seed confirmed
    assert "for a credential or document check, that they saw it" in text
