"""JSON pointers (RFC 6901) and their WTForms field-name twins ("/contacts/0/name" <-> "contacts-0-name")."""

from collections.abc import Iterable


def escape(token: str) -> str:
    """Escape one reference token for use in a pointer."""
    return token.replace("~", "~0").replace("/", "~1")


def unescape(token: str) -> str:
    """Undo escape() for one reference token."""
    return token.replace("~1", "/").replace("~0", "~")


def split(pointer: str) -> list[str]:
    """The unescaped reference tokens of a pointer ("" is the whole document)."""
    if pointer == "":
        return []
    if not pointer.startswith("/"):
        raise ValueError(f"not a JSON pointer: {pointer!r}")
    return [unescape(token) for token in pointer[1:].split("/")]


def join(tokens: Iterable[str | int]) -> str:
    """The pointer made of these reference tokens."""
    return "".join("/" + escape(str(token)) for token in tokens)


def pointer_to_name(pointer: str) -> str:
    """The WTForms field name of a pointer: "/contacts/0/name" -> "contacts-0-name"."""
    # Property names match ^[a-z][a-z0-9_]*$ (load() checks it), so "-" cannot be ambiguous.
    return "-".join(split(pointer))


def name_to_pointer(name: str) -> str:
    """The pointer of a WTForms field name: "contacts-0-name" -> "/contacts/0/name"."""
    return join(name.split("-")) if name else ""
