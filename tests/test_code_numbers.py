"""Codes (x-code: the SQL Server and proxy ports) print as digits wherever answers are printed;
quantities keep the language's grouping."""

import copy

from portal import samples
from tests.conftest import login
from tests.helpers import accept, place
from tests.pdfs import text
from tests.review.support import fill_and_submit, url
from tests.test_package import TEXTS, documented_order, generated, technical_answers


def answers() -> dict:
    data = copy.deepcopy(samples.ON_PREMISES)
    data["sql_port"] = 1433
    data["server"]["disk_gb"] = 20000
    return data


def test_the_review_workspace_shows_a_port_as_digits_and_a_size_grouped(client, session, world):
    order = place(session, world)
    accept(session, world, order)
    fill_and_submit(session, order, data=answers())
    login(client, world.partner)
    page = client.get(url(order)).get_data(as_text=True)
    assert ">1433<" in page and "1.433" not in page
    assert ">20.000<" in page


def test_the_package_prints_a_port_as_digits_in_german_and_english(session, world):
    technical = technical_answers(TEXTS)
    technical.update(sql_port=1433)
    technical["server"]["disk_gb"] = 20000
    for code, language, grouped in (("ACME", "de", "20.000"), ("BETA", "en", "20,000")):
        order = documented_order(session, world, code=code, language=language, technical=technical)
        document = text(generated(session, world, order).pdf)
        assert "1433" in document and "1.433" not in document and "1,433" not in document
        assert grouped in document, language


def test_the_conflict_panel_prints_ports_as_digits(app, session, world):
    from tests.test_coediting import changes, set_
    from tests.test_respond import enter

    tokens = accept(session, world, place(session, world, code="PORT")).tokens
    anna = enter(app.test_client(), tokens["technical"], "Anna")
    bert = enter(app.test_client(), tokens["technical"], "Bert")
    changes(anna, "network", set_("/sql_port", None, "1433"))
    panel = changes(bert, "network", set_("/sql_port", None, "14330")).get_json()["conflict_panel"]
    assert "<strong>1433</strong>" in panel and "<strong>14330</strong>" in panel
    assert "1.433" not in panel and "14.330" not in panel
