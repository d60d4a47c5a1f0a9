"""What most dispatch tests start from: a branch with the default policy, a site at Moscow's
centre and a dispatcher of that branch acting."""

import pytest
from sqlalchemy.orm import sessionmaker

from core.db import make_engine
from core.settings import get_settings
from dispatch.registry.staff import actor_of
from tests.builders import (
    MOSCOW,
    make_branch,
    make_client,
    make_site,
    make_user,
    make_worker,
    offset,
)


@pytest.fixture
def branch(session):
    # Europe/Moscow, fine 5.00/min, no-show 300.00, show-up 300.00; marks count at once (no
    # undo window): tests/dispatch/test_mark_undo.py is about the window.
    return make_branch(session, undo_window_s=0)


@pytest.fixture
def site(session, branch):
    return make_site(session, client=make_client(session, branch=branch), at=MOSCOW)


@pytest.fixture
def dispatcher(session, branch):
    return actor_of(make_user(session, role="dispatcher", branch=branch))


@pytest.fixture
def factory(engine):
    """Sessions on a pool of their own, for tests that race on committed rows (a test
    module may override it with a bigger pool)."""
    racing = make_engine(
        get_settings().database_url, pool_size=4, max_overflow=0, lock_timeout_ms=30_000
    )
    yield sessionmaker(bind=racing, expire_on_commit=False)
    racing.dispose()


@pytest.fixture
def crowd(session, branch):
    """Thirty workers within a kilometre of the site, 30 m apart."""
    return [
        make_worker(session, branch=branch, near=offset(MOSCOW, east_m=30 * i)) for i in range(30)
    ]
