"""Request parsing for the customer pages."""

from dataclasses import dataclass

from werkzeug.datastructures import MultiDict

from portal.services.search import normalise

# Beyond any page there can be; larger numbers would overflow the database's OFFSET.
MAX_PAGE = 100_000


@dataclass(frozen=True)
class ListArgs:
    query: str
    page: int


def list_args(args: MultiDict) -> ListArgs:
    """The search term and page number of the list; anything unreadable means page 1."""
    page = args.get("page", 1, type=int) or 1
    return ListArgs(query=normalise(args.get("q")), page=min(max(1, page), MAX_PAGE))
