"""The embedded font: DejaVu Sans, shipped inside the package and registered with reportlab once.

The PDF core fonts cover Latin-1 only, so names such as "ᐃᓄᒃᑎᑐᑦ" or "Nguyễn" would print as
boxes. DejaVu Sans covers Latin, Greek, Cyrillic and Canadian Aboriginal syllabics. The files are
read from this package (never from the system's font folders) so a wheel renders the same PDFs on
any machine.
"""

from functools import cache
from importlib.resources import files

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
_FILES = {REGULAR: "DejaVuSans.ttf", BOLD: "DejaVuSans-Bold.ttf"}


@cache
def register_fonts() -> str:
    """Register the regular and bold faces (once per process: parsing a font takes ~50 ms).

    Returns the family name, for paragraph styles; ``<b>`` in markup maps to the bold face.
    """
    folder = files("clinic_onboard.pdf") / "fonts"
    for name, filename in _FILES.items():
        with (folder / filename).open("rb") as font_file:
            pdfmetrics.registerFont(TTFont(name, font_file))
    for italic in (0, 1):  # no italic face is shipped: italic markup falls back to upright
        addMapping(REGULAR, 0, italic, REGULAR)
        addMapping(REGULAR, 1, italic, BOLD)
    return REGULAR
