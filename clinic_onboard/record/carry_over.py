"""Which credentials a returning hire keeps: the pure rule behind a carry-over.

A card recorded in an earlier onboarding counts again when it is still valid on the new first
day: its expiry (given on the card, or its issue date plus the item's ``validity_months`` from
the library, as ``record_credential`` stored it) falls after that day. A card with no expiry has
no validity the app can vouch for, so it is asked for again.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from clinic_onboard.record.renewals import RENEWAL_MARK


@dataclass(frozen=True)
class HeldCard:
    """A finished credential of an earlier onboarding: its item and the card's details."""

    item_id: str  # as in the plan: a renewal's card counts for the item it renews
    onboarding_id: int
    seq: int  # the event that recorded it, in that onboarding's record
    payload: Mapping[str, Any]

    @property
    def expires_on(self) -> date | None:
        expires = self.payload.get("expires_on")
        return date.fromisoformat(expires) if expires else None


def plan_item(item_id: str) -> str:
    """``bls.certificate#renewal-2`` is a card for ``bls.certificate``."""
    return item_id.partition(RENEWAL_MARK)[0]


def still_valid(cards: Iterable[HeldCard], first_day: date) -> dict[str, HeldCard]:
    """The latest-expiring card of each item that is still valid after ``first_day``."""
    best: dict[str, HeldCard] = {}
    for card in cards:
        expires, item = card.expires_on, plan_item(card.item_id)
        if expires is None or expires <= first_day:
            continue
        kept = best.get(item)
        if kept is None or expires > kept.expires_on:  # type: ignore[operator]
            best[item] = card
    return best
