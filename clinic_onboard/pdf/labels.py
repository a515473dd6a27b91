"""The words the blank exports print around the library's content, in English and in French.

The library gives the duties and tasks in the language asked for; these tables give everything
else on the page (headings, column names, phases, dates, the footer) in the same language, so a
French sheet carries no English. Dates are spelled from tables, never from the process locale, so
the same plan prints the same bytes on any machine.
"""

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from datetime import date, datetime
from typing import TYPE_CHECKING, TypeVar

from clinic_onboard.catalog import Language, check_language, french_spacing

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

_Table = TypeVar("_Table", bound="DataclassInstance")


@dataclass(frozen=True)
class Phase:
    """A phase's section title, the offset printed beside its tasks, and where it sorts."""

    title: str
    offset: str
    day: int


@dataclass(frozen=True)
class Labels:
    """Every fixed text of the blank checklist and plan in one language.

    Texts with ``{name}`` fields are formatted by ``document``; counts are (one, many) pairs.
    """

    pdf_language: str
    disclaimer: str
    page: str
    printed: str
    content: str
    province: str
    setting: str
    role: str
    first_day: str
    staff_member: str
    supervisor: str
    manager: str
    date: str
    checklist_title: str
    checklist_headline: str
    checklist_running_head: str
    checklist_intro: str
    checklist_subject: str
    review: str
    reviewed_by: str
    signature: str
    duty: str
    initials: str
    duties: tuple[str, str]
    frequencies: Mapping[str, str]
    plan_title: str
    plan_headline: str
    plan_running_head: str
    plan_intro: str
    plan_subject: str
    plan_complete: str
    due: str
    task: str
    completed_by: str
    signed_off_by: str
    tasks: tuple[str, str]
    phases: Mapping[str, Phase]
    by_day: str
    day: str
    kinds: Mapping[str, str]
    signoffs: Mapping[str, str]
    not_needed: str
    switched_off: str
    item: str
    reason: str
    items: tuple[str, str]
    weekdays: tuple[str, ...]
    weekdays_long: tuple[str, ...]
    months: tuple[str, ...]

    def count(self, number: int, nouns: tuple[str, str]) -> str:
        """ "1 duty", "7 duties"; French counts 0 and 1 as singular ("0 tâche")."""
        singular = number == 1 or (self.pdf_language.startswith("fr") and number == 0)
        return f"{number} {nouns[0] if singular else nouns[1]}"

    def weekday(self, day: date) -> str:
        """The short weekday name: "Tue", "mar." (what ``%a`` gives in the C locale in English)."""
        return self.weekdays[day.weekday()]

    def long_date(self, day: date) -> str:
        """ "Tuesday 1 December 2026", "mardi 1er décembre 2026": unambiguous on paper."""
        number = "1er" if day.day == 1 and self.pdf_language.startswith("fr") else str(day.day)
        weekday = self.weekdays_long[day.weekday()]
        return f"{weekday} {number} {self.months[day.month - 1]} {day.year}"

    def clock(self, when: datetime) -> str:
        """A 24-hour time and its zone: "16:40 EST", « 16 h 40 EST » (no-break spaces)."""
        french = self.pdf_language.startswith("fr")
        hours = f"{when:%H}\u00a0h\u00a0{when:%M}" if french else f"{when:%H:%M}"
        return f"{hours} {when.tzname()}"

    def moment(self, when: datetime) -> str:
        """ "2026-12-15 16:40 EST": the zone printed, since a record may be read in another one."""
        return f"{when:%Y-%m-%d} {self.clock(when)}"


ENGLISH = Labels(
    pdf_language="en-CA",
    disclaimer="Guidance to adapt with your privacy officer; not legal advice.",
    page="Page {page} of {total}",
    printed="Printed {date}",
    content="Content {version}",
    province="Province or territory",
    setting="Setting",
    role="Role",
    first_day="First day",
    staff_member="Staff member",
    supervisor="Supervisor",
    manager="Manager",
    date="Date",
    checklist_title="Duty checklist: {role}, {clinic}",
    checklist_headline="Duty checklist — {role}",
    checklist_running_head="{clinic} · Duty checklist · {role}",
    checklist_intro="Tick each duty when you have done it and know how, then initial and date it. "
    "Ask your supervisor about anything you are unsure of.",
    checklist_subject="Role duty checklist",
    review="Review",
    reviewed_by="Reviewed by (supervisor)",
    signature="Signature",
    duty="Duty",
    initials="Initials",
    duties=("duty", "duties"),
    frequencies={
        "start_of_day": "Start of day",
        "per_patient": "With every patient",
        "end_of_day": "End of day",
        "weekly": "Weekly",
        "monthly": "Monthly",
    },
    plan_title="Onboarding plan: {role}, {clinic}",
    plan_headline="Onboarding plan — {role}",
    plan_running_head="{clinic} · Onboarding plan · {role}",
    plan_intro="Due dates fall on {jurisdiction}'s working days. When a task is done, the "
    "staff member writes their name; where a sign-off is needed, the person signing "
    "confirms they saw it done as described.",
    plan_subject="Onboarding plan",
    plan_complete="Plan complete",
    due="Due",
    task="Task",
    completed_by="Completed by",
    signed_off_by="Signed off by",
    tasks=("task", "tasks"),
    phases={
        "before_start": Phase("Before the first day", "Before day 1", -1),
        "day_1": Phase("Day 1", "Day 1", 1),
        "week_1": Phase("Week 1", "Week 1", 7),
        "first_30_days": Phase("First 30 days", "By day 30", 30),
        "first_90_days": Phase("First 90 days", "By day 90", 90),
    },
    by_day="By day {days}",
    day="Day {days}",
    kinds={
        "task": "Task",
        "competency": "Competency",
        "credential": "Credential",
        "acknowledgement": "Acknowledgement",
        "reading": "Reading",
    },
    signoffs={
        "none": "no sign-off",
        "supervisor": "supervisor signs off",
        "manager": "manager signs off",
    },
    not_needed="Not needed",
    switched_off="Switched off by the clinic",
    item="Item",
    reason="The clinic's reason",
    items=("item", "items"),
    weekdays=("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
    weekdays_long=("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    months=(
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
)

_FRENCH = Labels(
    pdf_language="fr-CA",
    disclaimer="Consignes à adapter avec votre responsable de la vie privée ; "
    "ce n'est pas un avis juridique.",
    page="Page {page} sur {total}",
    printed="Imprimé le {date}",
    content="Contenu {version}",
    province="Province ou territoire",
    setting="Milieu",
    role="Poste",
    first_day="Premier jour",
    staff_member="Membre du personnel",
    supervisor="Superviseur",
    manager="Gestionnaire",
    date="Date",
    checklist_title="Liste des tâches courantes : {role}, {clinic}",
    checklist_headline="Liste des tâches courantes — {role}",
    checklist_running_head="{clinic} · Liste des tâches courantes · {role}",
    checklist_intro="Cochez chaque tâche quand vous l'avez faite et savez comment la faire, "
    "puis inscrivez vos initiales et la date. Posez vos questions à votre superviseur en cas "
    "de doute.",
    checklist_subject="Liste des tâches courantes du poste",
    review="Révision",
    reviewed_by="Révisé par (superviseur)",
    signature="Signature",
    duty="Tâche",
    initials="Initiales",
    duties=("tâche", "tâches"),
    frequencies={
        "start_of_day": "En début de journée",
        "per_patient": "Avec chaque patient",
        "end_of_day": "En fin de journée",
        "weekly": "Chaque semaine",
        "monthly": "Chaque mois",
    },
    plan_title="Plan d'intégration : {role}, {clinic}",
    plan_headline="Plan d'intégration — {role}",
    plan_running_head="{clinic} · Plan d'intégration · {role}",
    plan_intro="Les échéances tombent sur des jours ouvrables de la province ou du territoire "
    "(fins de semaine et jours fériés exclus). Quand une étape est faite, le membre du personnel "
    "inscrit son nom ; si une validation est requise, la personne qui signe confirme l'avoir vue "
    "faite comme décrit.",
    plan_subject="Plan d'intégration",
    plan_complete="Plan terminé",
    due="Échéance",
    task="Étape",
    completed_by="Faite par",
    signed_off_by="Validée par",
    tasks=("étape", "étapes"),
    phases={
        "before_start": Phase("Avant le premier jour", "Avant le jour 1", -1),
        "day_1": Phase("Jour 1", "Jour 1", 1),
        "week_1": Phase("Semaine 1", "Semaine 1", 7),
        "first_30_days": Phase("30 premiers jours", "D'ici le jour 30", 30),
        "first_90_days": Phase("90 premiers jours", "D'ici le jour 90", 90),
    },
    by_day="D'ici le jour {days}",
    day="Jour {days}",
    kinds={
        "task": "Tâche",
        "competency": "Compétence",
        "credential": "Certificat",
        "acknowledgement": "Attestation",
        "reading": "Lecture",
    },
    signoffs={
        "none": "sans validation",
        "supervisor": "validée par le superviseur",
        "manager": "validée par le gestionnaire",
    },
    not_needed="Non requise",
    switched_off="Désactivés par la clinique",
    item="Élément",
    reason="Raison de la clinique",
    items=("élément", "éléments"),
    weekdays=("lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."),
    weekdays_long=("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
    months=(
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ),
)


def _spaced(labels: _Table) -> _Table:
    """The same labels with French typography applied to every text, as the library's are."""
    texts = {field.name: getattr(labels, field.name) for field in fields(labels)}
    return replace(
        labels, **{name: french_spacing(v) for name, v in texts.items() if isinstance(v, str)}
    )


FRENCH = _spaced(_FRENCH)
LABELS: Mapping[Language, Labels] = {"en": ENGLISH, "fr": FRENCH}


def labels_for(lang: str) -> Labels:
    """The labels in ``lang``; ValueError for a language the library does not have."""
    return LABELS[check_language(lang)]


@dataclass(frozen=True)
class SummaryLabels:
    """The fixed texts of the clinic compliance summary in one language."""

    title: str
    headline: str
    running_head: str
    staff: str
    as_of: str
    intro: str
    generated: str
    subject: str
    by_module: str
    no_staff: str
    people: tuple[str, str]
    staff_member: str
    credential: str
    expires: str
    days_left: str
    expiring: str
    no_expiring: str
    expired: str
    credentials: tuple[str, str]
    cells: Mapping[str, str]


ENGLISH_SUMMARY = SummaryLabels(
    title="Compliance summary: {clinic}",
    headline="Onboarding and credentials summary",
    running_head="{clinic} · Compliance summary · {date}",
    staff="Staff",
    as_of="As of",
    intro="Each cell is a staff member's progress through one module. "
    "Done: every item complete and signed off. Overdue: an item is past its due date. "
    "—: the module does not apply to their role.",
    generated="Generated {moment}",
    subject="Compliance summary",
    by_module="Onboarding by module",
    no_staff="No staff are onboarding.",
    people=("person", "people"),
    staff_member="Staff member",
    credential="Credential",
    expires="Expires",
    days_left="Days left",
    expiring="Credentials expiring soon",
    no_expiring="No credentials expire soon.",
    expired="Expired",
    credentials=("credential", "credentials"),
    cells={
        "done": "Done",
        "overdue": "Overdue",
        "in_progress": "In progress",
        "not_started": "Not started",
    },
)
_FRENCH_SUMMARY = SummaryLabels(
    title="Sommaire de conformité : {clinic}",
    headline="Sommaire de l'intégration et des certificats",
    running_head="{clinic} · Sommaire de conformité · {date}",
    staff="Personnel",
    as_of="En date du",
    intro="Chaque case montre l'avancement d'un membre du personnel dans un module. "
    "Fait : chaque élément est terminé et validé. En retard : un élément a dépassé son "
    "échéance. — : le module ne s'applique pas à son poste.",
    generated="Produit le {moment}",
    subject="Sommaire de conformité",
    by_module="Intégration par module",
    no_staff="Aucun membre du personnel n'est en intégration.",
    people=("personne", "personnes"),
    staff_member="Membre du personnel",
    credential="Certificat",
    expires="Expire le",
    days_left="Jours restants",
    expiring="Certificats qui expirent bientôt",
    no_expiring="Aucun certificat n'expire bientôt.",
    expired="Expiré",
    credentials=("certificat", "certificats"),
    cells={
        "done": "Fait",
        "overdue": "En retard",
        "in_progress": "En cours",
        "not_started": "Pas commencé",
    },
)
SUMMARY_LABELS: Mapping[Language, SummaryLabels] = {
    "en": ENGLISH_SUMMARY,
    "fr": _spaced(_FRENCH_SUMMARY),
}


def summary_labels_for(lang: str) -> SummaryLabels:
    """The summary's labels in ``lang``; ValueError for a language the library does not have."""
    return SUMMARY_LABELS[check_language(lang)]


@dataclass(frozen=True)
class RecordLabels:
    """Every fixed text of the completed onboarding record in one language.

    Statuses and methods are keyed by the record's English words (``ItemStatus``,
    ``SignoffMethod``); roles by ``AppRole`` value. Counts are (one, many) pairs.
    """

    pdf_language: str
    title: str
    headline: str
    running_head: str
    subject: str
    staff_member: str
    role: str
    first_day: str
    supervisor: str
    no_supervisor: str
    province: str
    setting: str
    no_items: str
    summary: str
    items: tuple[str, str]
    status_counts: Mapping[str, tuple[str, str]]
    item: str
    status: str
    completed: str
    signed_off_by: str
    method: str
    signed_at: str
    note: str
    to_practise: str
    withdrawn: str
    withdrawn_on: str
    withdrawn_count: tuple[str, str]
    kinds: Mapping[str, str]
    statuses: Mapping[str, str]
    methods: Mapping[str, str]
    roles: Mapping[str, str]
    credentials_title: str
    no_credentials: str
    credential: str
    issuer: str
    number: str
    issued: str
    expires: str
    no_expiry: str
    expired: str
    expires_in: str
    days: tuple[str, str]
    credentials: tuple[str, str]
    acknowledgements_title: str
    no_acknowledgements: str
    acknowledgement: str
    typed_name: str
    acknowledgements: tuple[str, str]
    meaning_title: str
    signature_meaning: str
    manager: str
    date: str
    fingerprint_heading: str
    verify_at: str
    explanation: str
    generated: str
    content: str
    fingerprint: str
    disclaimer: str
    page: str


ENGLISH_RECORD = RecordLabels(
    pdf_language=ENGLISH.pdf_language,
    title="Onboarding record: {name}, {role}, {clinic}",
    headline="Onboarding record — {name}",
    running_head="{clinic} · Onboarding record · {name}",
    subject="Completed onboarding record",
    staff_member=ENGLISH.staff_member,
    role=ENGLISH.role,
    first_day=ENGLISH.first_day,
    supervisor=ENGLISH.supervisor,
    no_supervisor="None named",
    province=ENGLISH.province,
    setting=ENGLISH.setting,
    no_items="No items.",
    summary="{items}: {statuses}.",
    items=ENGLISH.items,
    status_counts={
        "Signed off": ("signed off", "signed off"),
        "Completed": ("completed", "completed"),
        "Waiting for sign-off": ("waiting for sign-off", "waiting for sign-off"),
        "Needs practice": ("needs practice", "needs practice"),
        "Not started": ("not started", "not started"),
        "Switched off": ("switched off", "switched off"),
    },
    item=ENGLISH.item,
    status="Status",
    completed="Completed",
    signed_off_by="Signed off by",
    method="Method",
    signed_at="Signed at",
    note="Note: {note}",
    to_practise="To practise: {comment}",
    withdrawn="Withdrawn",
    withdrawn_on="Withdrawn from the plan on {date}; kept here for its history.",
    withdrawn_count=("withdrawn", "withdrawn"),
    kinds=ENGLISH.kinds,
    statuses={
        "Signed off": "Signed off",
        "Completed": "Completed",
        "Waiting for sign-off": "Waiting for sign-off",
        "Needs practice": "Needs practice",
        "Not started": "Not started",
        "Switched off": "Switched off",
    },
    methods={
        "observed": "Observed",
        "demonstrated": "Demonstrated",
        "discussed": "Discussed",
        "document reviewed": "Document reviewed",
    },
    roles={"manager": "Manager", "supervisor": "Supervisor", "staff": "Staff"},
    credentials_title="Credentials",
    no_credentials="No credentials are recorded.",
    credential="Credential",
    issuer="Issuer",
    number="Number",
    issued="Issued",
    expires="Expires",
    no_expiry="No expiry",
    expired="Expired",
    expires_in="In {days}",
    days=("day", "days"),
    credentials=("credential", "credentials"),
    acknowledgements_title="Acknowledgements",
    no_acknowledgements="No acknowledgements are recorded.",
    acknowledgement="Acknowledgement",
    typed_name="Typed name",
    acknowledgements=("acknowledgement", "acknowledgements"),
    meaning_title="What a sign-off means",
    signature_meaning="By signing off an item, the person named confirmed that they personally "
    "verified that the staff member can do it safely and as the clinic expects, by the method "
    "shown. Their name, role and the time were recorded and cannot be changed; a correction is "
    "added as a new entry.",
    manager=ENGLISH.manager,
    date=ENGLISH.date,
    fingerprint_heading="Record fingerprint (head of the sign-off chain)",
    verify_at="Verify at",
    explanation="The fingerprint is the head of this record's chain of sign-offs: each sign-off "
    "is hashed together with the one before it, so changing any of them changes the "
    "fingerprint. Scan the code or open the address to check this printout against the "
    "clinic's record.",
    generated="Generated {moment}",
    content=ENGLISH.content,
    fingerprint="Fingerprint {fingerprint}…",
    disclaimer=ENGLISH.disclaimer,
    page=ENGLISH.page,
)
_FRENCH_RECORD = RecordLabels(
    pdf_language=_FRENCH.pdf_language,
    title="Dossier d'intégration : {name}, {role}, {clinic}",
    headline="Dossier d'intégration — {name}",
    running_head="{clinic} · Dossier d'intégration · {name}",
    subject="Dossier d'intégration complété",
    staff_member=_FRENCH.staff_member,
    role=_FRENCH.role,
    first_day=_FRENCH.first_day,
    supervisor=_FRENCH.supervisor,
    no_supervisor="Aucun superviseur désigné",
    province=_FRENCH.province,
    setting=_FRENCH.setting,
    no_items="Aucun élément.",
    summary="{items} : {statuses}.",
    items=_FRENCH.items,
    status_counts={
        "Signed off": ("validé", "validés"),
        "Completed": ("terminé", "terminés"),
        "Waiting for sign-off": ("en attente de validation", "en attente de validation"),
        "Needs practice": ("pratique requise", "pratique requise"),
        "Not started": ("pas commencé", "pas commencés"),
        "Switched off": ("désactivé", "désactivés"),
    },
    item=_FRENCH.item,
    status="Statut",
    completed="Terminé le",
    signed_off_by="Validé par",
    method="Méthode",
    signed_at="Signé le",
    note="Note : {note}",
    to_practise="À pratiquer : {comment}",
    withdrawn="Retiré",
    withdrawn_on="Retiré du plan le {date}\u00a0; conservé ici pour son historique.",
    withdrawn_count=("retiré", "retirés"),
    kinds=_FRENCH.kinds,
    statuses={
        "Signed off": "Validé",
        "Completed": "Terminé",
        "Waiting for sign-off": "En attente de validation",
        "Needs practice": "Pratique requise",
        "Not started": "Pas commencé",
        "Switched off": "Désactivé",
    },
    methods={
        "observed": "Observé",
        "demonstrated": "Démontré",
        "discussed": "Discuté",
        "document reviewed": "Document examiné",
    },
    roles={"manager": "Gestionnaire", "supervisor": "Superviseur", "staff": "Personnel"},
    credentials_title="Certificats",
    no_credentials="Aucun certificat n'est consigné.",
    credential="Certificat",
    issuer="Délivré par",
    number="Numéro",
    issued="Délivré le",
    expires="Expire le",
    no_expiry="Sans expiration",
    expired="Expiré",
    expires_in="Dans {days}",
    days=("jour", "jours"),
    credentials=("certificat", "certificats"),
    acknowledgements_title="Attestations",
    no_acknowledgements="Aucune attestation n'est consignée.",
    acknowledgement="Attestation",
    typed_name="Nom tapé",
    acknowledgements=("attestation", "attestations"),
    meaning_title="Ce que signifie une validation",
    signature_meaning="En validant un élément, la personne nommée a confirmé avoir vérifié "
    "elle-même que le membre du personnel peut le faire de façon sécuritaire et comme la "
    "clinique l'attend, selon la méthode indiquée. Son nom, son rôle et l'heure ont été "
    "consignés et ne peuvent pas être modifiés ; une correction est ajoutée comme une nouvelle "
    "entrée.",
    manager=_FRENCH.manager,
    date=_FRENCH.date,
    fingerprint_heading="Empreinte du dossier (tête de la chaîne des validations)",
    verify_at="Vérifier à l'adresse",
    explanation="L'empreinte est la tête de la chaîne des validations de ce dossier : chaque "
    "validation est hachée avec la précédente, donc modifier l'une d'elles change l'empreinte. "
    "Balayez le code ou ouvrez l'adresse pour comparer cet imprimé au dossier de la clinique.",
    generated="Produit le {moment}",
    content=_FRENCH.content,
    fingerprint="Empreinte {fingerprint}…",
    disclaimer=_FRENCH.disclaimer,
    page=_FRENCH.page,
)
RECORD_LABELS: Mapping[Language, RecordLabels] = {
    "en": ENGLISH_RECORD,
    "fr": _spaced(_FRENCH_RECORD),
}


def record_labels_for(lang: str) -> RecordLabels:
    """The record's labels in ``lang``; ValueError for a language the library does not have."""
    return RECORD_LABELS[check_language(lang)]
