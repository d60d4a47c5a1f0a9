"""Alembic environment: our metadata, the settings' URL, geoalchemy2's helpers."""

from alembic import context
from geoalchemy2 import alembic_helpers
from sqlalchemy import engine_from_config, pool

import brigada.models  # noqa: F401  (registers every table on the metadata)
from core import partitions
from core.models import Base
from core.settings import get_settings

config = context.config
target_metadata = Base.metadata

OPTIONS = dict(
    target_metadata=target_metadata,
    include_object=lambda *a: partitions.compared(*a) and alembic_helpers.include_object(*a),
    process_revision_directives=alembic_helpers.writer,
    render_item=alembic_helpers.render_item,
    compare_type=True,
)


def run_offline() -> None:
    context.configure(url=get_settings().database_url, literal_binds=True, **OPTIONS)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:  # tests and `brigada migrate` hand us a connection
        context.configure(connection=connection, **OPTIONS)
        with context.begin_transaction():
            context.run_migrations()
        return
    url = config.get_main_option("sqlalchemy.url") or get_settings().database_url
    engine = engine_from_config(
        {"sqlalchemy.url": url}, prefix="sqlalchemy.", poolclass=pool.NullPool
    )
    with engine.connect() as conn:
        context.configure(connection=conn, **OPTIONS)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
