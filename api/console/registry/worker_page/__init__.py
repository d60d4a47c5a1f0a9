"""Parts of the worker's page that act on them: the days and pause they texted by SMS, and
forgetting them on request."""
