"""The rules that span entries, run once every entry has been read on its own."""

from clinic_onboard.catalog.checks.links import check_links
from clinic_onboard.catalog.checks.names import check_names
from clinic_onboard.catalog.checks.references import check_references
from clinic_onboard.catalog.checks.texts import check_texts
from clinic_onboard.catalog.draft import Draft
from clinic_onboard.catalog.errors import Problem
from clinic_onboard.catalog.log_rules import duty_log_problems, log_problems
from clinic_onboard.catalog.task_rules import task_problems


def check_draft(draft: Draft) -> list[Problem]:
    return [
        *check_names(draft),
        *_check_tasks(draft),
        *check_links(draft),
        *check_texts(draft),
        *check_references(draft),
        *_check_logs(draft),
    ]


def _check_tasks(draft: Draft) -> list[Problem]:
    return [
        Problem(entry.file, entry.name, problem.field, problem.message)
        for entry in draft.valid("items")
        for problem in task_problems(entry.model)
    ]


def _check_logs(draft: Draft) -> list[Problem]:
    """Each log's ranges, and each duty's log and session naming one that exists."""
    logs = {entry.name: entry.model for entry in draft.valid("logs")}
    found = [(entry, p) for entry in draft.valid("logs") for p in log_problems(entry.model)]
    found += [
        (entry, p) for entry in draft.valid("duties") for p in duty_log_problems(entry.model, logs)
    ]
    return [Problem(entry.file, entry.name, p.field, p.message) for entry, p in found]
