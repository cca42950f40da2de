"""axe-core (vendored from npm, pinned: tests/web/vendor/axe.min.js, version in its header, licence
beside it) run on a page in Chromium: a test fails on any serious or critical accessibility violation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.async_api import Page

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
BLOCKING = ("serious", "critical")


async def violations(page: Page) -> list[dict[str, Any]]:
    """axe's serious and critical violations on the page as it is now. The script is evaluated through
    the DevTools protocol, which the page's Content-Security-Policy does not govern."""
    if not await page.evaluate("typeof window.axe !== 'undefined'"):
        await page.evaluate(AXE.read_text(encoding="utf-8"))
    found: list[dict[str, Any]] = await page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    return [v for v in found if v.get("impact") in BLOCKING]


async def assert_accessible(page: Page) -> None:
    found = await violations(page)
    assert not found, "\n".join(
        f"{v['impact']} {v['id']}: {v['help']} at {[n['target'] for n in v['nodes']][:3]}" for v in found
    )
