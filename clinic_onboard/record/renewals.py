"""When a renewing item falls due again: the pure rule behind renewal tasks.

A BLS card is due again when it expires; a yearly privacy re-attestation is due a validity
period after it was signed. Each renewal is a new task of the same onboarding, so the record
of every year's renewal stays in one hash chain with the original.
"""

import calendar
from collections.abc import Container, Iterable, Mapping
from datetime import date
from typing import Any

from clinic_onboard.catalog.schema import DOCUMENT_KINDS

RENEWAL_MARK = "#renewal-"
COMING_DUE_DAYS = 90


def add_months(day: date, months: int) -> date:
    """Calendar months later, the day clamped to the month's end (31 Jan + 1 = 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def next_due(
    kind: str, validity_months: int | None, payload: Mapping[str, Any], done_on: date
) -> date | None:
    """A credential is due again on its expiry; an acknowledgement a validity after signing."""
    if kind in DOCUMENT_KINDS:
        expires = payload.get("expires_on")
        return date.fromisoformat(expires) if expires else None
    if kind == "acknowledgement" and validity_months:
        return add_months(done_on, validity_months)
    return None


def renewal_item_id(item_id: str) -> str:
    """``bls.certification`` renews as ``bls.certification#renewal-1``, then ``-2``…"""
    root, mark, generation = item_id.partition(RENEWAL_MARK)
    return f"{root}{RENEWAL_MARK}{int(generation) + 1 if mark else 1}"


def is_coming_due(due_on: date, today: date, window_days: int = COMING_DUE_DAYS) -> bool:
    """Due within the window, or already past due."""
    return (due_on - today).days <= window_days


def original_item(task_id: int, renews: Mapping[int, int | None]) -> int:
    """The item a renewal (of a renewal…) renews; ``renews`` maps live task ids to their
    ``renewal_of_id``, so a chain stops at a task that is not live."""
    while renews.get(task_id) is not None:
        task_id = renews[task_id]
    return task_id


def latest_expiries(
    cards: Iterable[tuple[int, date]], renews: Mapping[int, int | None], standing: Container[int]
) -> dict[int, date]:
    """Each credential's latest card across its renewals, keyed by the original item.

    ``cards`` are the live (not voided) credential records as (task id, expiry), in record
    order; only a card whose task is done or waiting for sign-off (``standing``) counts, as
    for the renewal it creates: an undone card, or one sent back for practice, does not.
    """
    latest: dict[int, date] = {}
    for task_id, expires_on in cards:
        if task_id in standing:
            latest[original_item(task_id, renews)] = expires_on
    return latest
