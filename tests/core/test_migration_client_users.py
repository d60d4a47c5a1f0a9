"""Migration 0033 (clients as users) goes down and up again with client users in it: those
users go with their role, what they made stays (an order they placed, a worker they blocked,
kept as if the system had made it), the staff are untouched, and the way up works again."""

from decimal import Decimal

from alembic import command
from sqlalchemy import inspect, select, text
from sqlalchemy.orm import Session

from brigada.cli import alembic_config
from dispatch.client_models import ClientRate
from dispatch.models import Client, ClientBlock, ClientFavourite
from tests.builders import (
    key_auth,
    make_branch_site,
    make_client_user,
    make_order,
    make_user,
    make_worker,
)
from tests.conftest import reset_schema, upgrade
from tests.core.test_migrations import _scratch_engine


def _downgrade(engine, revision: str) -> None:
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, revision)


def _seed(engine) -> dict[str, int]:
    """What a client's users leave behind at head: orders, a block, a favourite, rates, a key."""
    with Session(engine) as session:
        branch, site = make_branch_site(session)
        client = site.client_id
        client_row = session.get_one(Client, client)
        admin = make_client_user(session, client=client_row, admin=True)
        plain = make_client_user(session, client=client_row)
        dispatcher = make_user(session, role="dispatcher", branch=branch)
        by_client = make_order(session, site=site)
        by_client.created_by = admin.id
        by_office = make_order(session, site=site)
        by_office.created_by = dispatcher.id
        blocked, liked = make_worker(session, branch=branch), make_worker(session, branch=branch)
        session.add(
            ClientBlock(client_id=client, worker_id=blocked.id, reason="late", created_by=plain.id)
        )
        session.add(ClientFavourite(client_id=client, worker_id=liked.id, created_by=admin.id))
        session.add(
            ClientRate(
                client_id=client,
                skill="loader",
                client_rate=Decimal("300"),
                worker_rate=Decimal("180"),
            )
        )
        key_auth(session, client=client_row)
        session.commit()
        return {
            "client": client,
            "by_client": by_client.id,
            "by_office": by_office.id,
            "dispatcher": dispatcher.id,
            "blocked": blocked.id,
        }


def test_down_and_up_again_with_client_users_in_it(engine):
    scratch = _scratch_engine(engine)
    try:
        reset_schema(scratch)
        upgrade(scratch)
        seeded = _seed(scratch)

        _downgrade(scratch, "0032")
        tables = set(inspect(scratch).get_table_names())
        assert not {"client_rates", "client_api_keys"} & tables
        assert {c["name"] for c in inspect(scratch).get_columns("users")}.isdisjoint(
            {"client_id", "client_admin"}
        )
        with scratch.connect() as conn:
            roles = set(conn.scalars(text("SELECT DISTINCT role FROM users")))
            orders = dict(conn.execute(text("SELECT id, created_by FROM orders")).all())
            block = conn.execute(
                text("SELECT created_by FROM client_blocks WHERE worker_id = :w"),
                {"w": seeded["blocked"]},
            ).scalar_one()
            refused = conn.execute(
                text(
                    "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
                    "WHERE conname = 'ck_users_role'"
                )
            ).scalar_one()
        assert roles == {"dispatcher"}
        assert orders == {seeded["by_client"]: None, seeded["by_office"]: seeded["dispatcher"]}
        assert block is None  # the block stays, as the system's
        assert "client" not in refused

        upgrade(scratch)
        with Session(scratch) as session:  # the way up again: a client user can be made
            again = make_client_user(session, client=session.get_one(Client, seeded["client"]))
            session.commit()
            assert session.scalar(select(ClientRate).limit(1)) is None
            assert again.client_id == seeded["client"]
        _downgrade(scratch, "0032")  # and down again, that user in it
        upgrade(scratch)
    finally:
        scratch.dispose()
