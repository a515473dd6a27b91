"""Saving one change to an onboarding's record from a view: commit once, or explain why not."""

from collections.abc import Callable
from functools import partial

from flask import flash
from flask_babel import gettext

from clinic_onboard.extensions import db
from clinic_onboard.operations.progress import CONFLICT_MESSAGE, ProgressRefused
from clinic_onboard.operations.record import RecordConflict


def save(
    change: Callable[[], object],
    success: str | Callable[[], str],
    refused: Callable[[str], object] | None = None,
) -> bool:
    """Run ``change`` (an operation that flushes), commit, and flash the outcome; a refusal
    goes to ``refused`` when given (a form field's errors), else to a flash message.

    ``success`` may be a callable, for a message that tells what the change did."""
    try:
        change()
    except RecordConflict:
        db.session.rollback()
        flash(gettext(CONFLICT_MESSAGE), "error")
        return False
    except ProgressRefused as refusal:
        db.session.rollback()
        (refused or partial(flash, category="error"))(str(refusal))
        return False
    db.session.commit()
    flash(success() if callable(success) else success, "success")
    return True
