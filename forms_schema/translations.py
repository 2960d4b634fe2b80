"""Texts of a document for lint(): every text in German and English, and English kept up to date.

A text is found where the form reads it (the merged x-ui of each question, so a text a $defs
entry lends to two questions is one text at one pointer), plus the root title and page titles.
"""

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from forms_schema.nodes import choice_value
from forms_schema.outline import Outline, Question
from forms_schema.pointers import escape
from forms_schema.text import LANGUAGES

SCALAR_TEXTS = ("label", "help", "placeholder", "add_label", "row_label")

# (pointer, code, message, params) -> a lint Problem; lint.py passes its constructor in.
Report = Callable[[str, str, str, dict[str, Any]], Any]


def question_texts(q: Question) -> Iterator[tuple[str, Any, str]]:
    """(name, text, pointer) of each text a question carries: "label", "enum_labels/crm", ..."""
    ui = q.ui
    for key in SCALAR_TEXTS:
        if key in ui:
            yield key, ui[key], f"{q.ui_where[key]}/{key}"
    for key in ("enum_labels", "errors"):
        block = ui.get(key)
        if isinstance(block, Mapping):
            for sub, text in block.items():
                yield f"{key}/{sub}", text, f"{q.ui_where[key]}/{key}/{escape(str(sub))}"


def root_texts(document: Mapping[str, Any]) -> Iterator[tuple[str, Any, str]]:
    """("title", text, pointer) of the root title and ("pages/<key>", text, pointer) per page."""
    ui = document.get("x-ui")
    if not isinstance(ui, Mapping):
        return
    if "title" in ui:
        yield "title", ui["title"], "/x-ui/title"
    pages = ui.get("pages")
    for index, page in enumerate(pages if isinstance(pages, list) else ()):
        if isinstance(page, Mapping) and isinstance(page.get("key"), str) and "title" in page:
            yield f"pages/{page['key']}", page["title"], f"/x-ui/pages/{index}/title"


def missing(document: Mapping[str, Any], found: Outline, report: Report) -> list[Any]:
    """missing_translation: a plain string or an empty or absent language, per language."""
    out: dict[str, Any] = {}

    def check(name: str, text: Any, pointer: str) -> None:
        if isinstance(text, Mapping):
            absent = [lang for lang in LANGUAGES if not _filled(text.get(lang))]
        elif isinstance(text, str) or text is None:
            absent = list(LANGUAGES)  # a plain string is one text for both languages
        else:
            return  # not a text at all: load() reports that
        for lang in absent:
            at = f"{pointer}/{lang}"
            out.setdefault(
                at,
                report(
                    at,
                    "missing_translation",
                    f"{name}: the {lang} text is missing",
                    {"text": name, "locale": lang},
                ),
            )

    ui = document.get("x-ui")
    if not isinstance(ui, Mapping) or "title" not in ui:
        check("title", None, "/x-ui/title")
    for name, text, pointer in root_texts(document):
        check(name, text, pointer)
    for q in found.questions:
        # Without a label the form shows the key; without enum labels the raw code.
        if "label" not in q.ui:
            check("label", None, f"{q.pointer}/x-ui/label")
        labels = q.ui.get("enum_labels")
        labels = labels if isinstance(labels, Mapping) else {}
        for code in q.enum or ():
            key = choice_value(code)
            if key not in labels:
                where = q.ui_where.get("enum_labels", f"{q.pointer}/x-ui")
                check(f"enum_labels/{key}", None, f"{where}/enum_labels/{escape(key)}")
        for name, text, pointer in question_texts(q):
            check(name, text, pointer)
    return list(out.values())


def stale(
    previous: Mapping[str, Any],
    document: Mapping[str, Any],
    pairs: list[tuple[Question, Question]],
    report: Report,
) -> list[Any]:
    """stale_translation: the German text changed since previous, the English one did not."""
    out: dict[str, Any] = {}

    def compare(name: str, before: Any, after: Any, pointer: str) -> None:
        if not (isinstance(before, Mapping) and isinstance(after, Mapping)):
            return
        de_changed = before.get("de") != after.get("de")
        en_kept = _filled(after.get("en")) and before.get("en") == after.get("en")
        if de_changed and en_kept:
            at = f"{pointer}/en"
            params = {
                "text": name,
                "locale": "en",
                "de_before": before.get("de"),
                "de_now": after.get("de"),
            }
            out.setdefault(
                at,
                report(
                    at,
                    "stale_translation",
                    f"{name}: the German text changed, the English one did not",
                    params,
                ),
            )

    old_root = {name: text for name, text, _p in root_texts(previous)}
    for name, text, pointer in root_texts(document):
        compare(name, old_root.get(name), text, pointer)  # pages are matched by key
    for old, new in pairs:
        old_texts = {name: text for name, text, _p in question_texts(old)}
        for name, text, pointer in question_texts(new):
            compare(name, old_texts.get(name), text, pointer)
    return list(out.values())


def _filled(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())
