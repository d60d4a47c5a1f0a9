"""Message statuses, and the named sets of them: each set once, here, beside its enum.

`StrEnum` members are their plain strings: the database's CHECK on messages.status is built
from `MessageStatus` (`core.models.in_check`)."""

from enum import StrEnum


class MessageStatus(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"  # claimed by a sender, about to be handed to the provider
    SENT = "sent"
    DELIVERED = "delivered"
    UNDELIVERED = "undelivered"
    FAILED = "failed"
    CANCELLED = "cancelled"
    RECEIVED = "received"
    PROCESSED = "processed"
    IGNORED = "ignored"  # in: past the number's inbound rate, kept for the record, never acted on
    WITHHELD = "withheld"  # out: an automatic reply past the hourly throttle, never sent (the note)


STATUSES = tuple(MessageStatus)

# Delivery only moves forward: a late "sent" callback never overwrites "delivered".
STATUS_RANK: dict[str, int] = {  # str keys: a message row's status is read as text
    MessageStatus.QUEUED: 0,
    MessageStatus.SENDING: 1,
    MessageStatus.SENT: 2,
    MessageStatus.DELIVERED: 3,
    MessageStatus.UNDELIVERED: 3,
    MessageStatus.FAILED: 3,
}
# An outgoing text's statuses before the gateway has it.
UNSENT = (MessageStatus.QUEUED, MessageStatus.SENDING)
# Rows a job still reads the body of: to send it, to check a claim, or to act on a reply.
BODY_IN_USE = (*UNSENT, MessageStatus.RECEIVED)
# The provider's last word on an outgoing text: its time is when it arrived.
FINISHED = (MessageStatus.DELIVERED, MessageStatus.UNDELIVERED, MessageStatus.FAILED)
# An incoming text's statuses: waiting to be acted on, acted on, or kept unread (a flood).
INBOUND = (MessageStatus.RECEIVED, MessageStatus.PROCESSED, MessageStatus.IGNORED)
