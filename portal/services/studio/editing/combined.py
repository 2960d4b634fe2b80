"""One save of the question form: every part of a question at once, and a note of what changed."""

from dataclasses import dataclass, field
from typing import Any

from portal.services.studio.editing import constraints, questions
from portal.services.studio.editing.tree import CHOICE_KINDS, find, kind_of


@dataclass
class QuestionSpec:
    """What the question form sends (texts as {"de", "en"}; limits None where left empty)."""

    key: str
    kind: str
    texts: dict[str, dict[str, str]]
    required: bool
    choices: list[tuple[str, str, str]] = field(default_factory=list)
    limits: dict[str, Any] = field(default_factory=dict)
    accept: list[str] = field(default_factory=list)
    max_size: int | None = None


def update_question(document: dict, path: str, spec: QuestionSpec) -> tuple[dict, list[str]]:
    """The document with the question as the spec says, and German notes of what changed.

    The parts are applied in an order that lets each see the one before: kind (with its
    choices), texts, required, choices, limits, uploads, and the key last, so that nothing
    before has to know the new key.
    """
    out, notes = document, []
    _, old_key, prop = find(out, path)
    old_kind = kind_of(out, prop)

    def step(note: str, edit, *args) -> None:
        nonlocal out
        after = edit(out, path, *args)
        if after != out:
            notes.append(note)
        out = after

    if spec.kind != old_kind:
        choices = [code for code, _, _ in spec.choices] if spec.kind in CHOICE_KINDS else None
        out = questions.set_kind(out, path, spec.kind, choices)
        notes.append(f"Typ geändert: {old_key} {old_kind} -> {spec.kind}")
    step(f"Texte geändert: {old_key}", questions.set_texts, _texts(spec))
    step(f"Pflichtangabe geändert: {old_key}", questions.set_required, spec.required)
    if spec.kind in CHOICE_KINDS:
        step(f"Auswahl geändert: {old_key}", constraints.set_choices, spec.choices)
    limits = {k: v for k, v in spec.limits.items() if spec.kind in constraints.LIMITS[k][0]}
    if limits:
        step(f"Grenzen geändert: {old_key}", constraints.set_limits, limits)
    if spec.kind == "file":
        step(f"Upload geändert: {old_key}", constraints.set_upload, spec.accept, spec.max_size)
    if spec.key != old_key:
        out = questions.rename_key(out, path, spec.key)
        notes.append(f"Frage umbenannt: {old_key} -> {spec.key}")
    return out, notes


def _texts(spec: QuestionSpec) -> dict[str, dict[str, str]]:
    """The texts that apply to the kind; the others are sent empty, so they are removed."""
    wanted = {"label", "help"}
    if spec.kind in questions.PLACEHOLDER_KINDS:
        wanted.add("placeholder")
    if spec.kind == "repeat":
        wanted |= {"add_label", "row_label"}
    return {name: spec.texts.get(name, {}) for name in wanted}
