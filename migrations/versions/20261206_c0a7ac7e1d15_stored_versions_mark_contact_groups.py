"""stored questionnaire versions mark their contact groups (x-contact)

The shipped questionnaires now say which repeating group holds the customer's contacts
(`"x-contact": {"name": ..., "email": ..., "role": ..., "phone": ...}` on `it_contacts` and
`business_contacts`), so the project lead can adopt them as the order's contacts. Versions
already stored (seeded from the files before, or drafted from them in the studio) get the same
annotation where they have such a group of objects with an email field, and their sha256
follows the document. The keyword changes no answer's validity or meaning.

Revision ID: c0a7ac7e1d15
Revises: 7b3e9c2d4f10
Create Date: 2026-12-06 03:00:00

"""

import hashlib
import json

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "c0a7ac7e1d15"
down_revision = "7b3e9c2d4f10"
branch_labels = None
depends_on = None

_VERSIONS = sa.table(
    "questionnaire_version",
    sa.column("id", sa.Integer),
    sa.column("kind", sa.String),
    sa.column("document", sa.JSON),
    sa.column("sha256", sa.String),
)
# Self-contained on purpose: the contact groups of the shipped files.
_GROUPS = {"technical": "it_contacts", "business": "business_contacts"}
_MAPPING = {"name": "name", "email": "email", "role": "role", "phone": "phone"}


def upgrade():
    _mark(True)


def downgrade():
    _mark(False)


def _groups(node, name):
    """Every property called `name`, at any depth of nested objects."""
    for key, prop in (node.get("properties") or {}).items():
        if not isinstance(prop, dict):
            continue
        if key == name:
            yield prop
        elif prop.get("type") == "object":
            yield from _groups(prop, name)


def _row_fields(document, group):
    items = group.get("items") or {}
    ref = items.get("$ref", "")
    if ref.startswith("#/$defs/"):
        items = document.get("$defs", {}).get(ref.removeprefix("#/$defs/"), {})
    return set((items.get("properties") or {}).keys())


def _mark(on: bool) -> None:
    bind = op.get_bind()
    for kind, name in _GROUPS.items():
        rows = bind.execute(
            sa.select(_VERSIONS.c.id, _VERSIONS.c.document).where(_VERSIONS.c.kind == kind)
        ).all()
        for row in rows:
            document = row.document if isinstance(row.document, dict) else json.loads(row.document)
            changed = False
            for group in _groups(document, name):
                if group.get("type") != "array":
                    continue
                if on and "x-contact" not in group:
                    fields = _row_fields(document, group)
                    if "email" not in fields:
                        continue
                    group["x-contact"] = {k: v for k, v in _MAPPING.items() if v in fields}
                    changed = True
                elif not on and "x-contact" in group:
                    del group["x-contact"]
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
