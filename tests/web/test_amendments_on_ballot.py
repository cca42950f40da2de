"""A resolution's amendments on the participant's page, under its text on the poll's card: a member
proposes a change through the API, the poll is opened, and the member's page shows the change with the
removed and added parts named in words. axe-core finds no serious violation on the card."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, expect

from tests.web.axe import assert_accessible
from tests.web.conftest import Running, json_of


@pytest.mark.lengthy
async def test_a_proposed_amendment_shows_under_the_resolution_during_the_vote(
    running: Running, browser: Browser
) -> None:
    ref, loaded = running.ref, running.loaded
    member = next(p for p in ref.people if p.role == "voting_member" and p.language == "vi" and p.email)
    await running.start_meeting()
    poll = await running.resolution_poll()
    resolution = await json_of(
        await running.resolution.get(f"/api/v1/resolutions/{loaded.resolution_id}", headers=running.organiser)
    )
    voter = {"Authorization": f"Bearer {await running.session(member.email)}"}
    body = {
        "base_version": resolution["version"],
        "changes": [{"language": "vi", "quote": "mười nhiệm vụ trọng tâm", "replacement": "tám nhiệm vụ trọng tâm"}],
    }
    path = f"/api/v1/resolutions/{loaded.resolution_id}/amendments"
    await json_of(await running.resolution.post(path, json=body, headers=voter), 201)
    await json_of(await running.resolution.post(f"/api/v1/polls/{poll['id']}/open", headers=running.organiser))
    page = await browser.new_page()
    try:
        await running.enter(page, member.email)
        card = page.locator(f'[data-poll="{poll["id"]}"]')
        amendment = card.locator(".amendments [data-amendment]")
        await expect(amendment).to_have_count(1)
        await expect(amendment.locator(".badge")).to_have_text("Chờ quyết định")
        await expect(amendment.locator("li.removed")).to_contain_text("Bỏ:")
        await expect(amendment.locator("li.removed del")).to_contain_text("mười nhiệm vụ trọng tâm")
        await expect(amendment.locator("li.added")).to_contain_text("Thêm:")
        await expect(amendment.locator("li.added ins")).to_contain_text("tám nhiệm vụ trọng tâm")
        await assert_accessible(page)
    finally:
        await page.close()


@pytest.mark.lengthy
async def test_amendments_proposed_before_the_vote_arrive_live_and_fold_when_several(
    running: Running, browser: Browser
) -> None:
    ref, loaded = running.ref, running.loaded
    members = [p for p in ref.people if p.role == "voting_member" and p.email][:2]
    await running.start_meeting()
    poll = await running.resolution_poll()  # a draft: the chair sees it before the vote
    resolution = await json_of(
        await running.resolution.get(f"/api/v1/resolutions/{loaded.resolution_id}", headers=running.organiser)
    )
    path = f"/api/v1/resolutions/{loaded.resolution_id}/amendments"

    async def propose(email: str | None, quote: str, replacement: str) -> None:
        voter = {"Authorization": f"Bearer {await running.session(email)}"}
        body = {
            "base_version": resolution["version"],
            "changes": [{"language": "vi", "quote": quote, "replacement": replacement}],
        }
        await json_of(await running.resolution.post(path, json=body, headers=voter), 201)

    await propose(members[0].email, "mười nhiệm vụ trọng tâm", "tám nhiệm vụ trọng tâm")
    page = await browser.new_page()
    try:
        await running.enter(page, ref.chair.email)
        card = page.locator(f'[data-poll="{poll["id"]}"]')
        await expect(card.locator(".amendments [data-amendment]")).to_have_count(1)
        await expect(card.locator("details.amendments-box")).to_have_count(0)  # one is shown as it is

        await propose(members[1].email, "vượt 10% kế hoạch", "vượt 12% kế hoạch")
        folded = card.locator("details.amendments-box")
        await expect(folded.locator("summary")).to_have_text("Đề xuất sửa đổi (2)")
        await expect(folded).not_to_have_attribute("open", "")
        await folded.locator("summary").click()
        second = folded.locator("[data-amendment]").nth(1)
        await expect(second.locator("li.removed del")).to_contain_text("vượt 10% kế hoạch")
        await expect(second.locator("li.added ins")).to_contain_text("vượt 12% kế hoạch")
        await assert_accessible(page)
    finally:
        await page.close()
