"""The job that acts on one inbound text (dispatch/replies/inbox.py), once."""

import dramatiq

from core.broker import setup_broker
from core.clock import now
from core.db import session_scope
from core.jobs import queue_of
from dispatch.replies import inbox

setup_broker()


@dramatiq.actor(actor_name="sms.inbound", queue_name=queue_of("sms.inbound"), max_retries=5)
def handle_inbound(message_id: int) -> None:
    with session_scope() as session:
        inbox.handle_inbound(session, message_id, now())
