"""The bare address (`http://host:8000/`, a newcomer's first click) leads to the console."""

from fastapi import APIRouter
from fastapi.responses import RedirectResponse

router = APIRouter(include_in_schema=False)


@router.get("/")
async def home() -> RedirectResponse:
    return RedirectResponse("/console/", status_code=303)
