"""The console's pages for the floor of the reference conference, in Chromium against the real services:
amendments proposed by members through the API appear as changes against the current text and are
accepted (a second one on the same part is refused, naming the part); the notification policy is changed
and read back; in the room the chair moves to the next item, gives the floor to a queued speaker, sets the
projector and makes and revokes a display link. axe-core finds no serious violation on these pages."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.async_api import Browser, Page, expect

from tests.web.conftest import Running, json_of
from tests.web.console import checked


async def signed_in(browser: Browser, running: Running) -> Page:
    page = await (await browser.new_context()).new_page()
    await page.goto(f"{running.url['meeting']}/organiser")
    await page.get_by_label("Mã truy cập (API token) của ban tổ chức").fill(
        running.organiser["Authorization"].removeprefix("Bearer ")
    )
    await page.get_by_role("button", name="Đăng nhập", exact=True).click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Hội nghị")
    return page


async def propose(running: Running, email: str, quote: str, replacement: str, version: int) -> dict[str, Any]:
    token = await running.session(email)
    body = {"base_version": version, "changes": [{"language": "vi", "quote": quote, "replacement": replacement}]}
    path = f"/api/v1/resolutions/{running.loaded.resolution_id}/amendments"
    answer = await running.resolution.post(path, json=body, headers={"Authorization": f"Bearer {token}"})
    return await json_of(answer, 201)  # type: ignore[no-any-return]


async def test_amendments_are_shown_as_changes_and_accepted_in_the_console(browser: Browser, running: Running) -> None:
    ref, loaded = running.ref, running.loaded
    members = [p for p in ref.people if p.role == "voting_member" and p.email][:2]
    resolution = await json_of(
        await running.resolution.get(f"/api/v1/resolutions/{loaded.resolution_id}", headers=running.organiser)
    )
    # two members change the same part, both against the current version
    version = resolution["version"]
    await propose(running, members[0].email or "", "mười nhiệm vụ trọng tâm", "tám nhiệm vụ trọng tâm", version)
    await propose(running, members[1].email or "", "mười nhiệm vụ", "mười hai nhiệm vụ", version)
    page = await signed_in(browser, running)
    try:
        await page.goto(f"{running.url['meeting']}/organiser/meetings/{loaded.meeting_id}/resolutions")
        first = page.locator("[data-amendment]").nth(0)
        await expect(first.locator("li.removed")).to_contain_text("Bỏ:")
        await expect(first.locator("li.removed del")).to_contain_text("mười nhiệm vụ trọng tâm")
        await expect(first.locator("li.added ins")).to_contain_text("tám nhiệm vụ trọng tâm")
        await expect(first.locator(".badge")).to_have_text("Chờ quyết định")
        await checked(page, "20-amendments")

        await page.get_by_role("button", name="Chấp nhận: Đề xuất sửa đổi 1").focus()
        await page.keyboard.press("Enter")
        await expect(page.locator("[data-amendment]").nth(0).locator(".badge")).to_have_text("Đã chấp nhận")
        await expect(page.locator(".resolution-text")).to_contain_text("tám nhiệm vụ trọng tâm")
        await expect(page.locator("[data-amendment]").nth(0).locator("h5").first).to_be_focused()
        # the second changed a part edited meanwhile: named before the press, and refused at it
        second = page.locator("[data-amendment]").nth(1)
        await expect(second).to_contain_text("Đã có người sửa phần 1 (tiếng Việt: “mười nhiệm vụ”)")
        await page.get_by_role("button", name="Chấp nhận: Đề xuất sửa đổi 2").click()
        await expect(second.get_by_role("alert")).to_have_text(re.compile(r"^Không thể chấp nhận: phần 1 \(tiếng Việt"))
        await expect(page.get_by_role("button", name="Chấp nhận: Đề xuất sửa đổi 2")).to_be_focused()
        now = await json_of(
            await running.resolution.get(f"/api/v1/resolutions/{loaded.resolution_id}", headers=running.organiser)
        )
        assert "tám nhiệm vụ trọng tâm" in now["text"]["vi"] and "mười hai" not in now["text"]["vi"]
        await page.get_by_role("button", name="Bác: Đề xuất sửa đổi 2").click()
        await expect(page.locator("[data-amendment]").nth(1).locator(".badge")).to_have_text("Đã bác")
    finally:
        await page.context.close()


async def test_the_notification_policy_is_set_and_read_back(browser: Browser, running: Running) -> None:
    mid = running.loaded.meeting_id
    page = await signed_in(browser, running)
    try:
        await page.goto(f"{running.url['meeting']}/organiser/meetings/{mid}")
        directive = page.locator('[data-kind="directive"]')
        await expect(directive.locator("legend .badge")).to_have_text("mặc định")
        await expect(directive.get_by_label("Người nhận")).to_have_value("representatives")
        await directive.get_by_label("Cách gửi").select_option("digest")
        await page.locator('[data-kind="result"]').get_by_label("Người nhận").select_option("representatives")
        await page.get_by_role("button", name="Lưu cách gửi thông báo").click()
        await expect(page.locator("#announce")).to_have_text("Đã lưu cách gửi thông báo.")
        await expect(directive.locator("legend .badge")).to_have_text("đã chọn")
        await checked(page, "21-notification-policy")
        policy = await json_of(
            await running.meeting.get(f"/api/v1/meetings/{mid}/notification-policy", headers=running.organiser)
        )
        assert policy["rules"]["directive"] == {"audience": "representatives", "delivery": "digest"}
        assert policy["rules"]["result"]["audience"] == "representatives"
        assert policy["set"] == ["directive", "result"]  # the kinds left alone follow the defaults still
        await expect(page.locator('[data-kind="reminder"] legend .badge')).to_have_text("mặc định")
        # read back after a fresh load, then the defaults again
        await page.reload()
        await expect(page.locator('[data-kind="directive"]').get_by_label("Cách gửi")).to_have_value("digest")
        await page.get_by_role("button", name="Trở về mặc định").click()
        await expect(page.locator('[data-kind="result"] legend .badge')).to_have_text("mặc định")
        await expect(page.locator('[data-kind="result"]').get_by_label("Người nhận")).to_have_value("all")
        # the same settings in English
        await page.get_by_role("button", name="English").click()
        await expect(page.locator('[data-kind="directive"] legend')).to_have_text("Directive assigned default")
        await expect(page.get_by_role("button", name="Save notification settings")).to_be_visible()
        await page.get_by_role("button", name="Tiếng Việt").click()
    finally:
        await page.context.close()


@pytest.mark.lengthy
async def test_the_chair_runs_the_floor_from_the_console(browser: Browser, running: Running) -> None:
    ref, loaded = running.ref, running.loaded
    mid = loaded.meeting_id
    await running.start_meeting()
    page = await signed_in(browser, running)
    try:
        await page.goto(f"{running.url['meeting']}/organiser/meetings/{mid}/room")
        current = page.locator(".current-title")
        await expect(current).to_have_text("Chưa bắt đầu mục nào.")
        await page.get_by_role("button", name="Mục tiếp theo").click()
        await expect(current).to_have_text(f"1. {ref.agenda[0].title.vi}")
        await expect(page.locator("main")).not_to_contain_text("null")  # an item without a presenter
        room = await json_of(await running.meeting.get(f"/api/v1/meetings/{mid}/room", headers=running.organiser))
        item_id = room["current_item_id"]
        assert item_id == room["items"][0]["id"]

        # a member asks to speak from their own page (the API); the chair gives them the floor
        member = next(p for p in ref.people if p.role == "voting_member" and p.email and p.department)
        token = await running.session(member.email)
        await json_of(
            await running.meeting.post(
                f"/api/v1/meetings/{mid}/agenda/{item_id}/speakers",
                json={"kind": "pro"},
                headers={"Authorization": f"Bearer {token}"},
            ),
            201,
        )
        queued = page.locator("[data-speaker]").filter(has_text=member.name)
        await expect(queued.locator(".badge")).to_have_text("Đang chờ")
        await expect(queued).to_contain_text("Ủng hộ")
        await expect(queued).to_contain_text(f"{member.department} · ")
        await page.get_by_role("button", name="Mời người tiếp theo").click()
        await expect(queued.locator(".badge")).to_have_text("Đang phát biểu")
        await page.get_by_role("button", name=f"Tạm dừng: {member.name}").click()
        await expect(queued.locator(".badge")).to_have_text("Tạm dừng")
        await page.get_by_role("button", name=f"Tiếp tục: {member.name}").click()
        await expect(queued.locator(".badge")).to_have_text("Đang phát biểu")
        await page.get_by_role("button", name="Đóng danh sách").click()
        await expect(page.get_by_role("button", name="Mở lại danh sách")).to_be_visible()

        # the projector shows the speakers; a display link is made, works, and is revoked
        await page.get_by_role("radio", name="Danh sách phát biểu").check()
        await expect(page.locator("#announce")).to_have_text("Màn chiếu hiển thị: Danh sách phát biểu")
        room = await json_of(await running.meeting.get(f"/api/v1/meetings/{mid}/room", headers=running.organiser))
        assert room["projector_mode"] == "speakers"
        await page.get_by_label("Tên màn hình").fill("Màn hình chính")
        await page.get_by_role("button", name="Tạo liên kết màn chiếu").click()
        url = await page.locator(".display-url").text_content()
        assert url and "#" in url
        screen = {"Authorization": f"Display {url.split('#', 1)[1]}"}
        shown = await json_of(await running.meeting.get("/api/v1/display", headers=screen))
        assert shown["room"]["projector_mode"] == "speakers"
        await checked(page, "22-room-floor")
        await page.get_by_role("button", name="Thu hồi liên kết: Màn hình chính").click()
        await expect(page.locator(".displays")).to_have_count(0)
        await json_of(await running.meeting.get("/api/v1/display", headers=screen), 401)

        # a jump to the third item, then back one
        await page.get_by_label("Chuyển đến mục").select_option(room["items"][2]["id"])
        await page.get_by_role("button", name="Chuyển", exact=True).click()
        await expect(current).to_have_text(f"3. {ref.agenda[2].title.vi}")
        await page.get_by_role("button", name="Mục trước").click()
        await expect(current).to_have_text(f"2. {ref.agenda[1].title.vi}")
        # the floor in English
        await page.get_by_role("button", name="English").click()
        await expect(page.get_by_role("heading", name="Current item")).to_be_visible()
        await expect(page.get_by_role("group", name="The projector shows")).to_be_visible()
        await expect(page.get_by_role("radio", name="List of speakers")).to_be_checked()
        await page.get_by_role("button", name="Tiếng Việt").click()
    finally:
        await page.context.close()
