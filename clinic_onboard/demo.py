"""The demo clinic that ``make run`` loads: an Ontario family practice with four people."""

from dataclasses import dataclass

from clinic_onboard.models import AppRole
from clinic_onboard.operations import accounts


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
    """Create the demo clinic and people; False (and nothing done) if the database has users."""
    if accounts.count_users():
        return False
    clinic = accounts.create_clinic(DEMO_CLINIC)
    for person in DEMO_PEOPLE:
        user = accounts.create_user(person.email, person.name, person.password)
        accounts.add_member(user, clinic, person.role)
    return True


def demo_present() -> bool:
    return accounts.find_user(DEMO_PEOPLE[0].email) is not None
