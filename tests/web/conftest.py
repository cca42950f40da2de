"""Real Chromium for the web client's tests, driven by Playwright. `.ci/run` installs Debian's
chromium; elsewhere the tests are skipped with a note saying what to install."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Browser, async_playwright, expect

ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


# Live updates cross three services and a stream; allow for a slow machine before calling them lost.
expect.set_options(timeout=15_000)


def chromium() -> str | None:
    return os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    executable = chromium()
    if executable is None:
        pytest.skip("browser tests need Chromium: apt-get install chromium (or set CHROMIUM to its path)")
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=executable, args=ARGS)
        try:
            yield browser
        finally:
            await browser.close()
