"""The organiser console in Chromium against the three real services, as far as the browser alone
takes the reference conference: sign in, create a meeting, import the 202 participants through the
CSV preview, search and filter them, build and reorder the agenda by keyboard; then, in the room of
the loaded conference, start it, check people in at the desk (one, then several), watch the quorum
meter, open the vote while participants vote in their own browsers, and close it. axe-core finds no
serious or critical violation on any console page; each page's screenshot is kept under
test-output/console/ (or $TEST_OUTPUT/console/)."""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.async_api import Browser, Locator, Page, expect

from devstack.reference import ORGANISATION, Conference, Directive
from meeting_svc.__main__ import create_organiser
from meeting_svc.settings import Settings as MeetingSettings
from tests.conftest import settings_of
from tests.web.axe import assert_accessible
from tests.web.conftest import Running, json_of

BLOCKS = ("DL", "TN", "NV", "CN")
PASSWORD = "mật-khẩu-thư-ký-đủ-dài"
OUTPUT = Path(os.environ.get("TEST_OUTPUT", "test-output")) / "console"


async def checked(page: Page, name: str) -> None:
    """The page as it is now: no serious accessibility violation, and its picture kept."""
    await assert_accessible(page)
    OUTPUT.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(OUTPUT / f"{name}.png"), full_page=True)


async def draft_resolution(page: Page, ref: Conference, due: Callable[[Directive], dt.date]) -> Locator:
    """The reference Resolution drafted in the console, with its eight directives (titles, details, the
    blocks or departments owning each, due dates, priorities); the drafted resolution on the page."""
    await page.get_by_role("link", name="Nghị quyết").click()
    form = page.get_by_role("form", name="Soạn nghị quyết")
    await form.get_by_label("Tên (tiếng Việt)").first.fill(ref.resolution_title.vi)
    await form.get_by_label("Tên (tiếng Anh)").first.fill(ref.resolution_title.en)
    await form.get_by_label("Nội dung (tiếng Việt)").fill(ref.resolution_text.vi)
    await form.get_by_label("Nội dung (tiếng Anh)").fill(ref.resolution_text.en)
    owner = {d.code: f"{'Khối: ' if d.parent is None else '— '}{d.code} · {d.name.vi}" for d in ref.departments}
    for n, directive in enumerate(ref.directives, start=1):
        await form.get_by_role("button", name="Thêm nhiệm vụ").click()
        fields = form.locator(f'[data-directive="{n}"]')
        await fields.get_by_label("Tên (tiếng Việt)").fill(directive.title.vi)
        await fields.get_by_label("Tên (tiếng Anh)").fill(directive.title.en)
        await fields.get_by_label("Nội dung nhiệm vụ").fill(directive.description)
        await fields.get_by_label("Đơn vị hoặc khối chủ trì").select_option(
            label=[owner[code] for code in directive.departments]
        )
        await fields.get_by_label("Hạn hoàn thành").fill(due(directive).isoformat())
        await fields.get_by_label("Mức ưu tiên").select_option(directive.priority)
    await form.get_by_role("button", name="Lưu dự thảo").click()
    drafted = page.locator("[data-resolution]")
    await expect(drafted.locator(".directives li")).to_have_count(len(ref.directives))
    return drafted


def reference_csv(running: Running, broken: bool = False) -> bytes:
    lines = ["name,email,department,role,weight,language"]
    for n, p in enumerate(running.ref.people):
        role = "president" if broken and n == 41 else p.role
        email = running.ref.people[0].email if broken and n == 77 else p.email
        lines.append(f"{p.name},{email or ''},{p.department or ''},{role},{p.weight},{p.language}")
    return ("\n".join(lines) + "\n").encode()


async def invite_link(running: Running, meeting_id: str, name: str) -> str:
    """A participant's personal link, as their invitation email carries it (issued anew here)."""
    found = await json_of(
        await running.meeting.get(
            f"/api/v1/meetings/{meeting_id}/participants", params={"q": name}, headers=running.organiser
        )
    )
    person = next(p for p in found["items"] if p["name"] == name)
    path = f"/api/v1/meetings/{meeting_id}/participants/{person['id']}/invite"
    issued = await json_of(await running.meeting.post(path, headers=running.organiser), 201)
    return str(issued["invite_url"])


async def test_the_secretariat_prepares_and_runs_a_meeting_in_the_console(
    running: Running, browser: Browser, env: dict[str, Any]
) -> None:
    ref, loaded, url = running.ref, running.loaded, running.url
    token = running.organiser["Authorization"].removeprefix("Bearer ")
    context = await browser.new_context()
    page = await context.new_page()
    script_errors: list[str] = []
    page.on("pageerror", lambda error: script_errors.append(str(error)))
    try:
        # Sign in with the secretariat's email and password at /login, which leads back to the console.
        email = "thu.ky@quatest2.example.org"
        settings = settings_of(MeetingSettings, env)
        await create_organiser(settings, ORGANISATION, "Thư ký hội nghị", email, PASSWORD)
        await page.goto(f"{url['meeting']}/organiser")
        await expect(page.get_by_role("heading", level=1)).to_have_text("Đăng nhập ban tổ chức")
        await checked(page, "01-sign-in")
        await page.get_by_label("Mã truy cập (API token) của ban tổ chức").fill("not-a-token")
        await page.get_by_role("button", name="Đăng nhập", exact=True).click()
        await expect(page.get_by_role("alert").last).to_have_text("Phiên đăng nhập đã hết. Xin đăng nhập lại.")
        await page.get_by_role("link", name="Đăng nhập bằng email và mật khẩu").click()
        await page.get_by_label("Địa chỉ email").fill(email)
        await page.get_by_label("Mật khẩu").fill(PASSWORD)
        await page.get_by_role("button", name="Đăng nhập", exact=True).click()

        # The meetings list shows the loaded conference as upcoming; a new meeting is created from the form.
        await expect(page.get_by_role("heading", level=1)).to_have_text("Hội nghị")
        upcoming = page.get_by_role("region", name="Sắp diễn ra")
        await expect(upcoming.get_by_role("link", name=ref.title.vi)).to_be_visible()
        await checked(page, "02-meetings")
        await page.get_by_label("Tên (tiếng Việt)").fill("Hội nghị tổng kết công tác năm 2021")
        await page.get_by_label("Tên (tiếng Anh)").fill("2021 year-end review")
        await page.get_by_label("Bắt đầu").fill("2031-01-13T13:30")
        await page.get_by_label("Kết thúc").fill("2031-01-13T17:30")
        await page.get_by_label("Địa điểm").fill("Khách sạn Minh Toan Galaxy")
        await page.get_by_role("button", name="Tạo", exact=True).click()
        await expect(page.get_by_role("heading", level=1)).to_have_text("Hội nghị tổng kết công tác năm 2021")
        await expect(page.locator("main")).to_contain_text("13/01/2031 13:30–17:30, giờ Việt Nam (GMT+7)")
        new_id = page.url.rstrip("/").rsplit("/", 1)[1]
        await checked(page, "03-overview")

        # People: a broken file is previewed with its errors and nothing is written; the fixed one imports.
        await page.get_by_role("link", name="Đại biểu").click()
        await expect(page.get_by_text("Hiển thị 0 / 0 đại biểu")).to_be_visible()
        chooser = page.get_by_label("Tệp CSV", exact=True)
        await chooser.set_input_files(
            {"name": "dai-bieu.csv", "mimeType": "text/csv", "buffer": reference_csv(running, True)}
        )
        await page.get_by_role("button", name="Xem trước").click()
        errors = page.locator("table.errors tbody tr")
        await expect(errors).to_have_count(2)
        await expect(errors.nth(0)).to_contain_text("42")
        await expect(errors.nth(0)).to_contain_text("role")
        await expect(errors.nth(1)).to_contain_text("email")
        await expect(page.get_by_role("button", name="Nhập danh sách")).to_have_count(0)
        await chooser.set_input_files(
            {"name": "dai-bieu.csv", "mimeType": "text/csv", "buffer": reference_csv(running)}
        )
        await page.get_by_role("button", name="Xem trước").click()
        await expect(page.get_by_text(f"{len(ref.people)} dòng hợp lệ")).to_be_visible()
        await page.get_by_role("button", name="Nhập danh sách").click()
        await expect(page.locator(".preview")).to_contain_text(f"Đã nhập {len(ref.people)} đại biểu.")
        await expect(page.get_by_text(f"Hiển thị 50 / {len(ref.people)} đại biểu")).to_be_visible()
        someone = ref.people[57]
        await page.get_by_label("Tìm theo tên hoặc email").fill(someone.name)
        await expect(page.locator("table.people tbody tr").first).to_contain_text(someone.name)
        await page.get_by_label("Tìm theo tên hoặc email").fill("")
        await page.get_by_label("Vai trò", exact=True).select_option("chair")
        await expect(page.locator("table.people tbody tr")).to_have_count(1)
        await expect(page.locator("table.people tbody tr")).to_contain_text(ref.chair.name)
        await checked(page, "04-people")

        # A department added under its block; a member hands their vote to a colleague by proxy.
        await page.get_by_text("Thêm đơn vị", exact=True).first.click()
        department = page.get_by_role("form", name="Thêm đơn vị")
        await department.get_by_label("Mã").fill("DL-KD")
        await department.get_by_label("Tên (tiếng Việt)").fill("Phòng Kiểm định")
        await department.get_by_label("Tên (tiếng Anh)").fill("Verification")
        await department.get_by_label("Thuộc khối").select_option(loaded.departments["DL"])
        await department.get_by_role("button", name="Thêm đơn vị").click()
        await expect(page.locator(".tree")).to_contain_text("DL-KD · Phòng Kiểm định")
        principal, holder = [p for p in ref.people if p.role == "voting_member"][5:7]
        await page.get_by_label("Vai trò", exact=True).select_option("")
        await page.get_by_label("Tìm theo tên hoặc email").fill(principal.email or "")
        await page.get_by_role("button", name=f"Sửa: {principal.name}").click()
        edit = page.get_by_role("form", name=f"Sửa: {principal.name}")
        await edit.get_by_label("Ủy quyền biểu quyết cho").fill(f"{holder.name} — {holder.email}")
        await edit.get_by_role("button", name="Lưu").click()
        await expect(page.locator("table.people tbody tr").first).to_contain_text("Đã ủy quyền")
        found = await json_of(
            await running.meeting.get(
                f"/api/v1/meetings/{new_id}/participants", params={"q": principal.email}, headers=running.organiser
            )
        )
        held_by = await json_of(
            await running.meeting.get(
                f"/api/v1/meetings/{new_id}/participants", params={"q": holder.email}, headers=running.organiser
            )
        )
        assert found["items"][0]["proxy_holder_id"] == held_by["items"][0]["id"]

        # Agenda: two items added, the second moved up from the keyboard; the API has the new order.
        await page.get_by_role("link", name="Chương trình").click()
        for title in ("Báo cáo tổng kết năm 2021", "Khai mạc"):
            await page.get_by_label("Tên (tiếng Việt)").fill(title)
            await page.get_by_role("button", name="Thêm mục").click()
            await expect(page.locator(".agenda-editor li").last).to_contain_text(title)
        await page.locator(".agenda-editor li").last.focus()
        await page.keyboard.press("Alt+ArrowUp")
        await expect(page.locator(".agenda-editor li").first).to_contain_text("Khai mạc")
        await expect(page.locator(".agenda-editor li").first).to_be_focused()
        await expect(page.locator("#announce")).to_have_text("Đã chuyển “Khai mạc” tới vị trí 1.")
        # a third item, dragged from the bottom to the middle
        await page.get_by_label("Tên (tiếng Việt)").fill("Tham luận của các khối")
        await page.get_by_label("Loại").select_option("contribution")
        await page.get_by_label("Thời lượng (phút)").fill("40")
        await page.get_by_role("button", name="Thêm mục").click()
        items = page.locator(".agenda-editor li")
        await expect(items).to_have_count(3)
        await items.nth(2).drag_to(items.nth(1))
        await expect(items.nth(1)).to_contain_text("Tham luận của các khối")
        agenda = await json_of(
            await running.meeting.get(f"/api/v1/meetings/{new_id}/agenda", headers=running.organiser)
        )
        assert [i["title"]["vi"] for i in agenda["items"]] == [
            "Khai mạc",
            "Tham luận của các khối",
            "Báo cáo tổng kết năm 2021",
        ]
        assert (agenda["items"][1]["kind"], agenda["items"][1]["planned_minutes"]) == ("contribution", 40)
        await checked(page, "05-agenda")

        # Position reports: requested from the four blocks, tracked, the missing ones reminded.
        await page.get_by_role("link", name="Tham luận").click()
        await page.get_by_label("Chủ đề (tiếng Việt)").fill(ref.contribution_topic.vi)
        await page.get_by_label("Chủ đề (tiếng Anh)").fill(ref.contribution_topic.en)
        for code in BLOCKS:
            await page.get_by_role("checkbox", name=re.compile(rf"^{code} · ")).check()
        await page.get_by_label("Hạn nộp").fill("2031-01-10T17:00")
        await page.get_by_role("button", name="Gửi đề nghị").click()
        rows = page.locator("[data-request] tbody tr")
        await expect(rows).to_have_count(len(BLOCKS))
        await expect(rows.locator(".badge")).to_have_text(["Chưa nộp"] * len(BLOCKS))
        await page.get_by_role("button", name="Nhắc các đơn vị chưa nộp").click()
        await expect(page.locator("#announce")).to_have_text(f"Đã nhắc {len(BLOCKS)} đơn vị.")
        await expect(rows.nth(0).locator("td").nth(1)).not_to_have_text("—")
        await checked(page, "06-contributions")

        # The Resolution with its eight directives, and its vote prepared from a preset in plain words.
        drafted = await draft_resolution(page, ref, lambda d: d.due.replace(year=2031))
        await drafted.get_by_label("Cách tính kết quả").select_option("simple_majority_cast")
        await expect(drafted.locator(".rule")).not_to_be_empty()
        await drafted.get_by_role("button", name="Chuẩn bị biểu quyết").click()
        await expect(drafted.locator(".polls .badge")).to_have_text("Chưa mở")
        await checked(page, "07-resolutions")

        # Schedule (the invitations go out), then in the room: start, check in at the desk, vote.
        await page.get_by_role("link", name="Tổng quan").click()
        await page.get_by_role("button", name="Lên lịch và gửi thư mời").click()
        await expect(page.locator("main p .badge").first).to_have_text("Đã lên lịch")
        await page.get_by_role("link", name="Tại hội trường").click()
        await page.get_by_role("button", name="Khai mạc").click()
        await expect(page.locator(".actions .badge")).to_have_text("Đang diễn ra")
        await expect(page.locator(".live")).to_have_class(re.compile(r"\bon\b"))
        voters = [p for p in ref.people if p.role == "voting_member" and p.language == "vi"][:3]
        desk = page.get_by_role("search", name="Bàn điểm danh")
        await desk.get_by_label("Tìm họ tên").fill(voters[0].name)
        await desk.get_by_role("button", name=f"Điểm danh: {voters[0].name}").click()
        await expect(page.locator(".desk [aria-live]")).to_have_text(f"{voters[0].name} đã điểm danh.")
        await expect(page.locator(".big")).to_contain_text("1 / ")
        for voter in voters[1:]:
            # a selection outlives the search that found it, so several are checked in at once
            await desk.get_by_label("Tìm họ tên").fill(voter.name)
            await desk.get_by_label(f"Chọn {voter.name}").check()
        await desk.get_by_role("button", name="Điểm danh những người đã chọn").click()
        await expect(page.locator(".desk [aria-live]")).to_have_text("Đã điểm danh 2 đại biểu.")
        await expect(page.locator(".big")).to_contain_text("3 / ")
        await checked(page, "08-room")

        poll = page.locator("[data-poll]")
        await poll.get_by_role("button", name="Mở biểu quyết").click()
        await expect(poll.locator(".badge")).to_have_text("Đang biểu quyết")
        for voter in voters[:2]:
            link = await invite_link(running, new_id, voter.name)
            voter_page = await (await browser.new_context()).new_page()
            await voter_page.goto(link)
            await voter_page.get_by_role("link", name="Vào hội nghị").click()
            await voter_page.locator("[data-poll] .option").first.wait_for()
            await voter_page.get_by_role("button", name="Tán thành", exact=True).first.click()
            await expect(voter_page.locator("[data-poll] .cast").first).to_be_visible()
        await expect(poll.locator(".turnout")).to_contain_text("Đã bỏ phiếu: 2 /")
        await poll.get_by_role("button", name="Kết thúc biểu quyết").click()
        await poll.get_by_role("button", name="Bấm lần nữa để kết thúc").click()
        await expect(poll.locator(".outcome")).to_have_text("Thông qua")
        await expect(poll.locator('.tallies [data-option="yes"]')).to_contain_text("2 phiếu")
        await checked(page, "09-room-after-vote")

        # After: a representative reports progress on a directive from their page; the tracker shows it.
        representative = ref.representative_of("DL")
        rep_page = await (await browser.new_context()).new_page()
        await rep_page.goto(await invite_link(running, new_id, representative.name))
        await rep_page.get_by_role("link", name="Vào hội nghị").click()
        infrastructure = next(d for d in ref.directives if d.departments == ("DL", "TN"))
        item = rep_page.locator("#directives .directive").filter(has_text=infrastructure.title.vi)
        await item.get_by_role("button", name="Cập nhật tiến độ").click()
        await item.locator('select[name="status"]').select_option("in_progress")
        await item.locator('textarea[name="note"]').fill("Đã lắp đặt thiết bị đo mới")
        await item.get_by_role("button", name="Lưu").click()
        await expect(item.locator("p.muted .badge")).to_have_text("Đang thực hiện")
        # The meeting ends from the room, at the second press; the results stay.
        await page.get_by_role("button", name="Bế mạc").click()
        await expect(page.locator(".actions .badge")).to_have_text("Đang diễn ra")
        await page.get_by_role("button", name="Bấm lần nữa để bế mạc (các cuộc biểu quyết đang mở sẽ kết thúc)").click()
        await expect(page.locator(".actions .badge")).to_have_text("Đã kết thúc")
        await page.get_by_role("link", name="Kết quả").click()
        await expect(page.locator("[data-poll] .outcome")).to_have_text("Thông qua")
        tracked = page.locator("#directive-tracker ~ .table-wrap tbody tr")
        await expect(tracked).to_have_count(len(ref.directives))
        followed = tracked.filter(has_text=infrastructure.title.vi)
        await expect(followed).to_contain_text("Đang thực hiện")
        await expect(followed).to_contain_text("Đã lắp đặt thiết bị đo mới")
        await expect(followed).to_contain_text(representative.name)  # who wrote the note
        await checked(page, "10-results")

        # Next year's meeting from this one as a template: the agenda and the people come along.
        await page.get_by_role("link", name="Tổng quan").click()
        copy = page.get_by_role("form", name="Nhân bản làm mẫu")
        await copy.get_by_label("Tên (tiếng Việt)").fill("Hội nghị tổng kết công tác năm 2022")
        await copy.get_by_label("Tên (tiếng Anh)").fill("2022 year-end review")
        await copy.get_by_label("Bắt đầu").fill("2032-01-12T13:30")
        await copy.get_by_label("Kết thúc").fill("2032-01-12T17:30")
        await copy.get_by_role("button", name="Nhân bản làm mẫu").click()
        await expect(page.get_by_role("heading", level=1)).to_have_text("Hội nghị tổng kết công tác năm 2022")
        await expect(page.locator("main p .badge").first).to_have_text("Bản nháp")
        await page.get_by_role("link", name="Chương trình").click()
        await expect(page.locator(".agenda-editor li")).to_have_count(3)
        await page.get_by_role("link", name="Đại biểu").click()
        await expect(page.get_by_text(f"Hiển thị 50 / {len(ref.people)} đại biểu")).to_be_visible()
        await expect(page.locator("table.people tbody tr").first).to_contain_text("Chưa gửi")  # a draft sends nothing
        await page.get_by_role("button", name="Gửi thư mời chưa gửi").click()
        await expect(page.locator("#announce")).to_have_text(re.compile(r"^Đã gửi \d+ thư mời\.$"))
        await expect(page.locator("table.people tbody tr").first).to_contain_text("Đã gửi")

        # Access tokens for other systems: one made (shown once), listed, revoked.
        await page.get_by_role("link", name="Mã truy cập").click()
        await page.get_by_label("Tên (để nhận ra mã)").fill("Hệ thống văn phòng điện tử")
        await page.get_by_role("button", name="Tạo mã truy cập cho hệ thống khác").click()
        await expect(page.locator("code.token")).not_to_be_empty()
        made = page.locator("tbody tr").filter(has_text="Hệ thống văn phòng điện tử")
        await expect(made).to_contain_text("Chỉ đọc")
        await checked(page, "11-tokens")
        await made.get_by_role("button", name="Thu hồi: Hệ thống văn phòng điện tử").click()
        await expect(made).to_have_count(0)

        # The same console in English, at the press of one button (the choice is remembered).
        await page.get_by_role("button", name="English").click()
        await expect(page.get_by_role("heading", level=1)).to_have_text("Access tokens")
        await page.get_by_role("link", name="Organiser console", exact=True).click()
        await expect(page.get_by_role("heading", level=1)).to_have_text("Meetings")
        await expect(page.get_by_role("region", name="Past")).to_contain_text("2021 year-end review")
        await checked(page, "12-meetings-en")
        await page.get_by_role("button", name="Tiếng Việt").click()

        # The door: the same desk on a phone, signed in with an API token.
        phone = await (await browser.new_context(viewport={"width": 390, "height": 844})).new_page()
        await phone.goto(f"{url['meeting']}/organiser")
        await phone.get_by_label("Mã truy cập (API token) của ban tổ chức").fill(token)
        await phone.get_by_role("button", name="Đăng nhập", exact=True).click()
        await expect(phone.get_by_role("heading", level=1)).to_have_text("Hội nghị")
        await phone.goto(f"{url['meeting']}/organiser/meetings/{new_id}/room")
        await expect(phone.get_by_role("heading", level=1)).to_have_text("Hội nghị tổng kết công tác năm 2021")
        width = await phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the room page scrolls sideways on a phone ({width} px)"
        await checked(phone, "13-room-phone")
        assert script_errors == []
    finally:
        for c in browser.contexts:
            await c.close()
