"""The demo clinic that ``make run`` loads: an Ontario family practice with four people, two
roles and two hires, one of them three weeks in with items done and signed off."""

from dataclasses import dataclass
from datetime import date, timedelta

from clinic_onboard import policy
from clinic_onboard.extensions import db
from clinic_onboard.models import AppRole, Clinic, ClinicRole, Membership, Onboarding, User
from clinic_onboard.operations import accounts, progress, roles
from clinic_onboard.operations.onboarding import start_onboarding
from clinic_onboard.queries.accounts import count_users
from clinic_onboard.record.states import SIGNOFF_METHODS, SIGNOFF_OUTCOMES


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


def seed_demo(today: date) -> bool:
    """Create the demo clinic and people; False (and nothing done) if the database has users."""
    if count_users():
        return False
    clinic = accounts.create_clinic(DEMO_CLINIC, confirmed=True)
    clinic.is_demo = True  # the sign-in page shows the demo logins only for this clinic
    people = [_person(clinic, person) for person in DEMO_PEOPLE]
    manager, supervisor, amira, luc = people
    db.session.flush()
    assistant = roles.add_role(clinic, manager.user, "medical_assistant", "Medical assistant")
    office = roles.add_role(clinic, manager.user, "medical_office_assistant", "")
    amira_plan = _hire(clinic, manager, amira, assistant, today - timedelta(days=21), supervisor)
    _hire(clinic, manager, luc, office, today + timedelta(days=7), supervisor)
    _progress(amira_plan, amira, supervisor, today)
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
