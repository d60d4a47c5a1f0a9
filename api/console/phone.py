"""The phone simulator (outbox mode only), the message log, and worker search and profiles."""

from fastapi import APIRouter

from api.console.web import PREFIX

router = APIRouter(prefix=PREFIX, include_in_schema=False)
