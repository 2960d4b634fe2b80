"""Properties of diff() and migrate() under generated edits of real and small questionnaires.

Edits: rename a top-level key, move a top-level question to another page, remove one, add
one, remove or recode a choice, change a type. Answers are generated from the old version.
"""

import copy
import json

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from forms_schema import SchemaError, diff, identities, load, migrate, with_ids
from forms_schema.check import resolve
from forms_schema.data import get, same
from forms_schema.outline import outline
from tests.forms_schema.versions import real, small

SETTINGS = settings(deadline=None, max_examples=50)
DOCS = {"technical": with_ids(real("technical")), "business": with_ids(real("business"))}
DOCS["small"] = with_ids(small())
LOADED = {name: load(doc) for name, doc in DOCS.items()}  # diff/migrate then skip load()
SOURCES = st.sampled_from(sorted(DOCS))
_LIMITS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf")


# -- answers ---------------------------------------------------------------------------------


def _field(draw, q):
    if q.items is not None and q.enum is not None:
        return draw(st.lists(st.sampled_from(q.enum), unique=True, max_size=3))
    if q.enum is not None:
        return draw(st.sampled_from(q.enum))
    typ = q.schema.get("type")
    if typ == "boolean":
        return draw(st.booleans())
    if typ == "integer":
        return draw(st.one_of(st.integers(-5, 5000), st.sampled_from(["12", "x"])))
    if typ == "number":
        return draw(st.one_of(st.integers(0, 100), st.floats(0, 100, allow_nan=False)))
    if q.ui.get("widget") == "file":
        return draw(st.sampled_from(["upload:12", "upload:7"]))
    return draw(st.one_of(st.text(max_size=6), st.sampled_from(["40", "1.5", "-3", "true"])))


def _object(draw, found, holder, depth=0):
    out = {}
    for q in found.questions:
        if q.holder != holder or not draw(st.booleans()):
            continue
        if q.kind == "group":
            out[q.key] = _object(draw, found, q.template, depth + 1)
        elif q.kind == "repeat":
            rows = draw(st.integers(0, 2))
            out[q.key] = [_object(draw, found, q.template + "/*", depth + 1) for _ in range(rows)]
        else:
            out[q.key] = _field(draw, q)
    return out


def _leaves(value, pointer=""):
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, f"{pointer}/{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _leaves(item, f"{pointer}/{index}")
    else:
        yield pointer


def _assert_nothing_lost(data, m):
    covering = [*m.kept, *(c.old_pointer for c in m.converted), *(d.pointer for d in m.dropped)]
    for leaf in _leaves(data):
        assert any(leaf == c or leaf.startswith(c + "/") for c in covering), leaf
    for pointer in m.kept:
        assert same(get(m.data, pointer), get(data, pointer))
    for c in m.converted:
        assert same(get(data, c.old_pointer), c.old_value)
        assert same(get(m.data, c.new_pointer), c.new_value)
    for d in m.dropped:
        assert same(get(data, d.pointer), d.value)


# -- edits -----------------------------------------------------------------------------------


def _rewrite_references(doc, key, new_key):
    """Rename (new_key) or forget (None) a top-level name wherever the root refers to it."""

    def names(values):
        return [new_key if n == key else n for n in values if n != key or new_key]

    doc["required"] = names(doc.get("required", []))
    dependent = {}
    for name, values in doc.get("dependentRequired", {}).items():
        if name == key and new_key is None:
            continue
        dependent[new_key if name == key else name] = names(values)
    if "dependentRequired" in doc:
        doc["dependentRequired"] = dependent
    kept = []
    for entry in doc.get("allOf", []):
        if key in json.dumps(entry):
            if new_key is None:
                continue
            entry = json.loads(json.dumps(entry).replace(f'"{key}"', f'"{new_key}"'))
        kept.append(entry)
    if "allOf" in doc:
        doc["allOf"] = kept
    for prop in doc["properties"].values():
        ui = prop.get("x-ui", {})
        scope = ui.get("rule", {}).get("condition", {}).get("scope", "")
        if scope == f"#/properties/{key}" or scope.startswith(f"#/properties/{key}/"):
            if new_key is None:
                del ui["rule"]
            else:
                ui["rule"]["condition"]["scope"] = scope.replace(key, new_key, 1)
        for op, operand in list(prop.get("x-compare", {}).items()):
            if operand.split("/")[1:2] == [key]:
                if new_key is None:
                    del prop["x-compare"][op]
                else:
                    prop["x-compare"][op] = operand.replace(key, new_key, 1)
        if prop.get("x-compare") == {}:
            del prop["x-compare"]


def _edit(draw, doc):
    """(kind of edit, edited copy, mapping)."""
    new = copy.deepcopy(doc)
    found = outline(new)
    top = [q for q in found.questions if q.parent is None]
    kind = draw(
        st.sampled_from(["rename", "move", "remove", "add", "drop_choice", "recode", "type"])
    )
    mapping = None
    if kind in ("rename", "remove", "move"):
        q = draw(st.sampled_from(top))
        if kind == "move":
            others = [p for p in found.pages if p != q.page]
            assume(others)
            new["properties"][q.key].setdefault("x-ui", {})["page"] = draw(st.sampled_from(others))
        elif kind == "rename":
            new_key = q.key + "_renamed"
            new["properties"] = {
                (new_key if k == q.key else k): v for k, v in new["properties"].items()
            }
            _rewrite_references(new, q.key, new_key)
        else:
            del new["properties"][q.key]
            _rewrite_references(new, q.key, None)
    elif kind == "add":
        label = {"de": "Neu", "en": "New"}
        new["properties"]["added_question"] = {"type": "string", "x-ui": {"label": label}}
    elif kind in ("drop_choice", "recode"):
        choosing = [q for q in found.questions if q.enum and len(q.enum) > 1]
        q = draw(st.sampled_from(choosing))
        enum = resolve(new, q.enum_at)
        code = draw(st.sampled_from(enum))
        labels = resolve(new, q.ui_where["enum_labels"])["enum_labels"]
        position = enum.index(code)
        if kind == "drop_choice":
            del enum[position]
            labels.pop(str(code) if not isinstance(code, bool) else str(code).lower(), None)
        else:
            assume(isinstance(code, str))
            enum[position] = code + "_new"
            labels[code + "_new"] = labels.pop(code)
            mapping = {"recodes": {q.template: {code: code + "_new"}}}
    else:
        typed = [q for q in found.questions if q.kind == "field" and q.items is None and not q.enum]
        q = draw(st.sampled_from(typed))
        holder = resolve(new, q.where["type"])
        to = {"integer": "string", "number": "string", "string": "integer", "boolean": "string"}
        holder["type"] = to[holder["type"]]
        for key in (*_LIMITS, "format", "pattern", "minLength", "maxLength", "x-compare"):
            holder.pop(key, None)
        ui = resolve(new, q.ui_where["label"]) if "label" in q.ui_where else {}
        ui.pop("widget", None)
        ui.pop("errors", None)
    try:
        loaded = load(new)
    except SchemaError:
        assume(False)  # an edit the questionnaire cannot take (e.g. a name another rule needs)
    return kind, loaded, mapping


# -- properties ------------------------------------------------------------------------------


@SETTINGS
@given(SOURCES, st.data())
def test_a_version_against_itself_changes_nothing_and_keeps_every_answer(source, data):
    doc = LOADED[source]
    answers = _object(data.draw, outline(doc.schema), "")
    assert diff(doc, doc) == []
    m = migrate(answers, doc, doc)
    assert m.dropped == [] and m.converted == []
    assert m.kept == list(_answered(answers, outline(doc.schema)))
    _assert_nothing_lost(answers, m)


def _answered(value, found, holder="", prefix=""):
    """Concrete pointers of the answers of fields (a checkbox list is one answer)."""
    for key, item in value.items():
        q = found.by_template[f"{holder}/{key}"]
        pointer = f"{prefix}/{key}"
        if q.kind == "field":
            yield pointer
        elif q.kind == "group":
            yield from _answered(item, found, q.template, pointer)
        else:
            for index, row in enumerate(item):
                yield from _answered(row, found, q.template + "/*", f"{pointer}/{index}")


@SETTINGS
@given(SOURCES, st.data())
def test_after_any_edit_every_answer_is_kept_converted_or_dropped(source, data):
    doc = DOCS[source]
    kind, new, mapping = _edit(data.draw, doc)
    answers = _object(data.draw, outline(doc), "")
    doc = LOADED[source]
    if data.draw(st.booleans()):
        answers["not_a_question"] = {"x": [1, 2]}
    m = migrate(copy.deepcopy(answers), doc, new, mapping)
    _assert_nothing_lost(answers, m)
    changes = diff(doc, new, mapping=mapping)
    expected = {"rename": "renamed", "move": "moved", "remove": "removed", "add": "added"}
    expected |= {"drop_choice": "choices", "recode": "choices", "type": "type"}
    assert expected[kind] in {c.kind for c in changes}
    assert diff(new, new) == []


@SETTINGS
@given(SOURCES, st.data())
def test_a_rename_after_with_ids_is_found_and_migrated(source, data):
    doc = DOCS[source]
    top = [q for q in outline(doc).questions if q.parent is None]
    q = data.draw(st.sampled_from(top))
    new = copy.deepcopy(doc)
    new_key = q.key + "_v3"
    new["properties"] = {(new_key if k == q.key else k): v for k, v in new["properties"].items()}
    _rewrite_references(new, q.key, new_key)
    old, new = LOADED[source], load(new)
    assert identities(new) == {
        i: t.replace(f"/{q.key}", f"/{new_key}", 1) if t.split("/")[1] == q.key else t
        for i, t in identities(old).items()
    }
    changes = diff(old, new)
    assert ("renamed", f"/{new_key}", f"/{q.key}") in [
        (c.kind, c.pointer, c.old_pointer) for c in changes
    ]
    answers = _object(data.draw, outline(doc), "")
    m = migrate(answers, old, new)
    _assert_nothing_lost(answers, m)
    assert m.dropped == []
    if list(_leaves(answers.get(q.key, {}))):  # an empty group leaves nothing to carry
        assert same(m.data[new_key], answers[q.key])
