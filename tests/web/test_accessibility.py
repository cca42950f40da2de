"""axe-core finds no serious or critical violation on the participant's page: a representative's
(reports and directives) and a voting member's with a poll open."""

from __future__ import annotations

from playwright.async_api import Browser, expect

from tests.web.axe import assert_accessible, violations
from tests.web.conftest import Running, json_of


async def test_the_participant_page_has_no_serious_accessibility_violation(running: Running, browser: Browser) -> None:
    ref = running.ref
    await running.start_meeting()
    poll = await running.resolution_poll(secret=True)
    await json_of(await running.resolution.post(f"/api/v1/polls/{poll['id']}/open", headers=running.organiser))
    member = next(p for p in ref.people if p.role == "voting_member" and p.language == "vi")
    page = await browser.new_page()
    try:
        await running.enter(page, ref.representative_of("DL").email)
        await expect(page.locator("#reports")).to_be_visible()
        await assert_accessible(page)

        await running.enter(page, member.email)
        await expect(page.locator(f'[data-poll="{poll["id"]}"] .option').first).to_be_visible()
        await assert_accessible(page)
    finally:
        await page.close()


async def test_the_check_fails_on_a_serious_violation(browser: Browser) -> None:
    page = await browser.new_page()
    try:
        await page.set_content(
            '<html lang="en"><head><title>t</title></head><body><main><button></button></main></body></html>'
        )
        found = await violations(page)
        assert [v["id"] for v in found] == ["button-name"]
    finally:
        await page.close()
