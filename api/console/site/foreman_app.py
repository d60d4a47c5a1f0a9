"""The foreman's page as an installable app (issue 20): its web manifest and its service
worker, served by the app (no app store). The worker (static/foreman_sw.js) lives under
/console/foreman so that its scope is the foreman's pages and no other console page; the
offline queue it makes possible is static/foreman_offline.js and foreman_sync.py."""

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from api.console.i18n import translator
from api.console.web import PREFIX, language

router = APIRouter(prefix=PREFIX, include_in_schema=False)

STATIC = Path(__file__).resolve().parent.parent / "static"
SCOPE = f"{PREFIX}/foreman"
# The worker's file sits at /console/foreman/sw.js, whose default scope is /console/foreman/
# (with the slash); the page itself is /console/foreman, so the scope is widened to it.
SW_HEADERS = {
    "Service-Worker-Allowed": SCOPE,
    "Cache-Control": "no-cache",  # a new version is picked up on the next visit
}


def manifest(request: Request) -> Response:
    """Public like the static files: a phone asks for it without the session's cookie."""
    t = translator(language(request))
    body = {
        "name": t("foreman_app_name"),
        "short_name": t("foreman_app_short"),
        "start_url": SCOPE,
        "scope": SCOPE,
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#ffffff",
        "theme_color": "#1f4e79",
        "icons": [
            {
                "src": "/static/console/foreman_icon.svg",
                "sizes": "any",
                "type": "image/svg+xml",
                "purpose": "any",
            },
        ],
    }
    return JSONResponse(body, media_type="application/manifest+json")


def service_worker(request: Request) -> Response:
    script = (STATIC / "foreman_sw.js").read_text(encoding="utf-8")
    return Response(script, media_type="application/javascript", headers=SW_HEADERS)


# Files for the browser, as the static ones are, not pages: plain routes (no page's
# dependencies, not among the console's pages that tests/api/console walks for words).
router.add_route(
    f"{SCOPE}/manifest.webmanifest", manifest, methods=["GET"], include_in_schema=False
)
router.add_route(f"{SCOPE}/sw.js", service_worker, methods=["GET"], include_in_schema=False)
