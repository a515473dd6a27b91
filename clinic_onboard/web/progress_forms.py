"""Form shapes for the hire's page and for sign-offs: types, lengths and choices only."""

from collections.abc import Mapping

from flask import g
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    HiddenField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from clinic_onboard.operations.progress import SignoffChoice
from clinic_onboard.record.credentials import ISSUED_LATER, date_problems
from clinic_onboard.record.states import SIGNOFF_METHODS, SIGNOFF_OUTCOMES, SignoffForm
from clinic_onboard.record.words import METHOD_WORDS, OUTCOME_WORDS
from clinic_onboard.web.forms import Form, within_date_bounds
from clinic_onboard.web.staff_forms import IsoDateField

try:  # wtforms 3.3 deprecates (value, label) tuples in favour of SelectChoice.
    from wtforms.fields.choices import SelectChoice as _Choice
except ImportError:  # pragma: no cover - wtforms < 3.3

    def _Choice(value: str, label: str) -> tuple[str, str]:  # type: ignore[misc]
        return (value, label)


METHODS = {method: _l(word) for method, word in METHOD_WORDS.items()}
OUTCOMES = {outcome: _l(word) for outcome, word in OUTCOME_WORDS.items()}


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
    # The SHA-256 of the clinic's document version shown on the page: the one signed.
    document_sha256 = HiddenField(validators=[Optional(), Length(max=64)])


class CredentialForm(Form):
    issuer = StringField(_l("Issued by"), validators=[DataRequired(), Length(max=200)])
    number = StringField(_l("Certificate or licence number"), validators=[Length(max=100)])
    # An unreadable date says how to write one, not "This field is required."
    issued_on = IsoDateField(
        _l("Issue date"),
        validators=[InputRequired(message=_l("Enter the issue date.")), within_date_bounds],
    )
    expires_on = IsoDateField(_l("Expiry date"), validators=[Optional(), within_date_bounds])
    file = FileField(_l("Copy of the certificate (optional)"))

    def validate_issued_on(self, field: IsoDateField) -> None:
        if field.data and field.data > g.membership.clinic.today():
            raise ValidationError(_(ISSUED_LATER))

    def validate_expires_on(self, field: IsoDateField) -> None:
        if field.data and self.issued_on.data:
            problems = date_problems(self.issued_on.data, field.data, g.membership.clinic.today())
            problems = [p for p in problems if p != ISSUED_LATER]
            if problems:
                raise ValidationError(" ".join(_(problem) for problem in problems))


class PasswordForm(Form):
    password = PasswordField(
        _l("Your password, to confirm it is you"), validators=[DataRequired(), Length(max=128)]
    )


class SignOffForm(PasswordForm):
    """One item's sign-off; ``use_form`` sets the methods and outcomes of the item's kind."""

    method = SelectField(_l("How you verified it"), choices=[], validators=[Optional()])
    outcome = SelectField(_l("Outcome"), choices=[], validators=[DataRequired()])
    comment = TextAreaField(_l("Comment"), validators=[Length(max=1000)])

    def use_form(self, signoff_form: SignoffForm) -> "SignOffForm":
        self.method.choices = _choices(method_labels(signoff_form))
        self.outcome.choices = _choices(outcome_labels(signoff_form))
        if signoff_form is SignoffForm.DOCUMENT:
            self.method.label.text = _("What you saw")
            self.comment.label.text = _("Comment, or the reason for a rejection")
        return self

    def validate_method(self, field: SelectField) -> None:
        if self.method.choices and not field.data:
            raise ValidationError(_("Choose how you verified it."))

    def validate_comment(self, field: TextAreaField) -> None:
        if not (field.data or "").strip():
            message = _missing_reason(self.outcome.data)
            if message:
                raise ValidationError(message)


def method_labels(signoff_form: SignoffForm) -> dict[str, str]:
    return {method: METHODS[method] for method in SIGNOFF_METHODS[signoff_form]}


def outcome_labels(signoff_form: SignoffForm) -> dict[str, str]:
    return {outcome: OUTCOMES[outcome] for outcome in SIGNOFF_OUTCOMES[signoff_form]}


def _missing_reason(outcome: str | None) -> str | None:
    """What to say when an outcome that sends the item back comes without its comment."""
    if outcome == "needs_practice":
        return _("Say what the person should practise.")
    if outcome == "rejected":
        return _("Say why the document is rejected, so the hire can put it right.")
    return None


class BatchSignOffForm(PasswordForm):
    """Several waiting items signed with one password: one method (and one way of seeing the
    documents) and comment for all, each item's own outcome, method or comment where it
    differs (``item_choices`` reads those)."""

    tasks = SelectMultipleField(
        _l("Items to sign"),
        coerce=int,
        validate_choice=False,
        validators=[DataRequired(message=_l("Select at least one item to sign."))],
    )
    method = SelectField(
        _l("How you verified the competencies"),
        choices=_choices(method_labels(SignoffForm.COMPETENCY)),
        default=SIGNOFF_METHODS[SignoffForm.COMPETENCY][0],
        validators=[DataRequired()],
    )
    seen = SelectField(
        _l("What you saw of the credentials and documents"),
        choices=_choices(method_labels(SignoffForm.DOCUMENT)),
        default=SIGNOFF_METHODS[SignoffForm.DOCUMENT][0],
        validators=[DataRequired()],
    )
    comment = TextAreaField(_l("Comment for every item (optional)"), validators=[Length(max=1000)])

    def validate_tasks(self, field: SelectMultipleField) -> None:
        # An id no database row can have (SQLite stops at 2**63) is not an item of the list.
        if any(not 0 < task_id < 2**63 for task_id in field.data):
            raise ValidationError(_("Select the items from the list."))


class FinalSignOffForm(BatchSignOffForm):
    """The manager's final sign-off, with the items still waiting for them signed first."""

    tasks = SelectMultipleField(
        _l("Items to sign"), coerce=int, validate_choice=False, validators=[Optional()]
    )


def item_choices(
    form: BatchSignOffForm, data: Mapping[str, str], forms: Mapping[int, tuple[str, SignoffForm]]
) -> tuple[dict[int, SignoffChoice], list[str]]:
    """Each selected item's choice: its own fields (``outcome-<id>``...) over the batch's.

    ``forms`` gives each waiting item's title and sign-off form (an item no longer waiting is
    signed as a competency and named by the batch as skipped). Returns the choices and a
    message per item whose answers do not fit."""
    choices: dict[int, SignoffChoice] = {}
    problems: list[str] = []
    for task_id in form.tasks.data:
        title, signoff_form = forms.get(task_id, (str(task_id), SignoffForm.COMPETENCY))
        choice = _item_choice(form, data, task_id, signoff_form)
        missing = None if choice.comment else _missing_reason(choice.outcome)
        fits = choice.outcome in SIGNOFF_OUTCOMES[signoff_form] and len(choice.comment) <= 1000
        if not fits or choice.method not in (SIGNOFF_METHODS[signoff_form] or ("",)):
            problems.append(_("“%(item)s”: choose from the options given.", item=title))
        elif missing:
            problems.append(f"“{title}”: {missing}")
        else:
            choices[task_id] = choice
    return choices, problems


def _item_choice(
    form: BatchSignOffForm, data: Mapping[str, str], task_id: int, signoff_form: SignoffForm
) -> SignoffChoice:
    batch_method = {SignoffForm.COMPETENCY: form.method.data, SignoffForm.DOCUMENT: form.seen.data}
    method = data.get(f"method-{task_id}") or batch_method.get(signoff_form, "")
    outcome = data.get(f"outcome-{task_id}") or next(iter(SIGNOFF_OUTCOMES[signoff_form]))
    comment = (data.get(f"comment-{task_id}") or form.comment.data or "").strip()
    return SignoffChoice(method, outcome, comment)


class VoidForm(Form):
    reason = StringField(
        _l("Reason for the correction"), validators=[DataRequired(), Length(max=500)]
    )
