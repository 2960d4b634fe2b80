"""The workspace's script saves one answer without a reload: the same endpoint answers JSON
when asked with Accept: application/json, with the saved row, the error or the conflict."""

from portal.models import Role
from tests.conftest import add_user, login
from tests.review.support import TECH, row_at, save, url

JSON = {"Accept": "application/json"}


def post_json(client, order, pointer, status, final="", version=0, comment=""):
    data = {"pointer": pointer, "status": status, "final": final, "version": version}
    return client.post(
        url(order, "/answer"), data={**data, "number": 7, "comment": comment}, headers=JSON
    )


def test_a_json_save_answers_the_saved_row_and_the_progress(client, session, world, order):
    login(client, world.partner)
    answer = post_json(client, order, "/server/ram_gb", "changed", "64", comment="Mehr RAM")
    assert answer.status_code == 200 and answer.is_json
    body = answer.get_json()
    assert body["ok"] and body["message"] == "Antwort 7 gespeichert."
    assert body["row"]["version"] == 1 and body["row"]["status"] == "changed"
    assert "64" in body["row"]["values_html"] and "geändert" in body["row"]["badge_html"]
    assert body["progress"]["label"].startswith("1 von ")
    saved = row_at(session, world, order, "/server/ram_gb")
    assert (saved.status, saved.final, saved.comment) == ("changed", 64, "Mehr RAM")


def test_a_bad_value_answers_the_message_and_the_field_and_writes_nothing(
    client, session, world, order
):
    login(client, world.partner)
    answer = post_json(client, order, "/server/ram_gb", "changed", "viele")
    assert answer.status_code == 400
    body = answer.get_json()
    assert not body["ok"] and body["field"] == "final" and "Zahl" in body["message"]
    assert row_at(session, world, order, "/server/ram_gb").status is None


def test_a_conflict_names_the_other_reviewer_and_their_value(client, session, world, order):
    bob = add_user(session, world.partner_org, Role.PARTNER_STAFF, "bob@cp.example", "Bob Berger")
    session.commit()
    login(client, world.partner)
    save(session, world, order, "/server/ram_gb", "changed", final="48", comment="Bob", user=bob)
    answer = post_json(client, order, "/server/ram_gb", "changed", "64", version=0)
    assert answer.status_code == 409
    body = answer.get_json()
    assert body["conflict"] and not body["ok"]
    assert "Bob Berger" in body["message"] and "„48“" in body["message"]
    assert "im Call geändert" in body["message"]
    assert body["row"]["version"] == 1  # saving again starts from Bob's version
    kept = row_at(session, world, order, "/server/ram_gb")
    assert (kept.final, kept.comment) == (48, "Bob")  # nothing overwritten
    again = post_json(client, order, "/server/ram_gb", "changed", "64", version=1)
    assert again.status_code == 200
    assert row_at(session, world, order, "/server/ram_gb").final == 64


def test_without_json_the_form_still_redirects_to_the_answer(client, session, world, order):
    login(client, world.partner)
    data = {"pointer": "/sql_port", "status": "accepted", "final": "", "version": 0}
    answer = client.post(url(order, "/answer"), data={**data, "number": 4, "comment": ""})
    assert answer.status_code == 303 and answer.location.endswith(f"/review/{TECH}#a-4")


def test_the_workspace_documents_the_keys_and_offers_bulk_accept(client, session, world, order):
    login(client, world.partner)
    page = client.get(url(order)).get_data(as_text=True)
    assert "Tastenkürzel" in page and "<kbd>Strg</kbd> + <kbd>Enter</kbd>" in page
    assert page.count('class="bulk-accept"') >= 2  # the view's and one per section
    assert 'role="status" id="live-1"' in page
    lead = client.application.test_client()
    login(lead, world.lead)
    read_only = lead.get(url(order)).get_data(as_text=True)
    assert 'class="bulk-accept"' not in read_only and "<kbd>a</kbd>" not in read_only
