"""customer postal address for offers; stored questionnaire versions mark their ports as codes

customer.street, postcode, city, country: the recipient block of an offer ("" until recorded,
country ISO 3166-1 alpha-2, "DE" by default).

The shipped technical questionnaires now say `"x-code": true` on `$defs/tcp_port` (SQL Server
and proxy port): an integer that is a code prints as its digits ("1433", never "1.433"). The
versions already stored (seeded from the files, or drafted from them in the studio) get the
same annotation where they define that port, and their sha256 follows the document. The
keyword changes how an answer is printed, never which answers are valid, so no answer given
against those versions changes meaning.

Revision ID: 5a1e0ffe2c0d
Revises: 7c3f1e9a2b58
Create Date: 2026-12-06 02:30:00

"""

import hashlib
import json

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "5a1e0ffe2c0d"
down_revision = "7c3f1e9a2b58"
branch_labels = None
depends_on = None

_VERSIONS = sa.table(
    "questionnaire_version",
    sa.column("id", sa.Integer),
    sa.column("kind", sa.String),
    sa.column("document", sa.JSON),
    sa.column("sha256", sa.String),
)
# Self-contained on purpose: the definitions that are codes in the shipped files.
_CODES = {"technical": ("tcp_port",)}


def upgrade():
    with op.batch_alter_table("customer", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("street", sa.String(length=200), server_default="", nullable=False)
        )
        batch_op.add_column(
            sa.Column("postcode", sa.String(length=20), server_default="", nullable=False)
        )
        batch_op.add_column(
            sa.Column("city", sa.String(length=100), server_default="", nullable=False)
        )
        batch_op.add_column(
            sa.Column("country", sa.String(length=2), server_default="DE", nullable=False)
        )
    _mark_codes(True)


def downgrade():
    _mark_codes(False)
    with op.batch_alter_table("customer", schema=None) as batch_op:
        batch_op.drop_column("country")
        batch_op.drop_column("city")
        batch_op.drop_column("postcode")
        batch_op.drop_column("street")


def _mark_codes(on: bool) -> None:
    """Add (or remove) "x-code": true on the code definitions of every stored version."""
    bind = op.get_bind()
    for kind, names in _CODES.items():
        rows = bind.execute(
            sa.select(_VERSIONS.c.id, _VERSIONS.c.document).where(_VERSIONS.c.kind == kind)
        ).all()
        for row in rows:
            document = row.document if isinstance(row.document, dict) else json.loads(row.document)
            changed = False
            for name in names:
                definition = document.get("$defs", {}).get(name)
                if not isinstance(definition, dict) or definition.get("type") != "integer":
                    continue
                if on and definition.get("x-code") is not True:
                    definition["x-code"] = True
                    changed = True
                elif not on and "x-code" in definition:
                    del definition["x-code"]
                    changed = True
            if changed:
                canonical = json.dumps(
                    document, sort_keys=True, separators=(",", ":"), ensure_ascii=False
                )
                bind.execute(
                    sa.update(_VERSIONS)
                    .where(_VERSIONS.c.id == row.id)
                    .values(
                        document=document, sha256=hashlib.sha256(canonical.encode()).hexdigest()
                    )
                )
