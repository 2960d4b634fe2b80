"""Pure edits of a questionnaire document for the studio's structured editor.

Dict in, new dict out: no Flask, no database. Each function changes one thing and leaves the
rest of the document as it was; a refused edit raises EditError(code, field, **params), which
the editor's forms turn into a message at the field.

Supported: pages (add, title, order, remove when empty); questions at the top level, in groups
and in the rows of repeating groups, also where a group or a row is a `$ref` to `$defs` (the
edit then applies to the shared definition); key, kind, texts, required, choices, limits,
uploads, repeating-group labels, page and position; visibility rules (rules.py). A leaf question
whose data rules come from `$defs` gets its own copy of them when they change.
"""

from portal.services.studio.editing.combined import QuestionSpec, update_question
from portal.services.studio.editing.constraints import (
    LIMITS,
    TEXT_FORMATS,
    set_choices,
    set_limits,
    set_upload,
)
from portal.services.studio.editing.placement import (
    add_page,
    move_page,
    move_question,
    move_to_page,
    remove_page,
    set_page_title,
    siblings,
)
from portal.services.studio.editing.questions import (
    TEXTS,
    add_question,
    remove_question,
    rename_key,
    set_kind,
    set_required,
    set_texts,
)
from portal.services.studio.editing.rules import (
    CONDITIONS,
    EFFECTS,
    Rule,
    Target,
    read_rule,
    remove_rule,
    set_rule,
    targets,
)
from portal.services.studio.editing.tree import (
    CHOICE_KINDS,
    KINDS,
    EditError,
    all_questions,
    find,
    kind_of,
    merged,
    page_of,
    pages,
)

__all__ = [
    "CHOICE_KINDS",
    "CONDITIONS",
    "EFFECTS",
    "KINDS",
    "LIMITS",
    "TEXTS",
    "TEXT_FORMATS",
    "EditError",
    "QuestionSpec",
    "Rule",
    "Target",
    "add_page",
    "add_question",
    "find",
    "kind_of",
    "merged",
    "move_page",
    "move_question",
    "move_to_page",
    "page_of",
    "pages",
    "all_questions",
    "read_rule",
    "remove_page",
    "remove_question",
    "remove_rule",
    "rename_key",
    "set_choices",
    "set_kind",
    "set_limits",
    "set_page_title",
    "set_required",
    "set_rule",
    "set_texts",
    "set_upload",
    "siblings",
    "targets",
    "update_question",
]
