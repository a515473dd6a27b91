"""Build an onboarding with a small plan directly, as ``tests/web/test_record.py`` does."""

import io
from collections.abc import Callable, Collection
from datetime import date, timedelta

import pikepdf
from sqlalchemy import select

from clinic_onboard.extensions import db
from clinic_onboard.models import (
    AppRole,
    ClinicRole,
    Membership,
    Onboarding,
    OnboardingDuty,
    OnboardingTask,
)
from clinic_onboard.operations.record import open_record
from clinic_onboard.services import uploads

TODAY = date.today()
# item id -> (kind, sign-off, phase, days from today to the due date, validity in months)
PLAN = {
    "privacy.read_policy": ("reading", "none", "before_start", -2, None),
    "ipac.hand_hygiene": ("competency", "supervisor", "day_1", 1, None),
    "privacy.confidentiality": ("acknowledgement", "none", "day_1", 1, None),
    "bls.certificate": ("credential", "supervisor", None, 20, 24),
    "emr.billing": ("competency", "manager", "week_1", 5, None),
}
TITLES = {
    "privacy.read_policy": "Read the clinic privacy policy",
    "ipac.hand_hygiene": "Hand hygiene at the point of care",
    "privacy.confidentiality": "Confidentiality agreement",
    "bls.certificate": "Basic Life Support certificate",
    "emr.billing": "Bill a visit in the EMR",
}


def build_onboarding(
    hire: Membership,
    supervisor_id: int | None,
    plan: dict = PLAN,
    renewing: Collection[str] = (),
) -> Onboarding:
    """The onboarding as ``start_onboarding`` stores it; ``renewing`` names items that renew."""
    role = db.session.scalar(select(ClinicRole).where(ClinicRole.clinic_id == hire.clinic_id))
    if role is None:
        role = ClinicRole(
            clinic_id=hire.clinic_id, template="medical_assistant", name="Medical assistant"
        )
        db.session.add(role)
        db.session.flush()
    onboarding = Onboarding(
        clinic_id=hire.clinic_id,
        membership_id=hire.id,
        role_id=role.id,
        supervisor_id=supervisor_id,
        start_date=TODAY - timedelta(days=1),
        catalog_version="test",
        profile={},
    )
    for position, (item_id, (kind, signoff, phase, days, validity)) in enumerate(plan.items()):
        onboarding.tasks.append(
            OnboardingTask(
                clinic_id=hire.clinic_id,
                item_id=item_id,
                position=position,
                title=TITLES.get(item_id, item_id),
                guidance=f"What to do for {item_id}.",
                module=item_id.split(".")[0],
                module_title=item_id.split(".")[0].upper(),
                kind=kind,
                phase=phase,
                due_date=TODAY + timedelta(days=days),
                signoff=signoff,
                basis="guidance",
                references=["PHIPA, s. 12"] if kind == "acknowledgement" else [],
                validity_months=validity,
                renews=True if item_id in renewing else None,
            )
        )
    onboarding.duties.append(
        OnboardingDuty(
            clinic_id=hire.clinic_id,
            item_id="ipac.wipe_down",
            position=0,
            title="Wipe down the exam room surfaces",
            guidance="",
            frequency="start_of_day",
            module="ipac",
            module_title="IPAC",
            references=[],
        )
    )
    db.session.add(onboarding)
    db.session.flush()
    open_record(onboarding, None)  # as start_onboarding does: the record states the plan
    db.session.commit()
    return onboarding


def make_team(make_member: Callable, make_clinic: Callable) -> Callable[[], dict]:
    """A clinic with a manager, a supervisor, a hire being onboarded and another hire."""

    def make() -> dict:
        clinic = make_clinic("Harbour Clinic")
        people = {
            "manager": make_member(AppRole.MANAGER, clinic=clinic),
            "supervisor": make_member(AppRole.SUPERVISOR, clinic=clinic),
            "hire": make_member(AppRole.STAFF, clinic=clinic),
            "other_hire": make_member(AppRole.STAFF, clinic=clinic),
        }
        people["onboarding"] = build_onboarding(people["hire"], people["supervisor"].user_id)
        people["other_onboarding"] = build_onboarding(
            people["other_hire"], people["supervisor"].user_id
        )
        return people

    return make


def task_of(onboarding: Onboarding, item_id: str) -> OnboardingTask:
    return next(t for t in onboarding.tasks if t.item_id == item_id)


def a_pdf() -> bytes:
    """A one-page PDF as the app stores it: already sanitised, so storing it changes nothing."""
    document = pikepdf.new()
    document.add_blank_page(page_size=(72, 72))
    written = io.BytesIO()
    document.save(written)
    return uploads.sanitised_pdf(written.getvalue())


def staff_with_duty(
    make_clinic: Callable, make_member: Callable, item_id: str, title: str, module: str
) -> tuple[Membership, Membership]:
    """A Nova Scotia clinic storing vaccines and open every day (so today is a working day
    whenever the test runs), its manager, and a staff member whose plan has one start-of-day
    duty; returns (manager, staff)."""
    clinic = make_clinic("Harbour Clinic", province="NS", options=["vaccine_storage"])
    clinic.open_weekdays = list(range(7))
    clinic.open_holidays = [clinic.today().isoformat()]
    manager = make_member(AppRole.MANAGER, clinic)
    staff = make_member(AppRole.STAFF, clinic)
    onboarding = build_onboarding(staff, manager.user_id)
    onboarding.duties.append(
        OnboardingDuty(
            clinic_id=clinic.id,
            item_id=item_id,
            position=1,
            title=title,
            guidance="",
            frequency="start_of_day",
            module=module,
            module_title=module.upper(),
            references=[],
        )
    )
    return manager, staff
