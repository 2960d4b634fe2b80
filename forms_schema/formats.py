"""The format checker: date (jsonschema's own), email and uri (ours, needing no extra package)."""

import re
from urllib.parse import urlsplit

from jsonschema import FormatChecker

FORMAT_CHECKER = FormatChecker(formats=("date",))

# Deliberately simple: one @, a dotted domain with a letter TLD, no spaces. Unicode letters pass.
_EMAIL = re.compile(
    r"[\w!#$%&'*+/=?^`{|}~-]+(\.[\w!#$%&'*+/=?^`{|}~-]+)*"
    r"@([^\W_]([\w-]*[^\W_])?\.)+[^\W\d_]{2,}"
)
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*")


@FORMAT_CHECKER.checks("email")
def is_email(instance: object) -> bool:
    """A plausible email address (the one real check is sending mail to it)."""
    return not isinstance(instance, str) or bool(_EMAIL.fullmatch(instance))


@FORMAT_CHECKER.checks("uri")
def is_uri(instance: object) -> bool:
    """An absolute URI; http(s) ones need a host ("www.example.com" alone is not enough)."""
    if not isinstance(instance, str):
        return True
    if not instance or any(ch.isspace() or ord(ch) < 32 for ch in instance):
        return False
    try:
        parts = urlsplit(instance)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        return False
    if not _SCHEME.fullmatch(parts.scheme):
        return False
    if parts.scheme.lower() in ("http", "https"):
        return bool(parts.hostname)
    return bool(parts.netloc or parts.path)
