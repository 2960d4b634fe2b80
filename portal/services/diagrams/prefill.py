"""A first diagram from the technical questionnaire's answers: sources, users, CPCE, database.

Pure: it reads the answers and the order's facts, never the database. Names and labels are in
the order's language, shortened to what a saved diagram allows, so a prefill is a valid draft.
"""

from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.models import Order
from portal.services.cloud import names_for
from portal.services.diagrams.rows import NAME_MAX, TEXT_MAX, Draft

# Short wording of the technical questionnaire's choices, as a diagram's labels need it.
DATA_CONTENT = {
    "trial_balance": _l("Salden"),
    "journal_entries": _l("Buchungen"),
    "master_data": _l("Stammdaten"),
    "intercompany": _l("IC-Salden"),
    "plan_data": _l("Plandaten"),
    "personnel": _l("Personaldaten"),
}
DELIVERY = {"odbc": "ODBC", "file": _l("Datei"), "api": "API"}
FILE_FORMAT = {"csv": "CSV", "xlsx": "Excel", "xml": "XML", "fixed_width": _l("feste Satzlänge")}
FREQUENCY = {
    "once": _l("einmalig"),
    "daily": _l("täglich"),
    "weekly": _l("wöchentlich"),
    "monthly": _l("monatlich"),
    "on_demand": _l("bei Bedarf"),
}
CLOUD_ACCESS = {
    "remote_desktop": _l("Remote Desktop"),
    "local_client": _l("CPCE-Client"),
    "both": _l("Remote Desktop oder CPCE-Client"),
}


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _unique(name: str, taken: set[str]) -> str:
    candidate, number = name, 2
    while candidate.casefold() in taken:
        suffix = f" ({number})"
        candidate, number = _short(name, NAME_MAX - len(suffix)) + suffix, number + 1
    taken.add(candidate.casefold())
    return candidate


def _source_flow(row: dict) -> dict[str, str]:
    contents = [str(DATA_CONTENT[c]) for c in row.get("data_content") or [] if c in DATA_CONTENT]
    method = str(DELIVERY.get(row.get("delivery"), ""))
    if row.get("delivery") == "file" and row.get("file_format") in FILE_FORMAT:
        method = f"{method} ({FILE_FORMAT[row['file_format']]})"
    return {
        "content": _short(", ".join(contents) or _("Buchhaltungsdaten"), TEXT_MAX),
        "method": method,
        "frequency": str(FREQUENCY.get(row.get("frequency"), "")),
    }


def prefill(order: Order, technical_answers: dict | None) -> Draft:
    """A first diagram from the technical answers: sources, users, CPCE and its database."""
    answers = technical_answers if isinstance(technical_answers, dict) else {}
    with force_locale(order.language):
        systems: list[dict[str, Any]] = []
        flows: list[dict[str, Any]] = []
        taken: set[str] = set()

        def add(name: str, kind: str) -> str:
            system_id = f"s{len(systems) + 1}"
            systems.append(
                {"id": system_id, "name": _unique(_short(name, NAME_MAX), taken), "kind": kind}
            )
            return system_id

        sources = [r for r in answers.get("data_sources") or [] if isinstance(r, dict)]
        source_ids = [(add(str(r.get("system") or _("Quellsystem")), "source"), r) for r in sources]
        users = answers.get("named_users")
        users_id = add(
            _("Benutzer (%(n)d)", n=users)
            if isinstance(users, int) and users > 0
            else _("Benutzer"),
            "user_group",
        )
        cpce_id = add("CPCE", "cpce")
        database = names_for(order.short_code).database
        if order.deployment == "cp_cloud":
            where, port, access_path = "CP Cloud", None, answers.get("cloud_access_path")
            client = str(CLOUD_ACCESS.get(access_path, _("CPCE-Client")))
        else:
            sql = answers.get("sql_server") if isinstance(answers.get("sql_server"), dict) else {}
            where, port, client = (
                sql.get("instance") or "",
                answers.get("sql_port"),
                _("CPCE-Client"),
            )
        database_id = add(f"{database} ({where})" if where else database, "database")

        for system_id, row in source_ids:
            flows.append({"from": system_id, "to": cpce_id, **_source_flow(row)})
        flows.append(
            {
                "from": users_id,
                "to": cpce_id,
                "content": _("Eingaben und Berichte"),
                "method": client,
                "frequency": _("täglich"),
            }
        )
        flows.append(
            {
                "from": cpce_id,
                "to": database_id,
                "content": _("Anwendungsdaten"),
                "method": _("SQL Server, Port %(port)s", port=port) if port else _("SQL Server"),
                "frequency": _("laufend"),
            }
        )
    return Draft(systems, flows)
