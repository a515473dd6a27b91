"""What the people in the reliability checks do, one step at a time, over HTTP: each step
reads a page, acts as a person would, and tallies what the person was told."""

import random
import re

from clinic_onboard.operations.progress import CONFLICT_MESSAGE
from tests.conftest import PASSWORD
from tests.reliability.client import Browser, Page
from tests.reliability.seed import Hire, Team
from tests.reliability.workload import Tally

DONE_FORM = re.compile(r'action="/my/tasks/(\d+)/done"')
UNDO_FORM = re.compile(r'action="/my/tasks/(\d+)/undo"')
QUEUE_LINK = re.compile(r'href="/signoffs/tasks/(\d+)"')
CLINIC_NAMES = ("Reliability Clinic", "Reliability Clinic West")


def signed_in(url: str, email: str) -> Browser:
    browser = Browser(url)
    browser.login(email, PASSWORD)
    return browser


def expect(tally: Tally, action: str, page: Page, *allowed: int) -> Page:
    tally.status(action, page.status)
    if page.status not in allowed:
        tally.error(f"{action}: unexpected {page.status} {page.flashes}")
    return page


def told(page: Page) -> str:
    """What the person was told: success, a conflict with someone else, or a refusal."""
    categories = {kind for kind, _ in page.flashes}
    if any(CONFLICT_MESSAGE in text for _, text in page.flashes):
        return "conflict"
    return "success" if "success" in categories else "refused"


# The actors: each call is one thing a person does ---------------------------------------------


def hire_step(browser: Browser, hire: Hire, tally: Tally, rng: random.Random) -> None:
    """Tick an item (mostly one a supervisor signs), or now and then undo one."""
    page = expect(tally, "my page", browser.get("/my/"), 200)
    signed = {t.id for t in hire.tasks if t.signoff == "supervisor"}
    doable = [int(i) for i in DONE_FORM.findall(page.text)]
    undoable = [int(i) for i in UNDO_FORM.findall(page.text)]
    if undoable and (not doable or rng.random() < 0.25):
        task_id, action, kind = rng.choice(undoable), "undo", "undone"
    elif doable:
        preferred = [i for i in doable if i in signed] or doable
        task_id, action, kind = rng.choice(preferred), "done", "completed"
    else:
        return
    reply = expect(tally, action, browser.post(f"/my/tasks/{task_id}/{action}"), 302)
    after = expect(tally, "my page", browser.get((reply.location or "/my/").split("#")[0]), 200)
    word = told(after)
    tally.outcome(action, word)
    if word == "success":
        tally.effect(task_id, kind)


def signer_step(browser: Browser, tally: Tally, rng: random.Random) -> None:
    """Open the queue and sign one of its first two items: other browsers pick the same."""
    queue = expect(tally, "queue", browser.get("/signoffs/"), 200)
    waiting = QUEUE_LINK.findall(queue.text)[:2]
    if not waiting:
        return
    task_id = int(rng.choice(waiting))
    expect(tally, "signoff page", browser.get(f"/signoffs/tasks/{task_id}"), 200)
    competent = rng.random() < 0.8
    form = {
        "password": PASSWORD,
        "method": "observed",
        "outcome": "competent" if competent else "needs_practice",
        "comment": "" if competent else "Once more with me watching.",
    }
    reply = expect(tally, "sign", browser.post(f"/signoffs/tasks/{task_id}", form), 200, 302)
    word = "success" if reply.status == 302 else told(reply)
    tally.outcome("sign", word)
    if word == "success":
        tally.effect(task_id, "signed_off" if competent else "needs_practice")


def role_step(browser: Browser, team: Team, tally: Tally) -> None:
    """Switch the role's item off, or back on: the other manager is doing the same."""
    path = f"/roles/{team.role_id}"
    page = expect(tally, "role page", browser.get(path), 200)
    entry = re.search(rf'action="{path}/switched-off/(\d+)/switch-on"', page.text)
    if entry:
        action, target, form = "switch on", f"{path}/switched-off/{entry.group(1)}/switch-on", {}
    else:
        prefix = "off-" + team.switchable.replace(".", "-")
        action, target = "switch off", f"{path}/items/{team.switchable}/switch-off"
        form = {f"{prefix}-reason": "Not done at this clinic."}
    # 404: the other manager switched it on and its entry is gone before this one was read.
    reply = expect(tally, action, browser.post(target, form), 200, 302, 404)
    if reply.status == 302:
        reply = expect(tally, "role page", browser.get(reply.location or path), 200)
    tally.outcome(action, told(reply) if reply.status != 404 else "refused")


def profile_step(browser: Browser, tally: Tally) -> None:
    """Rename the clinic (confirmed), as the profile page's second step does."""
    page = expect(tally, "profile page", browser.get("/clinic/profile"), 200)
    current = CLINIC_NAMES[1] if CLINIC_NAMES[1] in page.text else CLINIC_NAMES[0]
    form = {
        "clinic_name": next(name for name in CLINIC_NAMES if name != current),
        "province": "ON",
        "setting": "family_medicine",
        "emr": "accuro",
        "confirmed": "yes",
    }
    reply = expect(tally, "profile", browser.post("/clinic/profile", form), 302)
    after = expect(tally, "clinic page", browser.get(reply.location or "/clinic/"), 200)
    tally.outcome("profile", told(after))


def manager_step(browser: Browser, team: Team, tally: Tally, rng: random.Random) -> None:
    if rng.random() < 0.7:
        role_step(browser, team, tally)
    else:
        profile_step(browser, tally)
