"""The search indexes the ORM does not describe: PostgreSQL's pg_trgm extension (the GIN indexes
on `search_text` are declared on the models) and SQLite's FTS5 trigram tables.

On SQLite each searched table has an external-content FTS5 table `<table>_fts` over its
`search_text`, kept by triggers inside the same transaction as the write. The migration
creates the same objects; these listeners do it for `create_all()` (tests, benches).
"""

from sqlalchemy import DDL, event

from portal.models.base import Base
from portal.models.customer import Customer
from portal.models.order import Order

SEARCHED = (Order.__tablename__, Customer.__tablename__)


def fts_table(table: str) -> str:
    return f"{table}_fts"


# SQLite's statements, with {table} and {fts} to be replaced by constants from SEARCHED.
_SQLITE = (
    "CREATE VIRTUAL TABLE {fts} USING fts5(search_text, content='{table}', content_rowid='id', "
    "tokenize='trigram')",
    "CREATE TRIGGER {fts}_ai AFTER INSERT ON {table} BEGIN "
    "INSERT INTO {fts}(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER {fts}_ad AFTER DELETE ON {table} BEGIN "
    "INSERT INTO {fts}({fts}, rowid, search_text) VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER {fts}_au AFTER UPDATE OF search_text ON {table} BEGIN "
    "INSERT INTO {fts}({fts}, rowid, search_text) VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO {fts}(rowid, search_text) VALUES (new.id, new.search_text); END",
)


def sqlite_create(table: str) -> list[str]:
    """CREATE statements of the FTS5 table of `table` and of the triggers that keep it."""
    return [s.replace("{fts}", fts_table(table)).replace("{table}", table) for s in _SQLITE]


def _install() -> None:
    event.listen(
        Base.metadata,
        "before_create",
        DDL("CREATE EXTENSION IF NOT EXISTS pg_trgm").execute_if(dialect="postgresql"),
    )
    for table in SEARCHED:
        target = Base.metadata.tables[table]
        for statement in sqlite_create(table):
            event.listen(target, "after_create", DDL(statement).execute_if(dialect="sqlite"))
        # drop_all() would leave the {fts} table behind, with rows of ids a new table reuses.
        drop = DDL(f"DROP TABLE IF EXISTS {fts_table(table)}").execute_if(dialect="sqlite")
        event.listen(target, "before_drop", drop)


_install()


def compared(dialect: str):
    """Alembic's include_object for this dialect: the FTS5 tables (outside the metadata) and,
    off PostgreSQL, the GIN indexes (declared for PostgreSQL only) are left out of comparisons."""
    fts_prefixes = tuple(fts_table(table) for table in SEARCHED)
    postgres_only = {f"ix_{table}_search_text" for table in SEARCHED}

    def include(_object, name, type_, _reflected, _compare_to) -> bool:
        if type_ == "table" and name and name.startswith(fts_prefixes):
            return False
        return not (type_ == "index" and dialect != "postgresql" and name in postgres_only)

    return include
