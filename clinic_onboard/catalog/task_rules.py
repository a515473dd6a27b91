"""Rules on an item's timing and validity that one field alone cannot express.

Custom items a clinic adds go through the same rules (``check_task_fields``), so a clinic cannot
create an item the library itself would reject.
"""

from collections.abc import Mapping

from clinic_onboard.catalog.errors import FieldProblem
from clinic_onboard.catalog.schema import DOCUMENT_KINDS, TaskFields
from clinic_onboard.catalog.validation import validate

_VALIDITY = ("validity_months", "renews")
# Kinds that may expire and renew (a credential must).
EXPIRING_KINDS = DOCUMENT_KINDS | {"acknowledgement"}


def task_problems(task: TaskFields) -> list[FieldProblem]:
    return [*_timing(task), *_validity(task)]


def check_task_fields(fields: Mapping[str, object]) -> list[FieldProblem]:
    """Every problem with the kind, phase/due_days, signoff and validity fields given."""
    task, problems = validate(TaskFields, fields)
    return problems if task is None else task_problems(task)


def _timing(task: TaskFields) -> list[FieldProblem]:
    if task.phase is None and task.due_days is None:
        return [FieldProblem("phase", "give either phase or due_days")]
    if task.phase is not None and task.due_days is not None:
        return [FieldProblem("due_days", "give phase or due_days, not both")]
    return []


def _validity(task: TaskFields) -> list[FieldProblem]:
    given = [name for name in _VALIDITY if getattr(task, name) is not None]
    if task.kind == "credential":
        missing = [name for name in _VALIDITY if name not in given]
        return [FieldProblem(name, "required on a credential") for name in missing]
    if task.kind not in EXPIRING_KINDS:
        message = (
            f"only credentials, document checks and acknowledgements expire, not a {task.kind}"
        )
        return [FieldProblem(name, message) for name in given]
    if len(given) == 1:
        return [FieldProblem(given[0], "give validity_months and renews together")]
    return []
