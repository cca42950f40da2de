"""The page fits the reader's screen and font: a long unbroken token wraps instead of widening the page,
bare addresses are links, the browser's default font size (200 %) scales the whole page, and the phone
profile (390×844) has no sideways scrolling and no serious accessibility violation."""

from __future__ import annotations

from playwright.async_api import Browser, Page, expect

from tests.web.axe import assert_accessible
from tests.web.conftest import Running, json_of

TOKEN = "QT2-" + "A1b2C3d4E5" * 12  # 124 characters without a break
ADDRESS = "https://quatest2.gov.vn/bao-cao/2020/quy-4"


async def ask_with_long_guidance(running: Running, block: str) -> None:
    mid = running.loaded.meeting_id
    path = f"/api/v1/meetings/{mid}/contribution-requests"
    existing = (await json_of(await running.meeting.get(path, headers=running.organiser)))["items"][0]
    body = {
        "topic": {"vi": "Số liệu đo lường bổ sung", "en": "Additional measurement figures"},
        "guidance": f"Mã hồ sơ {TOKEN}; mẫu tại {ADDRESS}.",
        "department_ids": [running.loaded.departments[block]],
        "deadline": existing["deadline"],
    }
    await json_of(await running.meeting.post(path, json=body, headers=running.organiser), 201)


async def page_width(page: Page) -> int:
    return int(await page.evaluate("document.documentElement.scrollWidth"))


async def larger_default_font(page: Page, size: int) -> None:
    """The browser's own font-size setting, as a reader who needs larger text sets it."""
    cdp = await page.context.new_cdp_session(page)
    await cdp.send("Page.enable")
    await cdp.send("Page.setFontSizes", {"fontSizes": {"standard": size, "fixed": size}})


async def test_long_text_wraps_and_addresses_are_links_on_a_phone(running: Running, browser: Browser) -> None:
    block = running.ref.reports[0].block
    await ask_with_long_guidance(running, block)
    page = await browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    try:
        await running.enter(page, running.ref.representative_of(block).email)
        guidance = page.locator(".guidance").filter(has_text=TOKEN)
        await expect(guidance).to_be_visible()
        await expect(guidance.get_by_role("link", name=ADDRESS)).to_have_attribute("href", ADDRESS)
        assert await page_width(page) <= 390
        await assert_accessible(page)
    finally:
        await page.close()


async def test_the_readers_larger_font_scales_the_whole_page(running: Running, browser: Browser) -> None:
    block = running.ref.reports[0].block
    page = await browser.new_page(viewport={"width": 1366, "height": 768})
    try:
        await larger_default_font(page, 32)  # 200 % of the usual 16 px
        await running.enter(page, running.ref.representative_of(block).email)
        await expect(page.locator("#reports")).to_be_visible()
        body_size = await page.evaluate("getComputedStyle(document.body).fontSize")
        button_size = await page.locator("#reports button").first.evaluate("b => getComputedStyle(b).fontSize")
        assert (body_size, button_size) == ("32px", "32px")
        assert await page_width(page) <= 1366
        await assert_accessible(page)
    finally:
        await page.close()
