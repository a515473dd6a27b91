"""The ``{name}`` placeholders items may use, and how each is filled in for a jurisdiction.

One table serves both the loader (which names are known, which values are empty) and the planner
(rendering), so the two can never disagree. Every value comes in the language of the text it goes
into: a French item names the French title of the law.
"""

import re
from collections.abc import Callable, Mapping

from clinic_onboard.catalog.schema import HealthPlan, Jurisdiction
from clinic_onboard.catalog.text import Language, Text

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_AND: Mapping[str, str] = {"en": " and ", "fr": " et "}


def _health_plan(plan: HealthPlan, lang: Language) -> str:
    name, short = plan.name.get(lang), plan.short.get(lang)
    return f"{name} ({short})" if short else name


_CARD: Mapping[str, str] = {"en": "health card ({plan})", "fr": "carte santé ({plan})"}


def _health_card(plan: HealthPlan, lang: Language) -> str:
    """The card's own name (Quebec's carte d'assurance maladie), or "health card (OHIP)"."""
    if plan.card is not None:
        return plan.card.get(lang)
    return _CARD[lang].format(plan=(plan.short or plan.name).get(lang))


def _laws(jurisdiction: Jurisdiction, lang: Language) -> str:
    return _AND[lang].join(law.get(lang) for law in jurisdiction.privacy.laws)


def _fact(pick: Callable[[Jurisdiction], Text]) -> Callable[[Jurisdiction, Language], str]:
    return lambda jurisdiction, lang: pick(jurisdiction).get(lang)


PLACEHOLDERS: Mapping[str, Callable[[Jurisdiction, Language], str]] = {
    "jurisdiction": _fact(lambda j: j.name),
    "in_jurisdiction": _fact(lambda j: j.in_name),
    "privacy_law": _laws,
    "privacy_law_short": _fact(lambda j: j.privacy.law_short),
    "privacy_regulator": _fact(lambda j: j.privacy.regulator),
    "worker_term": _fact(lambda j: j.privacy.worker_term),
    "health_plan": lambda j, lang: _health_plan(j.health_plan, lang),
    "health_plan_short": lambda j, lang: (j.health_plan.short or j.health_plan.name).get(lang),
    "health_card": lambda j, lang: _health_card(j.health_plan, lang),
    "ohs_regulator": _fact(lambda j: j.ohs.regulator),
    "compensation_board": _fact(lambda j: j.ohs.compensation_board),
    "ohs_law": _fact(lambda j: j.ohs.law),
    "whmis_law": _fact(lambda j: j.ohs.whmis_law),
    "accessibility_law": _fact(lambda j: j.accessibility.law),
    "ipac_body": _fact(lambda j: j.ipac.body),
}


def placeholders_in(text: str) -> list[str]:
    """Every ``{name}`` in the text, known or not, in order of appearance."""
    return _PLACEHOLDER.findall(text)


def has_stray_brace(text: str) -> bool:
    """A lone ``{`` or ``}`` would reach the hire's plan unrendered."""
    rest = _PLACEHOLDER.sub("", text)
    return "{" in rest or "}" in rest


def only_placeholders(text: str) -> bool:
    """True for texts such as ``"{privacy_law}"`` that say nothing outside their placeholders."""
    return not re.search(r"\w", _PLACEHOLDER.sub("", text))


def render(text: str, jurisdiction: Jurisdiction, lang: Language = "en") -> str:
    """``text`` in ``lang`` with every placeholder filled in; the loader rejected unknown names.

    A library ``Text`` gives its ``lang`` version; a plain string (a clinic's own words) is used
    as it is, and always comes back as a plain ``str``.
    """
    source = text.get(lang) if isinstance(text, Text) else str(text)
    if "{" not in source:
        return source  # most texts have none, and plans render thousands of them
    return _PLACEHOLDER.sub(lambda match: PLACEHOLDERS[match[1]](jurisdiction, lang), source)
