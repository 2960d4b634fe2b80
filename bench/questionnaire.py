"""The low-code questionnaire page next to a hand-written one, served by the same app.

Run: .venv/bin/python bench/questionnaire.py [--quick]  (throwaway SQLite database, or the
empty PostgreSQL database DATABASE_URL names; about a minute, --quick a few seconds)

1. GET of each of the six technical pages through the app (test client, signed in through a
   customer link, the on-premises sample answers stored), as the customer waits for it, against
   a tiny route registered on the same app (inside this script only) that loads the same order
   and answers, binds them to the same fields written by hand as WTForms classes and renders
   them with a minimal template in the same layout (base.html). Goal: at most 1.1x.
2. The submit path of each page: the engine's form bound to the POSTed values + to_data() +
   validate(partial=True), against the hand-written form's bind + validate() + .data (its
   validators: the limits its HTML states). Goal: at most 1.1x.

Machines are shared and noisy, so baseline and subject run interleaved (their order flipped
every round), each round times a small batch; printed are the median of the per-round ratios
and their spread (p10-p90), per page and over all pages (the sum of a round's pages). The
garbage collector stays on; what is alive after setup is frozen (gc.freeze).
"""

import argparse
import gc
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask import render_template, session  # noqa: E402
from werkzeug.datastructures import ImmutableMultiDict  # noqa: E402
from wtforms import (  # noqa: E402
    EmailField,
    FieldList,
    FileField,
    Form,
    FormField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length, NumberRange, Optional  # noqa: E402
from wtforms.widgets import CheckboxInput, ListWidget  # noqa: E402

from portal import questionnaires, samples  # noqa: E402
from portal.extensions import db  # noqa: E402
from portal.services import drafts, responses  # noqa: E402
from tests.conftest import make_world, running_app  # noqa: E402
from tests.helpers import accept, place  # noqa: E402

ON_PREMISES_CONTEXT = {"deployment": "on_premises", "license_model": "rent"}
CP_CLOUD_CONTEXT = {"deployment": "cp_cloud", "license_model": "rent"}
GOAL = 1.1
ROUNDS = 40  # per row; each round times one small batch of both variants


# -- the hand-written form ------------------------------------------------------------------
# What a developer would write for the technical questionnaire's on-premises form, all pages.
# It mirrors form_class(locale="de", context=on_premises) field for field (no cloud questions:
# the context removes them, and those whose rules read removed questions). Help texts (description=)
# are left out: WTForms stores them but neither field() nor label() renders them.
# Choices are SelectChoice, as WTForms 3.3 asks: (value, label) tuples are deprecated there
# and cost a DeprecationWarning check on every bound field.

CHECKBOX_LIST = ListWidget(prefix_label=False)
CHECKBOX = CheckboxInput()


def yes_no(value: Any) -> str:
    """The radio value of a boolean answer (True -> "true"); submitted strings pass through."""
    if value is True:
        return "true"
    if value is False:
        return "false"
    return str(value)


class ServerForm(Form):
    server_layout = RadioField(
        "Serveraufteilung",
        choices=[
            SelectChoice("single_server", "Ein Server für Anwendung und Datenbank"),
            SelectChoice("separate_servers", "Getrennte Anwendungs- und Datenbankserver"),
            SelectChoice(
                "shared_sql", "Datenbank auf einem bestehenden, gemeinsam genutzten SQL Server"
            ),
        ],
    )
    operating_system = SelectField(
        "Betriebssystem",
        choices=[
            SelectChoice("", "Bitte wählen …"),
            SelectChoice("windows_server_2016", "Windows Server 2016"),
            SelectChoice("windows_server_2019", "Windows Server 2019"),
            SelectChoice("windows_server_2022", "Windows Server 2022"),
            SelectChoice("windows_server_2025", "Windows Server 2025"),
            SelectChoice("other", "Anderes (bitte im Setup Call nennen)"),
        ],
        default="",
    )
    virtualisation = RadioField(
        "Virtualisierung",
        choices=[
            SelectChoice("vmware", "VMware vSphere"),
            SelectChoice("hyper_v", "Microsoft Hyper-V"),
            SelectChoice("other", "Andere Plattform"),
            SelectChoice("physical", "Keine (physischer Server)"),
        ],
    )
    cpu_cores = IntegerField(
        "CPU-Kerne", render_kw={"step": 1, "min": 1, "max": 128, "placeholder": "4"}
    )
    ram_gb = IntegerField(
        "Arbeitsspeicher (GB)", render_kw={"step": 1, "min": 4, "max": 4096, "placeholder": "16"}
    )
    disk_gb = IntegerField(
        "Speicherplatz für Datenbanken (GB)",
        render_kw={"step": 1, "min": 10, "max": 100000, "placeholder": "100"},
    )


class SqlServerForm(Form):
    version = RadioField(
        "Version",
        choices=[
            SelectChoice("2016", "SQL Server 2016"),
            SelectChoice("2017", "SQL Server 2017"),
            SelectChoice("2019", "SQL Server 2019"),
            SelectChoice("2022", "SQL Server 2022"),
        ],
    )
    edition = RadioField(
        "Edition",
        choices=[SelectChoice("standard", "Standard"), SelectChoice("enterprise", "Enterprise")],
    )
    instance = StringField(
        "Server und Instanz", render_kw={"maxlength": 160, "placeholder": "SQLPROD01\\CPCE"}
    )
    dedicated_instance = RadioField(
        "Eigene Instanz für CPCE?",
        choices=[SelectChoice("true", "Ja"), SelectChoice("false", "Nein")],
        coerce=yes_no,
    )
    collation = StringField(
        "Sortierung (Collation)",
        render_kw={
            "maxlength": 128,
            "pattern": "[A-Za-z0-9_]+",
            "placeholder": "Latin1_General_CI_AS",
        },
    )
    auth_mode = RadioField(
        "Authentifizierungsmodus",
        choices=[
            SelectChoice("windows", "Nur Windows-Authentifizierung"),
            SelectChoice("mixed", "Gemischter Modus (Windows und SQL Server)"),
        ],
    )
    sysadmin_for_setup = RadioField(
        "Admin-Rechte für die Installation?",
        choices=[SelectChoice("true", "Ja"), SelectChoice("false", "Nein")],
        coerce=yes_no,
    )


class SecurityForm(Form):
    encryption_at_rest = RadioField(
        "Verschlüsselung der Datenbank?",
        choices=[SelectChoice("true", "Ja"), SelectChoice("false", "Nein")],
        coerce=yes_no,
    )
    data_residency = RadioField(
        "Vorgaben zum Speicherort",
        choices=[
            SelectChoice("germany", "Nur in Deutschland"),
            SelectChoice("eu_eea", "In der EU / im EWR"),
            SelectChoice("none", "Keine Vorgabe"),
        ],
    )
    certifications = SelectMultipleField(
        "Geforderte Nachweise",
        choices=[
            SelectChoice("iso_27001", "ISO/IEC 27001"),
            SelectChoice("bsi_c5", "BSI C5"),
            SelectChoice("tisax", "TISAX"),
            SelectChoice("soc2", "SOC 2"),
        ],
        widget=CHECKBOX_LIST,
        option_widget=CHECKBOX,
    )
    security_notes = TextAreaField("Weitere Sicherheitsvorgaben", render_kw={"maxlength": 2000})


class DataSourceRow(Form):
    system = StringField(
        "System",
        render_kw={
            "maxlength": 120,
            "minlength": 2,
            "placeholder": "z. B. SAP S/4HANA, DATEV, Dynamics 365 Business Central",
        },
    )
    vendor = StringField("Hersteller", render_kw={"maxlength": 120})
    version = StringField("Version", render_kw={"maxlength": 60, "placeholder": "z. B. 2023 FPS02"})
    delivery = RadioField(
        "Art der Datenlieferung",
        choices=[
            SelectChoice("odbc", "Datenbankzugriff (ODBC)"),
            SelectChoice("file", "Datei-Export"),
            SelectChoice("api", "Programmierschnittstelle (API)"),
        ],
    )
    file_format = RadioField(
        "Dateiformat",
        choices=[
            SelectChoice("csv", "CSV / Textdatei mit Trennzeichen"),
            SelectChoice("xlsx", "Excel (.xlsx)"),
            SelectChoice("xml", "XML"),
            SelectChoice("fixed_width", "Text mit fester Satzlänge"),
        ],
    )
    frequency = SelectField(
        "Häufigkeit",
        choices=[
            SelectChoice("", "Bitte wählen …"),
            SelectChoice("once", "Einmalig (Datenübernahme)"),
            SelectChoice("daily", "Täglich"),
            SelectChoice("weekly", "Wöchentlich"),
            SelectChoice("monthly", "Monatlich zum Abschluss"),
            SelectChoice("on_demand", "Bei Bedarf"),
        ],
        default="",
    )
    data_content = SelectMultipleField(
        "Welche Daten?",
        choices=[
            SelectChoice("trial_balance", "Salden (Summen- und Saldenliste)"),
            SelectChoice("journal_entries", "Einzelbuchungen"),
            SelectChoice("master_data", "Stammdaten (Konten, Kostenstellen)"),
            SelectChoice("intercompany", "Intercompany-Salden"),
            SelectChoice("plan_data", "Plandaten"),
            SelectChoice("personnel", "Personaldaten"),
        ],
        widget=CHECKBOX_LIST,
        option_widget=CHECKBOX,
    )


class ItContactRow(Form):
    name = StringField("Name", render_kw={"maxlength": 120, "minlength": 2})
    role = StringField(
        "Funktion",
        render_kw={
            "maxlength": 120,
            "minlength": 2,
            "placeholder": "z. B. IT-Leitung, Datenbankadministration, Netzwerk",
        },
    )
    email = EmailField(
        "E-Mail", render_kw={"maxlength": 254, "placeholder": "vorname.nachname@firma.de"}
    )
    phone = StringField("Telefon", render_kw={"maxlength": 31, "placeholder": "+49 351 123456-0"})
    joins_setup_call = RadioField(
        "Nimmt am Setup Call teil?",
        choices=[SelectChoice("true", "Ja"), SelectChoice("false", "Nein")],
        coerce=yes_no,
    )


class TechnicalOnPremisesForm(Form):
    server = FormField(ServerForm, "Server")
    sql_server = FormField(SqlServerForm, "Microsoft SQL Server")
    test_system = RadioField(
        "Zusätzliches Testsystem?",
        choices=[SelectChoice("true", "Ja"), SelectChoice("false", "Nein")],
        coerce=yes_no,
    )
    client_os = SelectMultipleField(
        "Arbeitsplatz-Umgebungen",
        choices=[
            SelectChoice("windows_11", "Windows 11"),
            SelectChoice("windows_10", "Windows 10"),
            SelectChoice("remote_desktop_services", "Terminalserver (Remote Desktop Services)"),
            SelectChoice("citrix", "Citrix Virtual Apps and Desktops"),
            SelectChoice("other", "Andere"),
        ],
        widget=CHECKBOX_LIST,
        option_widget=CHECKBOX,
    )
    client_installation = RadioField(
        "Installation auf den Arbeitsplätzen",
        choices=[
            SelectChoice("manual", "Manuell durch die IT"),
            SelectChoice(
                "software_distribution", "Softwareverteilung (z. B. Intune, Configuration Manager)"
            ),
            SelectChoice("central_only", "Nur zentral auf Terminalserver/Citrix"),
        ],
    )
    named_users = IntegerField(
        "Namentliche Benutzer", render_kw={"step": 1, "min": 0, "max": 5000, "placeholder": "25"}
    )
    concurrent_users = IntegerField(
        "Gleichzeitige Benutzer (Spitze)",
        render_kw={"step": 1, "min": 0, "max": 5000, "placeholder": "10"},
    )
    directory_service = RadioField(
        "Verzeichnisdienst",
        choices=[
            SelectChoice("active_directory", "Active Directory (lokal)"),
            SelectChoice("entra_id", "Microsoft Entra ID (nur Cloud)"),
            SelectChoice("hybrid", "Hybrid (Active Directory mit Entra ID synchronisiert)"),
            SelectChoice("none", "Keiner (lokale Konten)"),
        ],
    )
    ad_domain = StringField(
        "Domäne", render_kw={"maxlength": 253, "placeholder": "corp.beispiel.de"}
    )
    mfa_required = RadioField(
        "Mehr-Faktor-Anmeldung vorgeschrieben?",
        choices=[SelectChoice("true", "Ja"), SelectChoice("false", "Nein")],
        coerce=yes_no,
    )
    service_account_policy = TextAreaField(
        "Vorgaben für Dienstkonten",
        render_kw={
            "maxlength": 2000,
            "placeholder": "z. B. Präfix svc_, Kennwort läuft nicht ab, Antrag über Ticket",
        },
    )
    remote_access_allowed = RadioField(
        "Fernzugriff für den Saxess-Techniker?",
        choices=[SelectChoice("true", "Ja"), SelectChoice("false", "Nein")],
        coerce=yes_no,
    )
    remote_access_tool = SelectField(
        "Werkzeug für den Fernzugriff",
        choices=[
            SelectChoice("", "Bitte wählen …"),
            SelectChoice("teamviewer", "TeamViewer"),
            SelectChoice("anydesk", "AnyDesk"),
            SelectChoice("teams", "Microsoft Teams (Bildschirmfreigabe)"),
            SelectChoice("vpn_rdp", "VPN und Remote Desktop"),
            SelectChoice("other", "Anderes Werkzeug"),
        ],
        default="",
    )
    remote_access_tool_other = StringField(
        "Welches Werkzeug?",
        render_kw={
            "maxlength": 120,
            "minlength": 2,
            "placeholder": "z. B. Citrix Gateway, BeyondTrust",
        },
    )
    remote_access_approval = RadioField(
        "Freigabe des Fernzugriffs",
        choices=[
            SelectChoice("unattended", "Jederzeit ohne Begleitung"),
            SelectChoice("per_session", "Nach Freigabe je Sitzung"),
            SelectChoice("attended", "Nur begleitet durch Ihre IT"),
        ],
    )
    maintenance_windows = TextAreaField(
        "Wartungsfenster",
        render_kw={
            "maxlength": 1000,
            "placeholder": "z. B. Di und Do 18–22 Uhr; keine Änderungen an Arbeitstag 1–5",
        },
    )
    sql_port = IntegerField(
        "TCP-Port des SQL Servers",
        render_kw={"step": 1, "min": 1, "max": 65535, "placeholder": "1433"},
    )
    firewall_between_clients_and_server = RadioField(
        "Firewall zwischen Arbeitsplätzen und Server?",
        choices=[SelectChoice("true", "Ja"), SelectChoice("false", "Nein")],
        coerce=yes_no,
    )
    firewall_lead_time_days = IntegerField(
        "Vorlauf für Firewall-Freigaben (Arbeitstage)",
        render_kw={"step": 1, "min": 0, "max": 60, "placeholder": "5"},
    )
    proxy_host = StringField(
        "Proxyserver", render_kw={"maxlength": 253, "placeholder": "proxy.corp.beispiel.de"}
    )
    proxy_port = IntegerField(
        "Proxy-Port", render_kw={"step": 1, "min": 1, "max": 65535, "placeholder": "8080"}
    )
    server_internet_access = RadioField(
        "Internetzugang vom CPCE-Server?",
        choices=[SelectChoice("true", "Ja"), SelectChoice("false", "Nein")],
        coerce=yes_no,
    )
    network_diagram = FileField("Netzwerkplan", render_kw={"accept": ".pdf,.png,.jpg,.jpeg,.vsdx"})
    backup_responsibility = RadioField(
        "Wer sichert die CPCE-Datenbank?",
        choices=[
            SelectChoice("customer_it", "Eigene IT"),
            SelectChoice("service_provider", "Externer IT-Dienstleister"),
        ],
    )
    backup_method = RadioField(
        "Sicherungsverfahren",
        choices=[
            SelectChoice("sql_native", "SQL-Server-Sicherungen (Wartungspläne, Agent-Jobs)"),
            SelectChoice(
                "backup_software", "Sicherungssoftware mit SQL-Server-Unterstützung (z. B. Veeam)"
            ),
            SelectChoice("vm_snapshot", "Nur VM-Snapshots"),
        ],
    )
    rpo_hours = IntegerField(
        "Maximaler Datenverlust (RPO, Stunden)",
        render_kw={"step": 1, "min": 0, "max": 168, "placeholder": "24"},
    )
    rto_hours = IntegerField(
        "Maximale Ausfallzeit (RTO, Stunden)",
        render_kw={"step": 1, "min": 1, "max": 720, "placeholder": "8"},
    )
    security = FormField(SecurityForm, "Sicherheitsanforderungen")
    data_sources = FieldList(
        FormField(DataSourceRow, label="Datenquelle"), "Datenquellen", min_entries=1
    )
    it_contacts = FieldList(
        FormField(ItContactRow, label="Ansprechpartner"), "IT-Ansprechpartner", min_entries=1
    )


# -- the hand-written pages -----------------------------------------------------------------

HAND_TEMPLATE = """{% extends "base.html" %}
{% macro field_html(field) %}
{% if field.type == "FormField" %}
<fieldset><legend>{{ field.label.text }}</legend>{% for sub in field.form %}{{ field_html(sub) }}{% endfor %}</fieldset>
{% elif field.type == "FieldList" %}
<fieldset><legend>{{ field.label.text }}</legend>{% for entry in field %}{{ field_html(entry) }}{% endfor %}</fieldset>
{% else %}
<div class="field">{{ field.label() }} {{ field() }}</div>
{% endif %}
{% endmacro %}
{% block content %}
<h1>{{ title }}</h1>
<form method="post" novalidate>
  <input type="hidden" name="csrf_token" value="{{ csrf_token() }}">
  {% for field in form %}{{ field_html(field) }}{% endfor %}
  <button class="button primary">Speichern</button>
</form>
{% endblock %}"""


def _with_validators(form_class: type[Form]) -> None:
    """What a developer states next to the HTML limits: Optional, Length, NumberRange."""
    for name, unbound in list(vars(form_class).items()):
        if not hasattr(unbound, "field_class"):
            continue
        kw = unbound.kwargs.get("render_kw") or {}
        checks: list[Any] = [Optional()]
        if "maxlength" in kw or "minlength" in kw:
            checks.append(Length(min=kw.get("minlength", -1), max=kw.get("maxlength", -1)))
        if unbound.field_class is IntegerField and "min" in kw:
            checks.append(NumberRange(min=kw["min"], max=kw.get("max")))
        if unbound.field_class in (FormField, FieldList):
            inner = unbound.args[0]
            if unbound.field_class is FieldList:
                inner = inner.args[0]
            _with_validators(inner)
            continue
        if unbound.field_class is not FileField:
            unbound.kwargs["validators"] = checks
        setattr(form_class, name, unbound)


def hand_pages(technical) -> dict[str, type[Form]]:
    """The hand-written form cut into the questionnaire's pages (fields in the same order)."""
    _with_validators(TechnicalOnPremisesForm)
    pages = {}
    for page in technical.pages:
        keys = [n.key for n in technical.nodes(page.key, ON_PREMISES_CONTEXT)]
        fields = {k: getattr(TechnicalOnPremisesForm, k) for k in keys}
        pages[page.key] = type(f"Hand{page.key.title()}Form", (Form,), fields)
    return pages


def install_hand_route(app, forms: dict[str, type[Form]]) -> None:
    """GET /bench/hand/<page>: the customer's order and answers, the hand form, the template."""
    template = app.jinja_env.from_string(HAND_TEMPLATE)

    def hand(page: str):
        order = responses.customer_order(db.session, session.get("customer_links", []), "technical")
        response = responses.find(db.session, order, "technical")
        form = forms[page](data=response.data if response else {})
        return render_template(template, form=form, title="Technischer Fragebogen")

    app.add_url_rule("/bench/hand/<page>", "bench_hand", hand)


# -- measuring ------------------------------------------------------------------------------


def timed(
    variants: dict[str, Callable[[], Any]], rounds: int, batch: int
) -> dict[str, list[float]]:
    """Seconds per call of each variant per round; variants alternate, order flipped per round."""
    for fn in variants.values():  # warm up caches and lazy imports
        for _ in range(batch):
            fn()
    runs: dict[str, list[float]] = {name: [] for name in variants}
    items = list(variants.items())
    for index in range(rounds):
        for name, fn in items if index % 2 == 0 else reversed(items):
            gc.collect()
            start = time.perf_counter()
            for _ in range(batch):
                fn()
            runs[name].append((time.perf_counter() - start) / batch)
    return runs


def summary(subject: list[float], baseline: list[float]) -> str:
    ratios = sorted(s / b for s, b in zip(subject, baseline, strict=True))
    deciles = statistics.quantiles(ratios, n=10)
    return (
        f"{statistics.median(subject) * 1000:7.2f} ms vs {statistics.median(baseline) * 1000:7.2f} "
        f"ms, ratio {statistics.median(ratios):.2f}x (p10-p90 {deciles[0]:.2f}-{deciles[-1]:.2f}x)"
    )


def report(title: str, runs: dict[str, dict[str, list[float]]], goal: float) -> None:
    print(f"{title} (goal <= {goal}x)")
    for page, result in runs.items():
        print(f"  {page:<13} {summary(result['engine'], result['hand'])}")
    rounds = len(next(iter(runs.values()))["engine"])
    total = {
        side: [sum(r[side][i] for r in runs.values()) for i in range(rounds)]
        for side in ("engine", "hand")
    }
    print(f"  {'all pages':<13} {summary(total['engine'], total['hand'])}")


def posted(form: Form) -> ImmutableMultiDict:
    """What a browser submits for the rendered form: every text input, the checked choices."""
    pairs: list[tuple[str, str]] = []

    def walk(form: Form) -> None:
        for field in form:
            if isinstance(field, FormField):
                walk(field.form)
            elif isinstance(field, FieldList):
                for entry in field:
                    walk(entry.form)
            elif isinstance(field, FileField):
                continue  # uploads travel separately
            elif hasattr(field, "iter_choices"):
                pairs.extend((field.name, c.value) for c in field.iter_choices() if c.selected)
            else:
                pairs.append((field.name, field._value()))

    walk(form)
    return ImmutableMultiDict(pairs)


def bench_get(client, technical, rounds: int) -> None:
    runs = {}
    for page in technical.pages:
        engine_url = f"/customer/technical/pages/{page.key}"
        hand_url = f"/bench/hand/{page.key}"
        for url in (engine_url, hand_url):
            answer = client.get(url)
            assert answer.status_code == 200, (url, answer.status_code)

        def get(url: str) -> None:
            client.get(url).close()

        runs[page.key] = timed(
            {"engine": lambda u=engine_url: get(u), "hand": lambda u=hand_url: get(u)},
            rounds=rounds,
            batch=2,
        )
    report("GET of a technical page through the app, engine vs hand-written", runs, GOAL)


def bench_submit(technical, hand: dict[str, type[Form]], rounds: int) -> None:
    answers = samples.ON_PREMISES
    runs = {}
    for page in technical.pages:
        form_class = technical.form_class("de", ON_PREMISES_CONTEXT, page.key)
        formdata = posted(form_class(data=answers))
        hand_class = hand[page.key]

        def engine(key=page.key, fd=formdata) -> Any:
            # As a save does: the cached class, bound to the post, its answers, their check.
            data = technical.to_data(technical.form_class("de", ON_PREMISES_CONTEXT, key)(fd))
            return data, technical.validate(data, partial=True, context=ON_PREMISES_CONTEXT)

        def by_hand(hc=hand_class, fd=formdata) -> Any:
            form = hc(fd)
            return form.validate(), form.data

        assert engine()[1] == [], "the sample is not valid on its page"
        assert by_hand()[0], f"the hand-written {page.key} form refuses the sample"
        runs[page.key] = timed({"engine": engine, "hand": by_hand}, rounds=rounds, batch=40)
    report("submit path: bind + to_data + validate vs hand bind + validate + .data", runs, GOAL)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="few rounds: a smoke test")
    parser.add_argument("--rounds", type=int, default=None)
    args = parser.parse_args()
    rounds = args.rounds or (12 if args.quick else ROUNDS)
    with tempfile.TemporaryDirectory() as tmp, running_app(Path(tmp)) as app:
        world = make_world(db.session)
        accepted = accept(db.session, world, place(db.session, world))
        order, tokens = accepted.order, accepted.tokens
        technical = questionnaires.get(db.session, "technical", 1)
        hand = hand_pages(technical)
        install_hand_route(app, hand)
        drafts.save(
            db.session,
            order,
            "technical",
            base_version=0,
            changes=dict(samples.ON_PREMISES),
            author="Bench",
        )
        client = app.test_client()
        assert client.get(f"/r/{tokens['technical']}").status_code == 303
        client.post("/customer/name", data={"name": "Bench"})
        gc.collect()
        gc.freeze()
        print(
            f"{rounds} interleaved rounds per row on {db.engine.dialect.name}; ratios are medians "
            "of per-round ratios; shared machine, so compare ratios, not times"
        )
        bench_get(client, technical, rounds)
        bench_submit(technical, hand, rounds)


if __name__ == "__main__":
    main()
