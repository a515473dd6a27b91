"""Which people get a digest on a run, and the words of each digest.

A person gets at most one digest per run, holding only what is new for them: items whose
(key, stage) pair was never sent to them before. "Daily" means at most one digest per calendar
day, so a second run on the same day sends nothing; "weekly" at most one per seven days (what
became news in between waits for it); "off" never. A person with nothing new gets nothing.
"""

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date
from gettext import NullTranslations

from clinic_onboard.record.words import N_
from clinic_onboard.reminders.items import by_recipient
from clinic_onboard.reminders.model import Frequency, Item, Kind, Person
from clinic_onboard.reminders.stages import REPEAT_DAYS

# The words of a digest in English. The email is written with the recipient's translations
# instead (``operations.reminders.send_digest``); this module stays free of Flask.
ENGLISH = NullTranslations()

# Section order and headings, most urgent first.
SECTIONS = {
    Kind.OVERDUE: N_("Overdue"),
    Kind.DUE_SOON: N_("Due within a week"),
    Kind.EXPIRING: N_("Your credentials"),
    Kind.SIGNOFF: N_("Waiting for your sign-off"),
    Kind.STAFF_OVERDUE: N_("Staff items overdue"),
    Kind.STAFF_EXPIRING: N_("Staff credentials expiring or expired"),
    Kind.LOG_GAP: N_("Clinic logs not recorded"),
}
SHORT = {
    Kind.OVERDUE: N_("overdue"),
    Kind.DUE_SOON: N_("due soon"),
    Kind.EXPIRING: N_("credential"),
    Kind.SIGNOFF: N_("to sign off"),
    Kind.STAFF_OVERDUE: N_("staff overdue"),
    Kind.STAFF_EXPIRING: N_("staff credential"),
    Kind.LOG_GAP: N_("log missed"),
}
MIN_GAP_DAYS = {Frequency.DAILY: 1, Frequency.WEEKLY: REPEAT_DAYS}
ORDER = list(SECTIONS)


@dataclass(frozen=True)
class Digest:
    person: Person
    items: tuple[Item, ...]


@dataclass(frozen=True)
class RunPlan:
    """A run's decision: who gets what, and who had news but is not sent it today."""

    digests: list[Digest]
    opted_out: list[Person]  # digests switched off
    not_yet: list[Person]  # today's (or this week's) digest already went out

    @property
    def items(self) -> int:
        return sum(len(d.items) for d in self.digests)


def plan_digests(
    people: Mapping[int, Person],
    items: list[Item],
    already_sent: Collection[tuple[int, str, str, str]],
    last_sent: Mapping[int, date],
    today: date,
) -> RunPlan:
    """Decide the run: ``already_sent`` holds item identities, ``last_sent`` each person's
    latest digest day."""
    fresh = {item.identity: item for item in items if item.identity not in already_sent}
    plan = RunPlan([], [], [])
    for user_id, found in sorted(by_recipient(fresh.values()).items()):
        person = people[user_id]
        if person.frequency is Frequency.OFF:
            plan.opted_out.append(person)
        elif not may_send(person.frequency, last_sent.get(user_id), today):
            plan.not_yet.append(person)
        else:
            plan.digests.append(Digest(person, tuple(sorted(found, key=_order))))
    return plan


def may_send(frequency: Frequency, last: date | None, today: date) -> bool:
    """True when the person's chosen rhythm allows a digest today."""
    if frequency is Frequency.OFF:
        return False
    return last is None or (today - last).days >= MIN_GAP_DAYS[frequency]


def _order(item: Item) -> tuple[int, date, str, str]:
    return (ORDER.index(item.kind), item.when, item.hire_name or "", item.title)


# The words -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    item: Item
    headline: str  # "Noor Haddad: BLS certificate"
    detail: str  # "expires 2026-12-01, in 7 days"

    def summary(self) -> str:
        """The line as one sentence, for the command's report (in English)."""
        return summary(self.item.kind, self.headline, self.detail)


def lines(digest: Digest, today: date, words: NullTranslations = ENGLISH) -> list[Line]:
    return [
        Line(
            item, headline(item), _counted(item, words) + detail(item.kind, item.when, today, words)
        )
        for item in digest.items
    ]


def _counted(item: Item, words: NullTranslations) -> str:
    """A summary's count before its date: "3 items overdue; the oldest ", "2 readings missed, "."""
    if item.kind is Kind.STAFF_OVERDUE:
        text = words.ngettext(
            "%(num)d item overdue; the oldest ", "%(num)d items overdue; the oldest ", item.count
        )
        return text % {"num": item.count}
    if item.kind is Kind.LOG_GAP:
        text = words.ngettext("%(num)d reading missed, ", "%(num)d readings missed, ", item.count)
        return text % {"num": item.count}
    return ""


def summary(kind: Kind, headline: str, detail: str, words: NullTranslations = ENGLISH) -> str:
    """ "Overdue: Task 1 (Harbour Clinic) (was due 2026-12-01, 3 days overdue)"."""
    message = words.gettext("%(section)s: %(item)s (%(detail)s)")
    return message % {"section": words.gettext(SECTIONS[kind]), "item": headline, "detail": detail}


def sections(
    digest: Digest, today: date, words: NullTranslations = ENGLISH
) -> list[tuple[str, list[Line]]]:
    """(heading, lines) in section order, empty sections left out."""
    found = lines(digest, today, words)
    grouped = [
        (words.gettext(SECTIONS[kind]), [ln for ln in found if ln.item.kind is kind])
        for kind in ORDER
    ]
    return [(heading, group) for heading, group in grouped if group]


def subject(digest: Digest, words: NullTranslations = ENGLISH) -> str:
    """ "Reminders: 2 overdue, 1 to sign off", counting each kind present."""
    counts = [(SHORT[kind], sum(i.kind is kind for i in digest.items)) for kind in ORDER]
    found = ", ".join(f"{n} {words.gettext(label)}" for label, n in counts if n)
    return words.gettext("Reminders: %(counts)s") % {"counts": found}


def headline(item: Item) -> str:
    name = f"{item.hire_name}: " if item.hire_name else ""
    return f"{name}{item.title} ({item.clinic_name})"


def detail(kind: Kind, day: date, today: date, words: NullTranslations = ENGLISH) -> str:
    """What ``day`` (due, completed or expiry) means on ``today``: "due 2026-12-01, in 7 days"."""
    days = (day - today).days
    when, _ = day.isoformat(), words.gettext
    if kind in (Kind.OVERDUE, Kind.STAFF_OVERDUE):
        return _("was due %(day)s, %(late)s overdue") % {"day": when, "late": _days(-days, words)}
    if kind is Kind.DUE_SOON:
        return _("due %(day)s, %(when)s") % {"day": when, "when": _relative(days, words)}
    if kind is Kind.LOG_GAP:
        return when  # the count before it says what was missed
    if kind is Kind.SIGNOFF:
        return _("completed %(day)s, %(when)s") % {"day": when, "when": _relative(days, words)}
    if days < 0:
        return _("expired %(day)s, %(since)s ago") % {"day": when, "since": _days(-days, words)}
    return _("expires %(day)s, %(when)s") % {"day": when, "when": _relative(days, words)}


def _relative(days: int, words: NullTranslations) -> str:
    _ = words.gettext
    if days == 0:
        return _("today")
    if days == 1:
        return _("tomorrow")
    if days == -1:
        return _("yesterday")
    if days > 0:
        return _("in %(days)s") % {"days": _days(days, words)}
    return _("%(days)s ago") % {"days": _days(-days, words)}


def _days(n: int, words: NullTranslations) -> str:
    return words.ngettext("%(num)d day", "%(num)d days", n) % {"num": n}
