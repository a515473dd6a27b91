"""The demo clinic that ``make run`` loads: an Ontario family practice with four people, two
roles and two hires, one of them three weeks in with items done and signed off, and two vaccine
fridges with about two months of twice-daily readings (a couple missed, one out of range with
its incident closed, one voided), so the logs, the month grid and the month PDF show a real month.
Everything is derived from the seed's date: the same day seeds the same data."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from clinic_onboard import policy
from clinic_onboard.extensions import db
from clinic_onboard.models import (
    AppRole,
    Clinic,
    ClinicRole,
    LogUnit,
    Membership,
    Onboarding,
    User,
)
from clinic_onboard.operations import accounts, daily_logs, progress, roles
from clinic_onboard.operations.onboarding import start_onboarding
from clinic_onboard.queries.accounts import count_users
from clinic_onboard.queries.daily import default_settings
from clinic_onboard.record.states import SIGNOFF_METHODS, SIGNOFF_OUTCOMES
from clinic_onboard.services.library import catalog


@dataclass(frozen=True)
class DemoPerson:
    email: str
    name: str
    role: AppRole
    password: str


DEMO_CLINIC = accounts.ClinicDetails(
    name="Maple Grove Family Health",
    province="ON",
    setting="family_medicine",
    emr="accuro",
    options=("specimen_collection", "vaccine_storage"),
)

# Published on purpose: this data is for trying the app on your own machine only.
DEMO_PEOPLE = (
    DemoPerson("manager@maplegrove.example.com", "Dana Manager", AppRole.MANAGER, "demo-manager-1"),
    DemoPerson(
        "supervisor@maplegrove.example.com", "Sam Supervisor", AppRole.SUPERVISOR, "demo-super-1"
    ),
    DemoPerson("amira@maplegrove.example.com", "Amira Haddad", AppRole.STAFF, "demo-staff-01"),
    DemoPerson("luc@maplegrove.example.com", "Luc Tremblay", AppRole.STAFF, "demo-staff-02"),
)


def seed_demo() -> bool:
    """Create the demo clinic and people; False (and nothing done) if the database has users.
    Dated on the clinic's own calendar: past midnight UTC it is still yesterday in Ontario."""
    if count_users():
        return False
    clinic = accounts.create_clinic(DEMO_CLINIC, confirmed=True)
    clinic.is_demo = True  # the sign-in page shows the demo logins only for this clinic
    people = [_person(clinic, person) for person in DEMO_PEOPLE]
    manager, supervisor, amira, luc = people
    db.session.flush()
    today = clinic.today()  # its zone is set once the clinic is written
    assistant = roles.add_role(clinic, manager.user, "medical_assistant", "Medical assistant")
    office = roles.add_role(clinic, manager.user, "medical_office_assistant", "")
    amira_plan = _hire(clinic, manager, amira, assistant, today - timedelta(days=21), supervisor)
    _hire(clinic, manager, luc, office, today + timedelta(days=7), supervisor)
    _progress(amira_plan, amira, supervisor, today)
    _fridge_logs(clinic, manager, (supervisor, amira), amira_plan.start_date, today)
    return True


def _person(clinic: Clinic, person: DemoPerson) -> Membership:
    user = accounts.create_user(person.email, person.name, person.password)
    return accounts.add_member(user, clinic, person.role)


def _hire(
    clinic: Clinic,
    manager: Membership,
    hire: Membership,
    role: ClinicRole,
    start: date,
    supervisor: Membership,
) -> Onboarding:
    user: User = hire.user
    return start_onboarding(
        clinic,
        manager.user,
        name=user.display_name,
        email=user.email,
        role=role,
        start_date=start,
        supervisor=supervisor.user,
    )


def _progress(plan: Onboarding, hire: Membership, supervisor: Membership, today: date) -> None:
    """Three weeks in: ordinary items due so far done, some signed off, some still waiting."""
    due = [t for t in plan.tasks if t.due_date <= today and t.kind not in progress.FORM_KINDS]
    for task in due:
        progress.complete_task(plan, task, hire, "Done with Sam on the floor.")
    waiting = [t for t in due if t.signoff == "supervisor"]
    for task in waiting[:3]:
        progress.sign_item(plan, task, supervisor, _accepted(task.kind))
    practice = [t for t in waiting[3:] if t.kind == "competency"]
    if practice:
        comment = "Practise once more with a colleague watching."
        choice = progress.SignoffChoice("demonstrated", "needs_practice", comment)
        progress.sign_item(plan, practice[0], supervisor, choice)


def _accepted(kind: str) -> progress.SignoffChoice:
    """An item of ``kind`` signed as that kind is: its first method, its accepting outcome."""
    form = policy.signoff_form(kind)
    method = next(iter(SIGNOFF_METHODS[form]), "")
    return progress.SignoffChoice(method, next(iter(SIGNOFF_OUTCOMES[form])))


def demo_present() -> bool:
    return accounts.find_user(DEMO_PEOPLE[0].email) is not None


# --- the vaccine fridges' logs ----------------------------------------------------------------

FRIDGE_LOG = "ipac.log.vaccine_fridge"
FRIDGES = ("Vaccine fridge, treatment room", "Vaccine fridge, lab")
LOG_DAYS = 61  # about two months: last month whole, whatever the day of this one
READ_AT = {"opening": time(8, 10), "closing": time(16, 50)}
# (fridge, open days back from yesterday, session), within the last month's open days so a
# month page shows them: the gaps, the reading out of range (an incident, closed the next
# morning), and the reading voided as written on the wrong line, then read again.
MISSED = {(0, 9, "closing"), (1, 15, "opening")}
WARM = (0, 18, "closing")
MISREAD = (1, 12, "opening")
WARM_ACTION = (
    "Door found ajar after a delivery. Vaccines labelled do not use and kept cold; "
    "public health said they may be used. Door check added to closing."
)


def _fridge_logs(
    clinic: Clinic,
    manager: Membership,
    readers: tuple[Membership, Membership],
    hired: date,
    today: date,
) -> None:
    """Two fridges read at opening and closing on every open day of the last two months
    (today left to do), written through the logs' own chain as the people would have."""
    log = catalog().log(FRIDGE_LOG)
    zone = ZoneInfo(clinic.time_zone)
    start = today - timedelta(days=LOG_DAYS)
    days = clinic.calendar.open_days(start, today - timedelta(days=1))
    settings = default_settings(clinic)
    hours = daily_logs.DutyHours(0, 1, settings.opens_at, settings.closes_at, "905-555-0142")
    daily_logs.save_settings(clinic, settings, hours, manager.user)
    for number, name in enumerate(FRIDGES):
        unit = daily_logs.add_unit(clinic, log, name, manager.user)
        unit.created_at = datetime.combine(start, time(7, 0), zone).astimezone(UTC)
        for back, day in zip(range(len(days), 0, -1), days, strict=True):
            reader = readers[day >= hired]  # the supervisor, until the new assistant starts
            for session in ("opening", "closing"):
                if (number, back, session) in MISSED:
                    continue
                at = datetime.combine(day, READ_AT[session], zone).astimezone(UTC)
                _read(unit, (number, back, session), at, reader, manager)


def _read(
    unit: LogUnit,
    where: tuple[int, int, str],
    at: datetime,
    reader: Membership,
    manager: Membership,
) -> None:
    """One reading; the warm one is closed the next morning, the misread one voided at once."""
    log = catalog().log(FRIDGE_LOG)
    session = where[2]
    values = _temperatures(*where)
    if where == WARM:
        values = {**values, "maximum": 9.4}
    if where == MISREAD:
        wrong, _ = daily_logs.record_reading(
            unit, log, session, _temperatures(0, where[1], session), reader, at=at
        )
        reason = "Written on the wrong fridge's line; read again."
        daily_logs.void_entry(wrong, reason, manager, set(), at=at + timedelta(minutes=3))
        at += timedelta(minutes=5)
    _, incident = daily_logs.record_reading(unit, log, session, values, reader, at=at)
    if incident is not None:
        daily_logs.close_incident(incident, WARM_ACTION, manager, at=at + timedelta(hours=16))


def _temperatures(fridge: int, back: int, session: str) -> dict[str, float]:
    """Current, minimum and maximum within +2.0 to +8.0 °C, varying day to day."""
    wobble = (back * 7 + len(session) * 3 + fridge * 5) % 11 / 10
    current = round(4.2 + wobble, 1)
    return {
        "current": current,
        "minimum": round(current - 1.1, 1),
        "maximum": round(current + 1.3, 1),
    }
