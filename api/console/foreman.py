"""The foreman's page: today's roster on a phone, marks with big targets, and the close."""

from fastapi import APIRouter

from api.console.web import PREFIX

router = APIRouter(prefix=PREFIX, include_in_schema=False)
