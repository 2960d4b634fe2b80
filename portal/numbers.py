"""How an answer's number is written: codes as their digits, other numbers in the language.

Pure (Babel only, no Flask): the filters, the package and the pages call it with the language
they print in.
"""

from babel.numbers import format_decimal


def number_text(value: int | float, locale: str, code: bool = False) -> str:
    """ "1.433" for a German quantity, "1,433" in English; a code (x-code) always "1433"."""
    if code and isinstance(value, int | float) and float(value).is_integer():
        return str(int(value))
    return format_decimal(value, locale=locale)
