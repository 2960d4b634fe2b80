"""Diagrams to lay out: a realistic one with cycles, random ones, and hostile names."""

import random

import dfd

SYSTEMS_12 = [
    ("sap", "SAP S/4HANA", "source"),
    ("datev", "DATEV Rechnungswesen", "source"),
    ("hr", "Workday HR", "source"),
    ("excel", "Excel-Meldungen der Tochtergesellschaften", "interface"),
    ("sftp", "SFTP-Austauschverzeichnis", "interface"),
    ("cpce", "CPCE", "cpce"),
    ("db", "ACME_CPCE (SQLPROD01\\CPCE,1433)", "database"),
    ("users", "Benutzer (25)", "user_group"),
    ("ctrl", "Controlling", "user_group"),
    ("bi", "Power BI Service", "external"),
    ("dwh", "Data Warehouse", "source"),
    ("audit", "Wirtschaftsprüfer-Portal", "external"),
]
FLOWS_15 = [
    ("sap", "sftp", "Salden, Buchungen", "Datei (CSV)", "monatlich"),
    ("sftp", "cpce", "Salden", "Datei-Import", "monatlich"),
    ("datev", "cpce", "Salden", "ODBC", "täglich"),
    ("hr", "cpce", "Personaldaten", "API", "monatlich"),
    ("excel", "cpce", "Meldedaten", "Upload", "quartalsweise"),
    ("cpce", "db", "Anwendungsdaten", "SQL (TDS), Port 1433", "laufend"),
    ("users", "cpce", "Eingaben und Berichte", "CPCE-Client", "täglich"),
    ("ctrl", "cpce", "Plandaten", "CPCE-Client", "monatlich"),
    ("cpce", "bi", "Berichtsdaten", "REST", "täglich"),
    ("dwh", "cpce", "Stammdaten", "ODBC", "wöchentlich"),
    ("cpce", "dwh", "Konzernzahlen", "ODBC", "monatlich"),  # a cycle with the one before
    ("cpce", "audit", "Konzernabschluss", "SFTP", "jährlich"),
    ("db", "bi", "Direktabfrage", "SQL", "täglich"),
    ("ctrl", "excel", "Vorlagen", "E-Mail", "quartalsweise"),
    ("bi", "users", "Dashboards", "HTTPS", "täglich"),  # users -> CPCE -> BI -> users
]


HOSTILE = ['<script>alert("x")</script>', '"><svg onload="alert(1)">', "Müller & Söhne 'AG'", "]]>"]


def sample() -> tuple[list[dict], list[dict]]:
    """The 12 systems and 15 flows of a realistic diagram, cycles included."""
    systems = [{"id": i, "name": n, "kind": k} for i, n, k in SYSTEMS_12]
    flows = [
        {"from": a, "to": b, "content": c, "method": m, "frequency": f}
        for a, b, c, m, f in FLOWS_15
    ]
    return systems, flows


def random_diagram(seed: int) -> tuple[list[dict], list[dict]]:
    """A random diagram: long and short names, cycles, parallel flows, empty and long labels."""
    rnd = random.Random(seed)
    words = ["SAP", "Konsolidierung", "Schnittstellen-Server", "HR", "Übermittlung", "X", "√"]
    words += ["Dateifreigabe \\\\fs01\\export\\monatlich", "Donaudampfschifffahrtsgesellschaft"]
    count = rnd.randint(2, 30)
    systems = [
        {
            "id": f"n{i}",
            "name": " ".join(rnd.choice(words) for _ in range(rnd.randint(1, 5)))[:76] + f" {i}",
            "kind": rnd.choice(dfd.KINDS),
        }
        for i in range(count)
    ]
    texts = ["", "Salden", "Sehr langer Inhalt eines Datenflusses mit vielen, vielen Wörtern " * 2]
    flows = []
    for _ in range(rnd.randint(0, 45)):
        a, b = rnd.sample(range(count), 2)
        flows.append(
            {
                "from": f"n{a}",
                "to": f"n{b}",
                "content": rnd.choice(texts)[:120],
                "method": rnd.choice(["", "ODBC", "Dateiübertragung über SFTP mit PGP"]),
                "frequency": rnd.choice(["", "täglich"]),
            }
        )
    return systems, flows
