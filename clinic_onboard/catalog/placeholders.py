"""The ``{name}`` placeholders items may use, and how each is filled in for a jurisdiction.

One table serves both the loader (which names are known, which values are empty) and the planner
(rendering), so the two can never disagree.
"""

import re
from collections.abc import Callable, Mapping

from clinic_onboard.catalog.schema import HealthPlan, Jurisdiction

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def _health_plan(plan: HealthPlan) -> str:
    return f"{plan.name} ({plan.short})" if plan.short else plan.name


PLACEHOLDERS: Mapping[str, Callable[[Jurisdiction], str]] = {
    "jurisdiction": lambda j: j.name,
    "privacy_law": lambda j: " and ".join(j.privacy.laws),
    "privacy_law_short": lambda j: j.privacy.law_short,
    "privacy_regulator": lambda j: j.privacy.regulator,
    "worker_term": lambda j: j.privacy.worker_term,
    "health_plan": lambda j: _health_plan(j.health_plan),
    "health_plan_short": lambda j: j.health_plan.short or j.health_plan.name,
    "ohs_regulator": lambda j: j.ohs.regulator,
    "ohs_law": lambda j: j.ohs.law,
    "whmis_law": lambda j: j.ohs.whmis_law,
    "accessibility_law": lambda j: j.accessibility.law,
    "ipac_body": lambda j: j.ipac.body,
}


def placeholders_in(text: str) -> list[str]:
    """Every ``{name}`` in the text, known or not, in order of appearance."""
    return _PLACEHOLDER.findall(text)


def has_stray_brace(text: str) -> bool:
    """A lone ``{`` or ``}`` would reach the hire's plan unrendered."""
    rest = _PLACEHOLDER.sub("", text)
    return "{" in rest or "}" in rest


def render(text: str, jurisdiction: Jurisdiction) -> str:
    """Fill in every placeholder; the loader has already rejected unknown names."""
    if "{" not in text:
        return text  # most texts have none, and plans render thousands of them
    return _PLACEHOLDER.sub(lambda match: PLACEHOLDERS[match[1]](jurisdiction), text)
