"""A clinic's own clock: its time zone, defaulted from its province, and its local "today".

Moments are stored in UTC; people read them, and a clinic's day begins and ends, in the clinic's
zone. Pure: callers pass the moment, so tests need no clock.
"""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo, available_timezones

from clinic_onboard.record.words import N_

# The zone a new clinic gets from its province or territory: the zone of most of its people.
# A clinic on the other side of a zone line (Lloydminster, north-western Ontario, western
# Nunavut, Labrador's south coast) changes it on its profile.
DEFAULT_TIME_ZONES = {
    "NL": "America/St_Johns",
    "PE": "America/Halifax",
    "NS": "America/Halifax",
    "NB": "America/Moncton",
    "QC": "America/Toronto",
    "ON": "America/Toronto",
    "MB": "America/Winnipeg",
    "SK": "America/Regina",
    "AB": "America/Edmonton",
    "BC": "America/Vancouver",
    "YT": "America/Whitehorse",
    "NT": "America/Yellowknife",
    "NU": "America/Iqaluit",
}
# The Canadian zones a clinic may choose, each named by where it is used (words for gettext).
TIME_ZONES = {
    "America/St_Johns": N_("Newfoundland"),
    "America/Halifax": N_("Atlantic (Nova Scotia, Prince Edward Island)"),
    "America/Moncton": N_("Atlantic (New Brunswick)"),
    "America/Goose_Bay": N_("Atlantic (Labrador)"),
    "America/Toronto": N_("Eastern (Ontario, Quebec)"),
    "America/Iqaluit": N_("Eastern (Nunavut)"),
    "America/Atikokan": N_("Eastern, no daylight saving time"),
    "America/Winnipeg": N_("Central (Manitoba, north-western Ontario)"),
    "America/Rankin_Inlet": N_("Central (Nunavut)"),
    "America/Regina": N_("Saskatchewan, no daylight saving time"),
    "America/Edmonton": N_("Mountain (Alberta)"),
    "America/Yellowknife": N_("Mountain (Northwest Territories)"),
    "America/Cambridge_Bay": N_("Mountain (Nunavut)"),
    "America/Fort_Nelson": N_("Mountain, no daylight saving time (north-eastern British Columbia)"),
    "America/Vancouver": N_("Pacific (British Columbia)"),
    "America/Whitehorse": N_("Yukon"),
}


def default_time_zone(province: str) -> str:
    return DEFAULT_TIME_ZONES.get(province, "America/Toronto")


def known_time_zone(name: str) -> bool:
    """A zone the clinic may choose and the machine's zone database holds."""
    return name in TIME_ZONES and name in _available()


def local(when: datetime, zone: str) -> datetime:
    """A stored moment (aware, or naive UTC from SQLite) on the clinic's clock."""
    aware = when if when.tzinfo is not None else when.replace(tzinfo=UTC)
    return aware.astimezone(ZoneInfo(zone))


def today_in(zone: str, now: datetime) -> date:
    """The clinic's date at the moment ``now``: a Halifax clinic's 7 December ends at 03:59 UTC."""
    return local(now, zone).date()


_ZONES: set[str] = set()


def _available() -> set[str]:
    if not _ZONES:
        _ZONES.update(available_timezones())
    return _ZONES
