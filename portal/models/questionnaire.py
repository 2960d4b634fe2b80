"""Questionnaire versions edited in the studio, their kept saves, test fills and migrations."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint, event, inspect
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, UTCDateTime, utcnow
from portal.models.org import User

# The lifecycle: a draft is edited, submitted for approval (in_review), published by a second
# person, and retired when no new order should get it. Only a draft changes.
DRAFT = "draft"
IN_REVIEW = "in_review"
PUBLISHED = "published"
RETIRED = "retired"
STATUSES = (DRAFT, IN_REVIEW, PUBLISHED, RETIRED)


class QuestionnaireVersion(Base):
    """One version of a questionnaire kind: the JSON document and where it stands."""

    __tablename__ = "questionnaire_version"
    __table_args__ = (UniqueConstraint("kind", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    number: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(12), default=DRAFT)
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    # SHA-256 of the canonical JSON of the document: the cache key of the loaded questionnaire.
    sha256: Mapped[str] = mapped_column(String(64))
    # How answers of the version this one is based on move here: {"renames": ..., "recodes": ...}.
    mapping: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    based_on_id: Mapped[int | None] = mapped_column(ForeignKey("questionnaire_version.id"))
    # "file" (seeded from questionnaires/), "studio" or "import".
    source: Mapped[str] = mapped_column(String(10), default="studio")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Raised by every change; a save of a draft names the revision it started from.
    revision: Mapped[int] = mapped_column(Integer, default=0)

    based_on: Mapped["QuestionnaireVersion | None"] = relationship(remote_side=[id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    published_by: Mapped[User | None] = relationship(foreign_keys=[published_by_id])
    saves: Mapped[list["DraftSave"]] = relationship(
        back_populates="version", order_by="DraftSave.number"
    )

    __mapper_args__ = {"version_id_col": revision}  # noqa: RUF012


@event.listens_for(QuestionnaireVersion, "before_update")
def _published_documents_are_frozen(_mapper, connection, version: QuestionnaireVersion) -> None:
    # Answers were given against a published document: it may retire, never change.
    if version.status in (PUBLISHED, RETIRED):
        state = inspect(version)
        for name in ("document", "sha256", "mapping", "kind", "number"):
            if state.attrs[name].history.has_changes():
                raise ValueError(
                    f"questionnaire version {version.id} is published: {name} is frozen"
                )


class DraftSave(Base):
    """Every save of a draft, kept: any earlier state can be restored."""

    __tablename__ = "questionnaire_draft_save"
    __table_args__ = (UniqueConstraint("version_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("questionnaire_version.id"))
    number: Mapped[int] = mapped_column(Integer)
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    mapping: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # What the save did, in the editor's words or the studio's ("Frage hinzugefügt: sql_port").
    note: Mapped[str] = mapped_column(String(300), default="")
    saved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    version: Mapped[QuestionnaireVersion] = relationship(back_populates="saves")
    saved_by: Mapped[User | None] = relationship()


class TestFill(Base):
    """An editor's test answers to a draft: never customer data, deleted when it is published."""

    __tablename__ = "questionnaire_test_fill"
    __test__ = False  # not a pytest test class, though its name starts with "Test"
    __table_args__ = (UniqueConstraint("version_id", "user_id", "context"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("questionnaire_version.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    # The deployment the draft is previewed for ("on_premises" or "cp_cloud").
    context: Mapped[str] = mapped_column(String(20))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    row_ids: Mapped[dict[str, list[str]]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ResponseMigration(Base):
    """One in-flight response moved to a newer version: what was kept, converted and dropped."""

    __tablename__ = "response_migration"

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("response.id"), index=True)
    from_version: Mapped[int] = mapped_column(Integer)
    to_version: Mapped[int] = mapped_column(Integer)
    kept: Mapped[list[str]] = mapped_column(JSON, default=list)
    # [{"old_pointer", "new_pointer", "old_value", "new_value"}]
    converted: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # [{"pointer", "value"}]: never deleted; the reviewer and the package show them.
    dropped: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # The changes (forms_schema.diff, as dicts) of the questions this response had answered.
    changes: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    applied_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    applied_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    applied_by: Mapped[User] = relationship()


@event.listens_for(ResponseMigration, "before_update")
@event.listens_for(ResponseMigration, "before_delete")
def _migrations_are_kept(_mapper, _connection, migration: ResponseMigration) -> None:
    # The record holds the dropped answers: removing or rewriting it would lose them.
    raise ValueError(f"response migration {migration.id} is a record and is never changed")
