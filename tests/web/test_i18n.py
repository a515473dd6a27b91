"""The interface in English and French: who decides the language, and a complete catalog."""

import html
import io
import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale, gettext
from pypdf import PdfReader

from clinic_onboard.cli.main import cli
from clinic_onboard.extensions import db
from clinic_onboard.models import (
    AppRole,
    AuditEvent,
    Clinic,
    ClinicRole,
    Membership,
    Onboarding,
    OnboardingTask,
    SentReminder,
)
from clinic_onboard.operations import reminders as reminder_operations
from clinic_onboard.operations import roles
from clinic_onboard.operations.onboarding import start_onboarding
from clinic_onboard.operations.record import append_event
from clinic_onboard.planner import build_plan
from clinic_onboard.queries.plan_inputs import clinic_profile
from clinic_onboard.queries.plans import behind_ids, plan_differences, snapshot_language
from clinic_onboard.record.states import EventKind
from clinic_onboard.reminders.digest import Digest
from clinic_onboard.reminders.model import Item, Kind, Link, Person
from clinic_onboard.services import library
from clinic_onboard.services.passwords import hash_password
from tests.conftest import PASSWORD, Auth, finished_job, job_id_of
from tests.web.onboarding_factory import make_team

HTML_LANG = re.compile(r'<html lang="(\w+)">')


def _page_lang(client: FlaskClient, path: str, **headers: str) -> str:
    response = client.get(path, headers=headers)
    assert response.status_code == 200
    found = HTML_LANG.search(response.get_data(as_text=True))
    assert found is not None
    return found.group(1)


def test_a_quebec_clinic_starts_in_french_and_others_in_english(
    make_clinic: Callable[..., Clinic],
) -> None:
    assert make_clinic("Clinique du Plateau", province="QC").language == "fr"
    assert make_clinic("Lakeside Clinic", province="ON").language == "en"
    assert make_clinic("Clinique de Moncton", province="NB").language == "en"


def test_signed_out_pages_follow_the_browser(client: FlaskClient) -> None:
    assert _page_lang(client, "/auth/login") == "en"
    assert _page_lang(client, "/auth/login", **{"Accept-Language": "fr-CA,fr;q=0.9"}) == "fr"
    assert _page_lang(client, "/auth/login", **{"Accept-Language": "de, es"}) == "en"


def test_members_see_their_clinics_language(
    client: FlaskClient, auth: Auth, make_clinic: Callable[..., Clinic], make_member: Callable
) -> None:
    hire = make_member(AppRole.STAFF, clinic=make_clinic("Clinique", province="QC"))
    auth.login_as(hire)
    assert _page_lang(client, "/clinic/", **{"Accept-Language": "en"}) == "fr"


def test_a_persons_choice_outranks_the_clinic(
    client: FlaskClient, auth: Auth, make_clinic: Callable[..., Clinic], make_member: Callable
) -> None:
    hire: Membership = make_member(AppRole.STAFF, clinic=make_clinic("Clinique", province="QC"))
    auth.login_as(hire)
    response = client.post("/auth/language", data={"language": "en"})
    assert response.status_code == 302
    assert _page_lang(client, "/clinic/") == "en"
    client.post("/auth/language", data={"language": ""})
    assert _page_lang(client, "/clinic/") == "fr"
    db.session.expire_all()


@pytest.mark.parametrize("language", ["xx", "\r" * 40], ids=["unknown", "white space"])
def test_an_unknown_language_is_refused_without_a_server_error(
    client: FlaskClient, auth: Auth, make_member: Callable, language: str
) -> None:
    hire: Membership = make_member(AppRole.STAFF)
    auth.login_as(hire)
    response = client.post("/auth/language", data={"language": language}, follow_redirects=True)
    assert response.status_code == 200
    assert "Choose one of the languages offered." in response.get_data(as_text=True)
    db.session.refresh(hire.user)
    assert hire.user.language is None


def test_the_manager_sets_the_clinics_language_on_the_profile(
    client: FlaskClient, auth: Auth, make_member: Callable
) -> None:
    manager: Membership = make_member(AppRole.MANAGER)
    auth.login_as(manager)
    clinic = manager.clinic
    data = _profile_form(clinic, "fr")
    assert client.post("/clinic/profile", data=data).status_code == 302
    db.session.refresh(clinic)
    assert clinic.language == "fr"
    assert _page_lang(client, "/clinic/") == "fr"


# ---- the catalog is complete --------------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[2]
CATALOG_DIR = ROOT / "clinic_onboard" / "translations" / "fr_CA" / "LC_MESSAGES"


def _read_po() -> Catalog:
    with (CATALOG_DIR / "messages.po").open("rb") as po:
        return read_po(po, locale="fr_CA")


def _source_messages() -> set[str]:
    """Every msgid the sources mark today, extracted as ``make translations`` does."""
    with (ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    keywords = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None, "N_": None}
    found = extract_from_dir(
        str(ROOT), method_map, options_map, keywords=keywords, strip_comment_tags=True
    )
    return {message if isinstance(message, str) else message[0] for _, _, message, *_ in found}


def test_every_catalog_entry_is_translated_and_none_is_fuzzy() -> None:
    catalog = _read_po()
    untranslated = [m.id for m in catalog if m.id and not all(_strings(m.string))]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert untranslated == [] and fuzzy == []


def _strings(string: str | tuple[str, ...]) -> tuple[str, ...]:
    return string if isinstance(string, tuple) else (string,)


def test_every_marked_string_of_the_sources_is_in_the_catalog() -> None:
    known = {m.id if isinstance(m.id, str) else m.id[0] for m in _read_po() if m.id}
    assert sorted(_source_messages() - known) == []


def test_the_compiled_catalog_matches_the_po_file() -> None:
    with (CATALOG_DIR / "messages.mo").open("rb") as mo:
        compiled = read_mo(mo)
    assert _entries(compiled) == _entries(_read_po())


def _entries(catalog: Catalog) -> dict[tuple[str, ...], tuple[str, ...]]:
    """msgid → msgstr, with plural ids and strings as tuples (the .mo reader gives lists)."""
    return {
        tuple(_strings(tuple(m.id) if isinstance(m.id, list) else m.id)): tuple(
            _strings(tuple(m.string) if isinstance(m.string, list) else m.string)
        )
        for m in catalog
        if m.id
    }


def test_placeholders_survive_translation() -> None:
    """A translation that drops or renames %(name)s would raise or lose a value at runtime."""
    wrong = []
    for message in _read_po():
        if not message.id:
            continue
        ids, strings = _strings(message.id), _strings(message.string)
        # The singular of a plural may leave the number out ("ce problème"), as English does.
        wanted = set(PLACEHOLDER.findall(ids[-1]))
        found = [set(PLACEHOLDER.findall(text)) for text in strings]
        if found[-1] != wanted or any(not names <= wanted for names in found):
            wrong.append(message.id)
    assert wrong == []


PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


# ---- French pages carry no English -------------------------------------------------------------

TAG = re.compile(r"<(script|style)\b.*?</\1>|<[^>]+>", re.S)
# Words and names that read the same in both languages, or that are not ours to translate.
SAME_IN_FRENCH = {"Action", "Correction", "Note", "Plan", "Total", "Date", "UTC", "Module"}
MIN_LENGTH = 10


def _visible_text(page: str) -> str:
    return " ".join(html.unescape(TAG.sub(" ", page)).split())


def _english_phrases() -> set[str]:
    """The catalog's English wordings long enough to be telling, cut at the placeholders."""
    phrases = set()
    for message in _read_po():
        if not message.id or message.string == message.id:
            continue
        for text in _strings(message.id):
            for piece in PLACEHOLDER.split(text)[::2]:
                piece = " ".join(piece.replace("%%", "%").split()).strip(" ,.:;·(")
                # One short word ("supervisor") also names data, like the audit log's keys.
                telling = " " in piece or len(piece) > MIN_LENGTH + 1
                if len(piece) >= MIN_LENGTH and telling and piece not in SAME_IN_FRENCH:
                    phrases.add(piece)
    return phrases


def _leftovers(page: str, phrases: set[str]) -> list[str]:
    text = _visible_text(page)
    return sorted(p for p in phrases if re.search(rf"(?<!\w){re.escape(p)}(?!\w)", text))


@pytest.fixture
def quebec(make_clinic: Callable[..., Clinic], make_member: Callable) -> dict[str, object]:
    """A Quebec clinic with a manager, a supervisor and a hire whose French plan has events."""
    clinic = make_clinic("Clinique du Plateau", province="QC", emr="other")
    manager = make_member(AppRole.MANAGER, clinic=clinic)
    supervisor = make_member(AppRole.SUPERVISOR, clinic=clinic)
    role = ClinicRole(clinic_id=clinic.id, template="clinic_assistant", name="Adjointe clinique")
    db.session.add(role)
    db.session.commit()
    onboarding = start_onboarding(
        clinic,
        manager.user,
        name="Noor Rahman",
        email="noor@clinic.example.com",
        role=role,
        start_date=date.today(),
        supervisor=supervisor.user,
    )
    onboarding.membership.user.password_hash = hash_password(PASSWORD)
    db.session.commit()
    return {
        "manager": manager,
        "supervisor": supervisor,
        "hire": onboarding.membership,
        "role": role,
        "onboarding": onboarding,
    }


def _task(onboarding: Onboarding, **wanted: str) -> OnboardingTask:
    return next(t for t in onboarding.tasks if all(getattr(t, k) == v for k, v in wanted.items()))


def _fill_the_record(client: FlaskClient, auth: Auth, quebec: dict) -> dict[str, int]:
    """The hire does two items; the supervisor leaves one waiting for sign-off."""
    onboarding = quebec["onboarding"]
    ack = _task(onboarding, kind="acknowledgement")
    credential = _task(onboarding, kind="credential")
    done = _task(onboarding, signoff="supervisor", kind="competency")
    auth.login_as(quebec["hire"])
    assert client.post(f"/my/tasks/{done.id}/done", data={"note": "Fait."}).status_code == 302
    typed = {"typed_name": "Noor Rahman"}
    assert client.post(f"/my/tasks/{ack.id}/acknowledge", data=typed).status_code == 302
    # A card that has just expired (recorded while it was valid: the form now refuses an
    # expired one): the dashboard lists it, with its "expired" word.
    card = {"issuer": "Croix-Rouge", "number": "1", "issued_on": "2024-01-15", "file": None}
    card["expires_on"] = (date.today() - timedelta(days=1)).isoformat()
    append_event(onboarding, credential, EventKind.CREDENTIAL, quebec["hire"], card)
    db.session.commit()
    auth.logout()
    return {"ack": ack.id, "credential": credential.id, "done": done.id}


def _pages(quebec: dict, ids: dict[str, int]) -> dict[str, list[str]]:
    onboarding, role = quebec["onboarding"], quebec["role"]
    record = f"/signoffs/onboardings/{onboarding.id}/record"
    return {
        "manager": [
            "/clinic/",
            "/clinic/members",
            f"/clinic/members/{quebec['hire'].id}",
            "/clinic/profile",
            "/clinic/security",
            "/clinic/audit",
            "/dashboard/",
            "/roles/",
            f"/roles/{role.id}",
            f"/roles/{role.id}/preview",
            "/staff/",
            "/staff/new",
            "/staff/import",
            f"/staff/{onboarding.id}",
            "/signoffs/",
            f"/signoffs/tasks/{ids['done']}",
            record,
            "/reminders/",
            "/reminders/log",
            "/auth/password",
            "/auth/two-factor",
            "/my/",
            "/today/",
            "/logs/",
            "/logs/settings",
        ],
        "supervisor": ["/signoffs/", f"/signoffs/tasks/{ids['done']}", record, "/my/"],
        "hire": [
            "/my/",
            f"/my/tasks/{ids['ack']}/acknowledge",
            f"/my/tasks/{ids['credential']}/credential",
            record,
            "/reminders/",
            "/today/",
        ],
    }


def test_a_quebec_clinics_pages_are_in_french_for_every_role(
    client: FlaskClient, auth: Auth, quebec: dict
) -> None:
    ids = _fill_the_record(client, auth, quebec)
    phrases = _english_phrases()
    found = {}
    for who, paths in _pages(quebec, ids).items():
        auth.login_as(quebec[who])
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, path
            page = response.get_data(as_text=True)
            assert '<html lang="fr">' in page, path
            if left := _leftovers(page, phrases):
                found[f"{who} {path}"] = left
        auth.logout()
    assert found == {}


def test_the_dashboards_short_words_are_french_too(
    client: FlaskClient, auth: Auth, quebec: dict
) -> None:
    """Words too short for the leftover check above, in the expiring-credentials table."""
    _fill_the_record(client, auth, quebec)
    auth.login_as(quebec["manager"])
    page = client.get("/dashboard/").get_data(as_text=True)
    assert "<td>Expiré</td>" in page and ">Expired<" not in page


def test_the_dashboards_hire_states_are_french(client: FlaskClient, quebec: dict, auth: Auth):
    """A hire's state (badge and filter) is a value put into words on the page, in French."""
    auth.login_as(quebec["manager"])
    page = client.get("/dashboard/").get_data(as_text=True)
    assert ">Dans les temps<" in page and "On track" not in page


def test_signed_out_pages_in_french_have_no_english(client: FlaskClient) -> None:
    phrases = _english_phrases()
    french = {"Accept-Language": "fr-CA"}
    for path in ("/auth/login", "/auth/signup", "/no-such-page"):
        page = client.get(path, headers=french).get_data(as_text=True)
        assert _leftovers(page, phrases) == [], path


def test_an_english_clinics_pages_stay_english(
    client: FlaskClient, auth: Auth, make_member: Callable
) -> None:
    manager: Membership = make_member(AppRole.MANAGER)
    auth.login_as(manager)
    phrases = _english_phrases()
    for path, english in (
        ("/clinic/", "Clinic profile"),
        ("/dashboard/", "Onboarding dashboard"),
        ("/roles/", "Add a role"),
        ("/my/", "My onboarding"),
    ):
        page = client.get(path, headers={"Accept-Language": "fr"}).get_data(as_text=True)
        assert english in page and '<html lang="en">' in page, path
        # The leftover check of the French pages finds these same English pages full of English.
        assert _leftovers(page, phrases), path


def test_english_interface_in_a_french_clinic_keeps_the_french_plan(
    client: FlaskClient, auth: Auth, quebec: dict
) -> None:
    hire: Membership = quebec["hire"]
    auth.login_as(hire)
    client.post("/auth/language", data={"language": "en"})
    page = client.get("/my/").get_data(as_text=True)
    assert "My onboarding" in page and "Mon intégration" not in page
    titles = [task.title for task in quebec["onboarding"].tasks]
    assert any(title in html.unescape(page) for title in titles)
    french = build_plan(
        library.catalog(),
        clinic_profile(hire.clinic),
        quebec["role"].template,
        date.today(),
        lang="fr",
        created_on=date.today(),  # made today, as the hire's plan was
    )
    assert titles == [task.title for task in french.tasks]


def test_form_errors_are_in_french_for_a_french_user(
    client: FlaskClient, auth: Auth, quebec: dict
) -> None:
    auth.login_as(quebec["manager"])
    page = client.post("/staff/new", data={"name": "", "email": "pas un courriel"})
    text = _visible_text(page.get_data(as_text=True))
    assert "Veuillez vérifier ces réponses" in text
    assert "This field is required" not in text and "Invalid email address" not in text
    response = client.post("/auth/password", data={"current": "x", "password": "court"})
    assert "Utilisez de 10 à 128 caractères" in _visible_text(response.get_data(as_text=True))


# ---- emails in the recipient's language ---------------------------------------------------------


def test_a_forced_language_translates_in_it_and_the_page_language_comes_back(app: Flask) -> None:
    # extensions._CatalogPerLocale keeps one catalog per locale: an email in the recipient's
    # language, sent while serving an English page, must not leave French behind (or take none).
    with app.test_request_context():
        assert gettext("Sign out") == "Sign out"
        with force_locale("fr_CA"):
            assert gettext("Sign out") == "Se déconnecter"
        assert gettext("Sign out") == "Sign out"


def test_templates_translate_escape_and_format_as_jinja_new_style_gettext(app: Flask) -> None:
    # i18n.translate stands in for Jinja's own _(): the values are escaped, the message is
    # always %-formatted (so a literal % is written %%), and French comes from the catalog.
    page = '{{ _("You have no onboarding plan in %(clinic)s yet.", clinic=name) }}|{{ _("100%%") }}'
    with app.test_request_context():
        english = app.jinja_env.from_string(page).render(name="<b>A & B</b>")
        with force_locale("fr_CA"):
            french = app.jinja_env.from_string(page).render(name="<b>A & B</b>")
    assert english == "You have no onboarding plan in &lt;b&gt;A &amp; B&lt;/b&gt; yet.|100%"
    assert french == "Vous n\u2019avez pas encore de plan d\u2019intégration à " + (
        "&lt;b&gt;A &amp; B&lt;/b&gt;.|100%"
    )


def _digest(language: str) -> Digest:
    person = Person(1, "Noor Rahman", "noor@example.com", language=language)
    overdue = Item(
        1, 1, "Clinique du Plateau", Kind.OVERDUE, "task-1", "overdue-0", "Hygiène des mains",
        date(2026, 11, 20), Link("my.index"),
    )  # fmt: skip
    return Digest(person, (overdue,))


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("fr", ["Rappels\u00a0: 1 en retard", "Bonjour Noor Rahman,", "3 jours de retard"]),
        ("en", ["Reminders: 1 overdue", "Hello Noor Rahman,", "3 days overdue"]),
    ],
)
def test_the_reminder_digest_is_in_the_recipients_language(
    app: Flask, monkeypatch: pytest.MonkeyPatch, language: str, words: list[str]
) -> None:
    sent: list[tuple[str, ...]] = []
    monkeypatch.setattr(reminder_operations.mail, "send_email", lambda *email: sent.append(email))
    with app.test_request_context():
        reminder_operations.send_digest(_digest(language), date(2026, 11, 23), lambda link: "/")
    [(_, subject, text, page)] = sent
    assert words[0] == subject
    assert all(word in text and word in html.unescape(page) for word in words[1:])
    assert f'<html lang="{language}">' in page


def test_csv_import_problems_are_in_french_for_a_french_user(
    client: FlaskClient, auth: Auth, quebec: dict
) -> None:
    auth.login_as(quebec["manager"])
    rows = "name,email,role,start_date\nAmira Haddad,,Adjointe clinique,2026-13-01\n"
    job = finished_job(job_id_of(client.post("/staff/import", data={"text": rows})))
    text = _visible_text(client.get(f"/jobs/{job.id}").get_data(as_text=True))
    # _visible_text folds no-break spaces into plain ones.
    assert "le courriel est vide; start_date « 2026-13-01 » n\u2019est pas une date" in text
    assert "Refusé" in text and "Refused" not in text


# ---- the compliance summary PDF in the clinic's language ----------------------------------------


def _pdf_words(data: bytes) -> str:
    pages = PdfReader(io.BytesIO(data)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


def test_a_quebec_clinics_compliance_summary_is_in_french(
    client: FlaskClient, auth: Auth, quebec: dict
) -> None:
    auth.login_as(quebec["manager"])
    text = _pdf_words(client.get("/exports/summary.pdf").data)
    for french in ("Sommaire de conformité", "Intégration par module", "Membre du personnel"):
        assert french in text
    # one title, named one way (continued pages repeat it in their running header)
    running = text.count("· Sommaire de conformité ·")
    assert "Québec" in text and text.count("Sommaire de conformité") == 1 + running
    assert "Prévention et contrôle des infections" in text  # modules named in French
    assert re.search(r"Produit le \S+ \d\d h \d\d E[SD]T", text)  # the clinic's clock
    for english in ("Onboarding by module", "Staff member", "Compliance summary", "Page 1 of"):
        assert english not in text


def test_pdf_summary_takes_a_language(app: Flask, quebec: dict, tmp_path: Path) -> None:
    clinic_id = str(quebec["manager"].clinic_id)
    runner = app.test_cli_runner()
    for lang, heading in (("en", "Onboarding by module"), ("fr", "Intégration par module")):
        output = tmp_path / f"summary-{lang}.pdf"
        args = ["pdf", "summary", clinic_id, "-o", str(output), "--lang", lang]
        assert runner.invoke(cli, args).exit_code == 0
        assert heading in _pdf_words(output.read_bytes())
    refused = runner.invoke(cli, ["pdf", "summary", clinic_id, "-o", "x.pdf", "--lang", "de"])
    assert refused.exit_code == 2


# ---- the completed record PDF in the clinic's language ------------------------------------------

_FRENCH_RECORD = ("Dossier d\u2019intégration", "Ce que signifie une validation", "Page 1 sur")
_ENGLISH_RECORD = ("Onboarding record", "What a sign-off means", "Page 1 of", "History")


def _quebec_record_words(client: FlaskClient, auth: Auth, quebec: dict) -> str:
    """The words of the Quebec hire's completed record PDF, as their supervisor downloads it."""
    _fill_the_record(client, auth, quebec)
    auth.login_as(quebec["supervisor"])
    return _pdf_words(
        client.post(f"/exports/onboardings/{quebec['onboarding'].id}/record.pdf").data
    )


def test_a_quebec_clinics_record_is_in_french(
    client: FlaskClient, auth: Auth, quebec: dict
) -> None:
    text = _quebec_record_words(client, auth, quebec)
    for french in (*_FRENCH_RECORD, "Québec", "En attente de validation", "« Fait. »"):
        assert french in text
    for english in (*_ENGLISH_RECORD, "Waiting for sign-off", "Acknowledgements", "Credentials"):
        assert english not in text


def test_an_english_clinics_record_stays_english(
    client: FlaskClient, auth: Auth, make_member: Callable, make_clinic: Callable
) -> None:
    team = make_team(make_member, make_clinic)()
    auth.login_as(team["manager"])
    text = _pdf_words(client.post(f"/exports/onboardings/{team['onboarding'].id}/record.pdf").data)
    assert all(english in text for english in _ENGLISH_RECORD)
    assert not any(french in text for french in _FRENCH_RECORD)


def test_pdf_record_takes_a_language(app: Flask, quebec: dict, tmp_path: Path) -> None:
    onboarding_id = str(quebec["onboarding"].id)
    runner = app.test_cli_runner()
    for lang, heading in (
        ("en", "What a sign-off means"),
        ("fr", "Ce que signifie une validation"),
    ):
        output = tmp_path / f"record-{lang}.pdf"
        args = ["pdf", "record", onboarding_id, "-o", str(output), "--lang", lang]
        assert runner.invoke(cli, args).exit_code == 0
        assert heading in _pdf_words(output.read_bytes())
    refused = runner.invoke(cli, ["pdf", "record", onboarding_id, "-o", "x.pdf", "--lang", "de"])
    assert refused.exit_code == 2 and "'de' is not one of 'en', 'fr'" in refused.output


# ---- records kept in codes, read in the viewer's language ----------------------------------------

FRENCH_MOMENT = re.compile(r"\d{4}-\d\d-\d\d \d\d h \d\d")
ENGLISH_MOMENT = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d")


def _switch_off_an_item(quebec: dict) -> str:
    """Switch off one library item of the role; its French title as the library gives it."""
    role: ClinicRole = quebec["role"]
    profile, today = clinic_profile(quebec["manager"].clinic), date.today()
    plan = build_plan(library.catalog(), profile, role.template, today, lang="fr")
    task = next(t for t in plan.tasks if t.id.startswith(("privacy", "ipac")))
    roles.switch_off(role, quebec["manager"].user, task.id, "Politique de la clinique")
    db.session.commit()
    return task.title


def _add_system_and_legacy_events(clinic_id: int) -> None:
    db.session.add_all(
        [
            AuditEvent(clinic_id=clinic_id, action="legacy.renamed", subject="Ancien"),
            AuditEvent(
                clinic_id=clinic_id,
                action="account.two_factor_reset",
                subject="Noor Rahman",
                before={"two_factor": True},
                after={"two_factor": False},
            ),
        ]
    )
    db.session.commit()


def test_a_quebec_clinics_audit_log_is_in_french(
    client: FlaskClient, auth: Auth, quebec: dict
) -> None:
    title = _switch_off_an_item(quebec)
    _add_system_and_legacy_events(quebec["manager"].clinic_id)
    auth.login_as(quebec["manager"])
    text = _visible_text(client.get("/clinic/audit").get_data(as_text=True))
    for french in (
        "Intégration commencée",
        "Membre ajouté",
        "Élément désactivé pour le poste",
        "Connexion à deux facteurs réinitialisée",
        title,
        "Date de début",
        "Nouveau compte",
        "Gestionnaire",
        "Système",
    ):
        assert french in text, french
    assert FRENCH_MOMENT.search(text) and not ENGLISH_MOMENT.search(text)
    # Codes, keys and short English words, too short for the leftover check.
    for english in (
        "onboarding.start",
        "role.switch_off",
        "item_id",
        "start_date",
        "switched_off",
        "True",
        "False",
        "Yes",
        "No",
        "System",
        "Staff",
        "Role",
    ):
        assert not re.search(rf"(?<![\w.]){re.escape(english)}(?![\w.])", text), english
    assert "legacy.renamed" in text  # an action this version does not know keeps its code


def test_an_english_viewer_reads_the_same_log_in_english(
    client: FlaskClient, auth: Auth, quebec: dict
) -> None:
    _switch_off_an_item(quebec)
    auth.login_as(quebec["manager"])
    client.post("/auth/language", data={"language": "en"})
    text = _visible_text(client.get("/clinic/audit").get_data(as_text=True))
    assert "Item switched off for the role" in text and "Onboarding started" in text
    assert "Switched off Yes" in text and "Switched off No" in text
    assert ENGLISH_MOMENT.search(text) and not FRENCH_MOMENT.search(text)


def _sent(clinic_id: int, user_id: int, **fields: object) -> SentReminder:
    today = date.today()
    now = datetime.now(UTC)
    return SentReminder(
        clinic_id=clinic_id,
        user_id=user_id,
        item_key=f"task:{len(fields)}",
        stage="s",
        run="r",
        sent_on=today,
        claimed_at=now,
        sent_at=now,
        **fields,
    )


def test_a_quebec_clinics_reminder_log_is_in_french(
    client: FlaskClient, auth: Auth, quebec: dict
) -> None:
    clinic_id, hire = quebec["manager"].clinic_id, quebec["hire"]
    late = date.today() - timedelta(days=3)
    new = _sent(
        clinic_id,
        quebec["manager"].user_id,
        kind="staff_overdue",
        summary="Noor Rahman: Formation (Clinique du Plateau)",
        item_on=late,
    )
    legacy = _sent(clinic_id, hire.user_id, kind="overdue", summary="Overdue: Old sentence")
    db.session.add_all([new, legacy])
    db.session.commit()
    auth.login_as(quebec["manager"])
    text = _visible_text(client.get("/reminders/log").get_data(as_text=True))
    expected = (
        "Éléments du personnel en retard : Noor Rahman: Formation (Clinique du Plateau) "
        f"(dû le {late.isoformat()}, 3 jours de retard)"
    )
    assert expected in text
    assert "Staff items overdue" not in text and "overdue" not in text.replace("Overdue:", "")
    assert "Overdue: Old sentence" in text  # sent before the date was kept: shown as stored
    assert FRENCH_MOMENT.search(text) and not ENGLISH_MOMENT.search(text)


def test_a_french_record_pdf_prints_french_times(
    client: FlaskClient, auth: Auth, quebec: dict
) -> None:
    text = _quebec_record_words(client, auth, quebec)
    # on the Quebec clinic's clock, its zone printed
    assert re.search(r"\d\d h \d\d E[SD]T", text) and not re.search(r"\d\d:\d\d", text)
    assert " UTC" not in text


# ---- switching a clinic's language ----------------------------------------------------------


def _profile_form(clinic: Clinic, language: str) -> dict[str, str]:
    return {
        "clinic_name": clinic.name,
        "province": clinic.province,
        "setting": clinic.setting,
        "emr": clinic.emr or "",
        "options": list(clinic.options),
        "language": language,
        "confirmed": "yes",
    }


def test_switching_the_language_keeps_open_plans_up_to_date(
    client: FlaskClient, auth: Auth, quebec: dict
) -> None:
    onboarding: Onboarding = quebec["onboarding"]
    french_titles = [task.title for task in onboarding.tasks]
    clinic = quebec["manager"].clinic
    auth.login_as(quebec["manager"])
    assert client.post("/clinic/profile", data=_profile_form(clinic, "en")).status_code == 302
    db.session.expire_all()
    assert clinic.language == "en"
    assert not plan_differences(onboarding, library.catalog())
    assert behind_ids([onboarding], library.catalog()) == set()
    page = client.get(f"/staff/{onboarding.id}").get_data(as_text=True)
    assert "Apply these changes" not in page and "/apply" not in page
    # A real change is still found, and worded like the plan it would change.
    title = _switch_off_an_item(quebec)
    differences = plan_differences(onboarding, library.catalog())
    assert [task.title for task in differences.removed_tasks] == [title]
    assert [task.title for task in onboarding.tasks] == french_titles


def test_plans_stored_before_they_had_a_language_are_english(quebec: dict) -> None:
    onboarding: Onboarding = quebec["onboarding"]
    assert snapshot_language(onboarding) == "fr"
    onboarding.profile = {k: v for k, v in onboarding.profile.items() if k != "language"}
    assert snapshot_language(onboarding) == "en"


def test_white_space_leaves_the_clinics_language_alone(
    client: FlaskClient, auth: Auth, make_member: Callable
) -> None:
    manager: Membership = make_member(AppRole.MANAGER)
    auth.login_as(manager)
    clinic = manager.clinic
    data = _profile_form(clinic, "\r" * 40)
    assert client.post("/clinic/profile", data=data).status_code in (200, 302)
    db.session.refresh(clinic)
    assert clinic.language == "en"


@pytest.mark.parametrize(
    ("accept", "words"),
    [
        ("en", "They are not legal advice"),
        ("fr-CA", "Elles ne constituent pas un avis juridique; vérifiez"),
    ],
)
def test_every_page_says_the_content_is_guidance_not_legal_advice(
    client: FlaskClient, accept: str, words: str
) -> None:
    """The footer of every page, signed in or not: the library is guidance (issue 23)."""
    page = client.get("/auth/login", headers={"Accept-Language": accept}).get_data(as_text=True)
    assert words in html.unescape(page)
