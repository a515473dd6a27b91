"""From database rows to the pure planner's inputs: a clinic's profile and a role's tailoring."""

from datetime import date

from clinic_onboard.catalog import Catalog
from clinic_onboard.models import Clinic, ClinicRole
from clinic_onboard.planner import ClinicProfile, CustomItem, Plan, RoleCustomization, build_plan


def clinic_profile(clinic: Clinic) -> ClinicProfile:
    return ClinicProfile(
        province=clinic.province,
        setting=clinic.setting,
        emr=clinic.emr,
        options=frozenset(clinic.options),
    )


def role_customization(role: ClinicRole) -> RoleCustomization:
    return RoleCustomization(
        disabled={s.item_id: s.reason for s in role.switched_off},
        custom_items=tuple(
            CustomItem(
                id=c.item_id,
                title=c.title,
                guidance=c.guidance,
                kind=c.kind,
                signoff=c.signoff,
                phase=c.phase,
                references=tuple(c.references),
            )
            for c in role.custom_items
        ),
    )


def plan_for(
    catalog: Catalog,
    clinic: Clinic,
    role: ClinicRole,
    start: date,
    profile: ClinicProfile | None = None,
    lang: str | None = None,
    created_on: date | None = None,
) -> Plan:
    """The plan a hire in ``role`` starting on ``start`` gets (``profile`` previews a change).

    It is written in the clinic's language, whatever the reader's interface language: the plan
    is the clinic's document, and a stored plan must not depend on who created it. ``lang``
    asks for a stored plan's own language instead, to compare the plan with it. ``created_on``
    is the day the plan is (or was) made: no "before you start" task is dated before it.
    """
    customization = role_customization(role)
    profile = profile or clinic_profile(clinic)
    language = lang or clinic.language
    return build_plan(
        catalog,
        profile,
        role.template,
        start,
        customization,
        lang=language,
        created_on=created_on,
        calendar=clinic.calendar,
    )


def offboarding_plan_for(
    catalog: Catalog, clinic: Clinic, role: ClinicRole, last_day: date
) -> Plan:
    """The offboarding checklist of someone in ``role`` whose last day is ``last_day``, from the
    library alone (a role's switch-offs and own items are about onboarding)."""
    return build_plan(
        catalog,
        clinic_profile(clinic),
        role.template,
        last_day,
        lang=clinic.language,
        calendar=clinic.calendar,
        offboarding=True,
    )
