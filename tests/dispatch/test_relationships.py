"""The models' relationships are lazy="raise": a walk nobody loaded fails here, in a test,
instead of querying behind an attribute; and loading them keeps a lock on the order row."""

import pytest
from sqlalchemy import event, select
from sqlalchemy.exc import InvalidRequestError
from sqlalchemy.orm import immediateload

from core.db import locked
from core.models import Base
from dispatch.fill import waves
from dispatch.models import Branch, Client, Offer, Order, Site
from tests.builders import make_offer, make_order, make_worker
from workers.models import Worker

# Every relationship the models declare: (model, attribute, the model it points at).
DECLARED = [
    (Client, "branch", Branch),
    (Site, "client", Client),
    (Order, "branch", Branch),
    (Order, "client", Client),
    (Order, "site", Site),
    (Offer, "order", Order),
    (Offer, "worker", Worker),
]


def test_the_list_is_every_relationship_declared():
    declared = [rel for mapper in Base.registry.mappers for rel in mapper.relationships]
    assert {(rel.parent.class_, rel.key, rel.mapper.class_) for rel in declared} == set(DECLARED)
    assert {rel.lazy for rel in declared} == {"raise"}


@pytest.fixture
def rows(session, site, branch):
    order = make_order(session, site=site)
    offer = make_offer(session, order=order, worker=make_worker(session, branch=branch))
    return {Client: session.get(Client, site.client_id), Site: site, Order: order, Offer: offer}


@pytest.mark.parametrize(("model", "key", "target"), DECLARED)
def test_an_unloaded_relationship_raises_even_with_its_row_in_the_session(
    session, rows, model, key, target
):
    row_id = rows[model].id
    # Everything it points at stays in the session: a lazy="raise_on_sql" would not raise.
    session.expunge(rows[model])
    fresh = session.scalars(select(model).where(model.id == row_id)).one()
    assert fresh is not rows[model]
    with pytest.raises(InvalidRequestError, match=f"{model.__name__}.{key}"):
        getattr(fresh, key)
    # Loaded (a get by key), it is the row the foreign key names.
    loaded = session.scalars(
        select(model).where(model.id == row_id).options(immediateload(getattr(model, key)))
    ).one()
    assert isinstance(getattr(loaded, key), target)
    assert getattr(loaded, key).id == getattr(loaded, f"{key}_id")


def test_a_relock_without_the_option_forgets_the_loaded_branch(session, site):
    """locked() repopulates the row: a caller that walks the branch must ask for it again."""
    order = make_order(session, site=site)
    assert order.branch.id == order.branch_id  # set when the order was made
    session.scalars(locked(select(Order).where(Order.id == order.id))).one()
    with pytest.raises(InvalidRequestError):
        _ = order.branch


@pytest.fixture
def statements(session):
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", record)
    yield seen
    event.remove(engine, "before_cursor_execute", record)


def test_locking_an_order_with_its_branch_locks_the_order_row_alone(
    session, site, branch, statements
):
    order = make_order(session, site=site)
    session.flush()
    session.expunge(order)
    session.expunge(branch)  # not in the session: it has to be read
    statements.clear()
    locked_order = waves._lock_order(session, order.id)
    assert locked_order.branch.id == branch.id
    assert len(statements) == 2
    assert "FOR NO KEY UPDATE" in statements[0] and "JOIN" not in statements[0]
    assert "FROM branches" in statements[1] and " FOR " not in statements[1]


def test_locking_an_order_whose_branch_is_in_the_session_is_one_query(
    session, site, branch, statements
):
    """As session.get(Branch, ...) did: a branch already in the session is not read again."""
    order = make_order(session, site=site)
    session.flush()
    statements.clear()
    assert waves._lock_order(session, order.id).branch is branch
    assert len(statements) == 1
