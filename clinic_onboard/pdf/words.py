"""The fixed words of the PDFs, in the language asked for, from the web's own gettext catalog.

One catalog for the whole app (``clinic_onboard/translations``): the PDFs mark their texts for
``make translations`` like any template, and a ``Words`` reads the compiled catalog with Babel
alone, so the blank forms print the same French from the command line, without an app, as
from the web. Where the printed page words a text differently from the screen ("Review" is a
section on paper, a button on screen), the PDF's message carries the ``pdf`` context.

Dates are spelled from the catalog, never from the process locale, so the same plan prints
the same bytes on any machine. French texts get French typography (no-break spaces before
« : ; ! ? »), as the library's do.
"""

from datetime import date, datetime
from functools import cache

from babel.support import NullTranslations, Translations

from clinic_onboard.catalog import Language, check_language, french_spacing
from clinic_onboard.paths import translations_dir
from clinic_onboard.record.words import N_

# The catalog's locale of each language the library speaks.
_LOCALES = {"en": "en_CA", "fr": "fr_CA"}


WEEKDAYS = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))
WEEKDAYS_LONG = (
    N_("Monday"),
    N_("Tuesday"),
    N_("Wednesday"),
    N_("Thursday"),
    N_("Friday"),
    N_("Saturday"),
    N_("Sunday"),
)
MONTHS = (
    N_("January"),
    N_("February"),
    N_("March"),
    N_("April"),
    N_("May"),
    N_("June"),
    N_("July"),
    N_("August"),
    N_("September"),
    N_("October"),
    N_("November"),
    N_("December"),
)


@cache
def _catalog(language: Language) -> NullTranslations:
    """The compiled catalog of ``language``; English is the messages themselves."""
    if language == "en":
        return NullTranslations()
    return Translations.load(str(translations_dir()), [_LOCALES[language]])


class Words:
    """The PDF's texts in one language: call it like ``_()``, with ``str.format`` fields.

    Named ``_`` where it is used, so ``make translations`` finds ``_("...")``,
    ``_.pgettext("pdf", "...")`` and ``_.npgettext("pdf", "...", "...", n)`` as it does in the web.
    Counts always carry the ``pdf`` context: the screen says "credential" alone, not counted.
    """

    def __init__(self, language: str) -> None:
        self.language: Language = check_language(language)
        self.pdf_language = f"{self.language}-CA"
        self._catalog = _catalog(self.language)

    def __call__(self, message: str, /, **fields: object) -> str:
        return self._finish(self._catalog.gettext(message), fields)

    def pgettext(self, context: str, message: str, /, **fields: object) -> str:
        """A message the page words differently from the screen, told apart by ``context``."""
        return self._finish(self._catalog.pgettext(context, message), fields)

    def npgettext(self, context: str, singular: str, plural: str, number: int) -> str:
        """ "1 duty", "7 duties"; French counts 0 and 1 as singular ("0 tâche")."""
        noun = self._catalog.npgettext(context, singular, plural, number)
        return f"{number} {self._finish(noun, {})}"

    def _finish(self, text: str, fields: dict[str, object]) -> str:
        if self.language == "fr":
            text = french_spacing(text)
        return text.format(**fields) if fields else text

    def weekday(self, day: date) -> str:
        """The short weekday name: "Tue", "mar." (what ``%a`` gives in the C locale in English)."""
        return self(WEEKDAYS[day.weekday()])

    def long_date(self, day: date) -> str:
        """ "Tuesday 1 December 2026", "mardi 1er décembre 2026": unambiguous on paper."""
        number = "1er" if day.day == 1 and self.language == "fr" else str(day.day)
        weekday = self(WEEKDAYS_LONG[day.weekday()])
        return f"{weekday} {number} {self(MONTHS[day.month - 1])} {day.year}"

    def clock(self, when: datetime) -> str:
        """A 24-hour time and its zone: "16:40 EST", « 16 h 40 EST » (no-break spaces)."""
        french = self.language == "fr"
        hours = f"{when:%H}\u00a0h\u00a0{when:%M}" if french else f"{when:%H:%M}"
        return f"{hours} {when.tzname()}"

    def quote(self, text: str) -> str:
        """Quoted words someone wrote: “…” in English, « … » in French (no-break spaces)."""
        return f"«\u00a0{text}\u00a0»" if self.language == "fr" else f"“{text}”"

    def moment(self, when: datetime) -> str:
        """ "2026-12-15 16:40 EST": the zone printed, since a record may be read in another one."""
        return f"{when:%Y-%m-%d} {self.clock(when)}"
