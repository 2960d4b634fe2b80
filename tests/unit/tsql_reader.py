"""Reads a T-SQL text back for tests: every N'...' literal and [...] identifier, decoded."""


def literals(script: str) -> tuple[list[str], list[str]]:
    """Decode every N'...' literal and [...] identifier of a T-SQL text, skipping -- comments.

    Fails on an unterminated literal or identifier: then the quoting is broken.
    """
    strings, names, i = [], [], 0
    while i < len(script):
        if script.startswith("--", i):
            i = script.index("\n", i)
        elif script.startswith("N'", i):
            i, value = _until(script, i + 2, "'")
            strings.append(value)
        elif script[i] == "'":
            raise AssertionError(f"a non-Unicode literal at {i}")
        elif script[i] == "[":
            i, value = _until(script, i + 1, "]")
            names.append(value)
        else:
            i += 1
    return strings, names


def _until(text_: str, i: int, close: str) -> tuple[int, str]:
    value = []
    while True:
        j = text_.index(close, i)  # ValueError: never closed
        value.append(text_[i:j])
        if text_.startswith(close * 2, j):
            value.append(close)
            i = j + 2
        else:
            return j + 1, "".join(value)
