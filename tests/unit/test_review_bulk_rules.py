"""Which answers bulk accept takes, which keep finalising waiting, and the open point's text."""

from types import SimpleNamespace

from portal.services.review.rules import (
    bulk_acceptable,
    open_point_text,
    open_questions,
    unreviewed,
)


def row(pointer, status=None, original="a", final="a"):
    return SimpleNamespace(pointer=pointer, status=status, original=original, final=final)


ROWS = [
    row("/untouched"),
    row("/untouched_empty", original=None, final=None),
    row("/accepted", "accepted"),
    row("/changed", "changed", final="b"),
    row("/open", "open"),
    row("/drifted", None, original=[1, 2], final=[2, 1]),
    row("/open_changed", "open", final="b"),
]


def test_bulk_accept_takes_only_answers_without_status_and_with_the_customers_value():
    assert [r.pointer for r in bulk_acceptable(ROWS)] == ["/untouched", "/untouched_empty"]


def test_bulk_accept_never_takes_an_answer_that_already_has_a_status():
    assert bulk_acceptable([row("/x", "open"), row("/y", "changed", final="b")]) == []


def test_answers_without_status_block_and_open_questions_are_listed():
    assert [r.pointer for r in unreviewed(ROWS)] == ["/untouched", "/untouched_empty", "/drifted"]
    assert [r.pointer for r in open_questions(ROWS)] == ["/open", "/open_changed"]


def test_an_open_point_carries_the_label_and_the_comment_in_one_line():
    assert open_point_text("Server › RAM", "  Lizenz\n klären ") == "Server › RAM: Lizenz klären"
    assert open_point_text("Server › RAM", "") == "Server › RAM"


def test_an_open_point_is_shortened_to_what_the_protocol_holds():
    text = open_point_text("Frage", "x" * 800, limit=500)
    assert len(text) == 500 and text.endswith("…") and text.startswith("Frage: xxx")
