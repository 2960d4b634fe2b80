"""PostgreSQL-only tests: skip without a PostgreSQL DATABASE_URL, fail under REQUIRE_POSTGRES=1."""

import os

import pytest


def is_postgres_url(url: str | None) -> bool:
    """Tell whether a database URL names PostgreSQL (any driver)."""
    return bool(url) and url.split(":", 1)[0].split("+", 1)[0] in {"postgresql", "postgres"}


def require_postgres() -> str:
    """Return DATABASE_URL if it is PostgreSQL; otherwise skip, or fail under REQUIRE_POSTGRES=1."""
    url = os.environ.get("DATABASE_URL", "")
    if is_postgres_url(url):
        return url
    reason = (
        "needs PostgreSQL: set DATABASE_URL=postgresql+psycopg://USER@HOST:PORT/DB "
        f"(DATABASE_URL is {url!r})"
    )
    if os.environ.get("REQUIRE_POSTGRES") == "1":
        pytest.fail(f"REQUIRE_POSTGRES=1 but this test cannot run: {reason}", pytrace=False)
    pytest.skip(reason)
