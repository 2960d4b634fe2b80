"""Domain errors raised by services; views map them to HTTP answers."""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError


class DomainError(Exception):
    """Base of all errors a use case reports to its caller."""

    status = 400

    def __init__(self, message: str = "", **fields: str):
        super().__init__(message)
        self.message = message
        # Field name -> message, for errors that belong to one input.
        self.fields = fields


class NotFound(DomainError):
    """The object does not exist or the actor may not know that it does."""

    status = 404


class Forbidden(DomainError):
    """The actor is known but not allowed to do this."""

    status = 403


class Invalid(DomainError):
    """The input is malformed; nothing was written."""

    status = 400


class Conflict(DomainError):
    """The input is well-formed but clashes with the current state."""

    status = 409


@contextmanager
def all_or_nothing(session: Session) -> Iterator[None]:
    """Undo what the block changed when it refuses: a DomainError rolls the session back first.

    A use case still commits once at its end; this only makes the way out of a refusal uniform,
    so neither the use case nor its view rolls back by hand.
    """
    try:
        yield
    except DomainError:
        session.rollback()
        raise


def flush_or_refuse(session: Session, conflict: Conflict) -> None:
    """Write now; a concurrent change (a version counter, a unique number) becomes `conflict`."""
    try:
        session.flush()
    except (StaleDataError, IntegrityError):
        session.rollback()
        raise conflict from None
