"""Limits on what a request may carry, applied before any view runs."""

from flask import Request, current_app
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.routing import IntegerConverter

# The largest value of an INTEGER column on PostgreSQL (4 bytes; SQLite's hold 8): a larger
# parameter is an error there, not an empty result.
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """`<int:...>` in every route: an id no database column can hold is no match, so a 404."""

    # Ten digits at most: a longer number does not even match the path (a value refused only
    # by `max` would still count as a match for the method check, and answer 405).
    regex = r"\d{1,10}"

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


class FieldTooLarge(RequestEntityTooLarge):
    """One form field is larger than MAX_FORM_MEMORY_SIZE, or a form has too many fields."""


class PortalRequest(Request):
    """Applies MAX_FORM_MEMORY_SIZE and MAX_FORM_PARTS to every form, not only multipart ones.

    Werkzeug limits each text field of a multipart form, but reads a urlencoded body whole;
    without this, a 20 MB password would reach the password hasher. An endpoint whose one big
    field is the point (the studio's JSON editor) names its own limit in the setting
    FORM_MEMORY_BY_ENDPOINT, so that it holds from the first read of the form (CSRF's).
    """

    def _load_form_data(self) -> None:
        larger = (current_app.config.get("FORM_MEMORY_BY_ENDPOINT") or {}).get(self.endpoint)
        if larger is not None:
            self.max_form_memory_size = larger
        try:
            super()._load_form_data()
        except RequestEntityTooLarge:
            # Werkzeug says the same for a whole request beyond MAX_CONTENT_LENGTH (kept) and
            # for one multipart field beyond the limit (named for what it is).
            whole = self.max_content_length
            if whole is not None and (self.content_length or 0) > whole:
                raise
            raise FieldTooLarge() from None
        size, parts = self.max_form_memory_size, self.max_form_parts
        values = [value for _key, value in self.form.items(multi=True)]
        if parts is not None and len(values) > parts:
            raise FieldTooLarge()
        if size is not None and any(len(value.encode()) > size for value in values):
            raise FieldTooLarge()
