"""Journeys 2 and 4: a new hire opens their set-password link, works through part of the plan,
records their BLS card with a copy of it and signs a policy: once with the mouse, and once
with the keyboard alone (Tab, Enter, Space and typing; no clicks, no filling of fields)."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Protocol

import pytest
from reportlab.pdfgen.canvas import Canvas

from clinic_onboard.record.renewals import add_months
from clinic_onboard.services import uploads
from tests.browser.seed import Item, Team
from tests.browser.ui import FOCUS_SHOWN, Ui, expect, focused_name, tab_to

HIRE_PASSWORD = "my own onboarding passphrase"
NOTE = "Shown around by Sam on my first morning."


@dataclass(frozen=True)
class Card:
    issuer: str
    number: str
    issued: date
    copy: Path


@pytest.fixture
def card(tmp_path: Path) -> Card:
    """A real one-page PDF of a BLS card, as a hire would scan or download it."""
    path = tmp_path / "bls-card.pdf"
    canvas = Canvas(str(path))
    canvas.drawString(72, 720, "Heart and Stroke Foundation: BLS Provider, HSF-2026-0417")
    canvas.save()
    return Card("Heart and Stroke Foundation", "HSF-2026-0417", date.today(), path)


class Hire(Protocol):
    """What the hire does; the journey checks what they see after each step."""

    ui: Ui

    def set_password(self, password: str) -> None: ...
    def follow(self, name: str) -> None: ...
    def open_item(self, action: str, title: str) -> None: ...
    def mark_done(self, title: str, note: str = "") -> None: ...
    def record_credential(self, card: Card) -> None: ...
    def sign(self, typed_name: str) -> None: ...
    def open_copy(self) -> None: ...


class MouseHire:
    def __init__(self, ui: Ui) -> None:
        self.ui, self.page = ui, ui.page

    def set_password(self, password: str) -> None:
        self.page.get_by_label("Choose a password").fill(password)
        self.page.get_by_label("Type the password again").fill(password)
        self.page.get_by_role("button", name="Set my password").click()

    def follow(self, name: str) -> None:
        self.page.get_by_role("navigation", name="Main").get_by_role("link", name=name).click()

    def open_item(self, action: str, title: str) -> None:
        self.ui.task(title).get_by_role("link", name=action).click()

    def mark_done(self, title: str, note: str = "") -> None:
        task = self.ui.task(title)
        if note:
            task.locator("summary", has_text="Add a note").click()
            self.ui.check_accessibility()  # what the closed disclosure hid
            task.get_by_label("Note for your supervisor (optional)").fill(note)
        task.get_by_role("button", name="Mark as done").click()

    def record_credential(self, card: Card) -> None:
        self.page.get_by_label("Issued by").fill(card.issuer)
        self.page.get_by_label("Certificate or licence number").fill(card.number)
        self.page.get_by_label("Issue date").fill(card.issued.isoformat())
        self.page.get_by_label("Copy of the certificate (optional)").set_input_files(card.copy)
        self.page.get_by_role("button", name="Record credential").click()

    def sign(self, typed_name: str) -> None:
        self.page.get_by_label("Type your full name to sign").fill(typed_name)
        self.page.get_by_role("button", name="Sign", exact=True).click()

    def open_copy(self) -> None:
        self.page.get_by_role("link", name="copy", exact=True).click()


class KeyboardHire:
    """Moves only with Tab, Enter and Space, and types; ``tab_to`` also checks that each
    control it reaches shows its focus ring."""

    def __init__(self, ui: Ui) -> None:
        self.ui, self.page = ui, ui.page
        self.keys = ui.page.keyboard
        # Playwright turns on Chromium's file-dialog interception without waiting for it, so a
        # key pressed right after ``expect_file_chooser`` can open the real (headless, unseen)
        # dialog instead. Listening from the start has it on long before the upload field.
        self.page.on("filechooser", lambda chooser: None)

    def set_password(self, password: str) -> None:
        self.keys.press("Tab")  # the first stop on every page skips the header
        assert focused_name(self.page) == "Skip to main content"
        assert self.page.evaluate(FOCUS_SHOWN), "the skip link is not visible when focused"
        self.keys.press("Enter")
        assert self.page.evaluate("document.activeElement.id") == "main"
        tab_to(self.page, "Choose a password")
        self.keys.type(password)
        tab_to(self.page, "Type the password again")
        self.keys.type(password)
        self.keys.press("Enter")

    def follow(self, name: str) -> None:
        tab_to(self.page, name)
        self.keys.press("Enter")

    def open_item(self, action: str, title: str) -> None:
        tab_to(self.page, f"{action}: {title}")
        self.keys.press("Enter")

    def mark_done(self, title: str, note: str = "") -> None:
        if note:
            tab_to(self.page, "Add a note", task=title)
            self.keys.press("Enter")
            self.ui.check_accessibility()  # what the closed disclosure hid
            tab_to(self.page, "Note for your supervisor (optional)", task=title)
            self.keys.type(note)
        tab_to(self.page, f"Mark as done: {title}")
        self.keys.press("Enter")

    def record_credential(self, card: Card) -> None:
        tab_to(self.page, "Issued by")
        self.keys.type(card.issuer)
        tab_to(self.page, "Certificate or licence number")
        self.keys.type(card.number)
        tab_to(self.page, "Issue date")
        # Chromium's date field reads typed digits as month, day, year and moves on by itself.
        self.keys.type(card.issued.strftime("%m%d%Y"))
        tab_to(self.page, "Copy of the certificate (optional)")
        with self.page.expect_file_chooser() as chooser:
            self.keys.press("Space")
        chooser.value.set_files(card.copy)  # the system's file dialog, answered
        tab_to(self.page, "Record credential")
        self.ui.shoot("keyboard")  # the filled-in form, its button showing the focus ring
        self.keys.press("Enter")

    def sign(self, typed_name: str) -> None:
        tab_to(self.page, "Type your full name to sign")
        self.keys.press("ControlOrMeta+A")  # replace what a first try left in the field
        self.keys.type(typed_name)
        self.keys.press("Enter")

    def open_copy(self) -> None:
        tab_to(self.page, "copy")
        self.keys.press("Enter")


def test_a_new_hire_works_through_part_of_the_plan(open_tab, seeder, card: Card) -> None:
    team = seeder.new_hire("Noor Rahman")
    hire = MouseHire(open_tab())
    work_through_part_of_the_plan(hire, team, card)
    hire.ui.shoot("my-onboarding", top=True)


def test_a_new_hire_does_the_same_with_the_keyboard_only(open_tab, seeder, card: Card) -> None:
    team = seeder.new_hire("Kiran Dhillon")
    # The same pages in the same states as the journey above, which runs axe-core on each; here
    # every control reached must show its focus ring instead.
    hire = KeyboardHire(open_tab(axe=False))
    work_through_part_of_the_plan(hire, team, card)


def work_through_part_of_the_plan(hire: Hire, team: Team, card: Card) -> None:
    ui, page = hire.ui, hire.ui.page
    plain = team.first({"task", "reading"}, "none")
    checked = team.first({"task", "competency"}, "supervisor")
    policy = team.first({"acknowledgement"}, "none")
    bls = next(i for i in team.items if i.kind == "credential" and "(BLS)" in i.title)

    ui.open(team.link, f"Welcome, {team.hire.name}")
    expect(page.locator(".lead")).to_contain_text(f"{team.clinic} has set up your onboarding")
    hire.set_password(HIRE_PASSWORD)
    # a hire lands where their work is
    ui.landed("My onboarding", flash=f"Welcome, {team.hire.name}! Your password is set.")
    expect(page.locator(".plan-figure")).to_have_text(figure(team, done=[]))

    hire.mark_done(plain.title)
    ui.landed("My onboarding", flash=f"“{plain.title}” is marked as done.")
    expect(ui.task(plain.title).locator(".status").first).to_have_text("Done")
    hire.mark_done(checked.title, note=NOTE)
    ui.landed("My onboarding", flash=f"“{checked.title}” is marked as done.")
    expect(ui.task(checked.title).locator(".status").first).to_have_text("Waiting for sign-off")
    expect(ui.task(checked.title)).to_contain_text(f"Your note: {NOTE}")

    record_bls_card(hire, bls, card)
    sign_policy(hire, policy, team.hire.name)

    expect(page.locator(".plan-figure")).to_have_text(
        figure(team, done=[plain, policy], waiting=[checked, bls])
    )
    progress = page.locator("progress.plan-progress")
    expect(progress).to_have_attribute("value", "2")
    expect(progress).to_have_attribute("max", str(len(team.items)))


def record_bls_card(hire: Hire, bls: Item, card: Card) -> None:
    """Record the card with a copy; the copy downloads again as stored: the card's PDF with
    its active content taken out (``uploads.sanitised_pdf``), byte for byte."""
    ui = hire.ui
    hire.open_item("Record credential", bls.title)
    ui.landed(bls.title)
    hire.record_credential(card)
    ui.landed("My onboarding", flash=f"Recorded: {bls.title}.")
    expires = add_months(card.issued, 12)  # the library's validity for a BLS card
    expect(ui.task(bls.title)).to_contain_text(
        f"Recorded: {card.issuer} no. {card.number}, issued {card.issued.isoformat()}, "
        f"expires {expires.isoformat()} · copy"
    )
    renewals = ui.page.get_by_role("region", name="Renewals")
    expect(renewals.get_by_role("heading", name=bls.title)).to_be_visible()
    with ui.page.expect_download() as download:
        hire.open_copy()
    stored = uploads.sanitised_pdf(card.copy.read_bytes())
    assert Path(download.value.path()).read_bytes() == stored


def sign_policy(hire: Hire, policy: Item, name: str) -> None:
    """A name other than the account's is refused and explained; the right one signs."""
    ui = hire.ui
    hire.open_item("Read and sign", policy.title)
    ui.landed(policy.title)
    hire.sign("Somebody Else")
    ui.landed(policy.title)
    expect(ui.page.get_by_role("alert")).to_contain_text(f"Type your full name exactly as {name!r}")
    hire.sign(name)
    ui.landed("My onboarding", flash="Thank you; your signature is recorded.")
    expect(ui.task(policy.title).locator(".status").first).to_have_text("Done")


def figure(team: Team, done: Sequence[Item], waiting: Sequence[Item] = ()) -> str:
    """The progress line My onboarding should show: finished, waiting, and overdue items (due
    before today and neither done nor waiting)."""
    acted = {item.title for item in [*done, *waiting]}
    overdue = sum(1 for i in team.items if i.due < date.today() and i.title not in acted)
    parts = [f"{len(done)} of {len(team.items)} done"]
    if waiting:
        parts.append(f"{len(waiting)} waiting for sign-off")
    if overdue:
        parts.append(f"{overdue} overdue")
    return " · ".join(parts)
