"""The rules the questionnaires' help texts state are checked: on save at the field, on submit.

Through the customer's pages (test client), in German and in English: a private address in the
CP Cloud allow-list and more concurrent than named users are refused.
"""

import copy
import datetime
import html
import re

import pytest
from sqlalchemy import select

from portal import questionnaires
from portal.models import Order, Response, ResponseRevision
from portal.services import drafts, responses
from tests import samples
from tests.helpers import accept, place

PUBLIC_ONLY = {
    "de": "Bitte nur öffentliche Adressen angeben; interne (10.x, 172.16–31.x, 192.168.x) "
    "und reservierte Bereiche sind nicht möglich.",
    "en": "Please enter public addresses only; internal (10.x, 172.16–31.x, 192.168.x) "
    "and reserved ranges are not possible.",
}
AT_MOST_NAMED = {
    "de": "Bitte höchstens so viel angeben wie bei „Namentliche Benutzer“ (40).",
    "en": "Please enter at most as much as for “Named users” (40).",
}
SUMMARY_LABELS = {
    "de": ("IP-Allowlist › IP-Adresse oder Bereich (1)", "Gleichzeitige Benutzer (Spitze)"),
    "en": ("IP allow-list › IP address or range (1)", "Concurrent users (peak)"),
}


@pytest.fixture
def tokens(session, world):
    return accept(session, world, place(session, world, deployment="cp_cloud")).tokens


def enter(client, token, lang):
    assert client.get(f"/r/{token}").status_code == 303
    client.post("/customer/name", data={"name": "Max Muster"})
    client.post("/language", data={"lang": lang, "next": "/customer"})
    return client


def page_url(kind, page):
    return f"/customer/{kind}/pages/{page}"


def post(client, kind, page, data, version=None):
    if version is None:
        body = client.get(page_url(kind, page)).get_data(as_text=True)
        version = int(re.search(r'name="base_version" value="(\d+)"', body).group(1))
    return client.post(
        page_url(kind, page), data={**data, "base_version": version, "action": "save"}
    )


def field_error(body: str, field_id: str) -> str:
    """The message shown at a field (its error paragraph), as the person reads it."""
    found = re.search(rf'<p class="error-message" id="{field_id}-error">(.*?)</p>', body, re.S)
    assert found, f"no message at {field_id}"
    text = re.sub(r"<[^>]+>", "", found.group(1))
    return " ".join(html.unescape(text).split()).removeprefix("Fehler: ").removeprefix("Error: ")


def summary_items(body: str) -> list[tuple[str, str]]:
    """(link target, text) of every entry of the error summary."""
    summary = re.search(r'<div class="error-summary".*?</ul>', body, re.S)
    assert summary, "no error summary"
    return [
        (html.unescape(href), " ".join(html.unescape(text).split()))
        for href, text in re.findall(
            r'<li><a href="([^"]+)">(.*?)</a></li>', summary.group(0), re.S
        )
    ]


def stored(session) -> dict:
    session.expire_all()
    response = session.scalar(select(Response).where(Response.questionnaire == "technical"))
    return response.data if response else {}


@pytest.mark.parametrize("lang", ["de", "en"])
def test_a_private_address_in_the_allow_list_is_refused_on_save(client, session, tokens, lang):
    enter(client, tokens["technical"], lang)
    answers = {
        "cloud_fixed_ips": "true",
        "cloud_ip_allow_list-0-address": "192.168.1.1",
        "cloud_ip_allow_list-0-description": "Zentrale",
    }
    refused = post(client, "technical", "environment", answers)
    assert refused.status_code == 400
    body = refused.get_data(as_text=True)
    assert field_error(body, "cloud_ip_allow_list-0-address") == PUBLIC_ONLY[lang]
    label = SUMMARY_LABELS[lang][0]
    assert ("#cloud_ip_allow_list-0-address", f"{label}: {PUBLIC_ONLY[lang]}") in summary_items(
        body
    )
    assert stored(session) == {}
    assert session.scalar(select(ResponseRevision.id)) is None

    # The same row with a public address is saved.
    answers["cloud_ip_allow_list-0-address"] = "80.156.12.10"
    assert post(client, "technical", "environment", answers).status_code == 303
    assert stored(session)["cloud_ip_allow_list"] == [
        {"address": "80.156.12.10", "description": "Zentrale"}
    ]


@pytest.mark.parametrize("lang", ["de", "en"])
def test_more_concurrent_than_named_users_are_refused_on_save(client, session, tokens, lang):
    enter(client, tokens["technical"], lang)
    refused = post(
        client, "technical", "workstations", {"named_users": "40", "concurrent_users": "55"}
    )
    assert refused.status_code == 400
    body = refused.get_data(as_text=True)
    assert field_error(body, "concurrent_users") == AT_MOST_NAMED[lang]
    label = SUMMARY_LABELS[lang][1]
    assert ("#concurrent_users", f"{label}: {AT_MOST_NAMED[lang]}") in summary_items(body)
    assert stored(session) == {}
    # Without the named users there is nothing to compare yet: a draft may hold 55 alone.
    assert post(client, "technical", "workstations", {"concurrent_users": "55"}).status_code == 303
    assert stored(session) == {"concurrent_users": 55}


def test_a_merge_of_two_savers_is_checked_as_a_whole(app, session, tokens):
    anna = enter(app.test_client(), tokens["technical"], "de")
    bert = enter(app.test_client(), tokens["technical"], "de")
    body = anna.get(page_url("technical", "workstations")).get_data(as_text=True)
    start = int(re.search(r'name="base_version" value="(\d+)"', body).group(1))
    assert post(anna, "technical", "workstations", {"named_users": "40"}, start).status_code == 303
    # Bert never saw Anna's 40; together the answers break the rule, so his save is refused.
    refused = post(bert, "technical", "workstations", {"concurrent_users": "55"}, start)
    assert refused.status_code == 400
    assert field_error(refused.get_data(as_text=True), "concurrent_users") == AT_MOST_NAMED["de"]
    assert stored(session) == {"named_users": 40}


def store_directly(session, data):
    """Answers stored before this check existed (or that a check at save time let pass)."""
    order = session.scalar(select(Order))
    result = drafts.save(
        session, order, "technical", base_version=0, changes={}, author="Setup", locale="de"
    )
    response = result.response or responses.find(session, order, "technical")
    response.data = data
    session.commit()
    return response


@pytest.mark.parametrize("lang", ["de", "en"])
def test_submit_lists_both_rules_in_the_summary(client, session, tokens, lang):
    data = copy.deepcopy(samples.CP_CLOUD)
    data["cloud_ip_allow_list"][0]["address"] = "192.168.1.1"
    data["named_users"], data["concurrent_users"] = 40, 55
    response = store_directly(session, data)
    assert response.schema_version == questionnaires.latest(session, "technical")
    enter(client, tokens["technical"], lang)
    refused = client.post("/customer/technical/submit")
    assert refused.status_code == 400
    items = summary_items(refused.get_data(as_text=True))
    address, users = SUMMARY_LABELS[lang]
    assert items == [
        (
            "/customer/technical/pages/environment#cloud_ip_allow_list-0-address",
            f"{address}: {PUBLIC_ONLY[lang]}",
        ),
        (
            "/customer/technical/pages/workstations#concurrent_users",
            f"{users}: {AT_MOST_NAMED[lang]}",
        ),
    ]
    assert session.scalar(select(Response.status)) == "draft"
    # After the refused submit the page shows the message at the field, too.
    page = client.get(page_url("technical", "workstations")).get_data(as_text=True)
    assert field_error(page, "concurrent_users") == AT_MOST_NAMED[lang]

    # Corrected, the questionnaire goes through.
    data["cloud_ip_allow_list"][0]["address"] = "80.156.12.0/28"
    data["concurrent_users"] = 40
    store_directly(session, data)
    assert client.post("/customer/technical/submit").status_code == 303
    assert session.scalar(select(Response.status)) == "submitted"


def test_business_rules_go_live_in_the_future_and_one_parent_company(client, session, tokens):
    enter(client, tokens["business"], "en")
    yesterday = (datetime.date.today() - datetime.timedelta(days=1)).isoformat()
    refused = post(client, "business", "project", {"go_live_date": yesterday})
    assert refused.status_code == 400
    assert field_error(refused.get_data(as_text=True), "go_live_date") == (
        "Please enter a date in the future."
    )
    rows = {
        f"legal_entities-{i}-{k}": v
        for i, name in enumerate(["Muster Holding AG", "Muster GmbH"])
        for k, v in {"name": name, "country": "DE", "local_currency": "EUR"}.items()
    }
    both = {**rows, "legal_entities-0-is_parent": "true", "legal_entities-1-is_parent": "true"}
    refused = post(client, "business", "company", both)
    assert refused.status_code == 400
    assert field_error(refused.get_data(as_text=True), "legal_entities") == (
        "Please answer “Parent company?” with “Yes” for one entity only: the ultimate parent "
        "of the group."
    )
    refused = post(
        client,
        "business",
        "accounting",
        {"accounting_standards": ["hgb"], "leading_standard": "ifrs"},
    )
    assert refused.status_code == 400
    assert field_error(refused.get_data(as_text=True), "leading_standard") == (
        "Please choose one of the options chosen for “Accounting standards”."
    )
