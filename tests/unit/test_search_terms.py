"""The searched text of a record and the two query forms a term becomes."""

from portal.services.search import document, fts_phrase, like_pattern


def test_document_lowers_umlauts_in_python_one_field_per_line():
    assert document("JÜRGEN  Weiß", "ÄB1", None, "", "Jo@X.example") == (
        "jürgen weiß\näb1\njo@x.example"
    )


def test_like_pattern_takes_wildcards_and_the_escape_character_literally():
    assert like_pattern("100%") == "%100/%%"
    assert like_pattern("E_M") == "%e/_m%"
    assert like_pattern("a/b") == "%a//b%"


def test_fts_phrase_is_one_quoted_phrase_whatever_the_term_holds():
    assert fts_phrase('Zwi"ckl OR x') == '"zwi""ckl or x"'
