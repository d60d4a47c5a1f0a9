"""The migrations run both ways on a database of their own."""

from alembic import command
from sqlalchemy import inspect, text

from brigada.cli import alembic_config
from core.db import make_engine
from tests.conftest import reset_schema, upgrade  # noqa: I001

TABLES = {
    "branches",
    "users",
    "clients",
    "sites",
    "workers",
    "client_blocks",
    "audit_log",
    "orders",
    "offers",
    "messages",
    "sms_early_statuses",
}


def _scratch_engine(engine):
    url = engine.url.set(database=f"{engine.url.database}_migrations")
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{url.database}"'))
        conn.execute(text(f'CREATE DATABASE "{url.database}"'))
    return make_engine(url)


def test_upgrade_downgrade_upgrade(engine):
    scratch = _scratch_engine(engine)
    try:
        reset_schema(scratch)
        upgrade(scratch)
        assert set(inspect(scratch).get_table_names()) >= TABLES

        config = alembic_config()
        with scratch.begin() as conn:
            config.attributes["connection"] = conn
            command.downgrade(config, "base")
        assert not TABLES & set(inspect(scratch).get_table_names())

        upgrade(scratch)
        names = set(inspect(scratch).get_table_names())
        assert names >= TABLES
        indexes = {ix["name"]: ix for ix in inspect(scratch).get_indexes("workers")}
        assert "idx_workers_home" in indexes  # the matcher's GiST index
    finally:
        scratch.dispose()


def test_worker_home_is_gist_indexed_geography(session):
    row = session.execute(
        text(
            "SELECT am.amname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "JOIN pg_am am ON am.oid = c.relam WHERE c.relname = 'idx_workers_home'"
        )
    ).scalar_one()
    assert row == "gist"
    kind = session.execute(
        text(
            "SELECT type FROM geography_columns "
            "WHERE f_table_name = 'workers' AND f_geography_column = 'home'"
        )
    ).scalar_one()
    assert kind.lower() == "point"


def test_models_match_the_migrations(connection):
    """The schema Alembic built is the one the models describe (no drift either way)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from geoalchemy2 import alembic_helpers

    import brigada.models  # noqa: F401  (every table on the metadata)
    from core import partitions
    from core.models import Base

    def included(*item) -> bool:  # a month's partition is its parent's (core/partitions.py)
        return partitions.compared(*item) and alembic_helpers.include_object(*item)

    context = MigrationContext.configure(
        connection,
        opts={"include_object": included, "compare_type": True},
    )
    assert compare_metadata(context, Base.metadata) == []


def test_checks_are_named_as_the_models_name_them(connection):
    """Alembic's comparison leaves CHECKs out: every CHECK the models declare is in the
    database under the model's name, and the database has no other (migration 0023)."""
    from sqlalchemy import CheckConstraint

    import brigada.models  # noqa: F401  (every table on the metadata)
    from core.models import Base

    declared = {
        (table.name, constraint.name)
        for table in Base.metadata.tables.values()
        for constraint in table.constraints
        if isinstance(constraint, CheckConstraint)
    }
    found = set(
        connection.execute(
            text(
                "SELECT t.relname, c.conname FROM pg_constraint c "
                "JOIN pg_class t ON t.oid = c.conrelid "
                "JOIN pg_namespace n ON n.oid = t.relnamespace "
                "WHERE c.contype = 'c' AND n.nspname = 'public'"
            )
        ).all()
    )
    assert {(table, name) for table, name in found if table in Base.metadata.tables} == declared
