"""/docs works on a closed network: Swagger UI's scripts and styles come from the app, not a
CDN; and the bare address leads a newcomer to the console (issue 15, items 8 and 13)."""

import re

SOURCES = re.compile(r"""<(?:script|link)\b[^>]*\b(?:src|href)\s*=\s*["']([^"']+)["']""", re.I)
CONTENT_TYPES = {".js": "javascript", ".css": "text/css", ".png": "image/png"}


def test_docs_page_loads_swagger_ui_from_the_app_itself(client):
    page = client.get("/docs")
    assert page.status_code == 200
    assert "text/html" in page.headers["content-type"]
    sources = SOURCES.findall(page.text)
    assert any(s.endswith(".js") for s in sources) and any(s.endswith(".css") for s in sources)
    for source in sources:
        assert not re.match(r"^(?:https?:)?//", source), f"{source} is on another host"
        assert source.startswith("/"), source
        asset = client.get(source)
        assert asset.status_code == 200, source
        suffix = source[source.rindex(".") :]
        assert CONTENT_TYPES[suffix] in asset.headers["content-type"], source
    # Nothing else on the page reaches out either (the spec and the OAuth2 redirect are ours).
    assert not re.search(r"https?://(?!127\.0\.0\.1|localhost|testserver)", page.text)
    assert client.get("/openapi.json").status_code == 200
    assert client.get("/docs/oauth2-redirect").status_code == 200


def test_redoc_is_not_offered_from_a_cdn(client):
    assert client.get("/redoc").status_code == 404


def test_the_bare_address_leads_to_the_console(client):
    answer = client.get("/", follow_redirects=False)
    assert answer.status_code in (302, 303, 307)
    assert answer.headers["location"] == "/console/"
    assert client.get("/").url.path.startswith("/console/")  # and the console answers it
