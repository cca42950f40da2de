"""One date format on the page, the time zone in words, states told apart by colour, report tables
ruled, and no request of the page (the favicon included) answered 404."""

from __future__ import annotations

import re

from playwright.async_api import Browser, Page, Response, expect

from tests.web.conftest import Running, json_of

DATE_TIME = re.compile(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}")


async def colour_of(page: Page, selector: str, attribute: str, value: str, css: str) -> str:
    """The computed colour an element would have with `attribute` set to `value`."""
    return str(
        await page.evaluate(
            """([selector, attribute, value, css]) => {
                const probe = document.querySelector(selector).cloneNode(true);
                probe.setAttribute(attribute, value);
                document.body.append(probe);
                const colour = getComputedStyle(probe)[css];
                probe.remove();
                return colour;
            }""",
            [selector, attribute, value, css],
        )
    )


async def test_dates_zone_colours_tables_and_favicon(running: Running, browser: Browser) -> None:
    ref, loaded = running.ref, running.loaded
    report = ref.reports[0]
    representative = ref.representative_of(report.block)
    mid, block = loaded.meeting_id, loaded.departments[report.block]
    status = await json_of(
        await running.meeting.get(f"/api/v1/meetings/{mid}/contributions", headers=running.organiser)
    )
    (ours,) = [s for s in status["items"] if s["department_id"] == block]
    path = f"/api/v1/meetings/{mid}/contribution-requests/{ours['request_id']}/submissions/{ours['submission_id']}"
    by_representative = {"Authorization": f"Bearer {await running.session(representative.email)}"}
    stored = await json_of(await running.meeting.get(path, headers=by_representative))
    table = "| Chỉ tiêu | Kết quả |\n|---|---|\n| Hiệu chuẩn | 1.204 |\n"
    revised = {"title": stored["current"]["title"], "body": table, "recommendations": []}
    await json_of(
        await running.meeting.put(
            path, json=revised, headers={**by_representative, "If-Match": f'"{stored["revision"]}"'}
        )
    )

    missing: list[str] = []

    def note(response: Response) -> None:
        if response.status == 404:
            missing.append(response.url)

    page = await browser.new_page()
    page.on("response", note)
    try:
        await running.enter(page, representative.email)
        header = page.locator("header .muted")
        await expect(header).to_contain_text("giờ Việt Nam (GMT+7)")
        deadline = page.locator("#reports .request .muted").first
        await expect(deadline).to_contain_text("giờ Việt Nam (GMT+7)")
        shown = [await header.text_content() or "", await deadline.text_content() or ""]
        assert all(DATE_TIME.search(text) for text in shown), shown
        await expect(page.locator("body")).not_to_contain_text("Asia/Ho_Chi_Minh")

        cell = page.locator(".report-body td").first
        await expect(cell).to_have_text("Hiệu chuẩn")
        assert await cell.evaluate("td => getComputedStyle(td).borderTopStyle") == "solid"

        ended = await colour_of(page, ".status", "data-status", "ended", "color")
        in_progress = await colour_of(page, ".status", "data-status", "in_progress", "color")
        assert ended != in_progress
        badges = {
            value: await colour_of(page, "#reports .badge", "class", f"badge {value}", "backgroundColor")
            for value in ("not_started", "in_progress", "done", "blocked")
        }
        assert len(set(badges.values())) == 4, badges
        await page.reload()
        await expect(page.locator("h1")).to_be_visible()
    finally:
        await page.close()
    assert not missing, missing
    icon = await running.meeting.get("/favicon.ico")
    assert icon.status == 200 and icon.content_type == "image/svg+xml"
