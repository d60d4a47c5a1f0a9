"""Imports every package's models so the metadata is complete (Alembic, tests)."""

from core.audit import AuditEntry
from dispatch.models import Branch, Client, ClientBlock, Site, User
from workers.models import Worker

__all__ = ["AuditEntry", "Branch", "Client", "ClientBlock", "Site", "User", "Worker"]
