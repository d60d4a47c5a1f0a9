"""Every process twice (issue 22 part 3) on Redis: two APIs, two jobs processes and two
schedulers run the day of tests/doubled_day.py, nothing done twice, then one of each is
SIGKILLed and the rest finish it. Its RabbitMQ run is tests/faults/test_doubled_rabbitmq.py."""

import pytest

from tests.doubled import running_doubled
from tests.doubled_day import doubled_scene, run_the_day


@pytest.fixture
def scene(engine):
    with doubled_scene() as built:
        yield built


@pytest.fixture
def doubled(scene, tmp_path):
    with running_doubled(tmp_path) as running:
        yield running


def test_every_process_twice_does_nothing_twice_and_survives_losing_one_of_each(scene, doubled):
    print(run_the_day(scene, doubled))  # the figures of docs/reliability.md
