"""The reminder rules, on hand-made data: windows, stages, who is told what, digest rhythm."""

import subprocess
import sys
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from icalendar import Calendar

from clinic_onboard.policy import AppRole
from clinic_onboard.record.states import TaskStatus
from clinic_onboard.reminders import (
    CredentialRecord,
    Frequency,
    Hire,
    Item,
    Kind,
    Link,
    LogGap,
    Member,
    Person,
    Snapshot,
    Task,
    calendar_entries,
    credential_stage,
    due_stage,
    expiry_window,
    latest_credentials,
    lines,
    plan_digests,
    reminder_items,
    render_calendar,
    sections,
    subject,
)
from clinic_onboard.reminders.digest import Digest, may_send

TODAY = date(2026, 12, 1)
MANAGER, SUPERVISOR, HIRE, OTHER_MANAGER, OTHER_HIRE = 1, 2, 3, 11, 13


def day(offset: int) -> date:
    return TODAY + timedelta(days=offset)


def task(task_id: int, offset: int, status: TaskStatus = TaskStatus.NOT_STARTED, **extra) -> Task:
    fields = {
        "id": task_id,
        "onboarding_id": 100,
        "title": f"Task {task_id}",
        "kind": "task",
        "due_date": day(offset),
        "status": status,
        "signoff": "supervisor",
        **extra,
    }
    return Task(**fields)


def snapshot(
    tasks: list[Task], credentials: list[CredentialRecord] = (), **people_extra
) -> Snapshot:
    people = {
        uid: Person(uid, f"Person {uid}", f"p{uid}@example.com")
        for uid in (MANAGER, SUPERVISOR, HIRE, OTHER_MANAGER, OTHER_HIRE)
    }
    people.update(people_extra)
    members = [
        Member(MANAGER, 10, AppRole.MANAGER),
        Member(SUPERVISOR, 10, AppRole.SUPERVISOR),
        Member(HIRE, 10, AppRole.STAFF),
        Member(OTHER_MANAGER, 20, AppRole.MANAGER),
        Member(OTHER_HIRE, 20, AppRole.STAFF),
    ]
    hires = [
        Hire(100, 10, "Harbour Clinic", HIRE, "Noor Haddad", SUPERVISOR),
        Hire(200, 20, "Prairie Clinic", OTHER_HIRE, "Sam Lee", None),
    ]
    return Snapshot(people, members, hires, tasks, list(credentials))


def told(items: list[Item]) -> set[tuple[int, Kind, str]]:
    return {(i.recipient_id, i.kind, i.key) for i in items}


# Windows and stages -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("offset", "window"),
    [
        (120, None),
        (91, None),
        (90, "90"),
        (61, "90"),
        (60, "60"),
        (31, "60"),
        (30, "30"),
        (8, "30"),
        (7, "7"),
        (0, "7"),
        (-1, "expired"),
        (-400, "expired"),
    ],
)
def test_expiry_windows_are_90_60_30_7_and_expired(offset: int, window: str | None) -> None:
    assert expiry_window(day(offset), TODAY) == window


def test_a_credential_is_news_in_each_window_and_weekly_once_expired() -> None:
    # Walking one card's life day by day gives one stage per window, then one per week.
    expiry = day(100)
    walk = [credential_stage(expiry, day(n)) for n in range(0, 129)]  # expired days 101-128
    distinct = list(dict.fromkeys(s for s in walk if s))
    suffixes = [s.split(":", 1)[1] for s in distinct]
    assert suffixes == [
        "90",
        "60",
        "30",
        "7",
        "expired:w0",
        "expired:w1",
        "expired:w2",
        "expired:w3",
    ]


def test_due_soon_is_one_stage_and_overdue_one_per_week() -> None:
    due = day(0)
    walk = [due_stage(due, day(n)) for n in range(-10, 16)]
    assert walk[:3] == [None, None, None]  # 10, 9, 8 days ahead
    distinct = list(dict.fromkeys(s for s in walk if s))
    assert distinct == [
        f"due:{due.isoformat()}",
        f"overdue:{due.isoformat()}:w0",
        f"overdue:{due.isoformat()}:w1",
        f"overdue:{due.isoformat()}:w2",
    ]
    assert due_stage(due, day(7)) == f"overdue:{due.isoformat()}:w0"
    assert due_stage(due, day(8)) == f"overdue:{due.isoformat()}:w1"


# Who is told what -----------------------------------------------------------------------------


def test_the_hire_hears_of_items_due_soon_and_overdue_and_the_manager_of_overdue_only() -> None:
    tasks = [
        task(1, -3),  # overdue
        task(2, 5),  # due soon
        task(3, 30),  # not yet
        task(4, -3, TaskStatus.SIGNED_OFF),  # finished
        task(5, -3, TaskStatus.AWAITING_SIGNOFF, completion_id=9, completed_on=day(-4)),
        task(6, -2, TaskStatus.NEEDS_PRACTICE),  # back with the hire
    ]
    items = reminder_items(snapshot(tasks), TODAY)
    assert told(items) == {
        (HIRE, Kind.OVERDUE, "task:1"),
        (HIRE, Kind.DUE_SOON, "task:2"),
        (HIRE, Kind.OVERDUE, "task:6"),
        (MANAGER, Kind.STAFF_OVERDUE, "hire:100:overdue"),  # one line for the hire's two
        (SUPERVISOR, Kind.SIGNOFF, "task:5:completion:9"),
    }
    overdue = next(i for i in items if i.recipient_id == MANAGER)
    assert (overdue.title, overdue.count, overdue.when) == ("Noor Haddad", 2, day(-3))
    assert overdue.clinic_name == "Harbour Clinic"
    assert overdue.link == Link("staff.hire", (("onboarding_id", 100),))


def test_a_renewal_is_reminded_like_any_item() -> None:
    renewal = task(7, 3, renewal_of_id=1, title="BLS renewal")
    items = reminder_items(snapshot([task(1, -300, TaskStatus.SIGNED_OFF), renewal]), TODAY)
    assert told(items) == {(HIRE, Kind.DUE_SOON, "task:7")}


def test_nothing_crosses_to_another_clinic() -> None:
    theirs = task(8, -1, onboarding_id=200)
    items = reminder_items(snapshot([theirs]), TODAY)
    assert told(items) == {
        (OTHER_HIRE, Kind.OVERDUE, "task:8"),
        (OTHER_MANAGER, Kind.STAFF_OVERDUE, "hire:200:overdue"),
    }
    assert {i.clinic_name for i in items} == {"Prairie Clinic"}


@pytest.mark.parametrize(
    ("onboarding", "signoff", "signers"),
    [
        (100, "supervisor", {SUPERVISOR}),  # the hire's supervisor
        (100, "manager", {MANAGER}),  # a manager item skips the supervisor
        (200, "supervisor", {OTHER_MANAGER}),  # no supervisor: the managers
        (100, "none", set()),  # nothing to sign
    ],
)
def test_sign_offs_go_to_who_is_expected_to_sign(
    onboarding: int, signoff: str, signers: set[int]
) -> None:
    waiting = task(
        5,
        10,
        TaskStatus.AWAITING_SIGNOFF,
        onboarding_id=onboarding,
        signoff=signoff,
        completion_id=9,
        completed_on=day(-1),
    )
    items = reminder_items(snapshot([waiting]), TODAY)
    assert {i.recipient_id for i in items if i.kind is Kind.SIGNOFF} == signers


def test_a_supervisor_who_left_the_clinic_is_replaced_by_the_managers() -> None:
    waiting = task(5, 10, TaskStatus.AWAITING_SIGNOFF, completion_id=9, completed_on=day(-1))
    data = snapshot([waiting])
    data.members.remove(Member(SUPERVISOR, 10, AppRole.SUPERVISOR))
    assert {i.recipient_id for i in reminder_items(data, TODAY)} == {MANAGER}


def test_people_who_cannot_receive_email_are_left_out() -> None:
    data = snapshot([task(1, -3)])
    del data.people[MANAGER]  # e.g. a deactivated account
    assert told(reminder_items(data, TODAY)) == {(HIRE, Kind.OVERDUE, "task:1")}


def test_a_renewed_card_supersedes_the_first_and_an_undone_card_does_not_count() -> None:
    first = task(1, -700, TaskStatus.SIGNED_OFF, kind="credential", title="BLS")
    renewal = task(2, 20, TaskStatus.AWAITING_SIGNOFF, kind="credential", renewal_of_id=1)
    undone = task(3, 5, TaskStatus.NOT_STARTED, kind="credential", title="N95 fit test")
    records = [
        CredentialRecord(1, 1, day(20)),
        CredentialRecord(2, 5, day(700)),
        CredentialRecord(3, 6, day(3)),
    ]
    cards = latest_credentials(snapshot([first, renewal, undone], records))
    assert [(c.root_id, c.title, c.expires_on) for c in cards] == [(1, "BLS", day(700))]


def test_credentials_in_a_window_reach_the_hire_and_their_managers() -> None:
    card = task(1, -700, TaskStatus.SIGNED_OFF, kind="credential", title="BLS")
    items = reminder_items(snapshot([card], [CredentialRecord(1, 1, day(25))]), TODAY)
    assert told(items) == {
        (HIRE, Kind.EXPIRING, "credential:1"),
        (MANAGER, Kind.STAFF_EXPIRING, "credential:1"),
    }
    assert {i.stage for i in items} == {f"{day(25).isoformat()}:30"}


def test_managers_get_one_line_per_hire_with_the_count_and_the_oldest_date() -> None:
    items = reminder_items(snapshot([task(1, -3), task(6, -10), task(7, -1)]), TODAY)
    summary_item = next(i for i in items if i.recipient_id == MANAGER)
    digest = Digest(Person(MANAGER, "Mo", "mo@example.com"), (summary_item,))
    ((heading, found),) = sections(digest, TODAY)
    assert heading == "Staff items overdue"
    assert found[0].headline == "Noor Haddad (Harbour Clinic)"
    assert found[0].detail.startswith("3 items overdue; the oldest was due")
    # another item overdue is news again; the same three the next day are not
    more = reminder_items(snapshot([task(1, -3), task(6, -10), task(7, -1), task(8, -2)]), TODAY)
    assert next(i for i in more if i.recipient_id == MANAGER).stage != summary_item.stage


def test_a_log_gap_goes_to_the_clinics_managers_with_a_link() -> None:
    gap = LogGap(10, "Harbour Clinic", 5, "Fridge 2", day(-1), 2)
    items = reminder_items(replace(snapshot([]), log_gaps=[gap]), TODAY)
    assert told(items) == {(MANAGER, Kind.LOG_GAP, f"log:5:{day(-1).isoformat()}")}
    assert items[0].link == Link("logs.month", (("unit_id", 5),))
    line = lines(Digest(Person(MANAGER, "Mo", "mo@example.com"), tuple(items)), TODAY)[0]
    assert line.detail == f"2 readings missed, {day(-1).isoformat()}"


# Digests --------------------------------------------------------------------------------------


def _items() -> list[Item]:
    return reminder_items(snapshot([task(1, -3), task(2, 5)]), TODAY)


def test_each_person_gets_one_digest_of_what_is_new_to_them() -> None:
    items = _items()
    plan = plan_digests(snapshot([]).people, items, set(), {}, TODAY)
    assert [(d.person.user_id, len(d.items)) for d in plan.digests] == [(MANAGER, 1), (HIRE, 2)]
    hire = plan.digests[1]
    assert [i.kind for i in hire.items] == [Kind.OVERDUE, Kind.DUE_SOON]  # most urgent first

    already = {i.identity for i in items if i.key in ("task:1", "hire:100:overdue")}
    again = plan_digests(snapshot([]).people, items, already, {}, TODAY)
    assert [(d.person.user_id, [i.key for i in d.items]) for d in again.digests] == [
        (HIRE, ["task:2"])
    ]
    assert (
        plan_digests(snapshot([]).people, items, {i.identity for i in items}, {}, TODAY).digests
        == []
    )


def test_off_and_not_yet_are_reported_not_sent() -> None:
    people = snapshot([]).people
    people[HIRE] = Person(HIRE, "Noor", "noor@example.com", Frequency.OFF)
    people[MANAGER] = Person(MANAGER, "Mo", "mo@example.com", Frequency.WEEKLY)
    plan = plan_digests(people, _items(), set(), {MANAGER: day(-6)}, TODAY)
    assert plan.digests == []
    assert [p.user_id for p in plan.opted_out] == [HIRE]
    assert [p.user_id for p in plan.not_yet] == [MANAGER]


@pytest.mark.parametrize(
    ("frequency", "last", "allowed"),
    [
        (Frequency.DAILY, None, True),
        (Frequency.DAILY, day(0), False),  # a second run the same day sends nothing
        (Frequency.DAILY, day(-1), True),
        (Frequency.WEEKLY, day(-6), False),
        (Frequency.WEEKLY, day(-7), True),
        (Frequency.OFF, None, False),
    ],
)
def test_daily_and_weekly_rhythm(frequency: Frequency, last: date | None, allowed: bool) -> None:
    assert may_send(frequency, last, TODAY) is allowed


def test_the_words_of_a_digest() -> None:
    person = Person(HIRE, "Noor", "noor@example.com")
    digest = Digest(person, tuple(i for i in _items() if i.recipient_id == HIRE))
    assert subject(digest) == "Reminders: 1 overdue, 1 due soon"
    assert [
        (heading, [ln.detail for ln in found]) for heading, found in sections(digest, TODAY)
    ] == [
        ("Overdue", [f"was due {day(-3).isoformat()}, 3 days overdue"]),
        ("Due within a week", [f"due {day(5).isoformat()}, in 5 days"]),
    ]
    summary = lines(digest, TODAY)[0].summary()
    assert (
        summary
        == f"Overdue: Task 1 (Harbour Clinic) (was due {day(-3).isoformat()}, 3 days overdue)"
    )


# The calendar ---------------------------------------------------------------------------------


def test_the_calendar_holds_only_the_persons_own_open_items_and_cards() -> None:
    card = task(4, -700, TaskStatus.SIGNED_OFF, kind="credential", title="BLS")
    data = snapshot(
        [task(1, 40), task(2, -2, TaskStatus.DONE), task(3, 1, onboarding_id=200), card],
        [CredentialRecord(4, 1, day(400))],
    )
    entries = calendar_entries(data, HIRE)
    assert [(e.uid, e.day, e.summary) for e in entries] == [
        ("task-1", day(40), "Due: Task 1"),
        ("credential-4", day(400), "Expires: BLS"),
    ]
    stamp = datetime(2026, 12, 1, 8, tzinfo=UTC)
    body = render_calendar(
        "Noor; the plan", [(e, f"https://x.example/{e.uid}") for e in entries], "x.example", stamp
    )
    parsed = Calendar.from_ical(body)
    events = parsed.walk("VEVENT")
    assert [str(e["uid"]) for e in events] == ["task-1@x.example", "credential-4@x.example"]
    assert events[0].decoded("dtstart") == day(40)  # a date: an all-day event
    assert events[0].decoded("dtend") == day(41)
    assert events[0].decoded("dtstamp") == stamp
    assert str(events[1]["url"]) == "https://x.example/credential-4"
    assert b"DTSTART;VALUE=DATE:" in body


def test_the_rules_import_no_web_or_database_layer() -> None:
    code = (
        "import sys, clinic_onboard.reminders\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'sqlalchemy')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
