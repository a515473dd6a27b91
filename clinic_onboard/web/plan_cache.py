"""The hire's plan ("My onboarding") rendered once per change and kept: its key, what moves the
key, what the plan may show, and the cache itself, all here.

A plan lists 60 to 150 items; rendering them costs several times the rest of the request, and a
hire comes back to the same page again and again between changes. So the rendered plan is kept
under a ``PlanKey`` that holds ``onboardings.revision``, and every flush that changes what the
plan shows moves that revision (``_bump``, registered by ``init_app``):

- the onboarding's own row and its parts (``PARTS``: tasks, duties, events);
- the columns it shows from other tables (``SHOWN_ELSEWHERE``): a changed value moves the
  revision of every onboarding that shows it.

``SHOWN_ELSEWHERE`` is also what the plan is rendered from (``plan_onboarding``): a column of
another table that is not declared there cannot be read while rendering (SQLAlchemy raises), so
a value shown from elsewhere cannot be forgotten by the invalidation. To show a new one: add it
to ``SHOWN_ELSEWHERE`` and to ``templates/my/_plan.html``.

An entry is never served after a change: its key simply stops being asked for, by every
worker and every instance alike, since each reads the revision from the database with the
person. Where entries are kept is ``web/render_cache.py``: in each process (bounded by
``PLAN_CACHE_BYTES``), or in Redis shared by all of them when ``PLAN_CACHE_URL`` is set.

Entries are kept as UTF-8, cut where the CSRF token goes, and the page around a plan is joined
to it as bytes: a plan of 150 items is about 180 kB of text, and encoding it and replacing its
tokens again on every visit cost a seventh of a repeat visit (bench/README.md).
"""

import secrets
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from itertools import chain
from typing import Any, NamedTuple

from flask import Flask, current_app, has_request_context, request
from flask_babel import get_locale
from markupsafe import Markup
from sqlalchemy import ColumnElement, event, inspect, select, update
from sqlalchemy.orm import (
    InstrumentedAttribute,
    Session,
    joinedload,
    load_only,
    raiseload,
    selectinload,
)
from sqlalchemy.orm.interfaces import LoaderOption

from clinic_onboard.extensions import db
from clinic_onboard.models import (
    ClinicRole,
    Membership,
    Onboarding,
    OnboardingDuty,
    OnboardingEvent,
    OnboardingStatus,
    OnboardingTask,
    User,
)
from clinic_onboard.web.render_cache import PlanStore, RenderCache, SharedRenderCache

EXTENSION = "clinic_onboard.plan_cache"
PLAN_PAGE = "my.index"
# Rows that belong to an onboarding: a change to any of them moves its revision.
PARTS = (OnboardingTask, OnboardingDuty, OnboardingEvent)
KEPT_STATE = frozenset({"state_event_id", "state_kind", "done_event_id"})
# Every column the plan shows from another table: the onboarding's link to the row, then the
# column. Rendering reads these and nothing else of those tables; a change moves the revision.
SHOWN_ELSEWHERE: tuple[tuple[InstrumentedAttribute[Any], InstrumentedAttribute[Any]], ...] = (
    (Onboarding.role, ClinicRole.name),
    (Onboarding.supervisor, User.display_name),
)
# What the key is read from; the user loader brings these with the person on the plan page.
KEY_COLUMNS = (
    Onboarding.clinic_id,
    Onboarding.kind,
    Onboarding.status,
    Onboarding.created_at,
    Onboarding.revision,
)
# Where a page rendered around cached HTML takes it (see ``in_page``); unique to the process.
SLOT = f"slot-{secrets.token_hex(16)}"


class PlanKey(NamedTuple):
    """What a rendered plan depends on: the onboarding's revision, the day (overdue, coming
    due), the language, and who looks (undo is theirs). SQLite may give a deleted onboarding's
    id to a new one, which starts at revision 0 again: the time it was made tells them apart."""

    onboarding_id: int
    created_at: datetime
    revision: int
    today: date
    language: str
    viewer: int


def init_app(app: Flask) -> None:
    """One cache per app, shared in Redis when configured; the revision listener once per
    process (the session class is shared by every app)."""
    config = app.config
    app.extensions[EXTENSION] = (
        SharedRenderCache(
            config["PLAN_CACHE_URL"],
            config["RATELIMIT_KEY_PREFIX"],
            config["PLAN_CACHE_SECONDS"],
            config["PLAN_CACHE_BYTES"],
        )
        if config["PLAN_CACHE_URL"]
        else RenderCache(config["PLAN_CACHE_BYTES"])
    )
    if not event.contains(db.session, "before_flush", _bump):
        event.listen(db.session, "before_flush", _bump)


def plan_cache() -> PlanStore:
    return current_app.extensions[EXTENSION]


# The key ----------------------------------------------------------------------------------------


def with_the_person() -> list[LoaderOption]:
    """Loader options for the user loader: on the plan page, each membership's onboardings
    come with the person (the key's columns only), so a repeat visit runs that one statement.
    No other page pays for the join."""
    if not has_request_context() or request.endpoint != PLAN_PAGE:
        return []
    onboardings = joinedload(User.memberships).joinedload(Membership.onboardings)
    return [onboardings.load_only(*KEY_COLUMNS)]


def plan_key(membership: Membership, today: date) -> PlanKey | None:
    """The key of the person's plan in this clinic (the active onboarding first, else the
    latest), read from the onboardings the user loader brought (``with_the_person``)."""
    mine = [
        o for o in membership.onboardings if o.clinic_id == membership.clinic_id and o.is_onboarding
    ]
    if not mine:
        return None
    onboarding = max(mine, key=lambda o: (o.status == OnboardingStatus.ACTIVE, o.id))
    return PlanKey(
        onboarding.id,
        onboarding.created_at,
        onboarding.revision,
        today,
        str(get_locale()),
        membership.user_id,
    )


def plan_onboarding(onboarding_id: int) -> Onboarding:
    """The onboarding to render, with its tasks and duties and, of other tables, only the
    columns in ``SHOWN_ELSEWHERE``: reading anything else of theirs raises. The user loader
    brought the onboarding with the key's columns; this query's row fills in the rest."""
    shown = [
        joinedload(link).options(load_only(column, raiseload=True), raiseload("*", sql_only=True))
        for link, column in SHOWN_ELSEWHERE
    ]
    query = (
        select(Onboarding)
        .where(Onboarding.id == onboarding_id)
        .options(selectinload(Onboarding.tasks), selectinload(Onboarding.duties), *shown)
        .options(raiseload("*", sql_only=True))
    )
    return db.session.scalars(query).one()


# What moves the revision ------------------------------------------------------------------------


def _bump(session: Session, flush_context: Any, instances: Any) -> None:
    """Before each flush: one more on the revision of every onboarding whose plan changes."""
    changed = chain(session.new, session.deleted, _modified(session))
    for onboarding_id in sorted(_owners(changed)):
        onboarding = session.get(Onboarding, onboarding_id)
        if onboarding is not None and onboarding not in session.deleted:
            # An SQL expression, so two writers never both store the same next number.
            onboarding.revision = Onboarding.revision + 1
    for showing in _showing_changed_values(session):
        # Every plan showing the value at once, without loading them. Not synchronised with the
        # objects in the session: that would overwrite a revision bumped just above.
        bump = update(Onboarding).where(showing).values(revision=Onboarding.revision + 1)
        session.execute(bump.execution_options(synchronize_session=False))


def _showing_changed_values(session: Session) -> Iterator[ColumnElement[bool]]:
    """Which onboardings show a value this flush changes, or a row it deletes (the database
    then empties the link itself, as for a deleted supervisor, which no listener sees)."""
    for link, column in SHOWN_ELSEWHERE:
        model, (foreign_key,) = link.property.mapper.class_, link.property.local_columns
        for obj in session.dirty:
            if isinstance(obj, model) and inspect(obj).attrs[column.key].history.has_changes():
                yield foreign_key == obj.id
        for obj in session.deleted:
            if isinstance(obj, model):
                yield foreign_key == obj.id


def _modified(session: Session) -> Iterable[object]:
    return (o for o in session.dirty if session.is_modified(o) and not _kept_state_only(o))


def _kept_state_only(obj: object) -> bool:
    """A task whose only change is its kept state (``operations.task_states``): that follows
    an event added in the same flush, which has moved the revision already."""
    if not isinstance(obj, OnboardingTask):
        return False
    changed = {attr.key for attr in inspect(obj).attrs if attr.history.has_changes()}
    return changed <= KEPT_STATE


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


def in_page(html: bytes, render_page: Callable[[Markup], str]) -> bytes:
    """The page ``render_page(slot)`` renders, as UTF-8, with ``html`` in the slot."""
    head, tail = render_page(Markup(SLOT)).encode().split(SLOT.encode())
    return b"".join((head, html, tail))
