"""Walk the app's URL map for the security tests: every rule, its methods and its arguments,
filled from a table of object ids read from the database.

A rule whose arguments the tables below cannot fill fails with its name (``Unfillable``), so a
new route cannot slip past the crawlers: add its argument here, or say why it is left out.
"""

import hashlib
import re
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from html.parser import HTMLParser
from io import BytesIO
from itertools import product
from typing import Any

from flask import Flask
from pypdf import PdfReader
from pypdf.errors import PdfReadError
from sqlalchemy import select
from werkzeug.test import TestResponse

from clinic_onboard.extensions import db
from clinic_onboard.models import (
    ClinicInvitation,
    ClinicRole,
    Job,
    LogEntry,
    LogIncident,
    LogUnit,
    Membership,
    Onboarding,
    OnboardingEvent,
    OnboardingTask,
    PolicyDocument,
    RoleCustomItem,
    SwitchedOffItem,
)
from tests.conftest import PASSWORD

ARGUMENT = re.compile(r"<(?:(?P<converter>\w+)(?:\([^)]*\))?:)?(?P<name>\w+)>")
STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# HEAD and OPTIONS are answered by Werkzeug from GET and the rule itself; nothing to crawl.
CRAWLED = frozenset({"GET"}) | STATE_CHANGING

# (argument, converter) -> the tenant model whose ids fill it.
ID_ARGUMENTS: dict[tuple[str, str], type] = {
    ("membership_id", "int"): Membership,
    ("role_id", "int"): ClinicRole,
    ("entry_id", "int"): SwitchedOffItem,
    ("item_id", "int"): RoleCustomItem,
    ("onboarding_id", "int"): Onboarding,
    ("task_id", "int"): OnboardingTask,
    ("event_id", "int"): OnboardingEvent,
    ("invitation_id", "int"): ClinicInvitation,
    ("unit_id", "int"): LogUnit,
    ("log_entry_id", "int"): LogEntry,
    ("incident_id", "int"): LogIncident,
    ("document_id", "int"): PolicyDocument,
    ("job_id", "int"): Job,
}
# Arguments that name no tenant object: static files, and library item ids (the same words in
# every clinic; the role id next to them is the tenant object).
STATIC_FILE = "app.css"
LIBRARY_ITEM = ("item_id", "default")
# A secret in the URL (set-password links, calendar feeds) makes the route public: a wrong
# secret must answer "not found", "gone" or "bad request", never a page. "%00" reaches the
# view as a NUL character, which PostgreSQL refuses to compare: it must not become a 500.
WRONG_SECRETS = ("not-a-real-token", "not%00a-token")
NO_SUCH_ITEM = "no.such%00item"
SECRET_STATUSES = frozenset({400, 404, 410})

CSP_DIRECTIVES = ("object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'")
LOOSE_SCRIPT_SOURCES = ("'unsafe-inline'", "'unsafe-eval'", "*", "data:", "http:", "https:")
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=|javascript:", re.I)
INLINE_STYLE = re.compile(r"<[^>]+\sstyle\s*=", re.I)


class Unfillable(AssertionError):
    """A rule has an argument no table here knows how to fill."""


@dataclass(frozen=True)
class Route:
    rule: str
    endpoint: str
    methods: tuple[str, ...]
    arguments: tuple[tuple[str, str], ...]  # (name, converter), in the order of the rule

    @property
    def is_secret_link(self) -> bool:
        return any(name.endswith("token") for name, _ in self.arguments)

    @property
    def tenant_arguments(self) -> tuple[str, ...]:
        return tuple(name for name, conv in self.arguments if (name, conv) in ID_ARGUMENTS)

    def url(self, values: dict[str, Any]) -> str:
        return ARGUMENT.sub(lambda m: str(values[m["name"]]), self.rule)

    def __str__(self) -> str:
        return f"{self.rule} ({self.endpoint})"


def routes(app: Flask) -> list[Route]:
    """Every rule of the URL map with the methods worth asking."""
    found = []
    for rule in app.url_map.iter_rules():
        arguments = tuple(
            (m["name"], m["converter"] or "default") for m in ARGUMENT.finditer(rule.rule)
        )
        methods = tuple(sorted((rule.methods or set()) & CRAWLED))
        found.append(Route(rule.rule, rule.endpoint, methods, arguments))
    return sorted(found, key=lambda r: (r.rule, r.endpoint))


@dataclass
class Ids:
    """One clinic's ids by model (the featured ones first) and its library item."""

    by_model: dict[type, list[int]]
    library_item: str

    def values(self, route: Route, name: str, converter: str) -> list[Any]:
        """What to put in one argument; Unfillable names the rule when nothing fits."""
        if (name, converter) in ID_ARGUMENTS:
            return self.by_model[ID_ARGUMENTS[name, converter]]
        if (name, converter) == LIBRARY_ITEM:
            return [self.library_item, NO_SUCH_ITEM]
        if name.endswith("token"):
            return list(WRONG_SECRETS)
        if route.endpoint == "static":
            return [STATIC_FILE]
        raise Unfillable(
            f"{route}: no id table fills <{converter}:{name}>; add it to ID_ARGUMENTS in "
            "tests/security/crawl.py so the security crawlers reach this route"
        )


def gather_ids(
    clinic_id: int, featured: dict[type, list[int]], library_item: str, per_type: int = 2
) -> Ids:
    """Read a clinic's ids of every model in ID_ARGUMENTS, featured first, ``per_type`` each."""
    by_model = {}
    for model in set(ID_ARGUMENTS.values()):
        query = select(model.id).where(model.clinic_id == clinic_id).order_by(model.id)
        every = list(db.session.scalars(query))
        assert every, f"the seeded clinic has no {model.__name__}: the crawl would miss routes"
        chosen = [i for i in featured.get(model, []) if i in every]
        by_model[model] = list(dict.fromkeys([*chosen, *every]))[:per_type]
    return Ids(by_model, library_item)


def own_urls(route: Route, ids: Ids) -> Iterator[str]:
    """The route with every combination of one clinic's ids."""
    choices = [ids.values(route, name, conv) for name, conv in route.arguments]
    names = [name for name, _ in route.arguments]
    for combination in product(*choices):
        yield route.url(dict(zip(names, combination, strict=True)))


def foreign_urls(route: Route, theirs: Ids, mine: Ids) -> Iterator[str]:
    """The route with at least one of the other clinic's ids, mixed with one's own ids (a
    route without tenant arguments is given once, with whatever else it takes)."""
    tenant = set(route.tenant_arguments)
    names = [name for name, _ in route.arguments]
    choices = []
    for name, conv in route.arguments:
        options = [(value, name in tenant) for value in theirs.values(route, name, conv)]
        if name in tenant:
            options += [(value, False) for value in mine.values(route, name, conv)]
        choices.append(options)
    for combination in product(*choices):
        if not tenant or any(foreign for _, foreign in combination):
            yield route.url({n: v for n, (v, _) in zip(names, combination, strict=True)})


# Which named object of a seeded clinic fills each argument, and per-endpoint exceptions
# (a form that only takes one kind of task, a correction that needs a voidable entry).
OBJECTS = {
    "membership_id": "membership",
    "role_id": "role",
    "entry_id": "switched_off",
    "item_id": "custom_item",
    "onboarding_id": "onboarding",
    "task_id": "task.waiting",
    "event_id": "event.file",
    "invitation_id": "invitation",
    "unit_id": "log_unit",
    "log_entry_id": "log_entry",
    "incident_id": "incident",
    "document_id": "policy_document",
    "job_id": "job",
}
OBJECT_EXCEPTIONS = {
    ("my.acknowledge", "task_id"): "task.acknowledgement",
    ("my.credential", "task_id"): "task.credential",
    ("my.document", "task_id"): "task.signed_policy",
    ("signoffs.void", "event_id"): "event.completed",
    ("leaving.checklist", "onboarding_id"): "offboarding",
    ("leaving.tick", "onboarding_id"): "offboarding",
    ("leaving.tick", "task_id"): "task.offboarding",
}


def named_url(route: Route, named: dict[str, int], library_item: str) -> str:
    """The route on one clinic's named objects (see ``tests.security.cast``)."""
    values: dict[str, Any] = {}
    for name, converter in route.arguments:
        if (name, converter) == LIBRARY_ITEM:
            values[name] = library_item
        elif name in OBJECTS and converter == "int":
            values[name] = named[OBJECT_EXCEPTIONS.get((route.endpoint, name), OBJECTS[name])]
        elif route.endpoint == "static":
            values[name] = STATIC_FILE
        else:
            raise Unfillable(f"{route}: no named object fills <{converter}:{name}>")
    return route.url(values)


# Rows --------------------------------------------------------------------------------------


def snapshot(clinic_id: int | None = None) -> dict[str, str]:
    """A hash of every table's committed rows, or of the rows that belong to one clinic."""
    hashes = {}
    with db.engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            query = _scoped(table, clinic_id).order_by(*table.primary_key.columns)
            rows = connection.execute(query).all()
            hashes[table.name] = hashlib.sha256(repr(rows).encode()).hexdigest()
    return hashes


def _scoped(table: Any, clinic_id: int | None) -> Any:
    query = select(table)
    if clinic_id is None:
        return query
    members = select(Membership.user_id).where(Membership.clinic_id == clinic_id)
    if "clinic_id" in table.c:
        return query.where(table.c.clinic_id == clinic_id)
    if table.name == "clinics":
        return query.where(table.c.id == clinic_id)
    if table.name == "users":
        return query.where(table.c.id.in_(members))
    if "user_id" in table.c:
        return query.where(table.c.user_id.in_(members))
    return query


def changed_tables(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(name for name in after if before.get(name) != after[name])


# Responses ---------------------------------------------------------------------------------


def header_problems(response: TestResponse) -> list[str]:
    """What a page lacks of the security headers, and any inline script or style in it."""
    csp = response.headers.get("Content-Security-Policy", "")
    problems = [f"CSP lacks {d}" for d in CSP_DIRECTIVES if d not in csp]
    directives = dict(part.strip().partition(" ")[::2] for part in csp.split(";"))
    scripts = directives.get("script-src", directives.get("default-src"))
    if scripts is None or any(word in scripts for word in LOOSE_SCRIPT_SOURCES):
        problems.append(f"CSP allows inline or foreign script: {csp!r}")
    if response.headers.get("X-Content-Type-Options") != "nosniff":
        problems.append("no X-Content-Type-Options: nosniff")
    if response.mimetype == "text/html":
        page = response.get_data(as_text=True)
        problems += [f"inline script {m[0]!r}" for m in INLINE_SCRIPT.finditer(page)]
        problems += [f"inline style {m[0][:60]!r}" for m in INLINE_STYLE.finditer(page)]
    return problems


def body_text(response: TestResponse) -> str:
    """The response as text: the body, plus a PDF's extracted text (its streams are
    compressed, so names in it are not in the raw bytes)."""
    data = response.get_data()
    text = data.decode("utf-8", errors="replace")
    if response.mimetype == "application/pdf":
        # A test upload is not a real PDF: then its raw bytes are all there is.
        with suppress(PdfReadError, ValueError):
            text += "\n".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages)
    return text


def leaks(response: TestResponse, secrets: list[str]) -> list[str]:
    text = body_text(response)
    return [secret for secret in secrets if secret in text]


# Forms -------------------------------------------------------------------------------------


@dataclass
class Field:
    name: str
    kind: str  # input type, "select" or "textarea"
    options: list[str] = field(default_factory=list)
    value: str = ""


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, Field] = field(default_factory=dict)


class FormParser(HTMLParser):
    """The forms of a page, with each field's name, type and choices."""

    def __init__(self, page_url: str) -> None:
        super().__init__()
        self.page_url = page_url
        self.forms: list[Form] = []
        self._select: Field | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {key: value or "" for key, value in attrs}
        if tag == "form":
            action = found.get("action") or self.page_url
            self.forms.append(Form(action, found.get("method", "get").lower()))
        elif tag == "option" and self._select is not None:
            self._select.options.append(found.get("value", ""))
        elif tag in ("input", "textarea", "select") and self.forms and found.get("name"):
            kind = found.get("type", "text") if tag == "input" else tag
            self._add(Field(found["name"], kind, [], found.get("value", "")))

    def _add(self, found: Field) -> None:
        known = self.forms[-1].fields.setdefault(found.name, found)
        if found.kind in ("checkbox", "radio"):
            known.options.append(found.value or "on")
        self._select = known if found.kind == "select" else None

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None


def forms_of(page_url: str, response: TestResponse) -> list[Form]:
    if response.mimetype != "text/html":
        return []
    parser = FormParser(page_url)
    parser.feed(response.get_data(as_text=True))
    return parser.forms


# Visiting ----------------------------------------------------------------------------------

TOKEN_FIELD = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


class Visitor:
    """A test client signed in as one person (or nobody) that signs in again after a sign-out,
    so one crawl can go on past the sign-out route.

    Each request runs in an application context of its own, as in production: the tests' app
    context would otherwise be shared, and with it ``g`` (where Flask-Login keeps the user), so
    one client's user would carry over into another client's requests.
    """

    def __init__(self, app: Flask, email: str | None, password: str) -> None:
        self.app, self.client = app, app.test_client()
        self.email, self.password = email, password
        if email:
            self.login()

    def login(self) -> None:
        page = self.send("GET", "/auth/login", relogin=False).get_data(as_text=True)
        data = {"email": self.email, "password": self.password}
        if token := TOKEN_FIELD.search(page):
            data["csrf_token"] = token[1]
        response = self.send("POST", "/auth/login", data, relogin=False)
        assert response.status_code == 302, f"{self.email} could not sign in"

    def send(
        self, method: str, url: str, data: dict[str, Any] | None = None, relogin: bool = True
    ) -> TestResponse:
        with self.app.app_context():
            response = self.client.open(url, method=method, data=data)
            response.get_data()  # read it whole, then release a streamed file at once
            response.close()
        if relogin and self.email and sent_to_login(response):
            self.login()
        return response


def sent_to_login(response: TestResponse) -> bool:
    return response.status_code == 302 and (response.location or "").startswith("/auth/login")


def plausible_data(display_name: str, ids: Ids, clinic_id: int) -> dict[str, str]:
    """Answers every form of the app would accept if the route let the person in, so a missing
    check shows up as a change rather than a form error. No "confirm" and no "current": the
    crawl must not sign anyone up or change their password."""
    members = ids.by_model[Membership]
    return {
        "note": "crawler note",
        "typed_name": display_name,
        "issuer": "Crawler Institute",
        "number": "C-1",
        "issued_on": "2026-01-05",
        "password": PASSWORD,
        "method": "observed",
        "outcome": "competent",
        "comment": "crawler comment",
        "reason": "crawler reason",
        "name": "Crawler role",
        "title": "Crawler item",
        "guidance": "Crawler guidance",
        "kind": "task",
        "phase": "week_1",
        "signoff": "none",
        "template": "medical_assistant",
        "fingerprint": "0" * 32,
        "clinic_id": str(clinic_id),
        "clinic_name": "Crawler clinic",
        "province": "ON",
        "setting": "family_medicine",
        "emr": "accuro",
        "confirmed": "yes",
        "email": "crawler.hire@example.com",
        "display_name": "Crawler Person",
        "start_date": "2026-09-08",
        "role": str(ids.by_model[ClinicRole][0]),
        "supervisor": str(members[min(1, len(members) - 1)]),  # featured second: a supervisor
        "text": "name,email,role,start_date\n",
        "frequency": "weekly",
    }
