"""The PDFs' fixed texts as the gettext catalog holds them, in English or in French.

Read from the sources the way ``make translations`` reads them, so a text added to
``pdf/document.py`` is checked by the French tests without being listed here.
"""

from functools import cache
from pathlib import Path

from babel.messages.extract import extract_from_file

from clinic_onboard.pdf.words import Words

_PDF = Path(__file__).parents[2] / "clinic_onboard" / "pdf"
_KEYWORDS = {"_": None, "N_": None, "pgettext": ((1, "c"), 2), "npgettext": ((1, "c"), 2, 3)}


@cache
def pdf_texts(language: str, export: str = "") -> tuple[str, ...]:
    """Every fixed text of the PDFs in ``language``, with its ``{field}`` names unfilled.

    ``export`` keeps one export's texts (and the shared ones above the first section of
    ``document.py``): "the completed, signed record", "the compliance summary"...
    """
    words, texts = Words(language), []
    lines = _lines(export)
    for source in ("document.py", "words.py"):
        messages = extract_from_file("python", _PDF / source, keywords=_KEYWORDS)
        for line, message, _, context in messages:
            if source == "document.py" and line not in lines:
                continue
            if isinstance(message, tuple):  # a count: its singular and plural nouns
                for number in (1, 2):
                    texts.append(words.npgettext(context, *message, number).split(" ", 1)[1])
            else:
                texts.append(words.pgettext(context, message) if context else words(message))
    return tuple(texts)


def _lines(export: str) -> range | set[int]:
    """The line numbers of ``document.py`` that belong to ``export`` (all of them for "")."""
    source = (_PDF / "document.py").read_text(encoding="utf-8").splitlines()
    if not export:
        return range(1, len(source) + 1)
    sections = [n for n, text in enumerate(source, 1) if text.startswith("# ---- ")]
    start = next(n for n in sections if source[n - 1].startswith(f"# ---- {export} "))
    end = next((n for n in sections if n > start), len(source) + 1)
    return set(range(1, sections[0])) | set(range(start, end))
