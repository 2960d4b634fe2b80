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
