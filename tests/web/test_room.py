"""Running the reference conference's discussion item from the browser: members ask to speak from a phone,
the chair runs the list, the projector (opened with a display link, no session) shows who speaks now,
the countdown and who comes next."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Browser, expect

from tests.web.axe import assert_accessible
from tests.web.conftest import Running, json_of

PHONE = {"width": 390, "height": 844}
SCREEN = {"width": 1920, "height": 1080}


@pytest.mark.lengthy
async def test_the_discussion_item_runs_from_the_browser(browser: Browser, running: Running) -> None:
    ref, loaded, meeting, organiser = running.ref, running.loaded, running.meeting, running.organiser
    mid = loaded.meeting_id
    await running.start_meeting()
    members = [p for p in ref.people if p.role == "voting_member" and p.language == "vi"][:4]
    discussion = next(i for i in ref.agenda if i.kind == "discussion")

    chair = await browser.new_page(viewport={"width": 1366, "height": 768})
    phones = []
    try:
        await running.enter(chair, ref.chair.email)
        room = chair.locator(".room")
        await expect(room).to_contain_text("Chưa bắt đầu mục nào")
        # the chair moves to the discussion item: next, next, ... until it is current
        for _ in range(ref.agenda.index(discussion) + 1):
            await chair.get_by_role("button", name="Mục tiếp theo").click()
            await expect(chair.locator(".room")).not_to_contain_text("Chưa bắt đầu mục nào")
        await expect(room.locator(".item-title")).to_have_text(discussion.title.vi)
        # the projector's display link: made by the chair, opened on a screen with no session
        await chair.get_by_role("button", name="Tạo liên kết màn hình trình chiếu").click()
        link = await chair.locator(".display-url a").get_attribute("href")
        assert link is not None and "#" in link
        await chair.get_by_label("Màn hình trình chiếu hiển thị").select_option("speakers")
        screen_context = await browser.new_context(viewport=SCREEN)
        screen = await screen_context.new_page()
        await screen.goto(link)
        await expect(screen).to_have_url(re.compile(r"/display$"))  # the code left the address bar
        await expect(screen.locator(".display header h1")).to_have_text(ref.title.vi)
        await expect(screen.locator(".display .screen-name")).to_have_text("Chưa có ai phát biểu.")
        width = await screen.locator(".display").evaluate("e => e.getBoundingClientRect().width")
        assert width > 1700  # the whole width of a 1920 px screen

        # four members ask from their phones; the fourth raises a point of order; the second withdraws
        kinds = ["contribution", "pro", "contra", "point_of_order"]
        for person, kind in zip(members, kinds, strict=True):
            context = await browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
            phone = await context.new_page()
            phones.append(context)
            await running.enter(phone, person.email)
            await expect(phone.locator(".room .item-title")).to_have_text(discussion.title.vi)
            await phone.get_by_label("Hình thức").select_option(kind)
            await phone.get_by_role("button", name="Đăng ký phát biểu").click()
            await expect(phone.locator(".room .ask")).to_contain_text("vị trí")
            overflow = await phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
            assert overflow, "the phone page must not scroll sideways"
        second = phones[1].pages[0]
        await second.get_by_role("button", name="Rút đăng ký").click()
        await expect(second.get_by_role("button", name="Đăng ký phát biểu")).to_be_visible()
        # the chair adds the secretary, who asked from the floor
        await chair.get_by_label("Đại biểu", exact=True).select_option(label="Lê Thị Thanh Minh")
        await chair.get_by_role("button", name="Thêm người phát biểu").click()
        queue = chair.locator(".room .speakers li")
        # the point of order jumped the queue; the withdrawn member is gone
        await expect(queue).to_have_count(4)
        await expect(queue.nth(0)).to_contain_text(members[3].name)
        await expect(queue.nth(1)).to_contain_text(members[0].name)
        await expect(queue.nth(2)).to_contain_text(members[2].name)
        await expect(queue.nth(3)).to_contain_text("Lê Thị Thanh Minh")
        await expect(screen.locator(".screen-next li")).to_have_count(3)
        await expect(screen.locator(".screen-next li").first).to_contain_text(members[3].name)
        for page in (chair, phones[0].pages[0], screen):
            await assert_accessible(page)

        # each speaker gets 90 s; the chair gives the floor: the projector shows the speaker and counts down
        await json_of(
            await meeting.patch(
                f"/api/v1/meetings/{mid}/agenda/{await item_id(running, discussion.title.vi)}/speaker-list",
                json={"speaking_seconds": 90},
                headers=organiser,
            )
        )
        await chair.get_by_role("button", name="Mời người tiếp theo").click()
        await expect(screen.locator(".screen-speaker .screen-name")).to_have_text(members[3].name)
        countdown = screen.locator(".screen-speaker .countdown")
        await expect(countdown).to_have_text(re.compile(r"^1:(2\d|30)$"))
        first = await countdown.text_content()
        await expect(countdown).not_to_have_text(first or "")  # it ticks
        await expect(screen.locator(".screen-next li").first).to_contain_text(members[0].name)
        # the chair's own projector view follows the same choice
        async with chair.context.expect_page() as opened:
            await chair.get_by_role("link", name="Màn hình trình chiếu", exact=True).click()
        staff_screen = await opened.value
        await expect(staff_screen.locator(".screen-speaker .screen-name")).to_have_text(members[3].name)
        await staff_screen.close()
        # the speaker's own phone shows the speaker too
        await expect(phones[3].pages[0].locator(".speaker-now")).to_contain_text(members[3].name)
        # pause: the countdown stands still on the projector
        await chair.get_by_role("button", name="Tạm dừng").click()
        await expect(screen.locator(".screen-kind")).to_contain_text("Tạm dừng")
        await expect(screen.locator(".screen-speaker .countdown.paused")).to_be_visible()
        await chair.get_by_role("button", name="Tiếp tục").click()
        await expect(screen.locator(".screen-speaker .countdown.paused")).to_have_count(0)
        for expected in (members[0].name, members[2].name, "Lê Thị Thanh Minh"):
            await chair.get_by_role("button", name="Mời người tiếp theo").click()
            await expect(screen.locator(".screen-speaker .screen-name")).to_have_text(expected)
        await chair.get_by_role("button", name="Kết thúc phát biểu").click()
        await expect(screen.locator(".screen-name")).to_have_text("Chưa có ai phát biểu.")

        listing = await json_of(
            await meeting.get(
                f"/api/v1/meetings/{mid}/agenda/{await item_id(running, discussion.title.vi)}/speakers",
                headers=organiser,
            )
        )
        spoken = [s["name"] for s in listing["speakers"] if s["status"] == "done"]
        assert spoken == [members[3].name, members[0].name, members[2].name, "Lê Thị Thanh Minh"]
        assert [s["name"] for s in listing["speakers"] if s["status"] == "withdrawn"] == [members[1].name]
        # the vote: the chair puts it on the screen; turnout while open, then the result in words
        await chair.get_by_label("Màn hình trình chiếu hiển thị").select_option("vote")
        await expect(screen.locator(".screen-item")).to_have_text("Chưa có nội dung biểu quyết.")
        poll = await running.resolution_poll()
        await json_of(await running.resolution.post(f"/api/v1/polls/{poll['id']}/open", headers=organiser))
        vote = screen.locator(".screen-vote")
        await expect(vote.locator(".screen-item")).to_have_text("Biểu quyết thông qua Nghị quyết")
        for person, choice in zip(members[:3], ("yes", "yes", "no"), strict=True):
            token = await running.session(person.email)
            ballot = await running.resolution.post(
                f"/api/v1/polls/{poll['id']}/ballots",
                json={"choice": choice},
                headers={"Authorization": f"Bearer {token}"},
            )
            assert ballot.status == 201, await ballot.text()
        await expect(vote.locator(".turnout")).to_contain_text("3/")
        await json_of(await running.resolution.post(f"/api/v1/polls/{poll['id']}/close", headers=organiser))
        await expect(vote.locator(".outcome")).to_have_text("Thông qua")
        await expect(vote.locator('.bars li[data-option="yes"]')).to_contain_text("2 phiếu · 66,7 %")
        await expect(vote.locator(".rule")).to_have_text("Điều kiện thông qua: quá nửa số phiếu đã bỏ (3) tán thành.")
        await expect(vote.locator(".quorum")).to_be_visible()
        await assert_accessible(screen)
        # the display code is no session anywhere: it cannot vote nor read the roster
        code = link.split("#", 1)[1]
        for scheme in ("Display", "Bearer"):
            ballot = await running.resolution.post(
                f"/api/v1/polls/{poll['id']}/ballots",
                json={"choice": "yes"},
                headers={"Authorization": f"{scheme} {code}"},
            )
            assert ballot.status == 401
            roster = await meeting.get(
                f"/api/v1/meetings/{mid}/participants", headers={"Authorization": f"{scheme} {code}"}
            )
            assert roster.status == 401
        # revoking the link blanks the screen
        links = await json_of(await meeting.get(f"/api/v1/meetings/{mid}/displays", headers=organiser))
        for display in links["items"]:
            response = await meeting.delete(f"/api/v1/meetings/{mid}/displays/{display['id']}", headers=organiser)
            assert response.status == 204
        await expect(screen.locator(".error")).to_contain_text("thu hồi")
        await screen_context.close()
    finally:
        for context in phones:
            await context.close()
        await chair.close()


async def item_id(running: Running, title: str) -> str:
    path = f"/api/v1/meetings/{running.loaded.meeting_id}/agenda"
    agenda = await json_of(await running.meeting.get(path, headers=running.organiser))
    return next(i["id"] for i in agenda["items"] if i["title"]["vi"] == title)  # type: ignore[no-any-return]


async def test_a_motion_from_the_floor_becomes_a_poll_the_chair_opens(browser: Browser, running: Running) -> None:
    ref = running.ref
    await running.start_meeting()
    member = next(p for p in ref.people if p.role == "voting_member" and p.language == "vi")
    context = await browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    phone = await context.new_page()
    chair = await browser.new_page()
    try:
        await running.enter(chair, ref.chair.email)
        await running.enter(phone, member.email)
        await phone.get_by_label("Nội dung kiến nghị").fill("Đề nghị biểu quyết ngay danh sách nhiệm vụ")
        await phone.get_by_role("button", name="Gửi kiến nghị").click()
        motion = chair.locator(".motion-list li")
        await expect(motion).to_contain_text("Đề nghị biểu quyết ngay danh sách nhiệm vụ")  # arrived live
        await expect(motion).to_contain_text(f"Đề xuất: {member.name}")
        await motion.get_by_label("Điều kiện thông qua").select_option("two_thirds")
        await motion.get_by_role("button", name="Chấp nhận và chuẩn bị biểu quyết").click()
        await expect(phone.locator(".motion-list li")).to_contain_text("Đã chấp nhận")
        motion_id = await motion.get_attribute("data-motion")
        poll = chair.locator(f'[data-poll="{motion_id}"]')  # resolution_svc prepared it from the event
        await poll.get_by_role("button", name="Mở biểu quyết", exact=True).click()
        await expect(phone.locator(f'[data-poll="{motion_id}"] .option').first).to_be_visible()
        await assert_accessible(phone)
    finally:
        await context.close()
        await chair.close()
