"""Every process twice (issue 22 part 3) with jobs on RabbitMQ: the day of
tests/doubled_day.py, as tests/test_doubled.py runs it on Redis, here with BRIGADA_BROKER_URL
naming the machine's RabbitMQ (127.0.0.1:5672, or BRIGADA_TEST_RABBITMQ_URL). It takes about
25 s, as the Redis run does: more than `make test` may grow by, so it runs in `make faults`.

The database and Redis are this test's own (the fault tests' private ones); RabbitMQ names its
queues after the database, so a name of this run's own (its pid) keeps another checkout's
run off them; they are purged before and deleted after."""

import os
from collections.abc import Iterator

import pytest

from core import broker, db
from tests.brokers import (
    RABBITMQ_URL,
    delete_rabbitmq_queues,
    empty_rabbitmq_queues,
    rabbitmq_broker,
    rabbitmq_readers,
    settings_afresh,
)
from tests.doubled import running_doubled
from tests.doubled_day import Scene, doubled_scene, run_the_day


@pytest.fixture
def on_rabbitmq(postgres, private_redis) -> Iterator[None]:
    """This process and the six it starts (they inherit its environment) pointed at a private
    database and Redis, jobs at RabbitMQ."""
    name = postgres.new_database(f"brigada_doubled_{os.getpid()}")
    ours = {
        "BRIGADA_DATABASE_URL": postgres.url(name),
        "BRIGADA_REDIS_URL": private_redis.url,
        "BRIGADA_BROKER_URL": RABBITMQ_URL,
    }
    saved = {key: os.environ.get(key) for key in ours}
    os.environ.update(ours)
    settings_afresh()
    queues = rabbitmq_broker()
    empty_rabbitmq_queues(queues)
    try:
        yield
    finally:
        delete_rabbitmq_queues(queues)  # the jobs processes have stopped: delayed jobs go too
        queues.close()
        broker.setup_broker().close()  # the one this process sent its jobs to
        db.get_engine().dispose()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        settings_afresh()
        postgres.drop_database(name)


@pytest.fixture
def scene(on_rabbitmq) -> Iterator[Scene]:
    with doubled_scene() as built:
        yield built


@pytest.fixture
def doubled(scene, tmp_path):
    with running_doubled(tmp_path) as running:
        yield running


def test_every_process_twice_on_rabbitmq_does_nothing_twice_and_survives_losing_one_of_each(
    scene, doubled, figure
):
    figures = run_the_day(scene, doubled)
    assert rabbitmq_readers("default") >= 1  # the jobs process left reads RabbitMQ, not Redis
    figure(figures)
