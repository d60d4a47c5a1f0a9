"""Refusals of webhook subscriptions (api/errors.py answers InvalidInput with 422)."""

from core.errors import InvalidInput


class WebhookUrlInvalid(InvalidInput):
    """Not an http(s) URL, or one pointing inside our network in production."""

    code = "webhook_url_invalid"


class WebhookEventsInvalid(InvalidInput):
    """No events, or one not in the fixed list."""

    code = "webhook_events_invalid"
