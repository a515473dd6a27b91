"""Day-grid paper forms: one builder for every sheet a clinic keeps in a binder.

``day_grid`` lays rows (duties, or days) against columns (days, weeks, or a reading's fields) as
a ruled write-in table; the documents below use it for a log's blank sheet for a week or a month
(period, unit, ranges printed), a log's filled month for an inspection (every reading, who and
when, voided entries shown as voided, the incidents and what was done, the gaps), and a role's
blank duty checklist for a period (a column per open day, a column per week for weekly duties).

Pure, like ``document``: plain data in, a ``Document`` out; every date and moment is passed in.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from clinic_onboard.catalog import ClinicLog
from clinic_onboard.catalog.schema import LogField
from clinic_onboard.pdf.document import CONTINUED, DISCLAIMER, PAGE, frequencies
from clinic_onboard.pdf.model import Cell, Column, Document, Fact, Footer, Note, Section, Table
from clinic_onboard.pdf.words import Words
from clinic_onboard.planner.readings import FAIL, number_text, range_text

LABEL_SHARE = 0.28  # the row labels' share of a day grid; the days share the rest
SHEET_LABEL_SHARE = 0.14  # a sheet's day column: "Tue 2026-12-01"
PER_USE_ROWS = 24  # blank lines on a sheet for a log kept per use (sterilizer cycles)
# The filled month: the readings' values share this much of the width, less the notes column's.
VALUES_SHARE, NOTES_SHARE = 0.50, 0.20


@dataclass(frozen=True)
class GridRow:
    label: str
    detail: str = ""
    closed: bool = False  # a closed day: shaded, nothing to fill in


def day_grid(
    label_heading: str,
    rows: Sequence[GridRow],
    headings: Sequence[str],
    closed_text: str = "",
    label_share: float = LABEL_SHARE,
) -> Table:
    """Rows against columns of boxes to tick or fill in by hand, ruled so a pen fits."""
    share = (1 - label_share) / max(len(headings), 1)
    columns = (
        Column(label_heading, label_share),
        *(Column(heading, share, "center") for heading in headings),
    )
    return Table(columns, tuple(_grid_row(row, len(headings), closed_text) for row in rows), True)


def _grid_row(row: GridRow, width: int, closed_text: str) -> tuple[Cell, ...]:
    label = Cell(row.label, row.detail, bold=True, tone="muted" if row.closed else "plain")
    if row.closed:  # struck through, and a line high: no box invites a reading
        rest = (Cell("\u2014", tone="muted") for _ in range(width - 1))
        return (label, Cell(closed_text, tone="muted"), *rest)
    return (label, *(Cell() for _ in range(width)))


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _period(first: date, last: date) -> str:
    return f"{first.isoformat()} \u2013 {last.isoformat()}"  # an en dash


def period_days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


# --- a log's blank sheet -----------------------------------------------------------------------


@dataclass(frozen=True)
class SheetInput:
    clinic_name: str
    unit_name: str
    log: ClinicLog
    first: date
    last: date
    due_days: frozenset[date]  # the days the log falls due in the period
    closed_days: frozenset[date]
    language: str
    printed_on: date | None = None


def blank_log_sheet(sheet: SheetInput) -> Document:
    """A week or a month of a log on paper: a row per day, a box per field of each session."""
    _ = Words(sheet.language)
    log, lang = sheet.log, sheet.language
    title = log.title.get(lang)
    names = {"log": title, "unit": sheet.unit_name, "clinic": sheet.clinic_name}
    headings = _sheet_headings(log, lang, _)
    table = day_grid(_("Day"), _sheet_rows(sheet, _), headings, _("Closed"), SHEET_LABEL_SHARE)
    return Document(
        title=_("{log}: {unit}, {clinic}", **names),
        kicker=sheet.clinic_name,
        headline=_("{log} — {unit}", **names),
        running_head=_("{clinic} · {log} · {unit}", **names),
        header=_sheet_facts(sheet, _),
        intro=log.guidance.get(lang),
        sections=(
            Section(_("Readings"), (table,)),
            _steps_section(log, lang, _),
        ),
        footer=_footer(_, sheet.printed_on),
        landscape=True,
        subject=_("Clinic log sheet"),
        language=_.pdf_language,
    )


def _sheet_facts(sheet: SheetInput, _: Words) -> tuple[Fact, ...]:
    period = _period(sheet.first, sheet.last)
    facts = [
        Fact(_("Period"), period),
        Fact(_capital(sheet.log.unit.get(sheet.language)), sheet.unit_name),
    ]
    return tuple(facts + _range_facts(sheet.log, sheet.language))


def _range_facts(log: ClinicLog, lang: str) -> list[Fact]:
    """A fact per acceptable range; fields sharing one (a fridge's current, minimum and
    maximum) are named together by their short labels rather than print it three times."""
    shared: dict[str, list[LogField]] = {}
    for log_field in log.fields:
        if range_text(log_field):
            shared.setdefault(range_text(log_field, lang), []).append(log_field)
    return [
        Fact(
            fields[0].label.get(lang)
            if len(fields) == 1
            else ", ".join((f.short or f.label).get(lang) for f in fields),
            text,
        )
        for text, fields in shared.items()
    ]


def _sheet_headings(log: ClinicLog, lang: str, _: Words) -> list[str]:
    headings = []
    for session in log.sessions:
        prefix = f"{session.label.get(lang)} · " if len(log.sessions) > 1 else ""
        headings += [prefix + _field_heading(f, lang) for f in log.fields]
        headings += [_("Initials"), _("Time")]
    return headings


def _field_heading(log_field: LogField, lang: str) -> str:
    """The field's short label where the library gives one: columns on paper are narrow."""
    unit = f" ({log_field.unit})" if log_field.unit else ""
    label = log_field.short or log_field.label
    return f"{label.get(lang)}{unit}"


def _sheet_rows(sheet: SheetInput, _: Words) -> list[GridRow]:
    if sheet.log.cadence == "per_use":
        return [GridRow(_("Date:")) for _row in range(PER_USE_ROWS)]
    days = period_days(sheet.first, sheet.last)
    if sheet.log.cadence != "daily":
        days = [day for day in days if day in sheet.due_days]
    return [
        GridRow(
            f"{_.weekday(day)} {day.isoformat()}",
            closed=day in sheet.closed_days and day not in sheet.due_days,
        )
        for day in days
    ]


def _steps_section(log: ClinicLog, lang: str, _: Words) -> Section:
    steps = tuple(
        Note(f"{number}. {step.get(lang)}") for number, step in enumerate(log.incident_steps, 1)
    )
    sources = Note(_("Source: {sources}", sources="; ".join(r.get(lang) for r in log.references)))
    return Section(_("Out of range: do this now"), (*steps, sources), keep_together=True)


def _footer(_: Words, printed_on: date | None) -> Footer:
    printed = (_("Printed {date}", date=printed_on.isoformat()),) if printed_on else ()
    return Footer(printed, _(DISCLAIMER), _(PAGE), _(CONTINUED))


# --- a log's filled month, for an inspection ---------------------------------------------------


@dataclass(frozen=True)
class EntryLine:
    """One reading as recorded: ``voided_reason`` set when a later entry voided it, ``late``
    when it was taken after its duty's time."""

    day: date
    session: str
    values: dict[str, object]
    out_of_range: tuple[str, ...]
    actor_name: str
    recorded_at: datetime  # aware, in the clinic's zone
    voided_reason: str | None = None
    late: bool = False


@dataclass(frozen=True)
class IncidentLine:
    day: date
    opened_at: datetime
    opened_by: str
    closed_at: datetime | None
    closed_by: str | None
    action_taken: str | None


@dataclass(frozen=True)
class MonthInput:
    clinic_name: str
    unit_name: str
    log: ClinicLog
    first: date
    entries: tuple[EntryLine, ...]
    incidents: tuple[IncidentLine, ...]
    gaps: tuple[tuple[date, str], ...]
    generated_at: datetime
    language: str


def filled_log_month(month: MonthInput) -> Document:
    """Every reading of a month, who took it and when, with voided ones shown as voided.

    A kept log is a record, not guidance: its footer carries no disclaimer (the blank sheet,
    printed from the library's wording, does).
    """
    _ = Words(month.language)
    log, lang = month.log, month.language
    names = {"log": log.title.get(lang), "unit": month.unit_name, "clinic": month.clinic_name}
    period = f"{month.first:%Y-%m}"
    return Document(
        title=_("{log}: {unit}, {clinic}", **names) + f" ({period})",
        kicker=month.clinic_name,
        headline=_("{log} — {unit}", **names),
        running_head=_("{clinic} · {log} · {unit}", **names) + f" · {period}",
        header=(
            Fact(_("Month"), period),
            Fact(_capital(log.unit.get(lang)), month.unit_name),
            Fact(_("Readings"), str(sum(e.voided_reason is None for e in month.entries))),
            Fact(_("Missed"), str(len(month.gaps))),
        ),
        sections=(
            Section(_("Readings"), (_entries_table(month, _),)),
            Section(_("Incidents"), _incident_blocks(month, _)),
            Section(_("Missed readings"), (_gaps_note(month, _),)),
        ),
        footer=Footer(
            (_("Generated {moment}", moment=_.moment(month.generated_at)),),
            "",
            _(PAGE),
            _(CONTINUED),
        ),
        landscape=True,
        subject=_("Clinic log for an inspection"),
        language=_.pdf_language,
    )


def _entries_table(month: MonthInput, _: Words) -> Table | Note:
    """A line per reading; the names get room for a full name on one line, and a notes column
    (only when a reading was voided) gives the reason room beside the struck values."""
    if not month.entries:
        return Note(_("Nothing was recorded this month."))
    fields = month.log.fields
    notes = any(entry.voided_reason is not None for entry in month.entries)
    values_share = VALUES_SHARE - (NOTES_SHARE if notes else 0)
    columns = (
        Column(_("Day"), 0.10),
        Column(_("When"), 0.12),
        *(Column(_field_heading(f, month.language), values_share / len(fields)) for f in fields),
        Column(_("By"), 0.18),
        Column(_("Recorded"), 0.10),
        *((Column(_("Notes"), NOTES_SHARE),) if notes else ()),
    )
    rows = tuple(_entry_row(entry, month, notes, _) for entry in month.entries)
    return Table(columns, rows)


def _entry_row(entry: EntryLine, month: MonthInput, notes: bool, _: Words) -> tuple[Cell, ...]:
    sessions = {s.id: s.label.get(month.language) for s in month.log.sessions}
    voided = entry.voided_reason is not None
    tone = "muted" if voided else "plain"
    values = tuple(_value_cell(f, entry, month.language, voided, _) for f in month.log.fields)
    note = Cell(_("Voided: {reason}", reason=entry.voided_reason) if voided else "", tone=tone)
    return (
        Cell(entry.day.isoformat(), tone=tone),
        Cell(sessions.get(entry.session, entry.session), tone=tone),
        *values,
        Cell(entry.actor_name),
        Cell(_.clock(entry.recorded_at), _("late") if entry.late else ""),
        *((note,) if notes else ()),
    )


def _value_cell(log_field: LogField, entry: EntryLine, lang: str, voided: bool, _: Words) -> Cell:
    value = entry.values.get(log_field.id)
    if log_field.kind == "number" and isinstance(value, int | float):
        text = number_text(float(value), lang)
    elif log_field.kind == "pass_fail":
        text = _("Fail") if value == FAIL else _("Pass")
    else:
        text = str(value or "")
    if voided:
        return Cell(text, tone="muted")
    outside = log_field.id in entry.out_of_range
    return Cell(text, _("out of range") if outside else "", tone="bad" if outside else "plain")


def _incident_blocks(month: MonthInput, _: Words) -> tuple[Table | Note, ...]:
    if not month.incidents:
        return (Note(_("No incident this month.")),)
    columns = (
        Column(_("Opened"), 0.22),
        Column(_("Closed"), 0.22),
        Column(_("What was done"), 0.56),
    )
    rows = tuple(_incident_row(incident, _) for incident in month.incidents)
    return (Table(columns, rows),)


def _incident_row(incident: IncidentLine, _: Words) -> tuple[Cell, ...]:
    if incident.closed_at is None:
        closed = Cell(_("Open"), tone="bad")
    else:
        closed = Cell(_.moment(incident.closed_at), incident.closed_by or "")
    opened = Cell(_.moment(incident.opened_at), incident.opened_by)
    return (opened, closed, Cell(incident.action_taken or ""))


def _gaps_note(month: MonthInput, _: Words) -> Note:
    if not month.gaps:
        return Note(_("No reading was missed on an open day."))
    sessions = {s.id: s.label.get(month.language) for s in month.log.sessions}
    listed = "; ".join(f"{day.isoformat()} {sessions.get(s, s)}" for day, s in month.gaps)
    return Note(listed, emphasis=True)


# --- a role's blank duty checklist for a period ------------------------------------------------


@dataclass(frozen=True)
class DutyLine:
    title: str
    frequency: str


@dataclass(frozen=True)
class DutyGridInput:
    clinic_name: str
    role_name: str
    duties: tuple[DutyLine, ...]
    open_days: tuple[date, ...]  # the period's open days, in order: one column each
    first: date
    last: date
    language: str
    printed_on: date | None = None


def duty_checklist_grid(sheet: DutyGridInput) -> Document:
    """Daily duties against each open day of the period, weekly ones against its weeks, and the
    per-patient duties as standing instructions."""
    _ = Words(sheet.language)
    names = {"role": sheet.role_name, "clinic": sheet.clinic_name}
    period = _period(sheet.first, sheet.last)
    return Document(
        title=_("Duty checklist: {role}, {clinic}", **names) + f" ({period})",
        kicker=sheet.clinic_name,
        headline=_("Duty checklist — {role}", **names),
        running_head=_("{clinic} · Duty checklist · {role}", **names) + f" · {period}",
        header=(Fact(_("Period"), period), Fact(_("Role"), sheet.role_name)),
        intro=_(
            "One column per day the clinic is open, numbered by the day of the month. Tick the "
            "box of each duty on the day you do it, and initial the column."
        ),
        fill_ins=(_("Staff member"),),
        sections=tuple(_duty_grid_sections(sheet, _)),
        footer=_footer(_, sheet.printed_on),
        landscape=True,
        subject=_("Role duty checklist"),
        language=_.pdf_language,
    )


def _duty_grid_sections(sheet: DutyGridInput, _: Words) -> Iterable[Section]:
    days = [str(day.day) for day in sheet.open_days]  # columns too narrow for the weekday
    weeks = _week_starts(sheet.open_days)
    week_headings = [_("Week of {day}", day=start.isoformat()) for start in weeks]
    for frequency, title in frequencies(_).items():
        duties = [d for d in sheet.duties if d.frequency == frequency]
        if not duties:
            continue
        if frequency == "per_patient":
            notes = tuple(Note(f"• {d.title}") for d in duties)
            yield Section(title, notes, _.npgettext("pdf", "duty", "duties", len(duties)))
            continue
        headings = days if frequency in ("start_of_day", "end_of_day") else week_headings
        if frequency == "monthly":
            headings = [_("Done on")]
        rows = [GridRow(d.title) for d in duties]
        if frequency in ("start_of_day", "end_of_day"):
            rows.append(GridRow(_("Initials")))
        yield Section(title, (day_grid(_("Duty"), rows, headings),))


def _week_starts(days: Sequence[date]) -> list[date]:
    return sorted({day - timedelta(days=day.weekday()) for day in days})
