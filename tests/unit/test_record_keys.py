"""The record's keys: HMACs that need the key, rotation by key id, and settings refused by name."""

import pytest

from clinic_onboard.record.keys import KeyRingError, new_key_entry, parse_keys


def test_a_signature_verifies_under_its_key_only() -> None:
    ring = parse_keys(new_key_entry("a"))
    other = parse_keys(new_key_entry("a"))
    key_id, mac = ring.sign(b"facts")
    assert key_id == "a" and ring.verify("a", b"facts", mac)
    assert not ring.verify("a", b"facts!", mac)
    assert not other.verify("a", b"facts", mac)  # same id, another secret: a forger's key
    assert not ring.verify("b", b"facts", mac)  # an id the ring does not hold


def test_rotation_signs_with_the_current_key_and_still_checks_the_old() -> None:
    old = new_key_entry("2025")
    before = parse_keys(old)
    _, mac = before.sign(b"old record")
    after = parse_keys(f"{old},{new_key_entry('2026')}", current="2026")
    assert after.sign(b"new")[0] == "2026"
    assert after.verify("2025", b"old record", mac)


@pytest.mark.parametrize(
    ("text", "message"),
    [("", "no key is listed"), ("bad id:abc", "entry 1 must read"), ("k:***", "not base64")],
)
def test_unusable_settings_say_why(text: str, message: str) -> None:
    with pytest.raises(KeyRingError, match=message):
        parse_keys(text)
