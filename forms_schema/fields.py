"""WTForms fields that leave judging the input to the schema.

Unparsable numbers and dates do not raise: the field's data stays None and to_data() passes
the raw text on, so validate() reports it with the schema's message ("Bitte eine Zahl ...").
"""

import datetime
import math
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from wtforms import DateField, DecimalField, FieldList, IntegerField
from wtforms.utils import unset_value

_INTEGER = re.compile(r"[+-]?[0-9]+")


class SchemaIntegerField(IntegerField):
    """IntegerField that keeps bad input for the schema to report."""

    def process_data(self, value: Any) -> None:
        """Take a stored answer (JSON counts 2.0 as an integer too); others show as empty."""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        self.data = value if isinstance(value, int) and not isinstance(value, bool) else None

    def process_formdata(self, valuelist: list[str]) -> None:
        """Parse the submitted text, or leave data None."""
        if not valuelist:
            return
        text = valuelist[0].strip()
        # int() would also take "1_000" and non-ASCII digits; a form field should not.
        try:
            self.data = int(text) if _INTEGER.fullmatch(text) else None
        except ValueError:  # more digits than Python converts
            self.data = None


def parse_decimal(text: str) -> Decimal | None:
    """A finite Decimal from "1.5" or the German "1,5"; None if it is no number."""
    text = text.strip()
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    # NaN, Infinity and 1e999 parse as Decimal but are no JSON numbers.
    return value if value.is_finite() and math.isfinite(float(value)) else None


def json_number(value: Decimal) -> int | float:
    """The JSON number of a Decimal: an int when integral, else a float."""
    # adjusted() bounds the digits, so int() of e.g. 1E+300 never builds a huge integer.
    if value == value.to_integral_value() and value.adjusted() < 16:
        return int(value)
    return float(value)


class SchemaDecimalField(DecimalField):
    """DecimalField accepting a decimal comma and keeping bad input for the schema to report."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("places", None)  # show answers as given, not rounded to 2 places
        super().__init__(*args, **kwargs)

    def process_data(self, value: Any) -> None:
        """Take a stored answer (int or float)."""
        if isinstance(value, int | float) and not isinstance(value, bool):
            self.data = parse_decimal(repr(value))
        else:
            self.data = None

    def process_formdata(self, valuelist: list[str]) -> None:
        """Parse the submitted text, or leave data None."""
        if valuelist:
            self.data = parse_decimal(valuelist[0])


class SchemaDateField(DateField):
    """DateField storing ISO dates, keeping bad input for the schema to report."""

    def process_data(self, value: Any) -> None:
        """Take a stored answer, an ISO yyyy-mm-dd string."""
        if isinstance(value, str):
            try:
                value = datetime.date.fromisoformat(value)
            except ValueError:
                value = None
        self.data = value if isinstance(value, datetime.date) else None

    def process_formdata(self, valuelist: list[str]) -> None:
        """Parse the submitted date, or leave data None."""
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None


class RepeatField(FieldList):
    """FieldList of a repeating group: at least min_entries rows, and one blank row to start with."""

    def process(self, formdata: Any, data: Any = unset_value, extra_filters: Any = None) -> None:
        """Build the rows from formdata or data; an unanswered group shows one empty row."""
        super().process(formdata, data, extra_filters)
        # Without submitted rows and without stored rows, offer one row to type into.
        if not formdata and not self.entries:
            self._add_entry(formdata)
