"""Text widths are estimated per character; wrapping splits over-long words."""

import dfd


def test_text_width_is_estimated_per_character():
    assert dfd.text_width("WWW", 13) > dfd.text_width("iii", 13) * 3
    assert dfd.text_width("Äö", 10) == dfd.text_width("Ao", 10)
    lines = dfd.wrap("Donaudampfschifffahrtsgesellschaftskapitän", 13, 100)
    assert len(lines) > 1 and "".join(lines) == "Donaudampfschifffahrtsgesellschaftskapitän"
    assert all(dfd.text_width(t, 13) <= 100 for t in dfd.wrap("a/b/" * 30, 13, 100))
