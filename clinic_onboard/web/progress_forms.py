"""Form shapes for the hire's page and for sign-offs: types, lengths and choices only."""

from collections.abc import Mapping

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    DateField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from clinic_onboard.operations.progress import SignoffChoice
from clinic_onboard.record.states import EventKind
from clinic_onboard.record.words import EVENT_WORDS, METHOD_WORDS
from clinic_onboard.web.forms import Form, within_date_bounds

try:  # wtforms 3.3 deprecates (value, label) tuples in favour of SelectChoice.
    from wtforms.fields.choices import SelectChoice as _Choice
except ImportError:  # pragma: no cover - wtforms < 3.3

    def _Choice(value: str, label: str) -> tuple[str, str]:  # type: ignore[misc]
        return (value, label)


METHODS = {method: _l(word) for method, word in METHOD_WORDS.items()}
OUTCOMES = {
    "competent": _l("Competent"),
    EventKind.NEEDS_PRACTICE.value: _l(EVENT_WORDS[EventKind.NEEDS_PRACTICE]),
}


def _choices(labels: dict[str, str]) -> list:
    return [_Choice(value, label) for value, label in labels.items()]


class ActionForm(Form):
    """A button with nothing to fill in (CSRF only)."""


class NoteForm(Form):
    note = TextAreaField(_l("Note (optional)"), validators=[Optional(), Length(max=1000)])


class AcknowledgeForm(Form):
    typed_name = StringField(
        _l("Type your full name to sign"), validators=[DataRequired(), Length(max=120)]
    )


class CredentialForm(Form):
    issuer = StringField(_l("Issued by"), validators=[DataRequired(), Length(max=200)])
    number = StringField(_l("Certificate or licence number"), validators=[Length(max=100)])
    issued_on = DateField(_l("Issue date"), validators=[DataRequired(), within_date_bounds])
    expires_on = DateField(_l("Expiry date"), validators=[Optional(), within_date_bounds])
    file = FileField(_l("Copy of the certificate (optional)"))

    def validate_expires_on(self, field: DateField) -> None:
        if field.data and self.issued_on.data and field.data <= self.issued_on.data:
            raise ValidationError(_("The expiry date must be after the issue date."))


class PasswordForm(Form):
    password = PasswordField(
        _l("Your password, to confirm it is you"), validators=[DataRequired(), Length(max=128)]
    )


class SignOffForm(PasswordForm):
    method = SelectField(
        _l("How you verified it"), choices=_choices(METHODS), validators=[DataRequired()]
    )
    outcome = SelectField(_l("Outcome"), choices=_choices(OUTCOMES), validators=[DataRequired()])
    comment = TextAreaField(_l("Comment"), validators=[Length(max=1000)])

    def validate_comment(self, field: TextAreaField) -> None:
        if self.outcome.data == EventKind.NEEDS_PRACTICE and not (field.data or "").strip():
            raise ValidationError(_("Say what the person should practise."))


class BatchSignOffForm(PasswordForm):
    """Several waiting items signed with one password: one method and comment for all, each
    item's own outcome, method or comment where it differs (``item_choices`` reads those)."""

    tasks = SelectMultipleField(
        _l("Items to sign"),
        coerce=int,
        validate_choice=False,
        validators=[DataRequired(message=_l("Select at least one item to sign."))],
    )
    method = SelectField(
        _l("How you verified them"), choices=_choices(METHODS), validators=[DataRequired()]
    )
    comment = TextAreaField(_l("Comment for every item (optional)"), validators=[Length(max=1000)])


def item_choices(
    form: BatchSignOffForm, data: Mapping[str, str], titles: Mapping[int, str]
) -> tuple[dict[int, SignoffChoice], list[str]]:
    """Each selected item's choice: its own fields (``outcome-<id>``...) over the batch's.

    Returns the choices and a message per item whose answers do not fit (an unknown method,
    needs practice without saying what to practise)."""
    choices: dict[int, SignoffChoice] = {}
    problems: list[str] = []
    for task_id in form.tasks.data:
        title = titles.get(task_id, str(task_id))
        method = data.get(f"method-{task_id}") or form.method.data
        outcome = data.get(f"outcome-{task_id}") or "competent"
        comment = (data.get(f"comment-{task_id}") or form.comment.data or "").strip()
        if method not in METHODS or outcome not in OUTCOMES or len(comment) > 1000:
            problems.append(_("“%(item)s”: choose from the options given.", item=title))
        elif outcome == EventKind.NEEDS_PRACTICE and not comment:
            problems.append(_("“%(item)s”: say what the person should practise.", item=title))
        else:
            choices[task_id] = SignoffChoice(method, outcome, comment)
    return choices, problems


class VoidForm(Form):
    reason = StringField(
        _l("Reason for the correction"), validators=[DataRequired(), Length(max=500)]
    )
