"""Several customers filling one questionnaire at once, through the page script's JSON saves.

Each client keeps its page open (no reload between saves) and sends only what it changed, with
the answer it started from, as questionnaire.js does.
"""

import re
import threading

import pytest
from sqlalchemy import select

from portal.models import Response
from tests.helpers import accept, place
from tests.test_respond import enter, page_url, stored


@pytest.fixture
def tokens(session, world):
    return accept(session, world, place(session, world, deployment="cp_cloud")).tokens


def changes(client, page, *items, kind="technical"):
    response = client.post(f"{page_url(kind, page)}/changes", json={"changes": list(items)})
    assert response.is_json, response.get_data(as_text=True)[:300]
    return response


def set_(pointer, before, after):
    as_list = lambda v: v if isinstance(v, list) else ([] if v is None else [v])  # noqa: E731
    return {"op": "set", "pointer": pointer, "from": as_list(before), "to": as_list(after)}


def add(pointer, row):
    return {"op": "add", "pointer": pointer, "row": row}


def remove(pointer, row, before):
    return {"op": "remove", "pointer": pointer, "row": row, "from": before}


def rows(session, name="it_contacts"):
    session.expire_all()
    response = session.scalar(select(Response))
    return response.row_ids.get(f"/{name}", []), (response.data.get(name) or [])


def test_a_save_writes_only_the_answers_it_names(app, session, tokens):
    anna = enter(app.test_client(), tokens["technical"], "Anna")
    bert = enter(app.test_client(), tokens["technical"], "Bert")
    assert changes(anna, "workstations", set_("/named_users", None, "25")).get_json()["saved"]
    # Bert's page still shows no named users; he changes only the concurrent users.
    answer = changes(bert, "workstations", set_("/concurrent_users", None, "10")).get_json()
    assert answer["saved"] and answer["conflicts"] == []
    assert stored(session) == {"named_users": 25, "concurrent_users": 10}
    # The answer tells the page what is stored now, so it can show Anna's answer too.
    assert answer["answers"]["/named_users"] == ["25"]


def test_seventeen_people_each_on_their_own_question_lose_nothing_and_never_conflict(
    app, session, tokens
):
    # Seventeen questions a cloud customer sees from the start, on four pages.
    questions = [
        ("environment", "/cloud_bandwidth_mbit", "{}00"),
        ("environment", "/cloud_access_path", "remote_desktop"),
        ("environment", "/cloud_fixed_ips", "true"),
        ("environment", "/test_system", "false"),
        ("workstations", "/client_os", "windows_11"),
        ("workstations", "/client_installation", "manual"),
        ("workstations", "/named_users", "4{}"),
        ("workstations", "/concurrent_users", "1{}"),
        ("workstations", "/mfa_required", "true"),
        ("workstations", "/service_account_policy", "policy {}"),
        ("network", "/remote_access_allowed", "false"),
        ("network", "/maintenance_windows", "Sa {}"),
        ("network", "/firewall_lead_time_days", "{}"),
        ("network", "/proxy_host", "proxy{}.example"),
        ("network", "/proxy_port", "808{}"),
        ("operations", "/rpo_hours", "{}"),
        ("operations", "/rto_hours", "1{}"),
    ]
    people = [enter(app.test_client(), tokens["technical"], f"Person {i}") for i in range(17)]
    typed = {i: None for i in range(17)}
    outcomes, failures = [], []
    barrier = threading.Barrier(17)

    def work(i):
        page, pointer, pattern = questions[i]
        barrier.wait()
        try:
            for round_ in range(1, 4):
                value = pattern.format(round_) if "{}" in pattern else pattern
                if value == typed[i]:
                    continue
                with app.app_context():
                    answer = changes(people[i], page, set_(pointer, typed[i], value)).get_json()
                outcomes.append((i, answer["saved"], len(answer.get("conflicts", []))))
                if answer["saved"] and not answer["conflicts"]:
                    typed[i] = value
        except Exception as error:  # pragma: no cover - reported below
            failures.append((i, repr(error)))

    threads = [threading.Thread(target=work, args=(i,)) for i in range(17)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert all(saved and conflicts == 0 for _i, saved, conflicts in outcomes), outcomes
    session.expire_all()
    document = session.scalar(select(Response))
    from portal.services import responses

    questionnaire = responses.questionnaire_of(session, document.order, "technical", document)
    for i, (_page, pointer, _pattern) in enumerate(questions):
        value = stored(session)[pointer.strip("/")]
        assert questionnaire.form_values(pointer, value) == [typed[i]], (pointer, value)


def test_fifty_people_each_editing_their_own_row_keep_every_row(app, session, tokens):
    first = enter(app.test_client(), tokens["business"], "Erste")
    ids = [f"r{i:012x}" for i in range(50)]
    for row in ids:
        answer = changes(first, "company", add("/legal_entities", row), kind="business")
        assert answer.get_json()["saved"]
    people = [enter(app.test_client(), tokens["business"], f"P{i}") for i in range(50)]
    results, barrier = [], threading.Barrier(50)

    def work(i):
        barrier.wait()
        with app.app_context():
            answer = changes(
                people[i],
                "company",
                set_(f"/legal_entities/{ids[i]}/name", None, f"Gesellschaft {i}"),
                set_(f"/legal_entities/{ids[i]}/ownership_share", None, "100"),
                kind="business",
            ).get_json()
        results.append(answer)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 50
    assert [r for r in results if not r["saved"] or r["conflicts"]] == []
    session.expire_all()
    response = session.scalar(select(Response).where(Response.questionnaire == "business"))
    assert response.row_ids["/legal_entities"] == ids
    names = [row["name"] for row in response.data["legal_entities"]]
    assert names == [f"Gesellschaft {i}" for i in range(50)]


def test_adding_a_row_while_another_person_edits_one_keeps_both(app, session, tokens):
    anna = enter(app.test_client(), tokens["technical"], "Anna")
    bert = enter(app.test_client(), tokens["technical"], "Bert")
    changes(anna, "contacts", add("/it_contacts", "ra0000000001"))
    changes(anna, "contacts", set_("/it_contacts/ra0000000001/name", None, "Ada"))
    # Bert adds a row; Anna, whose page does not show it yet, edits hers.
    changes(bert, "contacts", add("/it_contacts", "rb0000000001"), set_(
        "/it_contacts/rb0000000001/name", None, "Bob"
    ))  # fmt: skip
    answer = changes(anna, "contacts", set_("/it_contacts/ra0000000001/name", "Ada", "Ada L."))
    assert answer.get_json()["conflicts"] == []
    row_ids, data = rows(session)
    assert row_ids == ["ra0000000001", "rb0000000001"]
    assert [row["name"] for row in data] == ["Ada L.", "Bob"]
    # Anna's page learns of Bert's row from her save's answer.
    assert answer.get_json()["rows"]["/it_contacts"] == row_ids
    assert answer.get_json()["answers"]["/it_contacts/rb0000000001/name"] == ["Bob"]


def test_removing_a_row_someone_else_is_editing_is_a_conflict_shown_to_decide(app, session, tokens):
    anna = enter(app.test_client(), tokens["technical"], "Anna")
    bert = enter(app.test_client(), tokens["technical"], "Bert")
    row = "ra0000000001"
    changes(
        anna, "contacts", add("/it_contacts", row), set_(f"/it_contacts/{row}/name", None, "Ada")
    )
    # Anna removes the row as she saw it; Bert, meanwhile, types into it.
    assert (
        changes(anna, "contacts", remove("/it_contacts", row, {"/name": ["Ada"]})).get_json()[
            "conflicts"
        ]
        == []
    )
    answer = changes(bert, "contacts", set_(f"/it_contacts/{row}/name", "Ada", "Ada Lovelace"))
    assert answer.status_code == 200
    result = answer.get_json()
    assert result["conflicts"] == [{"pointer": f"/it_contacts/{row}/name", "kind": "row_removed"}]
    assert "Anna" in result["conflict_panel"] and "Ada Lovelace" in result["conflict_panel"]
    assert rows(session)[0] == []
    # Bert keeps his row: the page sends it again as a new row with his answers.
    changes(bert, "contacts", add("/it_contacts", row), set_(
        f"/it_contacts/{row}/name", None, "Ada Lovelace"
    ))  # fmt: skip
    assert rows(session)[1] == [{"name": "Ada Lovelace"}]


def test_removing_a_row_someone_changed_meanwhile_is_a_conflict(app, session, tokens):
    anna = enter(app.test_client(), tokens["technical"], "Anna")
    bert = enter(app.test_client(), tokens["technical"], "Bert")
    row = "ra0000000001"
    changes(
        anna, "contacts", add("/it_contacts", row), set_(f"/it_contacts/{row}/name", None, "Ada")
    )
    changes(bert, "contacts", set_(f"/it_contacts/{row}/name", "Ada", "Ada L."))
    result = changes(anna, "contacts", remove("/it_contacts", row, {"/name": ["Ada"]})).get_json()
    assert result["conflicts"] == [{"pointer": f"/it_contacts/{row}", "kind": "row_changed"}]
    assert rows(session)[1] == [{"name": "Ada L."}]


def test_a_true_conflict_is_answered_in_json_with_the_panel_never_a_page(app, session, tokens):
    anna = enter(app.test_client(), tokens["technical"], "Anna")
    bert = enter(app.test_client(), tokens["technical"], "Bert")
    changes(anna, "workstations", set_("/named_users", None, "25"))
    response = changes(
        bert, "workstations", set_("/named_users", None, "40"), set_("/concurrent_users", None, "9")
    )
    result = response.get_json()
    assert response.status_code == 200 and result["saved"] is True
    assert result["conflicts"] == [{"pointer": "/named_users", "kind": "answer"}]
    panel = result["conflict_panel"]
    assert "Gespeicherte Antwort von Anna" in panel and 'data-theirs="[&#34;25&#34;]"' in panel
    assert stored(session) == {"named_users": 25, "concurrent_users": 9}
    # Deciding for mine: the page sends its answer again, now starting from Anna's.
    changes(bert, "workstations", set_("/named_users", "25", "40"))
    assert stored(session)["named_users"] == 40


def test_wrong_answers_are_refused_at_their_field_and_nothing_is_written(app, session, tokens):
    anna = enter(app.test_client(), tokens["technical"], "Anna")
    response = changes(
        anna,
        "workstations",
        set_("/named_users", None, "viele"),
        set_("/concurrent_users", None, "3"),
    )
    result = response.get_json()
    assert response.status_code == 400 and result["saved"] is False
    assert list(result["errors"]) == ["/named_users"]
    assert "Benutzer" in result["message"] or "Nicht gespeichert" in result["message"]
    assert stored(session) == {}


def test_changes_outside_the_page_or_malformed_are_refused_in_json(app, session, tokens):
    anna = enter(app.test_client(), tokens["technical"], "Anna")
    for body in (
        {"changes": [set_("/named_users", None, "3")]},  # not on the page "network"
        {"changes": [{"op": "drop", "pointer": "/sql_port"}]},
        {"changes": [add("/sql_port", "r1")]},
        {"changes": [add("/it_contacts", "../x")]},
        {"changes": "all"},
        None,
    ):
        response = anna.post(f"{page_url('technical', 'network')}/changes", json=body)
        assert response.status_code == 400 and response.get_json()["saved"] is False
    assert stored(session) == {}


def test_a_submitted_questionnaire_refuses_changes_in_json(app, session, tokens):
    from portal.services import drafts, responses
    from tests import samples

    anna = enter(app.test_client(), tokens["technical"], "Anna")
    changes(anna, "workstations", set_("/named_users", None, "25"))
    response_row = session.scalar(select(Response))
    drafts.save(
        session, response_row.order, "technical", base_version=0, changes=samples.CP_CLOUD,
        author="Setup",
    )  # fmt: skip
    assert responses.submit(session, response_row.order, "technical", author="Setup") == []
    answer = changes(anna, "workstations", set_("/named_users", "25", "30"))
    assert answer.status_code == 409
    assert "abgeschickt" in answer.get_json()["message"]


def test_the_page_carries_its_stored_state_and_row_ids(app, session, tokens):
    anna = enter(app.test_client(), tokens["technical"], "Anna")
    changes(anna, "contacts", add("/it_contacts", "ra0000000001"), set_(
        "/it_contacts/ra0000000001/name", None, "Ada"
    ))  # fmt: skip
    body = anna.get(page_url("technical", "contacts")).get_data(as_text=True)
    assert 'data-row-id="ra0000000001" data-stored' in body
    assert 'name="it_contacts-0-_row" value="ra0000000001"' in body
    assert 'value="remove:/it_contacts/ra0000000001"' in body
    state = re.search(r'<script type="application/json" id="stored-state">(.*?)</script>', body)
    assert '"/it_contacts/ra0000000001/name": ["Ada"]' in state.group(1)


def test_the_autosave_needs_the_csrf_token_in_its_header(app, session, tokens):
    anna = enter(app.test_client(), tokens["technical"], "Anna")
    app.config["WTF_CSRF_ENABLED"] = True
    url = f"{page_url('technical', 'workstations')}/changes"
    refused = anna.post(url, json={"changes": [set_("/named_users", None, "3")]})
    assert refused.status_code == 400 and refused.is_json
    page = anna.get(page_url("technical", "workstations")).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token, page[:2000]
    token = token.group(1)
    accepted = anna.post(
        url, json={"changes": [set_("/named_users", None, "3")]}, headers={"X-CSRFToken": token}
    )
    assert accepted.status_code == 200 and stored(session) == {"named_users": 3}
