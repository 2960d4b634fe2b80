"""What a questionnaire page shows of its questions besides the answers, once per version.

The form macros (templates/forms/macros.html) walk a version's node tree on every request;
what they print of a node that does not depend on the answers (its label with the required
mark, its help, its row and add labels, the translated words around them) is the same for
every request of a version and language. It is built here once per version and locale and kept
while the version is loaded (portal.questionnaires caches versions by SHA-256; a new version is
a new object, so it gets its own entry, and an unloaded one takes its entry with it).

Everything is escaped here exactly as the template would escape it, so pages stay
byte-identical; per-request values (answers, errors, visibility, row ids, CSRF) stay in the
template.
"""

import threading
import weakref
from dataclasses import dataclass

from flask_babel import gettext as _
from markupsafe import Markup, escape

import forms_schema
from forms_schema.nodes import Node


@dataclass(frozen=True)
class NodeView:
    """The answer-independent HTML pieces of one node in one locale."""

    label: Markup  # the label with the required mark, as <legend>/<label> show it
    help: Markup  # the help text, escaped ("" when there is none)
    row_label: Markup  # a repeating group's row caption
    add_label: Markup  # a repeating group's add button


@dataclass(frozen=True)
class PageTexts:
    """A version's node views in one locale, by pointer template, and the shared words."""

    nodes: dict[str, NodeView]
    error_prefix: Markup  # "Fehler:" before an error message


_built: weakref.WeakKeyDictionary[forms_schema.Questionnaire, dict[str, PageTexts]]
_built = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def texts(questionnaire: forms_schema.Questionnaire, locale: str) -> PageTexts:
    """The page texts of a loaded version in a locale (built on first use, then shared)."""
    with _lock:
        found = _built.get(questionnaire, {}).get(locale)
    if found is None:
        found = build(questionnaire, locale)
        with _lock:
            _built.setdefault(questionnaire, {})[locale] = found
    return found


def build(questionnaire: forms_schema.Questionnaire, locale: str) -> PageTexts:
    """Every node's view (needs a request or app context: the words are translated)."""
    # (Jinja's gettext inserts translations unescaped; ours have nothing to escape, and
    # escaping them here keeps a translator's "<" from becoming markup.)
    required = Markup(
        ' <span class="required" aria-hidden="true">*</span>'
        '<span class="visually-hidden"> ({})</span>'
    ).format(_("Pflichtangabe"))
    views: dict[str, NodeView] = {}

    def walk(nodes: tuple[Node, ...]) -> None:
        for node in nodes:
            label = escape(node.label(locale))
            views[node.pointer_template] = NodeView(
                label=label + required if node.required else label,
                help=escape(node.help(locale)),
                row_label=escape(node.row_label(locale)),
                add_label=escape(node.add_label(locale)),
            )
            walk(node.children)

    walk(tuple(questionnaire.nodes()))
    return PageTexts(views, escape(_("Fehler:")))


def clear() -> None:
    """Forget every built page text (tests and benchmarks measure a cold start with it)."""
    with _lock:
        _built.clear()


# The small pieces every question prints with per-request values: plain functions, so that a
# page does not pay a template macro call for each (their output is what the macros printed).


def described(field_id: str, view: NodeView, error: str | None) -> str:
    """The aria-describedby of a question: its help and its error message, if shown."""
    return (
        (f"{field_id}-help " if view.help else "") + (f"{field_id}-error" if error else "")
    ).strip()


def attrs(node: Node, pointer: str, shown: bool) -> Markup:
    """Shared attributes of a node's outer element: its pointer and key, and whether answers
    decide its visibility (questionnaire.js shows and hides [data-rule] elements as the server
    says). Only a node with its own rule is ever hidden itself; the others follow the group they
    are in, so a group shown again shows its rows' questions at once."""
    html = Markup('data-pointer="{}" data-key="{}"').format(pointer, node.key)
    if node.has_rule:
        html += Markup(" data-rule") if shown else Markup(" data-rule hidden")
    return html


def messages(field_id: str, view: NodeView, error: str | None, texts: PageTexts) -> Markup:
    """A question's help and error message (a line break between them, as the page had)."""
    html = Markup("")
    if view.help:
        html += Markup('<p class="hint" id="{}-help">{}</p>').format(field_id, view.help)
    html += Markup("\n")
    if error:
        html += Markup(
            '<p class="error-message" id="{}-error"><span class="visually-hidden">{}</span> {}</p>'
        ).format(field_id, texts.error_prefix, error)
    return html
