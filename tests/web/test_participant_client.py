"""The participant web client in real Chromium against the three real services: enter through the
invite link, check in, vote (one's own vote and one handed over by proxy) as the live stream
announces the poll, see the result and find one's receipts counted as cast."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from playwright.async_api import Browser, expect

from devstack import seed
from meeting_svc.app import create_app as meeting_app
from meeting_svc.settings import Settings as MeetingSettings
from tests.conftest import settings_of
from tests.web.conftest import Client, Running, json_of


@pytest.mark.lengthy
async def test_a_participant_enters_checks_in_votes_and_sees_the_result(running: Running, browser: Browser) -> None:
    meeting, resolution, url, organiser = running.meeting, running.resolution, running.url, running.organiser
    loaded, ref, meeting_api = running.loaded, running.ref, running.meeting_api
    mid = loaded.meeting_id
    member, principal = [p for p in ref.people if p.role == "voting_member" and p.language == "vi"][:2]
    member_id, principal_id = loaded.participants[member.email], loaded.participants[principal.email]  # type: ignore[index]
    # Before the meeting starts, a colleague hands their vote to the member.
    by_principal = {"Authorization": f"Bearer {await seed.session_token(meeting_api, loaded.invites[principal.email])}"}  # type: ignore[index]
    await json_of(
        await meeting.post(
            f"/api/v1/meetings/{mid}/participants/{principal_id}/proxy",
            json={"holder_id": member_id},
            headers=by_principal,
        ),
        201,
    )
    await running.start_meeting()

    page = await browser.new_page()
    try:
        # The invite link opens the invitation; its button enters the meeting.
        await page.goto(loaded.invites[member.email])  # type: ignore[index]
        await page.get_by_role("link", name="Vào hội nghị").click()
        await expect(page.get_by_role("heading", level=1)).to_have_text(ref.title.vi)
        await expect(page).to_have_url(f"{url['meeting']}/meetings/{mid}")  # the code is gone from the address
        await expect(page.locator(".agenda li")).to_have_count(len(ref.agenda))
        await expect(page.locator(".agenda li").first).to_contain_text(ref.agenda[0].title.vi)
        await expect(page.locator(".live")).to_have_class(re.compile(r"\bon\b"))

        # A colleague who reads English gets the same page in English, from the same kind of link.
        english = next(p for p in ref.people if p.language == "en" and p.role == "voting_member")
        colleague_page = await browser.new_page()
        await colleague_page.goto(loaded.invites[english.email])  # type: ignore[index]
        await colleague_page.get_by_role("link", name="Enter the meeting").click()
        await expect(colleague_page.get_by_role("heading", level=1)).to_have_text(ref.title.en)
        await expect(colleague_page.locator(".agenda li").first).to_contain_text(ref.agenda[0].title.en)
        await expect(colleague_page.get_by_role("button", name="Check in")).to_be_visible()

        # Check in from the page: the meeting's attendance counts this participant.
        await expect(page.locator(".me .badge")).to_have_text("Chưa điểm danh")
        await page.get_by_role("button", name="Điểm danh").click()
        await expect(page.locator(".me .badge")).to_have_text("Đã điểm danh")
        attendance = await json_of(await meeting.get(f"/api/v1/meetings/{mid}/attendance", headers=organiser))
        assert attendance["present_count"] == 1

        # The chair puts the projector view on the room's screen (a browser of its own).
        chair_page = await browser.new_page()
        await chair_page.goto(loaded.invites[ref.chair.email])  # type: ignore[index]
        await chair_page.get_by_role("link", name="Vào hội nghị").click()
        async with chair_page.context.expect_page() as opened_screen:
            await chair_page.get_by_role("link", name="Màn hình trình chiếu").click()
        screen = await opened_screen.value
        await expect(screen.locator(".attendance")).to_have_text("Có mặt: 1 đại biểu")

        # The organiser prepares a poll after the chair's page loaded: the page learns of it live
        # (poll.created) and the chair opens it from there; the member's page learns of it from the live
        # stream too, without a reload.
        poll = await running.resolution_poll(secret=True)
        await running.heard_started()
        chair_poll = chair_page.locator(f'[data-poll="{poll["id"]}"]')
        await chair_poll.get_by_role("button", name="Mở biểu quyết", exact=True).click()
        ballot = page.locator(f'[data-poll="{poll["id"]}"]')
        await expect(ballot.get_by_role("heading", level=3)).to_have_text("Biểu quyết thông qua Nghị quyết")
        own, handed = ballot.locator(f'[data-voter="{member_id}"]'), ballot.locator(f'[data-voter="{principal_id}"]')
        await expect(own.get_by_role("heading")).to_have_text("Phiếu của Quý vị")
        await expect(handed.get_by_role("heading")).to_have_text(f"Phiếu ủy quyền của {principal.name}")
        await own.get_by_role("button", name="Tán thành", exact=True).click()
        await expect(own.locator(".cast")).to_contain_text("Phiếu của Quý vị đã được ghi nhận")
        await handed.get_by_role("button", name="Không tán thành", exact=True).click()
        await expect(handed.locator(".cast")).to_contain_text("Lựa chọn: Không tán thành")
        receipts = {await own.locator(".receipt").text_content(), await handed.locator(".receipt").text_content()}
        await expect(ballot.locator(".turnout")).to_contain_text("2/")
        await expect(screen.locator(".screen h2")).to_have_text("Biểu quyết thông qua Nghị quyết")
        await expect(screen.locator(".screen .turnout")).to_contain_text("2/")

        # The chair closes the poll: the page shows the result and finds the receipt counted as cast.
        await chair_poll.get_by_role("button", name="Kết thúc biểu quyết", exact=True).click()
        await expect(ballot.locator(".outcome")).to_have_count(0)  # closing asks for a second click
        await chair_poll.get_by_role("button", name="Xác nhận kết thúc biểu quyết", exact=True).click()
        await expect(ballot.locator(".outcome")).to_have_text("Không thông qua")  # a tie never passes
        await expect(ballot.locator('.tallies [data-option="yes"]')).to_contain_text("1 phiếu")
        await expect(ballot.locator('.tallies [data-option="no"]')).to_contain_text("1 phiếu")
        await expect(ballot.locator(".verified")).to_have_text(
            ["Phiếu của Quý vị có trong kết quả, đúng như đã bỏ."] * 2
        )
        await expect(screen.locator(".screen .outcome")).to_have_text("Không thông qua")
        await expect(screen.locator('.bars [data-option="no"]')).to_contain_text("1 phiếu")
        published = await json_of(await resolution.get(f"/api/v1/polls/{poll['id']}/receipts", headers=organiser))
        assert {r["receipt"] for r in published["items"]} == receipts
    finally:
        for context in browser.contexts:
            await context.close()


async def test_a_link_that_is_not_an_invite_says_so(
    env: dict[str, Any], start_service: Callable[..., Awaitable[Client]], browser: Browser
) -> None:
    meeting = await start_service(meeting_app(settings_of(MeetingSettings, env)))
    page = await browser.new_page()
    try:
        await page.goto(
            str(meeting.make_url("/meetings/0193a1f0-0000-7000-8000-000000000000#invite=not-a-real-invite-code"))
        )
        await expect(page.get_by_role("alert")).to_contain_text("This invite link is not valid")
    finally:
        await page.close()
