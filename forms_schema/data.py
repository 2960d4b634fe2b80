"""Pure helpers on answer documents: read, write and delete by pointer, flatten, compare."""

from typing import Any

from forms_schema.pointers import join, split

_MISSING: Any = object()


def _index(part: str, length: int) -> int | None:
    # RFC 6901 forbids leading zeros and signs, so "01" or "-1" never address a row.
    if part.isdigit() and (len(part) == 1 or not part.startswith("0")):
        index = int(part)
        return index if index < length else None
    return None


def _child(node: Any, token: str) -> Any:
    if isinstance(node, dict):
        return node.get(token, _MISSING)
    if isinstance(node, list):
        index = _index(token, len(node))
        return _MISSING if index is None else node[index]
    return _MISSING


def get(data: Any, pointer: str, default: Any = None) -> Any:
    """The value at pointer, or default when nothing is there."""
    node = data
    for token in split(pointer):
        node = _child(node, token)
        if node is _MISSING:
            return default
    return node


def _put(node: Any, token: str, value: Any) -> None:
    if isinstance(node, dict):
        node[token] = value
        return
    if isinstance(node, list):
        if token in ("-", str(len(node))):
            node.append(value)
            return
        index = _index(token, len(node))
        if index is None:
            raise IndexError(f"no row {token!r} in a list of {len(node)}")
        node[index] = value
        return
    raise TypeError(f"cannot set {token!r} inside a {type(node).__name__}")


def set(data: Any, pointer: str, value: Any) -> None:  # shadows the builtin on purpose
    """Write value at pointer in place, creating missing objects (or lists before row numbers).

    "/contacts/-" or "/contacts/<length>" appends a row.
    """
    tokens = split(pointer)
    if not tokens:
        raise ValueError("cannot replace the whole document")
    node = data
    for token, following in zip(tokens, tokens[1:], strict=False):
        child = _child(node, token)
        if not isinstance(child, dict | list):
            child = [] if following == "-" or following.isdigit() else {}
            _put(node, token, child)
        node = child
    _put(node, tokens[-1], value)


def delete(data: Any, pointer: str) -> None:
    """Remove the value at pointer in place; removing a row shifts the later rows up.

    Nothing happens when nothing is there.
    """
    tokens = split(pointer)
    if not tokens:
        raise ValueError("cannot delete the whole document")
    parent = get(data, join(tokens[:-1]), _MISSING)
    if isinstance(parent, dict):
        parent.pop(tokens[-1], None)
    elif isinstance(parent, list):
        index = _index(tokens[-1], len(parent))
        if index is not None:
            del parent[index]


def flatten(data: Any) -> dict[str, Any]:
    """Map the pointer of every leaf to its value; a list (of rows or of choices) is one leaf."""
    out: dict[str, Any] = {}

    def walk(node: Any, pointer: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                walk(value, pointer + join([key]))
        else:
            out[pointer] = node

    if isinstance(data, dict):
        walk(data, "")
    return out


def same(a: Any, b: Any) -> bool:
    """JSON equality: unlike Python's ==, True is not 1 and 1 is not "1"."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, int | float) and isinstance(b, int | float):
        return a == b
    return type(a) is type(b) and a == b
