"""Alembic environment for Flask-Migrate: the app's engine and the models' metadata."""

import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app
from sqlalchemy.types import TypeDecorator

from portal.models.search import compared

config = context.config
if config.config_file_name is not None:
    # Keep the app's and pytest's loggers working after a migration ran in-process.
    fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

target_db = current_app.extensions["migrate"].db


def get_engine():
    return target_db.engine


def get_metadata():
    return target_db.metadata


# Written into the config so that offline mode (`flask db upgrade --sql`) sees the same database.
config.set_main_option(
    "sqlalchemy.url", get_engine().url.render_as_string(hide_password=False).replace("%", "%%")
)


def render_item(type_, obj, autogen_context):
    """Write the app's own column types (UTCDateTime, ...) as the database type they wrap.

    A migration is a frozen record: it must not import portal, whose code keeps changing.
    """
    if type_ == "type" and isinstance(obj, TypeDecorator):
        return f"sa.{obj.impl!r}"
    return False


# compare_type and render_as_batch are also Flask-Migrate's defaults; repeated for offline mode.
# Batch mode lets SQLite alter tables by copying them, since it has no ALTER COLUMN.
CONFIGURE_OPTIONS = {"compare_type": True, "render_as_batch": True, "render_item": render_item}


def run_migrations_offline() -> None:
    """Emit the SQL of the migrations instead of running them."""
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=get_metadata(),
        literal_binds=True,
        **CONFIGURE_OPTIONS,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run the migrations on a connection of the app's engine."""

    def process_revision_directives(context, revision, directives):
        # `flask db migrate` with no model change writes no empty revision.
        if getattr(config.cmd_opts, "autogenerate", False):
            script = directives[0]
            if script.upgrade_ops.is_empty():
                directives[:] = []
                logger.info("No changes in schema detected.")

    conf_args = dict(CONFIGURE_OPTIONS)
    conf_args.update(current_app.extensions["migrate"].configure_args)
    conf_args.setdefault("process_revision_directives", process_revision_directives)

    with get_engine().connect() as connection:
        # The search indexes' FTS5 tables and PostgreSQL-only indexes are no model differences.
        conf_args.setdefault("include_object", compared(connection.dialect.name))
        context.configure(connection=connection, target_metadata=get_metadata(), **conf_args)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
