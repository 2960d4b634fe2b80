"""forms_schema: questionnaires as JSON Schema 2020-12 documents with UI hints (x-ui).

It turns a document into WTForms form classes, validates answers server-side with jsonschema,
decides which questions are visible, and measures progress. It imports only the standard
library, wtforms and jsonschema. The vocabulary is described in forms_schema/README.md.

    import forms_schema

    q = forms_schema.load({
        "type": "object",
        "x-ui": {"title": {"de": "Technik", "en": "Technology"}},
        "required": ["deployment"],
        "properties": {
            "deployment": {"type": "string", "enum": ["cloud", "on_premises"]},
            "server": {
                "type": "string",
                "x-ui": {"rule": {"effect": "SHOW", "condition": {
                    "scope": "#/properties/deployment", "schema": {"const": "on_premises"}}}},
            },
        },
    })
    form = q.form_class(locale="de")(formdata=request_form)   # plain wtforms.Form subclass
    answers = q.to_data(form)                                  # {"deployment": "cloud"}
    q.validate(answers, partial=True)                          # [] -> AnswerError list
    q.visible(answers)                                         # {"/deployment"}
    q.clean({"deployment": "cloud", "server": "x"})            # {"deployment": "cloud"}

Public API:
    load(schema) -> Questionnaire                raises SchemaError(pointer, message)
    Questionnaire.schema, .pages, .title(locale), .nodes(page, context), .node(pointer)
    Questionnaire.form_class(locale, context, page), .to_data(form), .to_document(form, row_of)
    Questionnaire.repeats(), .read(pointer, values), .form_values(pointer, answer)
    Questionnaire.validate(data, partial, context, locale) -> list[AnswerError]
    Questionnaire.visible(data, context), .clean(data, context), .progress(data, context, page)
    Questionnaire.check_file(pointer, filename, mimetype, size, locale, content) -> str | None
    Node, Page, SchemaError, AnswerError(pointer, message, keyword)
    pointer_to_name("/contacts/0/name") == "contacts-0-name", name_to_pointer(...)
    get, set, delete, flatten: pure helpers on answer dicts (forms_schema.data)
    with_ids(document) -> dict                   every question gets x-ui.id = its key (drafts)
    identities(document_or_questionnaire) -> {identity: pointer template}
    diff(old, new, mapping=) -> list[Change(kind, pointer, old_pointer, locale, detail)]
    migrate(data, old, new, mapping) -> Migration(data, kept, converted, dropped)
    lint(document, previous, mapping=, in_use=) -> list[Problem(pointer, code, message, params)]
        identity: x-ui.id (default the key), below the parent's: "it_contacts/email"
        mapping: {"renames": {"/old/*/template": "/new/*/template"},
                  "recodes": {"/template": {"old code": "new code"}}}  (templates, never rows)
        Change.kind: added removed renamed moved type choices label help required rule limits
        Migration.converted: Converted(old_pointer, new_pointer, old_value, new_value);
        Migration.dropped: Dropped(pointer, value); see forms_schema/README.md
    forms_schema.changes: rows with ids (Document, RowIds) and saves as change sets
        (SetAnswer, AddRow, RemoveRow; Document.apply -> Clash list; diff(base, mine))

Rules (x-ui.rule) hold when the value at "scope" validates against the condition "schema"; a
missing (or hidden) value never does. Scopes are relative to the object holding the property;
"#/context/<fact>" reads the order facts passed as context (e.g. {"deployment": "cp_cloud"}).

"x-compare" bounds an answer by another answer of the same object or by today, e.g.
{"lte": "1/named_users"} or {"gt": "today"}; formats "host" and "public-ip-network" join
date, email and uri (forms_schema/README.md). "x-code": true on an integer says its answers
are codes (ports, postcodes, account numbers): Node.code, printed as digits without grouping.
"""

from forms_schema.data import delete, flatten, get, set
from forms_schema.diff import Change, diff
from forms_schema.errors import AnswerError, SchemaError
from forms_schema.identity import identities, with_ids
from forms_schema.lint import Problem, lint
from forms_schema.migrate import Converted, Dropped, Migration, migrate
from forms_schema.nodes import Node, Page
from forms_schema.pointers import name_to_pointer, pointer_to_name
from forms_schema.questionnaire import Questionnaire, load

__all__ = [
    "AnswerError",
    "Change",
    "Converted",
    "Dropped",
    "Migration",
    "Node",
    "Page",
    "Problem",
    "Questionnaire",
    "SchemaError",
    "delete",
    "diff",
    "flatten",
    "get",
    "identities",
    "lint",
    "load",
    "migrate",
    "name_to_pointer",
    "pointer_to_name",
    "set",
    "with_ids",
]
