"""Response bodies of the texts to and from workers: the SMS log."""

from pydantic import ConfigDict

from api.schemas.common import fields_of
from dispatch.texts.messaging import MessageLine


# A message as the log shows it through the API: the fields of dispatch/texts/messaging.py's
# MessageLine but those only the console shows (the error, when it was sent, the worker's name
# and the order's code).
# fields_of builds the base at run time from the dataclass: mypy cannot follow it (misc).
class MessageOut(
    fields_of(  # type: ignore[misc]
        MessageLine,
        leave_out=("error_code", "sent_at", "name", "order_code"),
        config=ConfigDict(from_attributes=True),
    )
):
    pass
