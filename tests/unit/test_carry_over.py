"""The rule for which cards a returning hire keeps."""

from datetime import date

from clinic_onboard.record.carry_over import HeldCard, plan_item, still_valid

FIRST_DAY = date(2027, 3, 1)


def card(item_id: str, expires: str | None, onboarding_id: int = 1, seq: int = 5) -> HeldCard:
    return HeldCard(item_id, onboarding_id, seq, {"expires_on": expires, "issuer": "HSF"})


def test_a_card_counts_only_while_valid_after_the_first_day() -> None:
    cards = [
        card("bls.certification", "2027-09-30"),
        card("background_checks.police_check_on", "2027-03-01"),  # expires that very day
        card("immunization.record", None),  # no validity the app can vouch for
    ]
    assert list(still_valid(cards, FIRST_DAY)) == ["bls.certification"]


def test_the_latest_expiring_card_of_an_item_wins_including_renewals() -> None:
    older = card("bls.certification", "2027-06-30", onboarding_id=1, seq=4)
    renewed = card("bls.certification#renewal-1", "2028-06-30", onboarding_id=1, seq=9)
    later_record = card("bls.certification", "2027-12-31", onboarding_id=2, seq=3)
    kept = still_valid([older, renewed, later_record], FIRST_DAY)
    assert kept == {"bls.certification": renewed}


def test_a_renewal_counts_for_the_item_it_renews() -> None:
    assert plan_item("bls.certification#renewal-2") == "bls.certification"
    assert plan_item("bls.certification") == "bls.certification"
