"""A real browser for the tests: Debian's headless Chromium driven by Playwright (never a
downloaded browser), and a visit that records every request, console error, page error and
dialog. A missing Chromium or playwright fails the test with what to install, never skips it.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM_ARGS = [
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def chromium_path() -> str:
    found = shutil.which("chromium") or (
        "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
    )
    if found is None:
        pytest.fail(
            "Chromium is missing: apt-get install -y chromium (.ci/run does it)", pytrace=False
        )
    return found


@pytest.fixture(scope="session")
def browser():
    """A headless Chromium for the module's tests."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail(
            "playwright is missing: pip install -e '.[dev]' (no browser download)", pytrace=False
        )
    executable = chromium_path()
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclass
class Visit:
    """What a page did while it loaded: every request, every error, every dialog."""

    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def elsewhere(self) -> list[str]:
        return [url for url in self.requests if urlsplit(url).hostname != "127.0.0.1"]


@contextmanager
def visiting(browser, url: str) -> Iterator[tuple[object, Visit]]:
    """Open url in a fresh page, recording what it does. A request to another host is
    recorded, then aborted: nothing leaves this machine, even when a page tries."""
    visit = Visit()
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.on("request", lambda request: visit.requests.append(request.url))
    page.on("pageerror", lambda error: visit.page_errors.append(str(error)))
    page.on("dialog", lambda dialog: (visit.dialogs.append(dialog.message), dialog.dismiss()))
    page.on(
        "console",
        lambda message: message.type == "error" and visit.console_errors.append(message.text),
    )
    page.route(
        "**/*",
        lambda route: (
            route.continue_()
            if urlsplit(route.request.url).hostname == "127.0.0.1"
            else route.abort()
        ),
    )
    try:
        page.goto(url, wait_until="load")
        yield page, visit
    finally:
        page.close()
