"""Control and format characters leave typed text; what people type stays."""

import pytest

from clinic_onboard.services.plain_text import multi_line, one_line


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("Lakeside\r\nBcc: victim@example.com", "Lakeside Bcc: victim@example.com"),
        ("Lakeside\nClinic\rWest\tSide", "Lakeside Clinic West Side"),
        ("Null\x00 and bell\x07 and escape\x1b[31m", "Null and bell and escape[31m"),
        ("Right-to-left \u202egnp.exe", "Right-to-left gnp.exe"),
        ("Zero\u200bwidth\ufeff", "Zerowidth"),
        ("Line\u2028separator\x85next", "Line separator next"),
    ],
)
def test_one_line_keeps_what_people_type(typed: str, kept: str) -> None:
    assert one_line(typed) == kept


def test_names_in_every_script_are_kept_whole() -> None:
    """Accents, CJK, the Persian non-joiner (U+200C) and an emoji's zero-width joiner."""
    name = "Côté-Lévesque, 李, \u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645, 👩\u200d⚕\ufe0f"
    assert one_line(name) == name == multi_line(name)


def test_multi_line_keeps_line_breaks_and_tabs() -> None:
    typed = "name,email\r\nAmira\t,a@example.com\n\x00Luc\x1b,l@example.com\u202e"
    assert multi_line(typed) == "name,email\r\nAmira\t,a@example.com\nLuc,l@example.com"
