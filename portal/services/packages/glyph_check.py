"""Which answers of a package hold characters no embedded font prints (they print as a placeholder).

The package page lists them before sending, so the sender can have them fixed or accept them.
Walks the content the PDF prints: every page's answers, group, table cells and notes.
"""

from portal import pdf
from portal.services.packages.content import Answer, Content, Group, Table


def _texts(item) -> list[tuple[str, str]]:
    """(label, text) for every answer text an item prints, nested groups and tables included."""
    if isinstance(item, Group):
        return [found for inner in item.items for found in _texts(inner)]
    if isinstance(item, Table):
        cells = [
            (f"{item.label} › {column} ({number})", cell.text)
            for number, row in enumerate(item.rows, 1)
            for column, cell in zip(item.columns, row, strict=False)
        ]
        return cells + [found for note in item.notes for found in _texts(note)]
    if isinstance(item, Answer):
        parts = [item.label, item.text, item.comment, item.original or ""]
        return [(item.path or item.label, text) for text in parts if text]
    return []


def _codes(characters: list[str]) -> str:
    return ", ".join(f"U+{ord(c):04X}" for c in characters)


def unprintable_answers(document: Content) -> list[dict[str, str]]:
    """Per answer with unprintable characters: questionnaire, question label, the characters."""
    found: list[dict[str, str]] = []
    for questionnaire in document.questionnaires:
        missing: dict[str, list[str]] = {}
        for page in questionnaire.pages:
            for item in page.items:
                for label, text in _texts(item):
                    for char in pdf.unprintable(text):
                        chars = missing.setdefault(label, [])
                        if char not in chars:
                            chars.append(char)
        found += [
            {"questionnaire": questionnaire.title, "label": label, "characters": _codes(chars)}
            for label, chars in missing.items()
        ]
    return found
