"""Every flush that changes an onboarding, its tasks, duties or events bumps its revision.

A hire's rendered plan is cached by that number (web/render_cache.py), so whatever writes the
plan, by any path through the ORM, makes the cached copy unreachable. Doing it here, once,
rather than in each operation means a new operation cannot forget it.
"""

from collections.abc import Iterable
from itertools import chain
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from clinic_onboard.extensions import db
from clinic_onboard.models.event import OnboardingEvent
from clinic_onboard.models.onboarding import Onboarding, OnboardingDuty, OnboardingTask

PARTS = (OnboardingTask, OnboardingDuty, OnboardingEvent)


@event.listens_for(db.session, "before_flush")
def _bump(session: Session, flush_context: Any, instances: Any) -> None:
    changed = chain(session.new, session.deleted, _modified(session))
    for onboarding_id in sorted(_owners(changed)):
        onboarding = session.get(Onboarding, onboarding_id)
        if onboarding is not None and onboarding not in session.deleted:
            # An SQL expression, so two writers never both store the same next number.
            onboarding.revision = Onboarding.revision + 1


def _modified(session: Session) -> Iterable[object]:
    return (o for o in session.dirty if session.is_modified(o))


def _owners(objects: Iterable[object]) -> set[int]:
    """The saved onboardings the objects belong to (a new onboarding starts at 0)."""
    owners = (_owner(obj) for obj in objects)
    return {owner for owner in owners if owner is not None}


def _owner(obj: object) -> int | None:
    if isinstance(obj, Onboarding):
        return obj.id
    if isinstance(obj, PARTS):
        parent = obj.__dict__.get("onboarding")  # set on append, before any id exists
        return obj.onboarding_id or (parent.id if parent is not None else None)
    return None
