"""Localised texts: either a plain string or a mapping {"de": ..., "en": ...}."""

from collections.abc import Mapping

LANGUAGES = ("de", "en")

Text = str | Mapping[str, str]


def language(locale: str | None) -> str:
    """The language ("de" or "en") of a locale such as "de_DE" or "en-GB"; others get English."""
    if not locale:
        return "de"
    lang = locale[:2].lower()
    return lang if lang in LANGUAGES else "en"


def localize(text: Text | None, locale: str | None) -> str:
    """The text in the locale's language ("" when there is no text)."""
    if text is None:
        return ""
    if isinstance(text, str):
        return text
    lang = language(locale)
    return text.get(lang) or next((text[other] for other in LANGUAGES if text.get(other)), "")
