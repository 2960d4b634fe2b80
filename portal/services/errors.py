"""Domain errors raised by services; views map them to HTTP answers."""


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
