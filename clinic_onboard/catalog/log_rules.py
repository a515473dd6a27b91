"""Rules on clinic logs that one field alone cannot express: ranges that make sense, and duties
that point at a log and session the library has.

A reading is judged against these ranges every day, so a range that can never be met (its
minimum above its maximum) or a range on a field that is not a number is refused at load.
"""

from collections.abc import Mapping

from clinic_onboard.catalog.errors import FieldProblem
from clinic_onboard.catalog.schema import ClinicLog, Duty, LogField


def log_problems(log: ClinicLog) -> list[FieldProblem]:
    problems = [p for index, f in enumerate(log.fields) for p in _field(f"fields[{index}]", f)]
    problems += _unique("fields", [f.id for f in log.fields])
    problems += _unique("sessions", [s.id for s in log.sessions])
    return problems


def duty_log_problems(duty: Duty, logs: Mapping[str | None, ClinicLog]) -> list[FieldProblem]:
    if duty.log is None:
        return []
    log = logs.get(duty.log.id)
    if log is None:
        return [FieldProblem("log.id", f"unknown log {duty.log.id!r}")]
    if duty.log.session not in {s.id for s in log.sessions}:
        return [FieldProblem("log.session", f"{log.id} has no session {duty.log.session!r}")]
    return []


def _field(where: str, field: LogField) -> list[FieldProblem]:
    name = f"{where} ({field.id})"
    ranged = field.min is not None or field.max is not None
    if field.kind != "number":
        if ranged or field.unit is not None:
            return [FieldProblem(name, f"only a number has a unit and range, not a {field.kind}")]
        return []
    if field.unit is None:
        return [FieldProblem(name, "a number needs its unit")]
    if field.min is not None and field.max is not None and field.min > field.max:
        return [FieldProblem(name, f"min {field.min} is above max {field.max}")]
    return []


def _unique(key: str, ids: list[str]) -> list[FieldProblem]:
    repeated = sorted({one for one in ids if ids.count(one) > 1})
    return [FieldProblem(key, f"{one!r} is listed twice") for one in repeated]
