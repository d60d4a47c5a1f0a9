"""The dispatcher's pages: the live orders board, an order's page (roster, timelines,
candidates, map) and the new-order form."""

from fastapi import APIRouter

from api.console.web import PREFIX

router = APIRouter(prefix=PREFIX, include_in_schema=False)
