"""BRIGADA_BROKER_URL picks the broker: Redis by default, RabbitMQ for amqp://, nothing else."""

import pytest
from dramatiq import Message
from dramatiq.brokers.rabbitmq import RabbitmqBroker
from dramatiq.brokers.redis import RedisBroker
from dramatiq.errors import BrokerConnectionError
from pydantic import ValidationError
from sqlalchemy.engine import make_url

from core.broker import make_broker
from core.settings import Settings, get_settings
from tests.brokers import RABBITMQ_URL


def test_the_broker_is_redis_unless_told_otherwise():
    settings = Settings(redis_url="redis://127.0.0.1:6379/3")
    assert settings.jobs_broker_url == "redis://127.0.0.1:6379/3"
    assert isinstance(make_broker(settings.jobs_broker_url), RedisBroker)


def test_an_amqp_url_picks_rabbitmq():
    settings = Settings(broker_url=RABBITMQ_URL)
    assert settings.jobs_broker_url == RABBITMQ_URL
    broker = make_broker(settings.jobs_broker_url)
    assert isinstance(broker, RabbitmqBroker)
    assert not isinstance(broker, RedisBroker)


@pytest.mark.parametrize(
    "url", ["kafka://127.0.0.1:9092", "http://127.0.0.1:5672", "127.0.0.1:5672", "rabbitmq"]
)
def test_a_broker_url_of_another_kind_is_refused_naming_the_setting(url):
    with pytest.raises(ValidationError, match="BRIGADA_BROKER_URL must be a redis://"):
        Settings(broker_url=url)
    with pytest.raises(ValueError, match="BRIGADA_BROKER_URL"):
        make_broker(url)


def test_the_refusal_never_shows_the_password():
    with pytest.raises(ValidationError) as refused:
        Settings(broker_url="kafka://user:s3cret-pass@broker:9092")
    assert "s3cret-pass" not in str(refused.value)


def test_rabbitmq_queues_carry_the_prefix_so_brokers_sharing_rabbitmq_stay_apart():
    """Two prefixes (two databases, or two test workers) on one RabbitMQ: each reads only its
    own jobs, and a job read back (a retry, a delay) keeps its queue."""
    database = make_url(get_settings().database_url).database  # this worker's, as jobs name it
    ours = make_broker(RABBITMQ_URL, queue_prefix=f"{database}_ours")
    theirs = make_broker(RABBITMQ_URL, queue_prefix=f"{database}_theirs")
    try:
        for broker in (ours, theirs):
            broker.declare_queue("default", ensure=True)
            broker.flush("default")
        sent = ours.enqueue(
            Message(queue_name="default", actor_name="core.x", args=(1,), kwargs={}, options={})
        )
        assert sent.queue_name == f"{database}_ours.default"
        assert ours.get_declared_queues() == {f"{database}_ours.default"}
        assert theirs.get_queue_message_counts("default")[0] == 0
        assert ours.get_queue_message_counts("default")[0] == 1
        consumer = ours.consume("default", timeout=2000)
        got = next(consumer)
        assert got is not None and got.args == (1,)
        ours.enqueue(got.copy(), delay=0)  # a retry: back on its own queue, delayed
        consumer.ack(got)
        consumer.close()
        assert ours.get_queue_message_counts("default")[1] == 1  # on default.DQ, not a new queue
        assert ours.get_declared_queues() == {f"{database}_ours.default"}
    except BrokerConnectionError:
        pytest.fail("RabbitMQ is not reachable on 127.0.0.1:5672 (scripts/services.sh starts it)")
    finally:
        for broker in (ours, theirs):  # nothing left on the shared RabbitMQ
            for queue in ("default", "default.DQ", "default.XQ"):
                broker.channel.queue_delete(queue=broker.own(queue))
            broker.close()
