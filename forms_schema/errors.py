"""The two kinds of problems: a broken questionnaire document and a wrong answer."""

from dataclasses import dataclass


class SchemaError(Exception):
    """The questionnaire document is not usable; pointer names its first problem."""

    def __init__(self, pointer: str, message: str) -> None:
        super().__init__(f"{pointer or '/'}: {message}")
        self.pointer = pointer
        self.message = message


@dataclass(frozen=True)
class AnswerError:
    """A problem with one answer: where (a pointer into the answers) and what, in words."""

    pointer: str
    message: str
    keyword: str = ""
