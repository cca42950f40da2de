"""A double-click on the chair's "close the vote" asks for confirmation and closes nothing; the chair's
controls sit below the chair's own ballot (on the phone too)."""

from __future__ import annotations

from playwright.async_api import Browser, expect

from tests.web.conftest import Running, json_of


async def test_a_double_click_does_not_close_the_poll(running: Running, browser: Browser) -> None:
    await running.start_meeting()
    poll = await running.resolution_poll()
    path = f"/api/v1/polls/{poll['id']}"
    await json_of(await running.resolution.post(f"{path}/open", headers=running.organiser))
    page = await browser.new_page(viewport={"width": 390, "height": 844})
    try:
        await running.enter(page, running.ref.chair.email)
        card = page.locator(f'[data-poll="{poll["id"]}"]')
        close = card.get_by_role("button", name="Kết thúc biểu quyết", exact=True)
        own_vote = card.get_by_role("button", name="Tán thành", exact=True)
        await expect(own_vote).to_be_visible()
        # measured in one go: a live update may redraw the card between two separate reads
        below = await page.evaluate(
            """poll => {
                const card = document.querySelector(`[data-poll="${poll}"]`);
                const close = [...card.querySelectorAll("button")].find(b => b.textContent === "Kết thúc biểu quyết");
                const vote = card.querySelector('.options [data-option="yes"]');
                return close.getBoundingClientRect().top > vote.getBoundingClientRect().bottom;
            }""",
            poll["id"],
        )
        assert below

        await close.dblclick()
        await expect(card.get_by_text("Kết thúc biểu quyết? Không thể hoàn tác.")).to_be_visible()
        cancel = card.get_by_role("button", name="Hủy", exact=True)
        await cancel.click()
        await expect(close).to_be_focused()
        # From the keyboard, the confirmation's focus starts on its harmless choice.
        await page.keyboard.press("Enter")
        await expect(cancel).to_be_focused()
        await page.keyboard.press("Enter")
        await expect(close).to_be_focused()
        assert (await json_of(await running.resolution.get(path, headers=running.organiser)))["status"] == "open"

        # One click, then a separate confirming click, closes it.
        await close.click()
        await card.get_by_role("button", name="Xác nhận kết thúc biểu quyết", exact=True).click()
        await expect(card.locator(".outcome")).to_be_visible()
    finally:
        await page.close()
    assert (await json_of(await running.resolution.get(path, headers=running.organiser)))["status"] == "closed"


async def test_every_page_shows_the_result_from_the_closing_event_without_asking_for_it(
    running: Running, browser: Browser
) -> None:
    await running.start_meeting()
    poll = await running.resolution_poll()
    path = f"/api/v1/polls/{poll['id']}"
    await json_of(await running.resolution.post(f"{path}/open", headers=running.organiser))
    page = await browser.new_page()
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    try:
        await running.enter(page, running.ref.chair.email)
        card = page.locator(f'[data-poll="{poll["id"]}"]')
        await expect(card.get_by_role("button", name="Tán thành", exact=True)).to_be_visible()
        await expect(page.locator(".live.on")).to_be_visible()
        await json_of(await running.resolution.post(f"{path}/close", headers=running.organiser))
        await expect(card.locator(".outcome")).to_be_visible()
    finally:
        await page.close()
    # the outcome came with poll.closed on the live stream: a full hall closing a vote asks nothing of it
    assert not [url for url in asked if url.endswith(f"{path}/result")]
