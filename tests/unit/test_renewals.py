"""The pure renewal rule: when an item is due again, and how its renewals are named."""

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from clinic_onboard.record.renewals import (
    add_months,
    is_coming_due,
    latest_expiries,
    next_due,
    original_item,
    renewal_item_id,
)


def test_add_months_clamps_the_day() -> None:
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2027, 12, 15), 3) == date(2028, 3, 15)
    assert add_months(date(2028, 2, 29), 12) == date(2029, 2, 28)


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 1, 1)), st.integers(1, 120))
def test_add_months_lands_in_the_right_month_never_later_in_it(day: date, months: int) -> None:
    later = add_months(day, months)
    assert (later.year - day.year) * 12 + later.month - day.month == months
    assert later.day <= day.day


def test_a_credential_is_due_again_on_its_expiry_whatever_its_validity() -> None:
    payload = {"issued_on": "2026-03-01", "expires_on": "2027-02-28"}
    assert next_due("credential", 24, payload, date(2026, 3, 2)) == date(2027, 2, 28)
    assert next_due("credential", 24, {"expires_on": None}, date(2026, 3, 2)) is None


def test_an_acknowledgement_is_due_a_validity_after_it_was_signed() -> None:
    assert next_due("acknowledgement", 12, {}, date(2026, 11, 23)) == date(2027, 11, 23)
    assert next_due("acknowledgement", None, {}, date(2026, 11, 23)) is None
    assert next_due("competency", 12, {}, date(2026, 11, 23)) is None


def test_renewals_are_numbered_from_the_original_item() -> None:
    assert renewal_item_id("bls.certification") == "bls.certification#renewal-1"
    assert renewal_item_id("bls.certification#renewal-1") == "bls.certification#renewal-2"
    assert renewal_item_id("bls.certification#renewal-9") == "bls.certification#renewal-10"


def test_coming_due_means_within_ninety_days_or_past() -> None:
    today = date(2026, 11, 23)
    assert is_coming_due(date(2027, 2, 21), today)  # 90 days
    assert not is_coming_due(date(2027, 2, 22), today)
    assert is_coming_due(date(2026, 1, 1), today)


def test_a_renewed_card_supersedes_the_first_across_generations() -> None:
    renews = {1: None, 2: 1, 3: 2}  # item 1, its renewal 2, and 2's renewal 3
    cards = [(1, date(2026, 1, 1)), (2, date(2027, 1, 1)), (3, date(2028, 1, 1))]
    assert original_item(3, renews) == 1
    assert latest_expiries(cards, renews, standing={1, 2, 3}) == {1: date(2028, 1, 1)}


def test_a_card_whose_item_is_not_standing_does_not_count() -> None:
    renews = {1: None, 2: 1}
    cards = [(1, date(2026, 1, 1)), (2, date(2027, 1, 1))]
    # The renewal's card was sent back for practice: the first card is still the latest.
    assert latest_expiries(cards, renews, standing={1}) == {1: date(2026, 1, 1)}
    assert latest_expiries(cards, renews, standing=set()) == {}


def test_a_chain_stops_at_an_item_that_is_no_longer_live() -> None:
    assert original_item(5, {5: 4}) == 4  # 4 was withdrawn: it is not among the live tasks
