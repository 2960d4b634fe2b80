"""The data flow diagram: prefill, saving, versions, roles, the page and the SVG file.

The layout and the SVG themselves are tested without an app in tests/dfd/.
"""

import xml.etree.ElementTree as ET

import pytest
from sqlalchemy import event, func, select

from portal.extensions import db
from portal.models import AuditEvent, DataFlowDiagram, Response, StepCompletion
from portal.services import diagrams
from portal.services.errors import Conflict, Forbidden, Invalid, NotFound
from tests.conftest import login
from tests.dfd.samples import HOSTILE
from tests.helpers import accept, place
from tests.samples import CP_CLOUD, ON_PREMISES

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
