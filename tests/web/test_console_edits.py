"""Changing what is already there from the console, in Chromium against the real services: an agenda
item edited (a change made elsewhere meanwhile is refused in words and what was typed stays); waiting
speakers reordered by keyboard, buttons and dragging, and one taken off the list; API errors said in
the console's words, not the API's English. axe-core finds no serious violation on these pages."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, expect

from tests.web.conftest import Running, json_of
from tests.web.console import checked
from tests.web.test_console_floor import propose, signed_in

CONFLICT = "Nội dung này vừa được thay đổi ở nơi khác. Những gì đã nhập vẫn được giữ; xin xem lại rồi lưu lần nữa."


async def test_an_agenda_item_is_edited_and_a_change_made_meanwhile_keeps_what_was_typed(
    browser: Browser, running: Running
) -> None:
    mid = running.loaded.meeting_id
    path = f"/api/v1/meetings/{mid}/agenda"
    answer = await running.meeting.get(path, headers=running.organiser)
    items = (await json_of(answer))["items"]
    version = answer.headers["ETag"]
    first, second = items[0], items[1]
    page = await signed_in(browser, running)
    try:
        await page.goto(f"{running.url['meeting']}/organiser/meetings/{mid}/agenda")
        await page.get_by_role("button", name=f"Sửa: {first['title']['vi']}").click()
        form = page.get_by_role("form", name=f"Sửa: {first['title']['vi']}")
        title_vi = form.get_by_label("Tên (tiếng Việt)")
        await expect(title_vi).to_be_focused()
        await expect(title_vi).to_have_value(first["title"]["vi"])
        await expect(form.get_by_label("Loại")).to_have_value(first["kind"])
        await title_vi.fill("Khai mạc hội nghị và giới thiệu đại biểu")
        await form.get_by_label("Tên (tiếng Anh)").fill("Opening and introductions")
        await form.get_by_label("Loại").select_option("discussion")
        await form.get_by_label("Người trình bày").fill("Chủ tọa hội nghị")
        await form.get_by_label("Thời lượng (phút)").fill("15")

        # meanwhile another secretary changes another item: the agenda's version moves on
        other = {**running.organiser, "If-Match": version}
        await json_of(
            await running.meeting.patch(f"{path}/{second['id']}", json={"planned_minutes": 99}, headers=other)
        )
        await form.get_by_role("button", name="Lưu").click()
        await expect(form.get_by_role("alert")).to_have_text(CONFLICT)
        await expect(title_vi).to_have_value("Khai mạc hội nghị và giới thiệu đại biểu")
        await expect(form.get_by_label("Loại")).to_have_value("discussion")
        await expect(form.get_by_label("Thời lượng (phút)")).to_have_value("15")
        await checked(page, "32-agenda-edit-refused")

        # saved at the second press, against the agenda as it is now
        await form.get_by_role("button", name="Lưu").click()
        await expect(form).to_have_count(0)
        edited = page.locator(f'.agenda-editor [data-item="{first["id"]}"]')
        await expect(edited).to_contain_text("Khai mạc hội nghị và giới thiệu đại biểu")
        await expect(edited).to_contain_text("Thảo luận · Chủ tọa hội nghị · 15′")
        await expect(edited).to_be_focused()
        await expect(page.locator("#announce")).to_have_text("Đã lưu.")
        now = {i["id"]: i for i in (await json_of(await running.meeting.get(path, headers=running.organiser)))["items"]}
        assert now[first["id"]]["title"] == {
            "vi": "Khai mạc hội nghị và giới thiệu đại biểu",
            "en": "Opening and introductions",
        }
        assert (now[first["id"]]["kind"], now[first["id"]]["presenter"], now[first["id"]]["planned_minutes"]) == (
            "discussion",
            "Chủ tọa hội nghị",
            15,
        )
        assert now[second["id"]]["planned_minutes"] == 99  # the other change stands

        # from the keyboard, and in English; Escape leaves without saving
        await page.get_by_role("button", name="English").click()
        await page.get_by_role("button", name="Edit: Opening and introductions").focus()
        await page.keyboard.press("Enter")
        form = page.get_by_role("form", name="Edit: Opening and introductions")
        await form.get_by_label("Title (English)").fill("Not kept")
        await page.keyboard.press("Escape")
        await expect(form).to_have_count(0)
        await expect(page.locator(f'.agenda-editor [data-item="{first["id"]}"]')).to_contain_text(
            "Opening and introductions"
        )
        await page.get_by_role("button", name="Tiếng Việt").click()

        # a removal against an agenda changed elsewhere is refused in words and removes nothing
        answer = await running.meeting.get(path, headers=running.organiser)
        moved_on = {**running.organiser, "If-Match": answer.headers["ETag"]}
        await json_of(
            await running.meeting.patch(f"{path}/{second['id']}", json={"planned_minutes": 98}, headers=moved_on)
        )
        remove_second = page.get_by_role("button", name=f"Xóa: {second['title']['vi']}")
        await remove_second.click()
        await expect(page.get_by_role("alert")).to_have_text(CONFLICT)
        still = (await json_of(await running.meeting.get(path, headers=running.organiser)))["items"]
        assert second["id"] in {i["id"] for i in still}
        # pressed again, against the agenda as it now is: removed
        await remove_second.click()
        await expect(page.locator(f'.agenda-editor [data-item="{second["id"]}"]')).to_have_count(0)
        await expect(page.get_by_role("alert")).to_have_count(0)
        left = (await json_of(await running.meeting.get(path, headers=running.organiser)))["items"]
        assert second["id"] not in {i["id"] for i in left}
    finally:
        await page.context.close()


@pytest.mark.lengthy
async def test_the_chair_reorders_and_takes_off_waiting_speakers(browser: Browser, running: Running) -> None:
    ref, mid = running.ref, running.loaded.meeting_id
    await running.start_meeting()
    room = await json_of(
        await running.meeting.post(
            f"/api/v1/meetings/{mid}/room/item", json={"move": "next"}, headers=running.organiser
        )
    )
    speakers = f"/api/v1/meetings/{mid}/agenda/{room['current_item_id']}/speakers"
    a, b, c = [p for p in ref.people if p.role == "voting_member" and p.email][:3]
    entry = {}
    for person in (a, b, c):
        asked = await running.meeting.post(
            speakers,
            json={"kind": "contribution"},
            headers={"Authorization": f"Bearer {await running.session(person.email)}"},
        )
        entry[person.name] = (await json_of(asked, 201))["id"]

    async def api_order() -> list[str]:
        listed = await json_of(await running.meeting.get(speakers, headers=running.organiser))
        names = {v: k for k, v in entry.items()}
        return [names[s["id"]] for s in listed["speakers"] if s["status"] == "waiting"]

    page = await signed_in(browser, running)
    try:
        await page.goto(f"{running.url['meeting']}/organiser/meetings/{mid}/room")
        queue = page.locator("[data-speaker] strong")
        await expect(queue).to_have_text([a.name, b.name, c.name])
        # the keyboard: the last one moved up with Alt+↑, the focus staying on them
        await page.locator(f'[data-speaker="{entry[c.name]}"]').focus()
        await page.keyboard.press("Alt+ArrowUp")
        await expect(queue).to_have_text([a.name, c.name, b.name])
        await expect(page.locator(f'[data-speaker="{entry[c.name]}"]')).to_be_focused()
        await expect(page.locator("#announce")).to_have_text(f"Đã chuyển {c.name} tới vị trí 2 trong hàng chờ.")
        assert await api_order() == [a.name, c.name, b.name]
        # a button, then dragging
        await page.get_by_role("button", name=f"Chuyển xuống: {a.name}").click()
        await expect(queue).to_have_text([c.name, a.name, b.name])
        grip = page.locator(f'[data-speaker="{entry[b.name]}"] .grip')
        await grip.drag_to(page.locator(f'[data-speaker="{entry[c.name]}"] strong'))
        await expect(queue).to_have_text([b.name, c.name, a.name])
        assert await api_order() == [b.name, c.name, a.name]
        await checked(page, "33-room-speakers-order")

        # one taken off the list: gone from the queue, withdrawn in the API; the next speaker is the first
        await page.get_by_role("button", name=f"Rút khỏi danh sách: {c.name}").click()
        await expect(queue).to_have_text([b.name, a.name])
        await expect(page.locator("#announce")).to_have_text(f"Đã rút {c.name} khỏi danh sách phát biểu.")
        listed = await json_of(await running.meeting.get(speakers, headers=running.organiser))
        assert {s["id"]: s["status"] for s in listed["speakers"]}[entry[c.name]] == "withdrawn"
        await page.get_by_role("button", name="Mời người tiếp theo").click()
        speaking = page.locator(f'[data-speaker="{entry[b.name]}"] .badge')
        await expect(speaking).to_have_text("Đang phát biểu")
        # only the waiting are moved or taken off
        await expect(page.get_by_role("button", name=f"Rút khỏi danh sách: {b.name}")).to_have_count(0)
        await expect(page.get_by_role("button", name=f"Rút khỏi danh sách: {a.name}")).to_be_visible()
    finally:
        await page.context.close()


async def test_api_errors_in_the_room_and_on_amendments_are_said_in_words(browser: Browser, running: Running) -> None:
    loaded = running.loaded
    await running.resolution_poll()  # a vote prepared, the meeting not started yet
    member = next(p for p in running.ref.people if p.role == "voting_member" and p.email)
    resolution = await json_of(
        await running.resolution.get(f"/api/v1/resolutions/{loaded.resolution_id}", headers=running.organiser)
    )
    amendment = await propose(running, member.email or "", "mười nhiệm vụ", "chín nhiệm vụ", resolution["version"])
    page = await signed_in(browser, running)
    try:
        # the vote cannot open before the meeting starts: the page says so, not "the meeting is scheduled"
        await page.goto(f"{running.url['meeting']}/organiser/meetings/{loaded.meeting_id}/room")
        polls = page.get_by_role("region", name="Biểu quyết")
        await polls.get_by_role("button", name="Mở biểu quyết").click()
        await expect(polls.get_by_role("alert")).to_have_text(
            "Hội nghị chưa khai mạc: bấm “Khai mạc” trước khi mở biểu quyết."
        )
        await checked(page, "34-room-problem")
        await page.get_by_role("button", name="English").click()
        polls = page.get_by_role("region", name="Votes")
        await polls.get_by_role("button", name="Open the vote").click()
        await expect(polls.get_by_role("alert")).to_have_text(
            "The meeting has not started: press “Start the meeting” before opening a vote."
        )
        await page.get_by_role("button", name="Tiếng Việt").click()

        # an amendment decided elsewhere after the page was drawn: refused in words
        await page.goto(f"{running.url['meeting']}/organiser/meetings/{loaded.meeting_id}/resolutions")
        await expect(page.locator("[data-amendment] .badge")).to_have_text("Chờ quyết định")
        await json_of(
            await running.resolution.post(f"/api/v1/amendments/{amendment['id']}/reject", headers=running.organiser)
        )
        await page.get_by_role("button", name="Chấp nhận: Đề xuất sửa đổi 1").click()
        said = page.locator("[data-amendment]").get_by_role("alert")
        await expect(said).to_have_text(
            "Thao tác này không thực hiện được ở thời điểm hiện tại (có thể vừa có thay đổi ở nơi khác)."
            " Xin tải lại trang để xem tình trạng mới."
        )
        await checked(page, "35-amendment-problem")
    finally:
        await page.context.close()
