"""A member who handed their vote to a proxy is told who holds it, not that they are off the roster."""

from __future__ import annotations

from playwright.async_api import Browser, expect

from devstack import seed
from tests.web.conftest import Running, json_of


async def test_a_member_who_handed_their_vote_is_told_who_holds_it(running: Running, browser: Browser) -> None:
    ref, loaded = running.ref, running.loaded
    holder, principal = [p for p in ref.people if p.role == "voting_member" and p.language == "vi"][:2]
    mid = loaded.meeting_id
    by_principal = {
        "Authorization": f"Bearer {await seed.session_token(running.meeting_api, loaded.invites[principal.email])}"  # type: ignore[index]
    }
    await json_of(
        await running.meeting.post(
            f"/api/v1/meetings/{mid}/participants/{loaded.participants[principal.email]}/proxy",  # type: ignore[index]
            json={"holder_id": loaded.participants[holder.email]},  # type: ignore[index]
            headers=by_principal,
        ),
        201,
    )
    await running.start_meeting()
    poll = await running.resolution_poll()
    await json_of(await running.resolution.post(f"/api/v1/polls/{poll['id']}/open", headers=running.organiser))
    page = await browser.new_page()
    try:
        await running.enter(page, principal.email)
        card = page.locator(f'[data-poll="{poll["id"]}"]')
        await expect(card).to_contain_text(f"Quý vị đã ủy quyền biểu quyết cho {holder.name}")
        await expect(card).not_to_contain_text("không có tên trong danh sách")
    finally:
        await page.close()


async def test_a_member_hands_their_vote_from_the_page_and_takes_it_back(running: Running, browser: Browser) -> None:
    ref, loaded = running.ref, running.loaded
    member, colleague = [p for p in ref.people if p.role == "voting_member" and p.language == "vi"][:2]
    path = f"/api/v1/meetings/{loaded.meeting_id}/participants/{loaded.participants[member.email]}"  # type: ignore[index]
    page = await browser.new_page()
    try:
        await running.enter(page, member.email)
        await page.get_by_role("button", name="Ủy quyền biểu quyết").click()
        choice = page.get_by_label("Ủy quyền biểu quyết cho")
        await expect(choice).to_be_focused()
        await choice.select_option(label=colleague.name)
        # a live update (here: the meeting starting) redraws the page while the form is open: the choice stays
        await page.wait_for_function("() => document.querySelector('.live.on') !== null")
        await running.start_meeting()
        await expect(page.get_by_text("Đang diễn ra")).to_be_visible()
        await expect(choice).to_have_value(str(loaded.participants[colleague.email]))  # type: ignore[index]
        await page.locator(".proxy").get_by_role("button", name="Ủy quyền biểu quyết").click()
        await expect(page.locator(".me .proxy")).to_contain_text(f"Quý vị đã ủy quyền biểu quyết cho {colleague.name}")
        held = await json_of(await running.meeting.get(path, headers=running.organiser))
        assert held["proxy_holder_id"] == loaded.participants[colleague.email]  # type: ignore[index]

        await page.get_by_role("button", name="Lấy lại quyền biểu quyết").click()
        await expect(page.get_by_role("button", name="Ủy quyền biểu quyết")).to_be_focused()
    finally:
        await page.close()
    back = await json_of(await running.meeting.get(path, headers=running.organiser))
    assert back["proxy_holder_id"] is None
