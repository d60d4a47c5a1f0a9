"""Check-in links: a worker opens the signed link from the booking text and shares where
they are; inside the site's geofence the arrival waits for the foreman to confirm."""

from fastapi import APIRouter

router = APIRouter(prefix="", include_in_schema=False)
