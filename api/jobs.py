"""What the dramatiq jobs process loads: the broker and every package's actors."""

from core.broker import setup_broker

broker = setup_broker()

import core.heartbeat  # noqa: E402,F401  (actors register on import)
import dispatch.tasks  # noqa: E402,F401
