"""What a search term finds: orders and customer records by customer name, short code, contact
name and contact email, as case-insensitive substrings.

The one place that turns a term into a WHERE clause, for the dashboard and the customer list
alike. Both look in `search_text`, the lowered copy of those fields that
portal/services/search_index.py keeps; it is indexed for substring search (issue 16): a pg_trgm
GIN index on PostgreSQL, an FTS5 trigram table on SQLite. Terms shorter than MIN_INDEXED
characters make no trigram, so they scan that one column instead (still one query).
"""

from sqlalchemy import ColumnElement, column, select, table
from sqlalchemy.orm import Session

from portal.models import Customer, Order
from portal.models.search import fts_table

MAX_TERM = 100
MIN_INDEXED = 3  # a trigram index finds terms of at least three characters
SEPARATOR = "\n"  # between the fields of a document; normalise() leaves none in a term


def normalise(term: str | None) -> str:
    """The term as searched for: inner runs of white space made one, at most MAX_TERM characters."""
    return " ".join((term or "").split())[:MAX_TERM]


def document(*fields: str | None) -> str:
    """The searched text of a record: its fields lowered in Python (SQLite's lower() knows only
    ASCII, so "JÜRGEN" finds "Jürgen" only this way), one per line, so that no term spans two."""
    return SEPARATOR.join(" ".join(f.split()).lower() for f in fields if f)


def like_pattern(term: str) -> str:
    """A LIKE pattern (escape character "/") for the term as a substring: % and _ the user typed
    are matched as themselves, not as wildcards."""
    escaped = term.lower().replace("/", "//").replace("%", "/%").replace("_", "/_")
    return f"%{escaped}%"


def fts_phrase(term: str) -> str:
    """An FTS5 query for the term as one phrase: with the trigram tokenizer, a substring."""
    return '"' + term.lower().replace('"', '""') + '"'


def _found(session: Session, model, term: str) -> ColumnElement[bool]:
    if len(term) >= MIN_INDEXED and session.get_bind().dialect.name == "sqlite":
        fts = table(fts_table(model.__tablename__), column("rowid"), column("search_text"))
        return model.id.in_(
            select(fts.c.rowid).where(fts.c.search_text.op("MATCH")(fts_phrase(term)))
        )
    # PostgreSQL: the trigram GIN index serves LIKE '%…%' itself.
    return model.search_text.like(like_pattern(term), escape="/")


def orders_matching(session: Session, term: str) -> ColumnElement[bool]:
    """Orders whose customer name or short code holds the term, or one of whose customer
    record's contacts does (orders before acceptance have no record and no contacts yet)."""
    return _found(session, Order, term)


def customers_matching(session: Session, term: str) -> ColumnElement[bool]:
    """Customer records whose name, short code or one of whose contacts holds the term."""
    return _found(session, Customer, term)
