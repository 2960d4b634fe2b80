"""The difference between the customer's submission and the final state."""

from portal.services import review
from tests.review.support import TECH, accept_all, save


def test_the_diff_lists_what_changed_between_submission_and_final_state(session, world, order):
    save(session, world, order, "/server/ram_gb", "changed", final="64", comment="Mehr RAM")
    save(session, world, order, "/data_sources/1/system", "changed", final="DATEV Pro")
    save(session, world, order, "/named_users", "open", final="25", comment="klären")
    accept_all(session, world, order)
    preview = review.diff_page(session, world.partner, order.id, TECH)
    assert not preview.frozen and preview.snapshot.id is None
    snap = review.finalise(session, world.partner, order.id, TECH, confirmed=["/named_users"])
    rows = review.diff(session, snap)
    # In form order; the open question kept the customer's value, so it is no difference.
    assert [tuple(r)[1:] for r in rows] == [
        (32, 64, "changed", "Mehr RAM"),
        ("DATEV", "DATEV Pro", "changed", ""),
    ]
    assert [r.pointer for r in rows] == ["/server/ram_gb", "/data_sources/1/system"]
    label, _original, _final, _status, _comment = rows[1]
    assert label == "Datenquellen › System (2)"
    assert [r.pointer for r in preview.rows] == [r.pointer for r in rows]
    frozen = review.diff_page(session, world.lead, order.id, TECH)
    assert frozen.frozen and frozen.snapshot.content_hash == snap.content_hash
