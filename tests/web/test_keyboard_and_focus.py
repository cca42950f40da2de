"""Voting with the keyboard alone: focus stays where the participant is after checking in, after
voting and while turnout changes arrive; the turnout line is announced and the chosen option is
marked pressed."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, Locator, Page, expect

from tests.web.conftest import Running, json_of


async def tab_to(page: Page, target: Locator, most: int = 40) -> None:
    """Press Tab until `target` has focus, as a keyboard user would."""
    for _ in range(most):
        await page.keyboard.press("Tab")
        if await target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"{target} is not reachable with Tab")


@pytest.mark.lengthy
async def test_keyboard_only_voting_keeps_focus(running: Running, browser: Browser) -> None:
    ref = running.ref
    member, colleague = [p for p in ref.people if p.role == "voting_member" and p.language == "vi"][:2]
    await running.start_meeting()
    poll = await running.resolution_poll(allow_change=True)
    await json_of(await running.resolution.post(f"/api/v1/polls/{poll['id']}/open", headers=running.organiser))
    page = await browser.new_page()
    try:
        await running.enter(page, member.email)
        presence = page.get_by_role("button", name="Điểm danh", exact=True)
        await tab_to(page, presence)
        await page.keyboard.press("Enter")
        await expect(page.locator(".me .badge")).to_have_text("Đã điểm danh")
        await expect(page.get_by_role("button", name="Rời hội nghị")).to_be_focused()

        card = page.locator(f'[data-poll="{poll["id"]}"]')
        yes = card.get_by_role("button", name="Tán thành", exact=True)
        await expect(yes).to_have_attribute("aria-pressed", "false")
        await tab_to(page, yes)
        await page.keyboard.press("Space")
        await expect(card.locator(".cast")).to_contain_text("Lựa chọn: Tán thành")
        await expect(yes).to_have_attribute("aria-pressed", "true")
        await expect(yes).to_be_focused()
        turnout = card.locator(".turnout")
        await expect(turnout).to_have_attribute("aria-live", "polite")
        await expect(turnout).to_contain_text("1/")

        # A colleague votes: the turnout line changes and focus stays on the chosen option.
        by_colleague = {"Authorization": f"Bearer {await running.session(colleague.email)}"}
        await json_of(
            await running.resolution.post(
                f"/api/v1/polls/{poll['id']}/ballots", json={"choice": "no"}, headers=by_colleague
            ),
            201,
        )
        await expect(turnout).to_contain_text("2/")
        await expect(yes).to_be_focused()
    finally:
        await page.close()


async def test_where_check_in_is_at_the_desk_the_page_says_so(running: Running, browser: Browser) -> None:
    mid = running.loaded.meeting_id
    meeting = await json_of(await running.meeting.get(f"/api/v1/meetings/{mid}", headers=running.organiser))
    await json_of(
        await running.meeting.patch(
            f"/api/v1/meetings/{mid}",
            json={"self_check_in": False},
            headers={**running.organiser, "If-Match": f'"{meeting["version"]}"'},
        )
    )
    await running.start_meeting()
    member = next(p for p in running.ref.people if p.role == "voting_member" and p.language == "vi")
    page = await browser.new_page()
    try:
        await running.enter(page, member.email)
        await expect(page.locator(".me .desk")).to_have_text(
            "Hội nghị này điểm danh tại bàn đón tiếp: xin Quý vị đến bàn khi tới nơi."
        )
        await expect(page.get_by_role("button", name="Điểm danh", exact=True)).to_have_count(0)
    finally:
        await page.close()


async def test_the_language_switch_redraws_the_page_and_is_remembered(running: Running, browser: Browser) -> None:
    ref = running.ref
    member = next(p for p in ref.people if p.role == "voting_member" and p.language == "vi")
    context = await browser.new_context()
    page = await context.new_page()
    try:
        await running.enter(page, member.email)
        await expect(page.get_by_role("heading", level=1)).to_have_text(ref.title.vi)
        switch = page.get_by_role("button", name="English")
        await switch.focus()
        await page.keyboard.press("Enter")
        await expect(page.get_by_role("heading", level=1)).to_have_text(ref.title.en)
        await expect(page.get_by_role("heading", name="Agenda")).to_be_visible()
        await expect(page.locator("html")).to_have_attribute("lang", "en")
        await expect(page.get_by_role("button", name="Tiếng Việt")).to_be_focused()
        await page.reload()
        await expect(page.get_by_role("heading", level=1)).to_have_text(ref.title.en)
    finally:
        await context.close()


async def test_before_the_meeting_a_participant_answers_whether_they_attend(running: Running, browser: Browser) -> None:
    member = next(p for p in running.ref.people if p.role == "voting_member" and p.language == "vi")
    page = await browser.new_page()
    try:
        await running.enter(page, member.email)
        attending = page.get_by_role("button", name="Tôi sẽ tham dự")
        await expect(attending).to_have_attribute("aria-pressed", "false")
        await attending.click()
        await expect(attending).to_have_attribute("aria-pressed", "true")
        await expect(attending).to_be_focused()
    finally:
        await page.close()
    me = await json_of(
        await running.meeting.get(
            f"/api/v1/meetings/{running.loaded.meeting_id}/participants/{running.loaded.participants[member.email]}",  # type: ignore[index]
            headers=running.organiser,
        )
    )
    assert me["rsvp"] == "attending"
