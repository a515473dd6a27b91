"""Reading a log entry's values as typed, and judging them against the library's ranges.

Pure: a log definition from the catalog and the text of a form in, typed values, problems and
the fields out of range out. A number is out of range below its min or above its max; a
pass/fail field when it failed; an expiry date once it has passed on the day of the reading.
A reading is late as the duty it does is: the opening reading is the start-of-day duty's.
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from clinic_onboard.catalog import Catalog
from clinic_onboard.catalog.schema import ClinicLog, LogField

PASS, FAIL = "pass", "fail"
TEXT_LIMIT = 200


@dataclass(frozen=True)
class Reading:
    """A form's values as typed (floats, "pass"/"fail", text, ISO dates) and what is wrong."""

    values: dict[str, Any]
    problems: dict[str, str]  # field id -> what to fix, in English (the view translates)


def read_values(log: ClinicLog, raw: Mapping[str, str]) -> Reading:
    values: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for field in log.fields:
        text = (raw.get(field.id) or "").strip()
        if not text:
            problems[field.id] = "required"
            continue
        value = _typed(field, text)
        if value is None:
            problems[field.id] = field.kind
        else:
            values[field.id] = value
    return Reading(values, problems)


def _typed(field: LogField, text: str) -> Any:
    if field.kind == "number":
        try:
            # A decimal comma and a typed minus sign (U+2212) are read too.
            number = float(text.replace(",", ".").replace("\u2212", "-"))
        except ValueError:
            return None
        return number if math.isfinite(number) else None
    if field.kind == "pass_fail":
        return text if text in (PASS, FAIL) else None
    if field.kind == "expiry":
        try:
            return date.fromisoformat(text).isoformat()
        except ValueError:
            return None
    return text[:TEXT_LIMIT]


def session_frequencies(library: Catalog, log_id: str) -> dict[str, str]:
    """Session id -> the frequency of the duty done by recording it ("opening" ->
    "start_of_day"); a session no duty is done by (a sterilizer's cycle) is never late."""
    return {
        duty.log.session: duty.frequency
        for module in library.modules
        for duty in module.duties
        if duty.log is not None and duty.log.id == log_id
    }


def out_of_range(log: ClinicLog, values: Mapping[str, Any], day: date) -> list[str]:
    """The ids of the fields whose value is outside what the library accepts, in log order."""
    return [f.id for f in log.fields if f.id in values and not _acceptable(f, values[f.id], day)]


def _acceptable(field: LogField, value: Any, day: date) -> bool:
    if field.kind == "number":
        low = field.min if field.min is not None else -math.inf
        high = field.max if field.max is not None else math.inf
        return bool(low <= value <= high)
    if field.kind == "pass_fail":
        return value == PASS
    if field.kind == "expiry":
        return date.fromisoformat(value) >= day
    return True


def range_text(field: LogField, lang: str = "en") -> str:
    """The acceptable range as printed: "+2.0 to +8.0 °C" with an en dash, "≥ 0 min", ""."""
    if field.kind != "number" or (field.min is None and field.max is None):
        return ""
    unit = f"\u00a0{field.unit}" if field.unit else ""
    if field.min is not None and field.max is not None:
        text = f"{field.min:+.1f} \u2013 {field.max:+.1f}{unit}"
    elif field.min is not None:
        text = f"≥ {field.min:g}{unit}"
    else:
        text = f"≤ {field.max:g}{unit}"
    return text.replace(".", ",") if lang == "fr" else text


def number_text(value: float, lang: str = "en") -> str:
    """A reading as written on the log: one decimal, a decimal comma in French."""
    text = f"{value:.1f}"
    return text.replace(".", ",") if lang == "fr" else text
