"""A closed poll's result as a participant reads it: each option's share in percent, the threshold
and the quorum in words, and, for a named poll, who voted what."""

from __future__ import annotations

import re

from playwright.async_api import Browser, expect

from tests.web.conftest import Running, json_of


async def test_results_in_percent_with_the_rules_in_words_and_the_named_votes(
    running: Running, browser: Browser
) -> None:
    ref = running.ref
    member = next(p for p in ref.people if p.role == "voting_member" and p.language == "vi")
    await running.start_meeting()
    poll = await running.resolution_poll(secret=False)
    path = f"/api/v1/polls/{poll['id']}"
    await json_of(await running.resolution.post(f"{path}/open", headers=running.organiser))
    for person, choice in ((ref.chair, "yes"), (member, "no")):
        voter = {"Authorization": f"Bearer {await running.session(person.email)}"}
        await json_of(await running.resolution.post(f"{path}/ballots", json={"choice": choice}, headers=voter), 201)
    await json_of(await running.resolution.post(f"{path}/close", headers=running.organiser))
    page = await browser.new_page()
    try:
        await running.enter(page, member.email)
        card = page.locator(f'[data-poll="{poll["id"]}"]')
        await expect(card.locator('.tallies [data-option="yes"]')).to_contain_text(re.compile(r"1 phiếu · 50\s?%"))
        await expect(card.locator('.tallies [data-option="abstain"]')).to_contain_text(re.compile(r"0 phiếu · 0\s?%"))
        await expect(card.locator(".rule").first).to_have_text(
            "Điều kiện thông qua: quá bán (hơn một nửa) số phiếu đã bỏ (cần 2 phiếu tán thành)."
        )
        await expect(card.locator(".rule").nth(1)).to_contain_text("đại biểu có mặt")
        await card.get_by_text("Ai đã biểu quyết thế nào").click()
        await expect(card.locator(".named li")).to_have_text(
            sorted([f"{ref.chair.name}: Tán thành", f"{member.name}: Không tán thành"])  # by name
        )
    finally:
        await page.close()


async def test_the_resolution_and_its_directives_are_there_to_read_during_the_vote(
    running: Running, browser: Browser
) -> None:
    ref = running.ref
    member = next(p for p in ref.people if p.role == "voting_member" and p.language == "vi")
    await running.start_meeting()
    poll = await running.resolution_poll()
    await json_of(await running.resolution.post(f"/api/v1/polls/{poll['id']}/open", headers=running.organiser))
    page = await browser.new_page()
    try:
        await running.enter(page, member.email)
        motion = page.locator(f'[data-poll="{poll["id"]}"] .motion')
        await expect(motion).to_have_attribute("open", "")
        await expect(motion.locator(".motion-text")).to_contain_text(ref.resolution_text.vi.split("\n")[0][:40])
        await expect(motion.locator(".motion-directives li")).to_have_count(len(ref.directives))
    finally:
        await page.close()
