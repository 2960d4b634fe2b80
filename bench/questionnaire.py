"""forms_schema's cost next to what it replaces: hand-written WTForms and plain jsonschema.

Run: .venv/bin/python bench/questionnaire.py  (under a minute; writes nothing)

1. Form work of a page render: the technical questionnaire, all pages, bound to the complete
   on-premises sample answers, every field rendered with its label; as a ratio to the
   hand-written WTForms form below (same fields, labels, choices and HTML attributes; the
   script checks that both render byte-identical HTML). Goal: at most 1.25x. The same for a
   submission: the form built from the POSTed values plus to_data(), against the hand-written
   form plus .data.
2. Validating a complete submission (partial=False) in ms per call, as a ratio to a plain
   Draft202012Validator(schema).iter_errors() on the same answers: what visibility, clean-up
   and error mapping add on top of jsonschema.
3. One-time costs: forms_schema.load() of each file and the first (uncached) form_class().

Machines are shared and noisy, so the variants of a figure run interleaved (their order
flipped every round), each round times a small batch of calls, and every figure is the median
over many rounds; ratios are ratios of those medians, measured in the same run. The garbage
collector stays on (it is part of what a request costs); the objects alive after setup are
frozen (gc.freeze) and the collector is emptied before every batch, so no variant pays for
another's garbage.
"""

import gc
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from werkzeug.datastructures import ImmutableMultiDict
from wtforms import (
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
from wtforms.widgets import CheckboxInput, ListWidget

import forms_schema
from forms_schema.formats import FORMAT_CHECKER
from portal import samples

ROOT = Path(__file__).resolve().parent.parent
ON_PREMISES_CONTEXT = {"deployment": "on_premises", "license_model": "rent"}
CP_CLOUD_CONTEXT = {"deployment": "cp_cloud", "license_model": "rent"}
GOAL = 1.25
ROUNDS = 200  # per figure; each round times one small batch of every variant
LOAD_ROUNDS = 20


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


# -- measuring ------------------------------------------------------------------------------


def timed(variants: dict[str, Callable[[], Any]], rounds: int, batch: int) -> dict[str, float]:
    """Median seconds per call of each variant; the variants alternate, order flipped per round."""
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
    return {name: statistics.median(values) for name, values in runs.items()}


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


# -- forms ----------------------------------------------------------------------------------


def render(form: Form) -> str:
    """Every field's label and HTML, groups and rows included, as the page template renders them."""
    parts = []
    for field in form:
        parts.append(field.label())
        if isinstance(field, FormField):
            parts.append(render(field.form))
        elif isinstance(field, FieldList):
            for entry in field:
                parts.append(entry.label())
                parts.append(render(entry.form))
        else:
            parts.append(field())
    return "".join(parts)


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


def bench_forms(technical: forms_schema.Questionnaire) -> None:
    answers = samples.ON_PREMISES

    def schema_form(formdata: Any = None) -> Form:
        # As the portal's view does on every request: the cached class, then an instance.
        form_class = technical.form_class(locale="de", context=ON_PREMISES_CONTEXT, page=None)
        return form_class(data=answers) if formdata is None else form_class(formdata)

    formdata = posted(schema_form())
    variants = {  # figure: (forms_schema, hand-written, notes)
        "render": (
            lambda: render(schema_form()),
            lambda: render(TechnicalOnPremisesForm(data=answers)),
            ("", ""),
        ),
        "bind": (
            schema_form,
            lambda: TechnicalOnPremisesForm(data=answers),
            (" (render without the HTML)", ""),
        ),
        "post": (
            lambda: technical.to_data(schema_form(formdata)),
            lambda: TechnicalOnPremisesForm(formdata).data,
            (" (form + to_data)", " (form + .data)"),
        ),
    }

    # The comparison is only fair if both forms are the same form.
    render_schema, render_hand, _ = variants["render"]
    assert render_schema() == render_hand(), "the hand-written form renders different HTML"
    assert render(schema_form(formdata)) == render(TechnicalOnPremisesForm(formdata))
    # (clean: the sample also answers security/dpa_required, which on premises never shows)
    expected = technical.clean(answers, ON_PREMISES_CONTEXT)
    assert variants["post"][0]() == expected, "to_data() of the POSTed sample is not the sample"

    for what, (schema_fn, hand_fn, notes) in variants.items():
        batch = 2 if what == "render" else 5
        result = timed({"schema": schema_fn, "hand": hand_fn}, rounds=ROUNDS, batch=batch)
        schema, hand = result["schema"], result["hand"]
        goal = f"goal <= {GOAL}x" if what != "bind" else "no goal, for locating the cost"
        print(
            f"{what} technical (all pages, on_premises): forms_schema {ms(schema)}{notes[0]}, "
            f"hand-written {ms(hand)}{notes[1]}, ratio {schema / hand:.2f}x ({goal})"
        )


# -- validation -----------------------------------------------------------------------------


def bench_validation(technical: forms_schema.Questionnaire, business: forms_schema.Questionnaire):
    cases = (
        ("technical/on_premises", technical, samples.ON_PREMISES, ON_PREMISES_CONTEXT),
        ("technical/cp_cloud", technical, samples.CP_CLOUD, CP_CLOUD_CONTEXT),
        ("business", business, samples.BUSINESS, ON_PREMISES_CONTEXT),
    )
    for label, questionnaire, data, context in cases:
        plain = Draft202012Validator(questionnaire.schema)
        formats = Draft202012Validator(questionnaire.schema, format_checker=FORMAT_CHECKER)
        assert questionnaire.validate(data, partial=False, context=context) == []
        bare_errors = len(list(plain.iter_errors(data)))
        result = timed(
            {
                "schema": lambda q=questionnaire, d=data, c=context: q.validate(
                    d, partial=False, context=c
                ),
                "plain": lambda v=plain, d=data: list(v.iter_errors(d)),
                "formats": lambda v=formats, d=data: list(v.iter_errors(d)),
            },
            rounds=ROUNDS,
            batch=2,
        )
        schema, bare = result["schema"], result["plain"]
        print(
            f"validate {label}: forms_schema {ms(schema)}, jsonschema {ms(bare)} "
            f"({ms(result['formats'])} with format checker), ratio {schema / bare:.2f}x"
            + (
                f" [jsonschema alone reports {bare_errors} errors: it cannot see the context]"
                if bare_errors
                else ""
            )
        )


# -- one-time costs -------------------------------------------------------------------------


def bench_loading(documents: dict[str, dict]) -> None:
    loads: dict[str, list[float]] = {kind: [] for kind in documents}
    builds: dict[str, list[float]] = {kind: [] for kind in documents}
    for index in range(LOAD_ROUNDS):
        kinds = list(documents) if index % 2 == 0 else list(reversed(documents))
        for kind in kinds:
            gc.collect()
            start = time.perf_counter()
            questionnaire = forms_schema.load(documents[kind])
            loads[kind].append(time.perf_counter() - start)
            start = time.perf_counter()
            questionnaire.form_class(locale="de", context=ON_PREMISES_CONTEXT, page=None)
            builds[kind].append(time.perf_counter() - start)
    for kind in documents:
        print(
            f"one-time {kind}/v1.json: load() {ms(statistics.median(loads[kind]))}, "
            f"first form_class(de, on_premises, all pages) {ms(statistics.median(builds[kind]))}"
        )


def main() -> None:
    documents = {
        kind: json.loads((ROOT / "questionnaires" / kind / "v1.json").read_text(encoding="utf-8"))
        for kind in ("technical", "business")
    }
    technical = forms_schema.load(documents["technical"])
    business = forms_schema.load(documents["business"])
    gc.collect()
    gc.freeze()  # setup stays alive: later collections only look at what the variants made
    print(
        f"medians of {ROUNDS} interleaved rounds ({LOAD_ROUNDS} for one-time costs), "
        "garbage collector on; shared machine, so compare ratios, not absolute times"
    )
    bench_forms(technical)
    bench_validation(technical, business)
    bench_loading(documents)


if __name__ == "__main__":
    main()
