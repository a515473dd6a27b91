"""Changing a clinic's profile (``queries.profile_preview`` shows first what it would change)."""

from clinic_onboard.extensions import db
from clinic_onboard.models import Clinic, User
from clinic_onboard.operations import audit
from clinic_onboard.operations.accounts import ClinicDetails
from clinic_onboard.queries.plan_inputs import clinic_profile
from clinic_onboard.queries.profile_preview import profile_of


def update_profile(clinic: Clinic, actor: User, details: ClinicDetails) -> None:
    """Apply the new profile; open plans keep their snapshot until the manager applies changes."""
    before = _snapshot(clinic)
    clinic.name = details.name.strip()
    clinic.province, clinic.setting, clinic.emr = details.province, details.setting, details.emr
    clinic.options = sorted(details.options)
    clinic.language = details.language or clinic.language
    audit.record(clinic.id, actor, "clinic.update_profile", clinic.name, before, _snapshot(clinic))
    db.session.flush()


def _snapshot(clinic: Clinic) -> dict[str, object]:
    return {
        "name": clinic.name,
        "province": clinic.province,
        "setting": clinic.setting,
        "emr": clinic.emr,
        "options": list(clinic.options),
        "language": clinic.language,
    }


def unchanged(clinic: Clinic, details: ClinicDetails) -> bool:
    same_language = details.language in ("", clinic.language)
    same_name = clinic.name == details.name.strip()
    return clinic_profile(clinic) == profile_of(details) and same_name and same_language


def update_hours(
    clinic: Clinic, actor: User, time_zone: str, weekdays: list[int], holidays: list[str]
) -> None:
    """The clinic's clock and open days; plans already made keep their dates, new plans and
    re-dated items use the new days."""
    before = _hours(clinic)
    clinic.time_zone = time_zone
    clinic.open_weekdays = sorted(set(weekdays))
    clinic.open_holidays = sorted(set(holidays))
    audit.record(clinic.id, actor, "clinic.update_hours", clinic.name, before, _hours(clinic))
    db.session.flush()


def _hours(clinic: Clinic) -> dict[str, object]:
    return {
        "time_zone": clinic.time_zone,
        "open_weekdays": list(clinic.open_weekdays),
        "open_holidays": list(clinic.open_holidays),
    }
