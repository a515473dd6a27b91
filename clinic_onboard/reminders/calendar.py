"""A person's calendar feed: their own open due dates and credential expiries as all-day events.

UIDs are stable (``task-12``, ``credential-7``), so when a due date or an expiry moves (a
correction, a new card) calendar apps move the event instead of adding a second one. The
``icalendar`` package does RFC 5545's escaping and line folding.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from icalendar import Calendar, Event

from clinic_onboard.record.progress import HIRE_TO_ACT
from clinic_onboard.reminders.items import MY_PAGE, latest_credentials
from clinic_onboard.reminders.model import Link, Snapshot

PRODID = "-//clinic_onboard//reminders//EN"
REFRESH = timedelta(hours=12)


@dataclass(frozen=True)
class Entry:
    uid: str
    day: date
    summary: str
    description: str
    link: Link


def calendar_entries(snapshot: Snapshot, user_id: int) -> list[Entry]:
    """The person's own items still to do (any date) and their credentials' expiries."""
    mine = {h.onboarding_id: h for h in snapshot.hires if h.user_id == user_id}
    entries = [
        Entry(
            f"task-{task.id}",
            task.due_date,
            f"Due: {task.title}",
            f"{mine[task.onboarding_id].clinic_name}: {task.title} is due.",
            MY_PAGE,
        )
        for task in snapshot.tasks
        if task.onboarding_id in mine and task.status in HIRE_TO_ACT
    ]
    entries += [
        Entry(
            f"credential-{card.root_id}",
            card.expires_on,
            f"Expires: {card.title}",
            f"{mine[card.onboarding_id].clinic_name}: your {card.title} expires; renew it before.",
            MY_PAGE,
        )
        for card in latest_credentials(snapshot)
        if card.onboarding_id in mine
    ]
    return sorted(entries, key=lambda e: (e.day, e.uid))


def render_calendar(
    name: str, entries: Iterable[tuple[Entry, str]], domain: str, stamp: datetime
) -> bytes:
    """An iCalendar file of (entry, absolute URL) pairs; ``stamp`` is DTSTAMP (aware UTC)."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    # How often subscribers should fetch again (RFC 7986, and Outlook's older property).
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT12H")
    for entry, url in entries:
        calendar.add_component(_event(entry, url, domain, stamp))
    return calendar.to_ical()


def _event(entry: Entry, url: str, domain: str, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", f"{entry.uid}@{domain}")
    event.add("dtstamp", stamp)
    event.add("dtstart", entry.day)  # a date, so VALUE=DATE: an all-day event
    event.add("dtend", entry.day + timedelta(days=1))
    event.add("summary", entry.summary)
    event.add("description", f"{entry.description}\n{url}")
    event.add("url", url)
    event.add("transp", "TRANSPARENT")  # a due date does not make the person busy
    return event
