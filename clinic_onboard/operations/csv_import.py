"""Importing hires from a CSV file of any size, as a job (services/job_queue.py): the request
checks that the file can be read (``start_import``), then each line is imported or refused on
its own, in batches the runner commits, so the progress page shows every line's outcome.

A refused line leaves nothing behind: each line is written inside a savepoint. A line whose
new hire may get a set-password link has it emailed by a follow-up job
(``operations.invitation_emails``) once the import is done, when email is set up.

A row whose email already has an account (not yet this clinic's) becomes an invitation the
person accepts or declines (``operations.clinic_invitations``), like the form's.

Columns: name, email, role (the clinic role's name or library template slug), start_date
(YYYY-MM-DD) and, optionally, supervisor_email and app_role (manager, supervisor or staff;
blank is staff). Spreadsheets in French locales save with
semicolons; both separators are read.
"""

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from clinic_onboard.catalog import Catalog
from clinic_onboard.extensions import db
from clinic_onboard.models import (
    AppRole,
    Clinic,
    ClinicInvitation,
    ClinicRole,
    Job,
    JobKind,
    LineOutcome,
    Membership,
    Onboarding,
    OnboardingStatus,
    User,
)
from clinic_onboard.operations import audit, invitation_emails, invitation_quota, invitations, jobs
from clinic_onboard.operations.accounts import normalize_email
from clinic_onboard.operations.clinic_invitations import HireDetails, add_hire
from clinic_onboard.operations.jobs import LineResult
from clinic_onboard.operations.onboarding import (
    OnboardingError,
    check_start_date,
)
from clinic_onboard.queries.staff import supervisor_memberships
from clinic_onboard.record.words import N_
from clinic_onboard.services import mail
from clinic_onboard.services.i18n import role_label
from clinic_onboard.services.library import catalog
from clinic_onboard.services.plain_text import one_line

COLUMNS = ("name", "email", "role", "start_date", "supervisor_email", "app_role")
REQUIRED = COLUMNS[:4]
HEADER_LINE = ",".join(COLUMNS)
# Lines imported between two commits: each commit shows on the progress page.
LINES_PER_BATCH = 50
NAME_MAX = 120
EMAIL_MAX = 254
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# Signatures of files people upload by mistake instead of a CSV.
BINARY_SIGNATURES = {
    b"PK\x03\x04": "an Excel workbook or another zip file",
    b"\xd0\xcf\x11\xe0": "an old Excel or Word file",
    b"%PDF": "a PDF",
}


@dataclass(frozen=True)
class HireRow:
    """One checked row, ready to become an onboarding."""

    line: int
    name: str
    email: str
    role: ClinicRole
    start_date: date
    supervisor: User | None
    app_role: AppRole = AppRole.STAFF


class CsvProblem(ValueError):
    """The file as a whole cannot be read (empty, binary, too large, wrong columns)."""


def max_bytes() -> int:
    return int(current_app.config["CSV_IMPORT_MAX_BYTES"])


def template_csv() -> str:
    """The header line, with a byte-order mark so spreadsheets open it as UTF-8."""
    return "\ufeff" + HEADER_LINE + "\r\n"


def decode(data: bytes) -> str:
    """The file's text; raises CsvProblem for anything that is not a UTF-8 text file."""
    if len(data) > max_bytes():
        raise CsvProblem(
            _(
                "The file is larger than %(size)s KB. Split it into smaller files.",
                size=max_bytes() // 1024,
            )
        )
    for signature, what in BINARY_SIGNATURES.items():
        if data.startswith(signature):
            raise _not_csv(_("This file is %(what)s, not a CSV file.", what=what))
    if b"\x00" in data:
        raise _not_csv(_("This file is not a CSV text file."))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise _not_csv(_("This file is not in UTF-8.")) from error


def _not_csv(problem: str) -> CsvProblem:
    """The problem, then how to save a spreadsheet as CSV. (A message marked inside an f-string
    is invisible to the catalog's extractor on Python 3.11, so it would stay English.)"""
    return CsvProblem(f"{problem} {_(SAVE_AS)}")


SAVE_AS = N_('In your spreadsheet, choose "Save as" and the format "CSV UTF-8".')


def start_import(clinic: Clinic, actor: User, text: str) -> Job:
    """Store the import as a queued job after checking the file as a whole (raises CsvProblem)
    and that the clinic may invite as many people (raises InvitationRefused). Flushes."""
    _columns_found, records = _parse(text)
    invitation_quota.check(clinic, len(records))
    return jobs.add_job(clinic, actor, JobKind.IMPORT_HIRES, {"text": text}, len(records))


def run_import(job: Job) -> Iterator[None]:
    """Import the job's lines, yielding after each batch for the runner to commit."""
    clinic = db.session.get_one(Clinic, job.clinic_id)
    actor = db.session.get_one(User, job.started_by_id)
    columns, records = _parse(job.payload["text"])
    importer = _Importer(job, clinic, actor, columns)
    for start in range(0, len(records), LINES_PER_BATCH):
        results = [
            importer.import_line(*record) for record in records[start : start + LINES_PER_BATCH]
        ]
        jobs.add_lines(job, results)
        yield
    after = {"count": len(importer.added), "emails": importer.added}
    # No one to name: the log counts the hires from ``after`` in the viewer's language.
    audit.record(clinic.id, actor, "onboarding.import", "", None, after)
    if importer.waiting:
        job.follow_up_id = invitation_emails.add_sending(clinic, actor, importer.waiting).id


class _Importer:
    """Imports one line at a time against the clinic's roles and hires, loaded once."""

    def __init__(self, job: Job, clinic: Clinic, actor: User, columns: list[str]) -> None:
        self.job, self.clinic, self.actor, self.columns = job, clinic, actor, columns
        self.checker = _RowChecker(clinic)
        self.catalog = catalog()
        self.added: list[str] = []  # the emails imported or invited, for the audit log
        # (membership id, role name) of the new hires to email a set-password link, if email
        # is set up (without it the manager makes each link from the hire's page).
        self.emailing = mail.mail_configured()
        self.waiting: list[tuple[int, str]] = []

    def import_line(self, line: int, values: list[str]) -> LineResult:
        if len(values) != len(self.columns):
            where = self.columns.index("email")
            label = values[where] if where < len(values) else ""
            return _refused(line, label, [_wrong_count(len(values), len(self.columns))])
        found = dict(zip(self.columns, values, strict=True))
        row, problems = self.checker.check(line, found)
        if row is None or problems:
            return _refused(line, found.get("email", ""), problems)
        try:
            with db.session.begin_nested():  # a refused line leaves nothing behind
                added = _add(self.clinic, self.actor, row, self.catalog)
        except (OnboardingError, invitation_quota.InvitationRefused) as error:
            return _refused(line, row.email, [str(error)])
        except IntegrityError:  # the same person added meanwhile (another import, a manager)
            return _refused(line, row.email, [_("was added by someone else at the same time")])
        self.added.append(row.email)
        if isinstance(added, ClinicInvitation):
            return LineResult(line, LineOutcome.INVITED, row.email)
        if self.emailing and invitations.may_issue_link(added.membership.user, self.clinic.id):
            self.waiting.append((added.membership_id, row.role.name))
        return LineResult(line, LineOutcome.IMPORTED, row.email, onboarding_id=added.id)


def _refused(line: int, label: str, problems: list[str]) -> LineResult:
    return LineResult(line, LineOutcome.REFUSED, label, "; ".join(problems))


def _add(
    clinic: Clinic, actor: User, row: HireRow, catalog: Catalog | None
) -> Onboarding | ClinicInvitation:
    details = HireDetails(
        row.name, row.email, row.role, row.start_date, row.supervisor, row.app_role
    )
    return add_hire(clinic, actor, details, catalog)


def _wrong_count(values: int, columns: int) -> str:
    return _(
        "has %(values)s values but the header has %(columns)s columns; "
        "check for a missing or extra comma",
        values=values,
        columns=columns,
    )


def _parse(text: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header's columns and (line number, stripped values) for each non-blank row."""
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise CsvProblem(
            _("The file is empty. The first line must be: %(header)s", header=HEADER_LINE)
        )
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=True)
    records = []
    try:
        columns = _columns(next(reader))
        line = reader.line_num
        for values in reader:
            start, line = line + 1, reader.line_num
            if any(value.strip() for value in values):
                # A quoted value may hold a line break; names must not (they reach emails).
                records.append((start, [one_line(value).strip() for value in values]))
    except csv.Error as error:
        problem = _("the file could not be read (%(error)s).", error=error)
        raise CsvProblem(_line(reader.line_num, problem)) from error
    if not records:
        raise CsvProblem(_("The file has a header line but no hires under it."))
    return columns, records


def _delimiter(text: str) -> str:
    header = text.split("\n", 1)[0]
    return ";" if header.count(";") > header.count(",") else ","


def _columns(header: list[str]) -> list[str]:
    columns = [name.strip().lower().replace(" ", "_") for name in header]
    missing = [name for name in REQUIRED if name not in columns]
    unknown = [name or "(blank)" for name in columns if name not in COLUMNS]
    repeated = sorted({name for name in columns if name and columns.count(name) > 1})
    problems = [
        _listing(what, names)
        for what, names in (("missing", missing), ("unknown", unknown), ("repeated", repeated))
        if names
    ]
    if problems:
        found = _(" and ").join(problems)
        raise CsvProblem(
            _(
                "Line 1: the header has %(problems)s. The first line must be: %(header)s",
                problems=found,
                header=HEADER_LINE,
            )
        )
    return columns


def _listing(what: str, names: list[str]) -> str:
    """ "missing columns email, role": one call per wording, so each can be translated."""
    n, joined = len(names), ", ".join(names)
    if what == "missing":
        return ngettext("missing column %(names)s", "missing columns %(names)s", n, names=joined)
    if what == "unknown":
        return ngettext("unknown column %(names)s", "unknown columns %(names)s", n, names=joined)
    return ngettext("repeated column %(names)s", "repeated columns %(names)s", n, names=joined)


def _line(number: int, problem: str) -> str:
    """ "Line 4: email is empty", as the import page lists problems."""
    return _("Line %(line)s: %(problem)s", line=number, problem=problem)


class _RowChecker:
    """Checks rows against this clinic's roles, supervisors and hires (loaded once)."""

    def __init__(self, clinic: Clinic) -> None:
        roles = db.session.scalars(
            select(ClinicRole).where(
                ClinicRole.clinic_id == clinic.id, ClinicRole.archived_at.is_(None)
            )
        )
        self.roles = list(roles)
        self.supervisors = _supervisors(clinic)
        self.onboarding_now = _emails_with_open_onboarding(clinic)
        self.seen: dict[str, int] = {}

    def check(self, line: int, values: dict[str, str]) -> tuple[HireRow | None, list[str]]:
        problems: list[str] = []
        name = self._name(values.get("name", ""), problems)
        email = self._email(line, values.get("email", ""), problems)
        role = self._role(values.get("role", ""), problems)
        start = _start_date(values.get("start_date", ""), problems)
        supervisor = self._supervisor(values.get("supervisor_email", ""), email, problems)
        app_role = _app_role(values.get("app_role", ""), problems)
        if problems or role is None or start is None or not email or app_role is None:
            return None, problems
        return HireRow(line, name, email, role, start, supervisor, app_role), problems

    def _name(self, name: str, problems: list[str]) -> str:
        if not name:
            problems.append(_("name is empty"))
        elif len(name) > NAME_MAX:
            problems.append(_("name is longer than %(max)s characters", max=NAME_MAX))
        return name

    def _email(self, line: int, raw: str, problems: list[str]) -> str:
        if not raw:
            problems.append(_("email is empty"))
            return ""
        if len(raw) > EMAIL_MAX or not _valid_email(raw):
            problems.append(_("email '%(raw)s' is not a valid email address", raw=raw))
            return ""
        email = normalize_email(raw)
        if email in self.seen:
            seen = self.seen[email]
            problems.append(_("email '%(raw)s' is already on line %(line)s", raw=raw, line=seen))
        else:
            self.seen[email] = line
        if email in self.onboarding_now:
            problems.append(
                _("%(email)s already has an onboarding in progress in this clinic", email=email)
            )
        return email

    def _role(self, raw: str, problems: list[str]) -> ClinicRole | None:
        if not raw:
            problems.append(_("role is empty"))
            return None
        wanted = raw.strip().casefold()
        by_name = [r for r in self.roles if r.name.casefold() == wanted]
        by_template = [r for r in self.roles if r.template.casefold() == wanted]
        matches = by_name or by_template
        if len(matches) == 1:
            return matches[0]
        if matches:
            problems.append(
                _("role '%(raw)s' matches several roles here; use the role's name", raw=raw)
            )
        else:
            known = ", ".join(r.name for r in sorted(self.roles, key=lambda r: r.name)) or "none"
            problems.append(
                _(
                    "role '%(raw)s' is not a role of this clinic (roles: %(known)s)",
                    raw=raw,
                    known=known,
                )
            )
        return None

    def _supervisor(self, raw: str, hire_email: str, problems: list[str]) -> User | None:
        if not raw:
            return None
        user = self.supervisors.get(normalize_email(raw))
        if user is None:
            problems.append(
                _(
                    "supervisor_email '%(raw)s' is not a supervisor or manager of this clinic",
                    raw=raw,
                )
            )
        elif hire_email and user.email == hire_email:
            problems.append(_("a hire cannot be their own supervisor"))
        return user


def _app_role(raw: str, problems: list[str]) -> AppRole | None:
    """Blank is staff; the role's code or its name in the reader's language is understood."""
    wanted = raw.strip().casefold()
    if not wanted:
        return AppRole.STAFF
    for role in AppRole:
        if wanted in {role.value, role_label(role).casefold()}:
            return role
    problems.append(_("app_role '%(raw)s' is not manager, supervisor or staff", raw=raw))
    return None


def _valid_email(raw: str) -> bool:
    try:
        validate_email(raw, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


def _start_date(raw: str, problems: list[str]) -> date | None:
    if not raw:
        problems.append(_("start_date is empty"))
        return None
    try:
        start = date.fromisoformat(raw) if ISO_DATE.fullmatch(raw) else None
    except ValueError:
        start = None
    if start is None:
        problems.append(
            _("start_date '%(raw)s' is not a date (use YYYY-MM-DD, like 2026-09-08)", raw=raw)
        )
    elif problem := check_start_date(start):
        problems.append(_("start_date '%(raw)s': %(problem)s", raw=raw, problem=problem))
        return None
    return start


def _supervisors(clinic: Clinic) -> dict[str, User]:
    return {m.user.email: m.user for m in supervisor_memberships(clinic.id)}


def _emails_with_open_onboarding(clinic: Clinic) -> set[str]:
    query = (
        select(User.email)
        .join(Membership, Membership.user_id == User.id)
        .join(Onboarding, Onboarding.membership_id == Membership.id)
        .where(Onboarding.clinic_id == clinic.id, Onboarding.status == OnboardingStatus.ACTIVE)
    )
    return set(db.session.scalars(query))
