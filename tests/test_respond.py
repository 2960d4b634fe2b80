"""The customer side over HTTP: links, drafts, resume, concurrent saves, uploads, submit."""

import html
import io
import re

import pytest
from sqlalchemy import func, select

from portal import questionnaires
from portal.models import Response, ResponseRevision, StepCompletion, Upload, utcnow
from portal.services.links import hash_token
from tests import samples
from tests.conftest import login
from tests.helpers import accept, place


@pytest.fixture
def tokens(session, world):
    return accept(session, world, place(session, world, deployment="cp_cloud")).tokens


def enter(client, token, name="Max Muster"):
    assert client.get(f"/r/{token}").status_code == 303
    client.post("/customer/name", data={"name": name})
    return client


def page_url(kind, page):
    return f"/customer/{kind}/pages/{page}"


def version_of(client, kind, page) -> int:
    body = client.get(page_url(kind, page)).get_data(as_text=True)
    return int(re.search(r'name="base_version" value="(\d+)"', body).group(1))


def post(client, kind, page, data, action="save", version=None):
    version = version_of(client, kind, page) if version is None else version
    return client.post(
        page_url(kind, page), data={**data, "base_version": version, "action": action}
    )


def stored(session, kind="technical") -> dict:
    session.expire_all()
    response = session.scalar(select(Response).where(Response.questionnaire == kind))
    return response.data if response else {}


def test_a_draft_is_saved_and_shown_again_on_return(client, session, tokens):
    enter(client, tokens["technical"])
    response = post(
        client,
        "technical",
        "environment",
        {
            "cloud_access_path": "remote_desktop",
            "cloud_bandwidth_mbit": "100",
            "cloud_vpn_required": "true",
        },
    )
    assert response.status_code == 303
    assert stored(session) == {
        "cloud_access_path": "remote_desktop",
        "cloud_bandwidth_mbit": 100,
        "cloud_vpn_required": True,
    }
    # Resume later in a new browser session with the same link.
    other = enter(client.application.test_client(), tokens["technical"], name="Eva")
    body = other.get(page_url("technical", "environment")).get_data(as_text=True)
    assert 'value="100"' in body
    assert re.search(r'value="remote_desktop"[^>]*checked|checked[^>]*value="remote_desktop"', body)
    assert "Max Muster" in other.get("/customer").get_data(as_text=True)


def test_draft_skips_required_but_refuses_wrong_types_and_writes_nothing(client, session, tokens):
    enter(client, tokens["technical"])
    ok = post(client, "technical", "workstations", {"named_users": "25"})
    assert ok.status_code == 303
    bad = post(
        client, "technical", "workstations", {"named_users": "viele", "concurrent_users": "3"}
    )
    assert bad.status_code == 400
    body = bad.get_data(as_text=True)
    assert 'class="error-summary"' in body and 'href="#named_users"' in body
    assert stored(session) == {"named_users": 25}


def test_hidden_questions_are_cleared_on_save(client, session, tokens):
    enter(client, tokens["technical"])
    post(
        client,
        "technical",
        "environment",
        {"cloud_vpn_required": "true", "cloud_vpn_type": "site_to_site"},
    )
    assert stored(session)["cloud_vpn_type"] == "site_to_site"
    post(
        client,
        "technical",
        "environment",
        {"cloud_vpn_required": "false", "cloud_vpn_type": "site_to_site"},
    )
    assert "cloud_vpn_type" not in stored(session)


def test_cloud_customers_are_not_asked_for_server_sizing(client, session, world):
    cloud = accept(
        session, world, place(session, world, code="CLOUD", deployment="cp_cloud")
    ).tokens
    onprem = accept(session, world, place(session, world, code="ONPREM")).tokens
    cloud_page = enter(client, cloud["technical"]).get(page_url("technical", "environment"))
    assert 'name="server-cpu_cores"' not in cloud_page.get_data(as_text=True)
    assert 'name="cloud_access_path"' in cloud_page.get_data(as_text=True)
    other = enter(client.application.test_client(), onprem["technical"])
    body = other.get(page_url("technical", "environment")).get_data(as_text=True)
    assert 'name="server-cpu_cores"' in body and 'name="cloud_access_path"' not in body


def test_two_contacts_saving_different_answers_lose_nothing(app, session, tokens):
    anna = enter(app.test_client(), tokens["technical"], "Anna")
    bert = enter(app.test_client(), tokens["technical"], "Bert")
    start = version_of(anna, "technical", "workstations")
    assert (
        post(anna, "technical", "workstations", {"named_users": "25"}, version=start).status_code
        == 303
    )
    # Bert still has the page as it was before Anna's save.
    response = post(bert, "technical", "workstations", {"concurrent_users": "10"}, version=start)
    assert response.status_code == 303
    assert stored(session) == {"named_users": 25, "concurrent_users": 10}


def test_conflicting_answers_are_shown_to_the_later_saver_to_decide(app, session, tokens):
    anna = enter(app.test_client(), tokens["technical"], "Anna")
    bert = enter(app.test_client(), tokens["technical"], "Bert")
    start = version_of(anna, "technical", "workstations")
    post(
        anna,
        "technical",
        "workstations",
        {"named_users": "25", "client_installation": "manual"},
        version=start,
    )
    response = post(
        bert,
        "technical",
        "workstations",
        {"named_users": "40", "concurrent_users": "9"},
        version=start,
    )
    assert response.status_code == 409
    body = response.get_data(as_text=True)
    assert "Jemand anderes hat inzwischen dieselben Fragen beantwortet" in body
    assert "Anna" in body and "25" in body and "40" in body
    # Anna's conflicting answer stands until Bert decides; Bert's other answer is saved.
    assert stored(session) == {
        "named_users": 25,
        "client_installation": "manual",
        "concurrent_users": 9,
    }
    panel = dict(
        re.findall(
            r'<input type="hidden" name="((?:pointer|kind|mine|theirs)-0)" value="([^"]*)"', body
        )
    )
    assert panel["pointer-0"] == "/named_users" and html.unescape(panel["theirs-0"]) == "25"
    bert.post(
        "/customer/technical/pages/workstations/resolve",
        data={**{k: html.unescape(v) for k, v in panel.items()}, "choice-0": "mine"},
    )
    assert stored(session)["named_users"] == 40


def test_repeating_group_rows_can_be_added_and_a_middle_one_removed(client, session, tokens):
    enter(client, tokens["technical"])
    rows = {
        f"it_contacts-{i}-{k}": v
        for i, name in enumerate(["Ada", "Bob", "Cy"])
        for k, v in {"name": name, "role": "IT", "email": f"{name.lower()}@example.com"}.items()
    }
    assert post(client, "technical", "contacts", rows).status_code == 303
    assert [c["name"] for c in stored(session)["it_contacts"]] == ["Ada", "Bob", "Cy"]
    added = post(client, "technical", "contacts", rows, action="add:/it_contacts")
    assert added.status_code == 303 and "add=/it_contacts" in added.location
    body = client.get(added.location).get_data(as_text=True)
    assert 'name="it_contacts-3-name"' in body
    removed = post(client, "technical", "contacts", rows, action="remove:/it_contacts/1")
    assert removed.status_code == 303
    assert [c["name"] for c in stored(session)["it_contacts"]] == ["Ada", "Cy"]


def test_submit_runs_full_validation_with_an_error_summary(client, session, tokens):
    enter(client, tokens["technical"])
    post(client, "technical", "workstations", {"named_users": "25"})
    response = client.post("/customer/technical/submit")
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert 'class="error-summary"' in body
    assert "/customer/technical/pages/environment#cloud_access_path" in body
    assert stored(session)  # nothing lost
    assert session.scalar(select(Response.status)) == "draft"


def fill_completely(session, order, kind, data):
    from portal.services import drafts

    result = drafts.save(
        session, order, kind, base_version=0, changes=data, author="Setup", locale="de"
    )
    assert result.saved and not result.conflicts, result.errors


def test_submitting_both_completes_the_step_and_partner_can_reopen(client, session, world, tokens):
    from portal.models import Order

    order = session.scalar(select(Order))
    fill_completely(session, order, "technical", samples.CP_CLOUD)
    fill_completely(session, order, "business", samples.BUSINESS)
    enter(client, tokens["technical"])
    assert client.post("/customer/technical/submit").status_code == 303
    summary = client.get("/customer/technical/summary").get_data(as_text=True)
    assert "Abgeschickt am" in summary and "Max Muster" in summary
    assert 'name="named_users"' not in summary  # read-only now
    frozen = post(client, "technical", "workstations", {"named_users": "1"}, version=1)
    assert frozen.status_code == 302 and frozen.location.endswith("/summary")
    assert stored(session)["named_users"] == 25  # the post went nowhere: it is frozen
    steps = lambda: set(session.scalars(select(StepCompletion.step)))  # noqa: E731
    assert "answer_questionnaires" not in steps()
    enter(client.application.test_client(), tokens["business"]).post("/customer/business/submit")
    assert "answer_questionnaires" in steps()

    staff = client.application.test_client()
    login(staff, world.partner)
    page = staff.get(f"/orders/{order.id}").get_data(as_text=True)
    share = questionnaires.get(session, "technical", 1).progress(
        samples.CP_CLOUD, {"deployment": "cp_cloud"}
    )
    assert 0.5 < share < 1
    assert f"{round(share * 100)} %" in page and "Max Muster" in page
    assert staff.post(f"/orders/{order.id}/responses/technical/reopen").status_code == 302
    assert (
        session.scalar(select(Response.status).where(Response.questionnaire == "technical"))
        == "draft"
    )
    assert "answer_questionnaires" not in steps()


def test_only_partner_staff_reopen(client, session, world, tokens):
    from portal.models import Order

    order = session.scalar(select(Order))
    fill_completely(session, order, "technical", samples.CP_CLOUD)
    enter(client, tokens["technical"]).post("/customer/technical/submit")
    staff = client.application.test_client()
    login(staff, world.architect)
    assert staff.post(f"/orders/{order.id}/responses/technical/reopen").status_code == 403
    login(staff, world.other_partner)
    assert staff.post(f"/orders/{order.id}/responses/technical/reopen").status_code == 404


def test_link_for_one_questionnaire_does_not_open_the_other(client, tokens):
    enter(client, tokens["technical"])
    assert client.get(page_url("business", "company")).status_code == 404
    assert client.post("/customer/business/submit").status_code == 404
    landing = client.get("/customer").get_data(as_text=True)
    assert "über den eigenen Link" in landing


def test_expired_and_revoked_links_close_the_questionnaire(client, session, tokens):
    from portal.models import CustomerLink

    enter(client, tokens["technical"])
    assert client.get(page_url("technical", "environment")).status_code == 200
    link = session.scalar(
        select(CustomerLink).where(CustomerLink.token_hash == hash_token(tokens["technical"]))
    )
    link.revoked_at = utcnow()
    session.commit()
    assert client.get(page_url("technical", "environment")).status_code == 404
    assert client.get(f"/r/{tokens['technical']}").status_code == 410


def upload(client, filename, content, mimetype):
    version = version_of(client, "technical", "network")
    return client.post(
        page_url("technical", "network"),
        data={
            "base_version": version,
            "action": "save",
            "network_diagram": (io.BytesIO(content), filename, mimetype),
        },
        content_type="multipart/form-data",
    )


def test_uploads_are_stored_and_downloadable(client, session, tokens):
    enter(client, tokens["technical"])
    response = upload(client, "netz.pdf", b"%PDF-1.4 tiny", "application/pdf")
    assert response.status_code == 303
    stored_upload = session.scalar(select(Upload))
    assert stored(session)["network_diagram"] == f"upload:{stored_upload.id}"
    download = client.get(f"/customer/technical/files/{stored_upload.id}")
    assert download.data == b"%PDF-1.4 tiny"
    assert download.headers["Content-Disposition"].startswith("attachment")


@pytest.mark.parametrize(
    ("filename", "content", "mimetype"),
    [
        ("big.pdf", b"x" * (10 * 1024 * 1024 + 1), "application/pdf"),
        ("evil.exe", b"MZ...", "application/x-msdownload"),
        ("page.html", b"<script>alert(1)</script>", "text/html"),
    ],
)
def test_oversize_and_wrong_type_uploads_are_refused_and_nothing_stored(
    client, session, tokens, filename, content, mimetype
):
    enter(client, tokens["technical"])
    response = upload(client, filename, content, mimetype)
    assert response.status_code == 400
    assert 'class="error-summary"' in response.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(Upload)) == 0
    assert session.scalar(select(func.count()).select_from(ResponseRevision)) == 0


def test_html_and_script_in_answers_are_shown_as_text(client, session, tokens):
    enter(client, tokens["technical"])
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    post(client, "technical", "workstations", {"service_account_policy": hostile})
    for url in (page_url("technical", "workstations"), "/customer/technical/summary"):
        body = client.get(url).get_data(as_text=True)
        assert "<script>alert" not in body and "<img src=x" not in body
        assert "&lt;script&gt;" in body


def test_autosave_answers_json_with_visibility(client, session, tokens):
    enter(client, tokens["technical"])
    response = client.post(
        page_url("technical", "environment") + "/changes",
        json={
            "changes": [{"op": "set", "pointer": "/cloud_vpn_required", "from": [], "to": ["true"]}]
        },
    )
    result = response.get_json()
    assert result["saved"] is True and result["version"] > 0
    assert "/cloud_vpn_type" in result["visible"]
    assert 0 < result["progress"] < 1


def test_a_request_beyond_the_size_limit_is_refused_with_a_clear_page(app, client, session, tokens):
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024
    enter(client, tokens["technical"])
    response = upload(client, "huge.pdf", b"x" * (2 * 1024 * 1024), "application/pdf")
    assert response.status_code == 413
    assert "Datei zu groß" in response.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(Upload)) == 0


def test_after_a_failed_submit_each_page_shows_the_messages_at_its_fields(client, session, tokens):
    enter(client, tokens["technical"])
    assert (
        client.get(page_url("technical", "workstations"))
        .get_data(as_text=True)
        .count('class="error-message"')
        == 0
    )
    client.post("/customer/technical/submit")
    body = client.get(page_url("technical", "workstations")).get_data(as_text=True)
    assert 'id="named_users-error"' in body
    assert 'href="#named_users"' in body


def test_the_conflict_names_who_gave_the_other_answer_not_the_last_saver(app, session, tokens):
    anna = enter(app.test_client(), tokens["technical"], "Anna")
    bert = enter(app.test_client(), tokens["technical"], "Bert")
    cleo = enter(app.test_client(), tokens["technical"], "Cleo")
    start = version_of(anna, "technical", "workstations")
    post(anna, "technical", "workstations", {"named_users": "25"}, version=start)
    # Cleo saves something unrelated afterwards: she is the last saver, but not the one who said 25.
    post(cleo, "technical", "network", {"sql_port": "1433"})
    response = post(bert, "technical", "workstations", {"named_users": "40"}, version=start)
    assert response.status_code == 409
    body = response.get_data(as_text=True)
    assert "Gespeicherte Antwort von Anna" in body
