"""The data flow diagram: layout geometry, SVG escaping, prefill, saving, versions and roles."""

import random
import xml.etree.ElementTree as ET
from itertools import combinations

import pytest
from sqlalchemy import event, func, select

from portal.diagram import layout as dfd
from portal.extensions import db
from portal.models import AuditEvent, DataFlowDiagram, Response, StepCompletion
from portal.services import diagrams
from portal.services.errors import Conflict, Forbidden, Invalid, NotFound
from tests.conftest import login
from tests.helpers import accept, place
from tests.samples import CP_CLOUD, ON_PREMISES

SVG = "{http://www.w3.org/2000/svg}"
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


# ---------------------------------------------------------------- geometry


def rect(item) -> tuple[float, float, float, float]:
    return (item.x, item.y, item.w, item.h)


def overlap(a, b, margin: float = 0.0) -> bool:
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    return (
        ax < bx + bw + margin
        and bx < ax + aw + margin
        and ay < by + bh + margin
        and by < ay + ah + margin
    )


def inside(inner, outer, tolerance: float = 0.01) -> bool:
    x, y, w, h = inner
    ox, oy, ow, oh = outer
    return (
        x >= ox - tolerance
        and y >= oy - tolerance
        and x + w <= ox + ow + tolerance
        and y + h <= oy + oh + tolerance
    )


def shrink(area, by: float):
    x, y, w, h = area
    return (x + by, y + by, w - 2 * by, h - 2 * by)


def on_border(point, box, tolerance: float = 0.01) -> bool:
    x, y = point
    vertical = abs(x - box.x) < tolerance or abs(x - box.x - box.w) < tolerance
    return vertical and box.y < y < box.y + box.h


def crosses(p, q, area) -> bool:
    """Whether the segment p-q meets the rectangle (Liang-Barsky clipping)."""
    x, y, w, h = area
    dx, dy = q[0] - p[0], q[1] - p[1]
    low, high = 0.0, 1.0
    for step, distance in (
        (-dx, p[0] - x),
        (dx, x + w - p[0]),
        (-dy, p[1] - y),
        (dy, y + h - p[1]),
    ):
        if step == 0:
            if distance < 0:
                return False
            continue
        t = distance / step
        if step < 0:
            low = max(low, t)
        else:
            high = min(high, t)
        if low > high:
            return False
    return True


def check_geometry(result: dfd.Layout) -> None:
    """No overlaps, text inside its box, lines from box to box, everything on the canvas."""
    canvas = (0, 0, result.width, result.height)
    boxes = {box.id: box for box in result.boxes}
    labels = [edge.label for edge in result.edges if edge.label]
    for a, b in combinations(result.boxes, 2):
        assert not overlap(rect(a), rect(b), margin=8), (a.name, b.name)
    for box in result.boxes:
        assert inside(rect(box), canvas), box.name
        (left, top, right, bottom), _ = dfd.INSETS[box.kind]
        text_area = (box.x + left, box.y + top, box.w - left - right, box.h - top - bottom)
        assert " ".join(line.text for line in box.lines).replace(" ", "") == box.name.replace(
            " ", ""
        ), "a name is wrapped, never cut"
        for line in box.lines:
            assert line.w == pytest.approx(dfd.text_width(line.text, line.size))
            assert inside(rect(line), text_area), (box.name, line.text)
    for label in labels:
        assert inside(rect(label), canvas)
        for line in label.lines:
            assert line.w == pytest.approx(dfd.text_width(line.text, line.size))
            assert inside(rect(line), rect(label)), line.text
        for box in result.boxes:
            assert not overlap(rect(label), rect(box), margin=4), (label.text, box.name)
    for a, b in combinations(labels, 2):
        assert not overlap(rect(a), rect(b), margin=2), (a.text, b.text)
    for edge in result.edges:
        assert on_border(edge.points[0], boxes[edge.source]), edge.flow
        assert on_border(edge.points[-1], boxes[edge.target]), edge.flow
        for x, y in edge.points:
            assert 0 <= x <= result.width and 0 <= y <= result.height
        for p, q in zip(edge.points, edge.points[1:], strict=False):
            for box in result.boxes:
                assert not crosses(p, q, shrink(rect(box), 0.5)), (edge.flow, box.name)
            for label in labels:
                if label is not edge.label:
                    assert not crosses(p, q, shrink(rect(label), 0.5)), (edge.flow, label.text)
    for item in result.legend:
        assert inside(item.swatch, canvas) and inside(rect(item.line), canvas)
        assert not any(overlap(item.swatch, rect(box)) for box in result.boxes)


def test_twelve_systems_and_fifteen_flows_are_laid_out_without_overlaps():
    systems, flows = sample()
    result = dfd.layout(systems, flows)
    assert len(result.boxes) == 12 and len(result.edges) == 15
    check_geometry(result)
    by_name = {box.name: box for box in result.boxes}
    assert len(by_name["Excel-Meldungen der Tochtergesellschaften"].lines) > 1
    # Left to right: the sources before CPCE, CPCE before its database.
    assert (
        by_name["SAP S/4HANA"].x < by_name["CPCE"].x < by_name["ACME_CPCE (SQLPROD01\\CPCE,1433)"].x
    )
    # The user group stays left of CPCE although a flow comes back to it (a cycle).
    assert by_name["Benutzer (25)"].x < by_name["CPCE"].x
    assert {item.kind for item in result.legend} == set(dfd.KINDS)


@pytest.mark.parametrize("seed", range(8))
def test_random_diagrams_keep_the_geometry_rules(seed):
    check_geometry(dfd.layout(*random_diagram(seed)))


def test_the_layout_is_deterministic_and_skips_broken_flows():
    systems, flows = sample()
    assert dfd.layout(systems, flows) == dfd.layout(systems, flows)
    broken = [*flows, {"from": "sap", "to": "sap"}, {"from": "sap", "to": "nowhere"}]
    assert len(dfd.layout(systems, broken).edges) == 15
    assert dfd.layout([], []).boxes == ()


def test_long_labels_are_shortened_inside_the_drawing():
    systems = [{"id": "a", "name": "A", "kind": "source"}, {"id": "b", "name": "B", "kind": "cpce"}]
    flow = {
        "from": "a",
        "to": "b",
        "content": "Inhalt " * 17,
        "method": "M" * 120,
        "frequency": "monatlich",
    }
    result = dfd.layout(systems, [flow])
    label = result.edges[0].label
    lines = [line.text for line in label.lines]
    assert len(lines) == 4 and lines[1].endswith("…") and lines[2].endswith("…")
    assert lines[3] == "monatlich"  # method and frequency get a line each when both are long
    assert label.text.startswith("Inhalt Inhalt") and label.text.endswith(
        "M" * 120 + " · monatlich"
    )
    check_geometry(result)
    flow.update(method="ODBC")
    short = dfd.layout(systems, [flow]).edges[0].label
    assert [line.text for line in short.lines][2] == "ODBC · monatlich"


def test_text_width_is_estimated_per_character():
    assert dfd.text_width("WWW", 13) > dfd.text_width("iii", 13) * 3
    assert dfd.text_width("Äö", 10) == dfd.text_width("Ao", 10)
    lines = dfd.wrap("Donaudampfschifffahrtsgesellschaftskapitän", 13, 100)
    assert len(lines) > 1 and "".join(lines) == "Donaudampfschifffahrtsgesellschaftskapitän"
    assert all(dfd.text_width(t, 13) <= 100 for t in dfd.wrap("a/b/" * 30, 13, 100))


# ---------------------------------------------------------------- the SVG


HOSTILE = ['<script>alert("x")</script>', '"><svg onload="alert(1)">', "Müller & Söhne 'AG'", "]]>"]


def test_the_svg_escapes_every_name_and_text():
    systems = [{"id": f"h{i}", "name": name, "kind": "source"} for i, name in enumerate(HOSTILE)]
    systems.append({"id": "c", "name": "CPCE\x00\x08", "kind": "cpce"})
    flows = [
        {"from": "h0", "to": "c", "content": "<b>fett</b>", "method": "a&b", "frequency": '"'},
        {"from": "h1", "to": "c", "content": "x", "method": "", "frequency": ""},
    ]
    svg = dfd.render_svg(dfd.layout(systems, flows), 'Titel <script>&"', id_prefix="x\"'<")
    root = ET.fromstring(svg)  # noqa: S314 (our own output): well-formed, also as a file
    allowed = {"svg", "title", "desc", "defs", "marker", "path", "rect", "text", "g", "polyline"}
    for element in root.iter():
        assert element.tag.removeprefix(SVG) in allowed
        assert not any(name.lower().startswith("on") for name in element.attrib)
    assert "<script" not in svg and "<b>" not in svg and 'onload="' not in svg
    assert root.find(f"{SVG}title").text == 'Titel <script>&"'
    assert root.get("aria-labelledby") == "x-title x-desc" and root.get("role") == "img"
    texts = " ".join(t.text for t in root.iter(f"{SVG}text"))
    assert "Müller & Söhne 'AG'" in texts and "<b>fett</b>" in texts
    assert "a&b" in root.find(f"{SVG}desc").text


def test_the_svg_is_accessible_and_uses_generic_fonts():
    systems, flows = sample()
    svg = dfd.render_svg(dfd.layout(systems, flows), "Diagramm", description="Beschreibung")
    root = ET.fromstring(svg)  # noqa: S314 (our own output)
    assert root.get("font-family") == "sans-serif"
    assert root.get("viewBox").startswith("0 0 ") and float(root.get("width")) > 0
    assert root.find(f"{SVG}desc").text == "Beschreibung"
    assert "style" not in svg  # the page's CSP allows no inline styles
    legend = root.find(f"{SVG}g[@class='legend']")
    assert [t.text for t in legend.iter(f"{SVG}text")] == [dfd.KIND_LABELS[k] for k in dfd.KINDS]
    # Each kind looks different apart from its colour: shape, border or line.
    shapes = {}
    for kind in dfd.KINDS:
        drawn = dfd._shape(kind, 0, 0, 100, 40)
        shapes[kind] = drawn.replace(dfd.STYLES[kind][0], "").replace(dfd.STYLES[kind][1], "")
    assert len(set(shapes.values())) == len(dfd.KINDS)


# ---------------------------------------------------------------- prefill


@pytest.fixture
def order(session, world):
    return accept(session, world, place(session, world)).order


def test_prefill_from_the_on_premises_answers(app, session, world, order):
    draft = diagrams.prefill(order, ON_PREMISES)
    systems = {s["name"]: s for s in draft.systems}
    assert [(s["name"], s["kind"]) for s in draft.systems] == [
        ("SAP S/4HANA", "source"),
        ("DATEV", "source"),
        ("Benutzer (25)", "user_group"),
        ("CPCE", "cpce"),
        ("ACME_CPCE (SQLPROD01\\CPCE,1433)", "database"),
    ]
    named = [
        (
            next(s["name"] for s in draft.systems if s["id"] == f["from"]),
            next(s["name"] for s in draft.systems if s["id"] == f["to"]),
            f["content"],
            f["method"],
            f["frequency"],
        )
        for f in draft.flows
    ]
    assert named == [
        ("SAP S/4HANA", "CPCE", "Salden, IC-Salden", "Datei (CSV)", "monatlich"),
        ("DATEV", "CPCE", "Buchhaltungsdaten", "ODBC", "täglich"),
        ("Benutzer (25)", "CPCE", "Eingaben und Berichte", "CPCE-Client", "täglich"),
        (
            "CPCE",
            "ACME_CPCE (SQLPROD01\\CPCE,1433)",
            "Anwendungsdaten",
            "SQL Server, Port 1433",
            "laufend",
        ),
    ]
    assert systems["CPCE"]["id"] == "s4"
    assert diagrams.validate(draft.systems, draft.flows) == draft  # a prefill is a valid diagram


def test_prefill_for_cp_cloud_and_without_answers(app, session, world):
    order = accept(session, world, place(session, world, code="WOLKE", deployment="cp_cloud")).order
    draft = diagrams.prefill(order, CP_CLOUD)
    names = [s["name"] for s in draft.systems]
    assert names[-1] == "WOLKE_CPCE (CP Cloud)"
    users = next(f for f in draft.flows if f["from"] == draft.systems[2]["id"])
    assert users["method"] == "Remote Desktop"
    empty = diagrams.prefill(order, None)
    assert [s["name"] for s in empty.systems] == ["Benutzer", "CPCE", "WOLKE_CPCE (CP Cloud)"]
    assert len(empty.flows) == 2


def test_prefill_makes_repeated_and_long_names_valid(app, session, world, order):
    rows = [{"system": "SAP"}, {"system": "sap"}, {"system": "X" * 120}, "kaputt", {}]
    draft = diagrams.prefill(order, {"data_sources": rows, "named_users": "viele"})
    names = [s["name"] for s in draft.systems]
    assert names[:2] == ["SAP", "sap (2)"] and len(names[2]) == 80 and names[2].endswith("…")
    assert names[3] == "Quellsystem" and names[4] == "Benutzer"
    diagrams.validate(draft.systems, draft.flows)


# ---------------------------------------------------------------- save, validation, versions


def two_systems() -> tuple[list[dict], list[dict]]:
    systems = [
        {"id": "a", "name": "SAP", "kind": "source"},
        {"id": "b", "name": "CPCE", "kind": "cpce"},
    ]
    flows = [
        {"from": "a", "to": "b", "content": "Salden", "method": "ODBC", "frequency": "täglich"}
    ]
    return systems, flows


def test_saving_adds_versions_and_audits_them(app, session, world, order):
    systems, flows = two_systems()
    first = diagrams.save(session, world.architect, order.id, systems, flows, base_version=0)
    assert (first.version, first.systems[0]["id"], first.flows[0]["from"]) == (1, "s1", "s1")
    systems.append({"id": "c", "name": "  Power   BI ", "kind": "external"})
    second = diagrams.save(session, world.technician, order.id, systems, flows, base_version=1)
    assert second.version == 2 and second.systems[2]["name"] == "Power BI"
    assert diagrams.current(session, world.partner, order.id).id == second.id
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "diagram.save")).all()[-1]
    assert event.payload == {"order_id": order.id, "version": 2, "systems": 3, "flows": 1}
    assert event.actor_id == world.technician.id


def test_a_save_from_an_old_version_is_refused(app, session, world, order):
    systems, flows = two_systems()
    diagrams.save(session, world.architect, order.id, systems, flows, base_version=0)
    with pytest.raises(Conflict, match="Version 1"):
        diagrams.save(session, world.technician, order.id, systems, flows, base_version=0)
    assert session.scalar(select(func.count()).select_from(DataFlowDiagram)) == 1


@pytest.mark.parametrize(
    "change, key",
    [
        (lambda s, f: s.clear(), "systems"),
        (
            lambda s, f: s.extend(
                {"id": f"x{i}", "name": f"S{i}", "kind": "source"} for i in range(39)
            ),
            "systems",
        ),
        (lambda s, f: s[0].update(name="   "), "system-0-name"),
        (lambda s, f: s[0].update(name="N" * 81), "system-0-name"),
        (lambda s, f: s[1].update(name=" sap "), "system-1-name"),
        (lambda s, f: s[0].update(name="SAP\x07"), "system-0-name"),
        (lambda s, f: s[1].update(kind="mainframe"), "system-1-kind"),
        (lambda s, f: s[1].update(id="a"), "systems"),
        (lambda s, f: f[0].update({"to": "nowhere"}), "flow-0-to"),
        (lambda s, f: f[0].update({"from": ""}), "flow-0-from"),
        (lambda s, f: f[0].update({"to": "a"}), "flow-0-to"),
        (lambda s, f: f[0].update(content="x" * 121), "flow-0-content"),
        (lambda s, f: f[0].update(method="a\x1bb"), "flow-0-method"),
        (lambda s, f: f.extend([dict(f[0])] * 100), "flows"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(app, session, world, order, change, key):
    systems, flows = two_systems()
    change(systems, flows)
    with pytest.raises(Invalid) as refused:
        diagrams.save(session, world.architect, order.id, systems, flows)
    assert key in refused.value.fields
    assert session.scalar(select(func.count()).select_from(DataFlowDiagram)) == 0


def test_forty_systems_and_names_of_eighty_characters_are_fine(app, session, world, order):
    systems = [{"id": f"x{i}", "name": f"{i:02d}" + "N" * 78, "kind": "source"} for i in range(40)]
    assert diagrams.save(session, world.architect, order.id, systems, []).version == 1


def test_only_architects_and_technicians_save(app, session, world, order):
    systems, flows = two_systems()
    for user in (world.partner, world.lead, world.backoffice, world.admin):
        with pytest.raises(Forbidden):
            diagrams.save(session, user, order.id, systems, flows)
    with pytest.raises(NotFound):
        diagrams.save(session, world.other_partner, order.id, systems, flows)
    with pytest.raises(NotFound):
        diagrams.current(session, world.other_partner, order.id)


def test_an_approved_protocol_freezes_the_diagram(app, session, world, order):
    systems, flows = two_systems()
    diagrams.save(session, world.architect, order.id, systems, flows)
    session.add(
        StepCompletion(order_id=order.id, step="approve_protocol", completed_by_id=world.lead.id)
    )
    session.commit()
    with pytest.raises(Conflict, match="freigegeben"):
        diagrams.save(session, world.architect, order.id, systems, flows)
    assert diagrams.page(session, world.architect, order.id).may_edit is False
    body = client_of(app, world.architect).get(f"/orders/{order.id}/diagram").get_data(as_text=True)
    assert "festgeschrieben" in body and 'id="diagram-editor"' not in body


def test_a_refused_diagram_edit_is_audited(app, session, world, order):
    systems, flows = two_systems()
    diagrams.save(session, world.architect, order.id, systems, flows)
    session.add(
        StepCompletion(order_id=order.id, step="approve_protocol", completed_by_id=world.lead.id)
    )
    session.commit()
    technician = client_of(app, world.technician)
    url = f"/orders/{order.id}/diagram"
    assert technician.post(url, data=editor_form(base_version="1")).status_code == 409
    assert technician.post(url, data=editor_form(action="add-system")).status_code == 409
    session.expire_all()
    refused = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "diagram.refused").order_by(AuditEvent.id)
    ).all()
    assert [(e.actor_id, e.object_id, e.payload["attempted"]) for e in refused] == [
        (world.technician.id, str(order.id), "save"),
        (world.technician.id, str(order.id), "edit"),
    ]
    assert refused[0].payload["reason"] == (
        "Das Protokoll ist freigegeben; das Datenflussdiagramm ist damit festgeschrieben."
    )
    assert session.scalar(select(func.count(DataFlowDiagram.id))) == 1


def test_the_order_card_needs_one_query(app, session, world, order):
    systems, flows = two_systems()
    for _ in range(3):
        diagrams.save(session, world.architect, order.id, systems, flows)
    statements = []

    def collect(conn, cursor, statement, *args):
        statements.append(statement)

    session.expire_all()
    order = session.get(type(order), order.id)
    assert world.partner.role  # loaded before counting
    event.listen(db.engine, "before_cursor_execute", collect)
    try:
        section = diagrams.order_section(session, world.partner, order)
    finally:
        event.remove(db.engine, "before_cursor_execute", collect)
    assert len(statements) == 1 and section.version == 3 and section.may_edit is False


# ---------------------------------------------------------------- the pages


def client_of(app, user):
    client = app.test_client()
    login(client, user)
    return client


def editor_form(**extra) -> dict:
    form = {
        "base_version": "0",
        "system-0-id": "s1",
        "system-0-name": "SAP",
        "system-0-kind": "source",
        "system-3-id": "s2",  # row numbers may have gaps (rows added and removed in the page)
        "system-3-name": "CPCE",
        "system-3-kind": "cpce",
        "flow-0-from": "s1",
        "flow-0-to": "s2",
        "flow-0-content": "Salden",
        "flow-0-method": "ODBC",
        "flow-0-frequency": "täglich",
    }
    return form | extra


def test_role_matrix_of_the_pages(app, session, world, order):
    url = f"/orders/{order.id}/diagram"
    architect = client_of(app, world.architect)
    assert architect.post(url, data=editor_form()).status_code == 302
    assert session.scalar(select(func.count()).select_from(DataFlowDiagram)) == 1
    for name in ("partner", "lead", "backoffice", "admin", "architect", "technician"):
        client = client_of(app, world.users[name])
        page = client.get(url)
        assert page.status_code == 200, name
        body = page.get_data(as_text=True)
        assert "<svg" in body and "Version 1" in body
        assert ('id="diagram-editor"' in body) == (name in ("architect", "technician")), name
        assert client.get(f"{url}.svg").status_code == 200
        if name not in ("architect", "technician"):
            assert client.post(url, data=editor_form(base_version="1")).status_code == 403, name
            assert client.post(url, data=editor_form(action="add-system")).status_code == 403
    other = client_of(app, world.other_partner)
    assert other.get(url).status_code == 404
    assert other.get(f"{url}.svg").status_code == 404
    assert other.post(url, data=editor_form(base_version="1")).status_code == 404
    assert other.post(url, data=editor_form(action="add-flow")).status_code == 404
    assert session.scalar(select(func.count()).select_from(DataFlowDiagram)) == 1


def test_the_editor_starts_from_the_answers(app, session, world, order):
    session.add(
        Response(order_id=order.id, questionnaire="technical", schema_version=1, data=ON_PREMISES)
    )
    session.commit()
    body = client_of(app, world.architect).get(f"/orders/{order.id}/diagram").get_data(as_text=True)
    assert "Entwurf aus den Antworten des Kunden" in body
    assert 'name="system-0-name" value="SAP S/4HANA"' in body
    assert 'value="ACME_CPCE (SQLPROD01\\CPCE,1433)"' in body
    assert "ergibt Version 1" in body
    partner = (
        client_of(app, world.partner).get(f"/orders/{order.id}/diagram").get_data(as_text=True)
    )
    assert "Noch kein Diagramm" in partner and "<svg" not in partner


def test_rows_are_added_and_removed_without_javascript(app, session, world, order):
    client = client_of(app, world.architect)
    url = f"/orders/{order.id}/diagram"
    added = client.post(url, data=editor_form(action="add-system")).get_data(as_text=True)
    assert 'value="SAP"' in added and 'value="Salden"' in added  # the typed values stay
    assert 'name="system-2-id" value="s3"' in added
    assert 'id="system-2-name" name="system-2-name" value=""' in added
    assert added.split('id="system-2-name"', 1)[1].split(">", 1)[0].endswith("autofocus")
    flow = client.post(url, data=editor_form(action="add-flow")).get_data(as_text=True)
    assert 'id="flow-1-from"' in flow
    removed = client.post(url, data=editor_form(action="remove-system:3")).get_data(as_text=True)
    assert 'value="CPCE"' not in removed.split('id="editor"', 1)[1].split("<template", 1)[0]
    gone = client.post(url, data=editor_form(action="remove-flow:0")).get_data(as_text=True)
    assert 'name="flow-0-from"' not in gone.split('id="editor"', 1)[1].split("<template", 1)[0]
    assert session.scalar(select(func.count()).select_from(DataFlowDiagram)) == 0


def test_a_refused_save_keeps_the_typed_values(app, session, world, order):
    client = client_of(app, world.architect)
    response = client.post(
        f"/orders/{order.id}/diagram", data=editor_form(**{"system-3-name": "sap"})
    )
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert 'href="#system-1-name"' in body and 'aria-invalid="true"' in body
    assert 'value="sap"' in body
    assert session.scalar(select(func.count()).select_from(DataFlowDiagram)) == 0


def test_a_stale_editor_is_told_and_can_save_again(app, session, world, order):
    systems, flows = two_systems()
    diagrams.save(session, world.technician, order.id, systems, flows)
    client = client_of(app, world.architect)
    stale = client.post(f"/orders/{order.id}/diagram", data=editor_form(base_version="0"))
    assert stale.status_code == 409
    body = stale.get_data(as_text=True)
    assert "Tim" in body and 'name="base_version" value="1"' in body
    again = client.post(f"/orders/{order.id}/diagram", data=editor_form(base_version="1"))
    assert again.status_code == 302
    assert diagrams.current(session, world.partner, order.id).version == 2


def test_the_svg_download_is_inert_and_escaped(app, session, world, order):
    systems = [
        {"id": "a", "name": HOSTILE[0], "kind": "source"},
        {"id": "b", "name": HOSTILE[1], "kind": "cpce"},
    ]
    diagrams.save(session, world.architect, order.id, systems, [{"from": "a", "to": "b"}])
    diagrams.save(session, world.architect, order.id, systems, [])
    client = client_of(app, world.partner)
    response = client.get(f"/orders/{order.id}/diagram.svg")
    assert response.mimetype == "image/svg+xml"
    assert (
        response.headers["Content-Security-Policy"]
        == "default-src 'none'; style-src 'unsafe-inline'"
    )
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert 'filename="ACME-datenflussdiagramm-v2.svg"' in response.headers["Content-Disposition"]
    body = response.get_data(as_text=True)
    assert "<script" not in body and 'onload="' not in body
    ET.fromstring(body)  # noqa: S314 (our own output)
    old = client.get(f"/orders/{order.id}/diagram.svg?version=1").get_data(as_text=True)
    assert "Version 1" in old and old.count("<polyline") == 1
    assert client.get(f"/orders/{order.id}/diagram.svg?version=7").status_code == 404
    page = client.get(f"/orders/{order.id}/diagram").get_data(as_text=True)
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page


def test_the_order_page_links_the_diagram(app, session, world, order):
    client = client_of(app, world.partner)
    body = client.get(f"/orders/{order.id}").get_data(as_text=True)
    card = body.split('id="diagram-card-heading"', 1)[1].split("</section>", 1)[0]
    assert "Noch nicht gezeichnet" in card and f'href="/orders/{order.id}/diagram"' in card
    systems, flows = two_systems()
    diagrams.save(session, world.architect, order.id, systems, flows)
    body = client.get(f"/orders/{order.id}").get_data(as_text=True)
    assert "Version 1, gespeichert am" in body
    architect = client_of(app, world.architect).get(f"/orders/{order.id}").get_data(as_text=True)
    assert "Diagramm ansehen und bearbeiten" in architect
