"""Every flush that changes what a hire's plan shows bumps the onboarding's revision: the
onboarding itself, its tasks, duties or events, and the two names it shows from elsewhere, its
role's and its supervisor's.

A hire's rendered plan is cached by that number (web/render_cache.py), so whatever writes the
plan, by any path through the ORM, makes the cached copy unreachable. Doing it here, once,
rather than in each operation means a new operation cannot forget it.
"""

from collections.abc import Iterable, Iterator
from itertools import chain
from typing import Any

from sqlalchemy import ColumnElement, event, inspect, update
from sqlalchemy.orm import Session

from clinic_onboard.extensions import db
from clinic_onboard.models.event import OnboardingEvent
from clinic_onboard.models.onboarding import Onboarding, OnboardingDuty, OnboardingTask
from clinic_onboard.models.role import ClinicRole
from clinic_onboard.models.user import User

PARTS = (OnboardingTask, OnboardingDuty, OnboardingEvent)
# Names a plan shows from another row: (its model, the attribute, the onboarding's link to it).
NAMES_SHOWN = (
    (ClinicRole, "name", Onboarding.role_id),
    (User, "display_name", Onboarding.supervisor_id),
)


@event.listens_for(db.session, "before_flush")
def _bump(session: Session, flush_context: Any, instances: Any) -> None:
    changed = chain(session.new, session.deleted, _modified(session))
    for onboarding_id in sorted(_owners(changed)):
        onboarding = session.get(Onboarding, onboarding_id)
        if onboarding is not None and onboarding not in session.deleted:
            # An SQL expression, so two writers never both store the same next number.
            onboarding.revision = Onboarding.revision + 1
    for showing in _showing_changed_names(session):
        # Every plan showing the name at once, without loading them. Not synchronised with the
        # objects in the session: that would overwrite a revision bumped just above.
        bump = update(Onboarding).where(showing).values(revision=Onboarding.revision + 1)
        session.execute(bump.execution_options(synchronize_session=False))


def _showing_changed_names(session: Session) -> Iterator[ColumnElement[bool]]:
    """Which onboardings show a name this flush changes, or a supervisor it deletes (the
    database then empties ``supervisor_id`` itself, which no listener sees)."""
    for obj in session.dirty:
        for model, attribute, link in NAMES_SHOWN:
            if isinstance(obj, model) and inspect(obj).attrs[attribute].history.has_changes():
                yield link == obj.id
    for obj in session.deleted:
        if isinstance(obj, User):
            yield Onboarding.supervisor_id == obj.id


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
