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
