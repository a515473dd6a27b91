"""The audit log as the viewer reads it: each stored event put into words at display time.

Events keep codes and raw values (``role.switch_off``, ``{"switched_off": true}``) so the log
reads in whichever language the viewer uses, including events recorded before the clinic or the
person changed language. Names of people, roles and a clinic's own items are data and are shown
as typed; an action or field this module does not know is shown as its code, never an error.
"""

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from babel.dates import get_day_names
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from clinic_onboard.catalog import Catalog, render
from clinic_onboard.models import AuditEvent, Clinic
from clinic_onboard.operations.leaving import REASONS
from clinic_onboard.services.i18n import LOCALES, ROLE_LABELS, interface_language, moment
from clinic_onboard.web.role_forms import LABELS as ITEM_LABELS

ACTIONS = {
    "clinic.create": _l("Clinic created"),
    "clinic.confirm": _l("Email address confirmed"),
    "clinic.update_profile": _l("Clinic profile changed"),
    "clinic.require_two_factor": _l("Two-factor requirement changed"),
    "clinic.update_hours": _l("Time zone or open days changed"),
    "member.add": _l("Member added"),
    "member.leave": _l("Marked as having left"),
    "member.return": _l("Back in the clinic"),
    "onboarding.left": _l("Onboarding closed: the person left"),
    "role.archive": _l("Role archived"),
    "role.restore": _l("Role offered for new hires again"),
    "role.delete": _l("Role deleted"),
    "member.role": _l("Role in the clinic changed"),
    "hire.rename": _l("Hire's name corrected"),
    "hire.email": _l("Hire's email corrected"),
    "hire.supervisor": _l("Hire's supervisor changed"),
    "hire.start_date": _l("Hire's start date changed"),
    "hire.language": _l("Language of the hire's plan changed"),
    "hire.role": _l("Hire's role changed"),
    "hire.delete": _l("Hire added by mistake deleted"),
    "user.set_password": _l("Password set"),
    "invitation.issue": _l("Set-password link made"),
    "invitation.email": _l("Set-password link emailed"),
    "clinic_invitation.send": _l("Invitation sent to an existing account"),
    "clinic_invitation.accept": _l("Invitation accepted"),
    "clinic_invitation.decline": _l("Invitation declined"),
    "clinic_invitation.withdraw": _l("Invitation withdrawn"),
    "account.end_sessions": _l("Signed out on every device"),
    "account.two_factor_on": _l("Two-factor sign-in turned on"),
    "account.two_factor_off": _l("Two-factor sign-in turned off"),
    "account.two_factor_reset": _l("Two-factor sign-in reset"),
    "role.add": _l("Role added"),
    "role.rename": _l("Role renamed"),
    "role.switch_off": _l("Item switched off for the role"),
    "role.switch_on": _l("Item switched back on for the role"),
    "role.add_custom_item": _l("Clinic item added to the role"),
    "role.remove_custom_item": _l("Clinic item removed from the role"),
    "policy_document.upload": _l("Clinic document attached to an acknowledgement"),
    "onboarding.start": _l("Onboarding started"),
    "onboarding.import": _l("Hires imported from a CSV file"),
    "onboarding.signed_off": _l("Item signed off"),
    "onboarding.needs_practice": _l("Item needs practice"),
    "onboarding.final_signoff": _l("Final sign-off given"),
    "onboarding.void": _l("Record entry voided"),
    "record.issued": _l("Record PDF issued"),
    "onboarding.apply_differences": _l("Plan brought up to date"),
    "onboarding.task_add": _l("Item added to the plan"),
    "onboarding.task_reinstate": _l("Item put back in the plan"),
    "onboarding.task_withdraw": _l("Item withdrawn from the plan"),
    "onboarding.task_update": _l("Plan item updated"),
    "onboarding.duty_add": _l("Duty added to the plan"),
    "onboarding.duty_remove": _l("Duty removed from the plan"),
    "onboarding.duty_update": _l("Plan duty updated"),
    "log.settings": _l("Duty days, hours or public health number changed"),
    "log.add_unit": _l("Unit named for a clinic log"),
    "log.void": _l("Clinic log entry voided"),
    "log.close_incident": _l("Clinic log incident closed"),
}
FIELDS = {
    "name": _l("Name"),
    "province": _l("Province or territory"),
    "setting": _l("Type of clinic"),
    "emr": _l("EMR product"),
    "options": _l("On site"),
    "language": _l("Language"),
    "require_two_factor": _l("Two-factor required"),
    "time_zone": _l("Time zone"),
    "open_weekdays": _l("Open days (0 = Monday)"),
    "open_holidays": _l("Holidays open anyway"),
    "by_operator": _l("Confirmed by the site's operator"),
    "two_factor": _l("Two-factor sign-in"),
    "password_set": _l("Password set"),
    "email": _l("Email"),
    "emails": _l("Emails"),
    "renewed": _l("Earlier links cancelled"),
    "expires_at": _l("Expires"),
    "delivery": _l("Email delivery"),
    "role": _l("Role"),
    "app_role": _l("Role in this clinic"),
    "items_moved": _l("Open items re-dated"),
    "role_id": _l("Role number"),
    "role_name": _l("Role"),
    "template": _l("Role template"),
    "role_template": _l("Role template"),
    "new_account": _l("New account"),
    "start_date": _l("Start date"),
    "supervisor": _l("Supervisor"),
    "catalog_version": _l("Content library"),
    "tasks": _l("Items"),
    "duties": _l("Duties"),
    "count": _l("Hires"),
    "task": _l("Item"),
    "item_id": _l("Item"),
    "switched_off": _l("Switched off"),
    "reason": _l("Reason"),
    "status": _l("Status"),
    "voids": _l("Voided entry"),
    "title": _l("Title"),
    "guidance": _l("What to do"),
    "kind": _l("Kind"),
    "phase": _l("When it is due"),
    "signoff": _l("Sign-off"),
    "frequency": _l("How often"),
    "module_title": _l("Module"),
    "due_date": _l("Due"),
    "basis": _l("Due date basis"),
    "references": _l("References"),
    "validity_months": _l("Valid for (months)"),
    "renews": _l("Renews"),
    "withdrawn_at": _l("Withdrawn on"),
    "left_on": _l("Last day"),
    "archived": _l("Archived"),
    "log": _l("Log"),
    "weekly_weekday": _l("Weekly duties fall on"),
    "monthly_day": _l("Monthly duties fall on day"),
    "opens_at": _l("The clinic opens at"),
    "closes_at": _l("The clinic closes at"),
    "public_health_phone": _l("Phone number of the local public health unit"),
    "day": _l("Day"),
    "action": _l("What was done"),
    "version": _l("Version"),
    "sha256": _l("SHA-256"),
    "file_name": _l("File"),
    "asked_again": _l("Asked to sign again"),
}
LANGUAGE_NAMES = {"en": _l("English"), "fr": _l("French")}
DELIVERIES = {
    "sent": _l("Sent"),
    "not_configured": _l("Not sent: email is not set up"),
    "failed": _l("Not sent: the mail server refused it"),
}
STATUSES = {
    "completed": _l("Completed"),
    "active": _l("In progress"),
    "left": _l("Left the clinic"),
    "pending": _l("Invitation pending"),
    "declined": _l("Declined"),
}


@dataclass(frozen=True)
class Entry:
    """One row of the audit log page."""

    action: str  # the code, kept for the page's markup
    when: str
    who: str
    what: str
    subject: str
    before: tuple[tuple[str, str], ...]
    after: tuple[tuple[str, str], ...]


def entries(events: list[AuditEvent], clinic: Clinic, catalog: Catalog) -> list[Entry]:
    """The events in the viewer's language; library names follow the viewer, not the clinic."""
    values = _Values(catalog, clinic.province, interface_language())
    return [_entry(event, values) for event in events]


def _entry(event: AuditEvent, values: "_Values") -> Entry:
    return Entry(
        action=event.action,
        when=moment(event.created_at),
        who=event.actor.display_name if event.actor else _("System"),
        what=str(ACTIONS.get(event.action, event.action)),
        subject=_subject(event),
        before=tuple(values.pairs(event.before)),
        after=tuple(values.pairs(event.after)),
    )


def _subject(event: AuditEvent) -> str:
    """The stored name; an import names no one, so it is counted (older rows said "3 hires")."""
    count = (event.after or {}).get("count")
    if event.action == "onboarding.import" and isinstance(count, int):
        return ngettext("%(num)d hire", "%(num)d hires", count)
    return event.subject


class _Values:
    """Field names and values in one language, library names from the catalog."""

    def __init__(self, catalog: Catalog, province: str, lang: str) -> None:
        self.catalog, self.province, self.lang = catalog, province, lang
        named = self._named
        self.by_field: dict[str, Callable[[Any], str]] = {
            "province": named(catalog.jurisdictions),
            "setting": named(catalog.settings),
            "emr": named(catalog.emr_products),
            "options": named(catalog.options),
            "template": named(catalog.roles),
            "role_template": named(catalog.roles),
            "language": _labelled(LANGUAGE_NAMES),
            "delivery": _labelled(DELIVERIES),
            "status": _labelled(STATUSES),
            "reason": _labelled(REASONS),  # why someone left; a free-text reason passes as typed
            "role": _labelled(ROLE_LABELS),  # an app role; a role's own name passes unchanged
            "app_role": _labelled(ROLE_LABELS),
            "task": self._entry_title,
            "item_id": self._entry_title,
            "switched_off": self._entry_title,
            "expires_at": _moment,
            "withdrawn_at": _moment,
            "log": self._log_title,
            "weekly_weekday": self._weekday,
            **{name: _labelled(labels) for name, labels in ITEM_LABELS.items()},
        }

    def pairs(self, data: Mapping[str, Any] | None) -> Iterator[tuple[str, str]]:
        """(field, value) in words; a nested record (a plan's profile) is spread out."""
        for key, value in (data or {}).items():
            if isinstance(value, Mapping):
                yield from self.pairs(value)
            else:
                yield str(FIELDS.get(key, key)), self.value(key, value)

    def value(self, key: str, value: Any) -> str:
        if isinstance(value, list):
            return ", ".join(self.value(key, each) for each in value) or "—"
        if isinstance(value, bool):
            return _("Yes") if value else _("No")
        if value is None or value == "":
            return "—"
        if isinstance(value, str | int) and key in self.by_field:
            return self.by_field[key](value)
        return str(value)

    def _named(self, known: Mapping[str, Any]) -> Callable[[str], str]:
        def name(slug: str) -> str:
            found = known.get(slug)
            return found.name.get(self.lang) if found is not None else slug

        return name

    def _entry_title(self, item_id: str) -> str:
        """A library item's or duty's title; a clinic's own item (or a retired one) by its id."""
        title = self.catalog.title_of(item_id)
        jurisdiction = self.catalog.jurisdictions.get(self.province)
        if title is None or jurisdiction is None:
            return item_id
        return render(title, jurisdiction, self.lang)

    def _log_title(self, log_id: str) -> str:
        """A clinic log's title; a log the library no longer has, by its id."""
        log = next((log for log in self.catalog.logs if log.id == log_id), None)
        jurisdiction = self.catalog.jurisdictions.get(self.province)
        if log is None or jurisdiction is None:
            return log_id
        return render(log.title, jurisdiction, self.lang)

    def _weekday(self, number: int) -> str:
        """A weekday by name in the viewer's language (0 is Monday, as the settings store it)."""
        days = get_day_names("wide", locale=LOCALES[self.lang])
        return days[number].capitalize() if number in days else str(number)


def _labelled(labels: Mapping[str, Any]) -> Callable[[str], str]:
    return lambda code: str(labels.get(code, code))


def _moment(text: str) -> str:
    try:
        return moment(datetime.fromisoformat(text))
    except ValueError:
        return text
