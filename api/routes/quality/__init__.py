"""Clients' ratings of a crew by SMS and the dispatcher's cases (docs/sms.md): the routes
and their bodies."""
