"""Whether an item applies to a hire: one small predicate per ``applies`` key.

Adding a key to ``Applies`` in the catalog schema means adding one line to ``RULES``; a unit test
keeps the two in step.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from clinic_onboard.catalog import Applies
from clinic_onboard.planner.profile import ClinicProfile


@dataclass(frozen=True)
class Audience:
    """Who a plan is for: the clinic, and every role whose items the hire gets."""

    profile: ClinicProfile
    roles: frozenset[str]


Rule = Callable[[tuple[str, ...], Audience], bool]


def _any_role(wanted: tuple[str, ...], audience: Audience) -> bool:
    return not audience.roles.isdisjoint(wanted)


def _province(wanted: tuple[str, ...], audience: Audience) -> bool:
    return audience.profile.province in wanted


def _setting(wanted: tuple[str, ...], audience: Audience) -> bool:
    return audience.profile.setting in wanted


def _all_options(wanted: tuple[str, ...], audience: Audience) -> bool:
    return audience.profile.options.issuperset(wanted)


def _emr(wanted: tuple[str, ...], audience: Audience) -> bool:
    return audience.profile.emr is not None and audience.profile.emr in wanted


RULES: Mapping[str, Rule] = {
    "roles": _any_role,
    "provinces": _province,
    "settings": _setting,
    "options": _all_options,
    "emr": _emr,
}


def applies(conditions: Applies, audience: Audience) -> bool:
    """True when every key present matches; an absent key places no limit."""
    return all(
        rule(wanted, audience)
        for key, rule in RULES.items()
        if (wanted := getattr(conditions, key)) is not None
    )
