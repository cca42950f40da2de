"""The secret-ballot receipt check never vanishes: when the receipts cannot be read at close, the page
says it will try again, and does, until it can say "counted"."""

from __future__ import annotations

from playwright.async_api import Browser, Route, expect

from tests.web.conftest import Running, json_of


async def test_a_failed_receipt_check_is_shown_and_retried(running: Running, browser: Browser) -> None:
    member = next(p for p in running.ref.people if p.role == "voting_member" and p.language == "vi")
    await running.start_meeting()
    poll = await running.resolution_poll(secret=True)
    path = f"/api/v1/polls/{poll['id']}"
    await json_of(await running.resolution.post(f"{path}/open", headers=running.organiser))
    asked: list[str] = []

    async def fail_first(route: Route) -> None:
        asked.append(route.request.url)
        if len(asked) == 1:
            await route.abort("connectionreset")
        else:
            await route.continue_()

    page = await browser.new_page()
    try:
        await page.route(f"**{path}/receipts", fail_first)
        await running.enter(page, member.email)
        card = page.locator(f'[data-poll="{poll["id"]}"]')
        await card.get_by_role("button", name="Tán thành", exact=True).click()
        await expect(card.locator(".cast")).to_contain_text("đã được ghi nhận")
        await json_of(await running.resolution.post(f"{path}/close", headers=running.organiser))
        await expect(card.locator(".verified")).to_have_text("Phiếu của Quý vị có trong kết quả, đúng như đã bỏ.")
        assert len(asked) >= 2
    finally:
        await page.close()
