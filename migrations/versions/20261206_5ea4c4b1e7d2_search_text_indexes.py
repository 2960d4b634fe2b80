"""orders and customer records: search_text, indexed for substring search; step completions
indexed by step

`search_text` holds the lowered customer name, short code and the customer record's contact
names and emails, one per line (portal/services/search_index.py keeps it at every flush); this
migration fills it for the rows there are. PostgreSQL indexes it with a pg_trgm GIN index (the
extension is created here; pg_trgm is a trusted extension, so a role with CREATE on the
database may do so), SQLite with an FTS5 trigram table per searched table, kept by triggers.
The dashboard's step filters ask which orders have a step done: an index by step, then order.

Revision ID: 5ea4c4b1e7d2
Revises: c0a7ac7e1d15
Create Date: 2026-12-06 03:10:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "5ea4c4b1e7d2"
down_revision = "c0a7ac7e1d15"
branch_labels = None
depends_on = None

# Self-contained on purpose (portal.models.search and portal.services.search as of this revision).
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
_TABLES = ("customer_order", "customer")

_ORDERS = sa.table(
    "customer_order",
    sa.column("id", sa.Integer),
    sa.column("customer_name", sa.String),
    sa.column("short_code", sa.String),
    sa.column("customer_id", sa.Integer),
    sa.column("search_text", sa.Text),
)
_CUSTOMERS = sa.table(
    "customer",
    sa.column("id", sa.Integer),
    sa.column("name", sa.String),
    sa.column("short_code", sa.String),
    sa.column("search_text", sa.Text),
)
_CONTACTS = sa.table(
    "customer_contact",
    sa.column("id", sa.Integer),
    sa.column("customer_id", sa.Integer),
    sa.column("name", sa.String),
    sa.column("email", sa.String),
)


def _document(*fields):
    return "\n".join(" ".join(f.split()).lower() for f in fields if f)


def _fill(connection):
    contacts = {}
    rows = connection.execute(
        sa.select(_CONTACTS.c.customer_id, _CONTACTS.c.name, _CONTACTS.c.email).order_by(
            _CONTACTS.c.id
        )
    )
    for customer_id, name, email in rows:
        contacts.setdefault(customer_id, []).extend((name, email))
    for row in connection.execute(
        sa.select(_CUSTOMERS.c.id, _CUSTOMERS.c.name, _CUSTOMERS.c.short_code)
    ).all():
        text = _document(row.name, row.short_code, *contacts.get(row.id, ()))
        connection.execute(
            _CUSTOMERS.update().where(_CUSTOMERS.c.id == row.id).values(search_text=text)
        )
    orders = sa.select(
        _ORDERS.c.id, _ORDERS.c.customer_name, _ORDERS.c.short_code, _ORDERS.c.customer_id
    )
    for row in connection.execute(orders).all():
        text = _document(row.customer_name, row.short_code, *contacts.get(row.customer_id, ()))
        connection.execute(_ORDERS.update().where(_ORDERS.c.id == row.id).values(search_text=text))


def upgrade():
    op.create_index(
        "ix_step_completion_step_order_id", "step_completion", ["step", "order_id"], unique=False
    )
    for table in _TABLES:
        # A plain ADD COLUMN (no copy of the table on SQLite).
        op.add_column(table, sa.Column("search_text", sa.Text(), nullable=False, server_default=""))
    connection = op.get_bind()
    _fill(connection)
    if connection.dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for table in _TABLES:
            op.create_index(
                f"ix_{table}_search_text",
                table,
                ["search_text"],
                postgresql_using="gin",
                postgresql_ops={"search_text": "gin_trgm_ops"},
            )
    elif connection.dialect.name == "sqlite":
        for table in _TABLES:
            fts = f"{table}_fts"
            for statement in _SQLITE:
                op.execute(statement.replace("{fts}", fts).replace("{table}", table))
            op.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")


def downgrade():
    op.drop_index("ix_step_completion_step_order_id", table_name="step_completion")
    connection = op.get_bind()
    for table in _TABLES:
        if connection.dialect.name == "postgresql":
            op.drop_index(f"ix_{table}_search_text", table_name=table)
        elif connection.dialect.name == "sqlite":
            fts = f"{table}_fts"
            for suffix in ("ai", "ad", "au"):
                op.execute(f"DROP TRIGGER IF EXISTS {fts}_{suffix}")
            op.execute(f"DROP TABLE IF EXISTS {fts}")
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("search_text")
