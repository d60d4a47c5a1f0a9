"""Clients' webhooks and the client's texts (docs/webhooks.md): the routes and their bodies."""
