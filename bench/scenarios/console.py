"""The organiser console in Chromium with a large meeting: the people page of a meeting with 2,000
participants and the room page with 20 polls (15 closed with their results, 5 drafts), desktop.

The organiser signs in with an API token at /organiser (as the console's test does), then opens each
page; then reloads it (the files cached, the session kept). Reported: time to interactive, in the page's
own clock from the navigation's start: the table's rows (the room's poll list) are on the page and a task
queued at that moment has run, i.e. the main thread is free to take input. Medians of RUNS visits, each in
a fresh browser context.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from typing import Any

import aiohttp
from playwright.async_api import Page, async_playwright

from bench.scenarios.meetings import organiser_token
from bench.scenarios.roster import draft_meeting
from bench.scenarios.web import executable
from bench.stack import Stack
from devstack.reference import staff_names

RUNS = 5
PARTICIPANTS = 2_000
POLLS = 20
CLOSED = 15
TARGET_S = 1.0
PAGES = {"people": "table.people tbody tr", "room": "ul.polls > li"}
# when the rows are there, then when a task queued at that moment runs (nothing holds the main thread)
WATCH = """
const selector = %r;
new MutationObserver((_, observer) => {
  if (document.querySelectorAll(selector).length) {
    observer.disconnect();
    window.__present = performance.now();
    setTimeout(() => (window.__interactive = performance.now()), 0);
  }
}).observe(document, { childList: true, subtree: true });
"""


async def large_meeting(stack: Stack, token: str) -> str:
    """A meeting under way with PARTICIPANTS people and POLLS polls, CLOSED of them closed."""
    meeting_api, resolution_api = stack.url("meeting_svc") + "/api/v1", stack.url("resolution_svc") + "/api/v1"
    csv = "name,email,role\n" + "\n".join(
        f"{n},db{i}@quatest2.example.org,voting_member" for i, n in enumerate(staff_names(PARTICIPANTS, seed=11))
    )
    async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {token}"}) as http:
        meeting = await draft_meeting(http, meeting_api)
        async with http.post(
            f"{meeting_api}/meetings/{meeting}/participants:import",
            data=csv.encode(),
            headers={"Content-Type": "text/csv"},
        ) as r:
            assert r.status == 201, await r.text()
        async with http.get(f"{meeting_api}/meetings/{meeting}") as r:
            version = (await r.json())["version"]
        async with http.post(f"{meeting_api}/meetings/{meeting}/schedule", headers={"If-Match": f'"{version}"'}) as r:
            assert r.status == 200, await r.text()
        async with http.post(f"{meeting_api}/meetings/{meeting}/start") as r:
            assert r.status == 200, await r.text()
        for n in range(POLLS):
            body = {
                "motion": "procedural",
                "question": {"vi": f"Biểu quyết thủ tục số {n + 1}", "en": f"Procedural vote {n + 1}"},
                "secret": n % 2 == 0,
            }
            for _ in range(600):  # resolution_svc takes polls once it has heard of the meeting
                async with http.post(f"{resolution_api}/meetings/{meeting}/polls", json=body) as r:
                    if r.status == 201:
                        poll = (await r.json())["id"]
                        break
                await asyncio.sleep(0.1)
            else:
                raise RuntimeError("resolution_svc never took a poll")
            if n >= CLOSED:
                continue
            for _ in range(600):  # it opens polls once it has heard the meeting started
                async with http.post(f"{resolution_api}/polls/{poll}/open") as r:
                    if r.status == 200:
                        break
                await asyncio.sleep(0.1)
            async with http.post(f"{resolution_api}/polls/{poll}/close") as r:
                assert r.status == 200, await r.text()
    return str(meeting)


async def interactive(page: Page) -> dict[str, float]:
    # polled from here: the page's Content-Security-Policy forbids the evaluated predicate of wait_for_function
    for _ in range(3000):
        if await page.evaluate("window.__interactive !== undefined"):
            break
        await asyncio.sleep(0.02)
    else:
        raise RuntimeError("the page never showed its rows")
    return dict(
        await page.evaluate("() => ({ present: window.__present / 1000, interactive: window.__interactive / 1000 })")
    )


async def visit(browser: Any, base: str, token: str, path: str, selector: str) -> tuple[float, float, int, int]:
    """Sign in with the token, open the page, reload it: (first, reload) time to interactive, rows shown,
    API requests the page made until it was interactive."""
    context = await browser.new_context(viewport={"width": 1366, "height": 768})
    try:
        page = await context.new_page()
        await page.goto(f"{base}/organiser")
        await page.get_by_label("Mã truy cập (API token) của ban tổ chức").fill(token)
        await page.get_by_role("button", name="Đăng nhập", exact=True).click()
        await page.get_by_role("heading", level=1).filter(has_text="Hội nghị").wait_for()
        await page.add_init_script(WATCH % selector)
        asked: list[str] = []
        page.on("request", lambda r: asked.append(r.url) if "/api/" in r.url else None)
        await page.goto(f"{base}{path}")
        first = await interactive(page)
        requests = len(asked)
        rows = await page.locator(selector).count()
        await page.reload()
        again = await interactive(page)
        return first["interactive"], again["interactive"], rows, requests
    finally:
        await context.close()


async def run(stack: Stack) -> dict[str, float | int]:
    token = await organiser_token(stack)
    started = time.perf_counter()
    meeting = await large_meeting(stack, token)
    metrics: dict[str, float | int] = {
        "console.participants": PARTICIPANTS,
        "console.polls": POLLS,
        "console.runs": RUNS,
        "console.setup_s": round(time.perf_counter() - started, 1),
        "console.target_s": TARGET_S,
    }
    base = stack.url("meeting_svc")
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=executable(), args=["--no-sandbox", "--disable-gpu"])
        try:
            for name, selector in PAGES.items():
                firsts, agains = [], []
                for _ in range(RUNS):
                    first, again, rows, requests = await visit(
                        browser, base, token, f"/organiser/meetings/{meeting}/{name}", selector
                    )
                    firsts.append(first)
                    agains.append(again)
                metrics[f"console.{name}.rows"] = rows
                metrics[f"console.{name}.api_requests"] = requests
                metrics[f"console.{name}.interactive_s"] = round(statistics.median(firsts), 3)
                metrics[f"console.{name}.interactive_reload_s"] = round(statistics.median(agains), 3)
                metrics[f"console.{name}.meets_target"] = int(statistics.median(firsts) < TARGET_S)
        finally:
            await browser.close()
    return metrics
