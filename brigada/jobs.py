"""What the dramatiq jobs process loads: the broker and every package's actors."""

from core import logmask
from core.broker import setup_broker
from core.settings import get_settings

logmask.install(get_settings())  # phones and secrets never reach the jobs' logs
broker = setup_broker()

import core.heartbeat  # noqa: E402,F401  (actors register on import)
import core.idempotency_tasks  # noqa: E402,F401
import core.partition_tasks  # noqa: E402,F401
import dispatch.applicants.tasks  # noqa: E402,F401
import dispatch.fill.tasks  # noqa: E402,F401
import dispatch.hooks.tasks  # noqa: E402,F401
import dispatch.penalties.tasks  # noqa: E402,F401
import dispatch.repeat.tasks  # noqa: E402,F401
import dispatch.replies.tasks  # noqa: E402,F401
import dispatch.reports.tasks  # noqa: E402,F401
import dispatch.shift.tasks  # noqa: E402,F401
import dispatch.texts.tasks  # noqa: E402,F401
import sms.tasks  # noqa: E402,F401
import workers.tasks  # noqa: E402,F401
