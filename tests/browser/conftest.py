"""Browser tests: Debian's Chromium, headless, driven by Playwright for Python against the
real processes (tests/stack.py). Screenshots of each step go to test-results/console/."""

import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = Path(__file__).resolve().parents[2] / "test-results" / "console"


# A page that polls (htmx "every 5s") shows a change up to one poll later: the default 5 s of
# expect() raced the poll on a loaded machine (a whole suite on 2 cores). Waits end as soon as
# the page shows it, so only a failure takes longer.
expect.set_options(timeout=15_000)


@pytest.fixture(scope="module")  # Playwright's loop must be gone before other tests' asyncio.run
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: scripts/browser.sh installs it (make test runs it)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield launched
        launched.close()


@pytest.fixture
def shots():
    """shot(page, name): a numbered full-page screenshot of this step."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    taken: list[Path] = []

    def shot(page, name: str) -> Path:
        path = SHOTS / f"{len(taken) + 1:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        taken.append(path)
        return path

    yield shot
