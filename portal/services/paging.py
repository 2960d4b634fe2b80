"""One page of a listing (dashboard, customers): counted up to a cap, the number kept in range.

Counting stops at COUNT_CAP: beyond it a page says "more than 1,000" instead of scanning every
row, and paging goes on by "has next".
"""

from collections.abc import Sequence
from dataclasses import dataclass
from math import ceil
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

COUNT_CAP = 1000
T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    rows: list[T]
    total: int  # exact up to cap, else cap + 1
    page: int
    per_page: int
    has_next: bool
    cap: int = COUNT_CAP

    @property
    def exact(self) -> bool:
        return self.total <= self.cap

    @property
    def pages(self) -> int:
        return max(1, ceil(min(self.total, self.cap) / self.per_page))


@dataclass(frozen=True)
class Window:
    """Which rows a page shows: `total` counted up to the cap, `page` kept within range."""

    total: int
    page: int
    per_page: int
    cap: int

    def rows(self, session: Session, query: Select) -> tuple[Sequence[Any], bool]:
        """This page's rows of the ordered query, and whether another page follows."""
        found = session.scalars(
            query.limit(self.per_page + 1).offset((self.page - 1) * self.per_page)
        ).all()
        return found[: self.per_page], len(found) > self.per_page

    def page_of(self, rows: list[T], has_next: bool) -> Page[T]:
        return Page(rows, self.total, self.page, self.per_page, has_next, self.cap)


def window(session: Session, ids: Select, page: int, per_page: int) -> Window:
    """Count what `ids` (a select of ids with the listing's filters) finds, up to the cap; a page
    number past the end shows the last page."""
    cap = COUNT_CAP
    capped = ids.limit(cap + 1).subquery()
    total = session.scalar(select(func.count()).select_from(capped)) or 0
    if total <= cap:
        page = min(page, max(1, ceil(total / per_page)))
    return Window(total, max(1, page), per_page, cap)
