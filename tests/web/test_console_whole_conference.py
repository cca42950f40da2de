"""Issue 14's acceptance: the whole reference conference run from an empty organisation through the
organiser console alone. The secretariat signs in (a wrong token first), creates the department
blocks and departments, previews a CSV file with two mistakes (nothing is written), imports the 202
participants, searches and filters them, has a member hand their vote to a colleague by proxy, builds
the agenda (an item moved from the keyboard and dragged back), asks the blocks for position reports and
reminds them, drafts the Resolution with its eight directives and prepares its vote, links the agenda's
items to them, schedules the meeting (the invitations go out by email); in the room it starts the
meeting, checks people in at the desk until there is a quorum, moves through the agenda to the vote on
the Resolution, opens the vote while members vote in their own browsers from the link their invitation
email carries, closes it and sees the Resolution adopted; a department's representative then reports
progress on a directive and the console's tracker shows it. The meeting, ended, is copied as next year's
template, whose invitations are sent; an access token for another system is made and revoked; the
console switches to English; the room fits a phone, signed in with an API token. No organiser step is
an API call (the API is only read, to check what the console saved). axe-core finds no serious or
critical violation on any console page; each page's screenshot is kept under test-output/console/ (or
$TEST_OUTPUT/console/)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.async_api import Browser, BrowserContext, Page, expect

from devstack import seed
from devstack.reference import ORGANISATION, Conference, Person
from meeting_svc.__main__ import create_organiser
from tests.conftest import wait_for
from tests.web.conftest import Services, json_of
from tests.web.console import PASSWORD, checked, draft_resolution

EMAIL = "thu.ky@quatest2.example.org"
LOCAL = "%Y-%m-%dT%H:%M"  # what a datetime-local field takes
# Checked in at the desk, ten at a time by the tens of their staff numbers: 99 of the 195 voters,
# with the chair checked in on their own, a quorum of half the members present.
DESK_GROUPS = [f"vien.chuc.0{tens}" for tens in range(10)]


def csv_with_two_mistakes(ref: Conference) -> bytes:
    """The participants' file with a role that does not exist on line 42 and a repeated email on line 78."""
    lines = ["name,email,department,role,weight,language"]
    for n, p in enumerate(ref.people):
        role = "president" if n == 41 else p.role
        email = ref.people[0].email if n == 77 else p.email
        lines.append(f"{p.name},{email or ''},{p.department or ''},{role},{p.weight},{p.language}")
    return ("\n".join(lines) + "\n").encode()


def member(number: int) -> str:
    return f"vien.chuc.{number:03d}@quatest2.example.org"


async def invitation_link(services: Services, person: Person) -> str:
    """The personal link the person's invitation email carries (the notifier sent it to the SMTP server)."""

    async def arrived() -> list[str]:
        links = []
        for mail in services.inbox.to(person.email or ""):
            body = mail.get_body(("plain",))
            assert body is not None
            links += [w for w in str(body.get_content()).split() if w.startswith(services.url["meeting"])]
        return links

    links = await wait_for(arrived, timeout=120, what=f"the invitation email to {person.email}")
    return links[0]


async def enter(context: BrowserContext, link: str) -> Page:
    page = await context.new_page()
    await page.goto(link)
    await page.get_by_role("link", name="Vào hội nghị").click()
    return page


@pytest.mark.lengthy
async def test_the_secretariat_runs_the_whole_conference_in_the_console(services: Services, browser: Browser) -> None:
    ref, url = seed.conference(), services.url
    starts = seed.next_reference_start()
    shift = starts - ref.starts_at
    _, token = await create_organiser(services.settings, ORGANISATION, "Thư ký hội nghị", EMAIL, PASSWORD)
    organiser = {"Authorization": f"Bearer {token}"}
    context = await browser.new_context()
    page = await context.new_page()
    script_errors: list[str] = []
    page.on("pageerror", lambda error: script_errors.append(str(error)))
    try:
        # Sign in: a wrong API token is refused; email and password lead back to the console, where the
        # organisation has no meeting yet.
        await page.goto(f"{url['meeting']}/organiser")
        await expect(page.get_by_role("heading", level=1)).to_have_text("Đăng nhập ban tổ chức")
        await checked(page, "whole-01-sign-in")
        await page.get_by_label("Mã truy cập (API token) của ban tổ chức").fill("not-a-token")
        await page.get_by_role("button", name="Đăng nhập", exact=True).click()
        await expect(page.get_by_role("alert").last).to_have_text("Phiên đăng nhập đã hết. Xin đăng nhập lại.")
        await page.get_by_role("link", name="Đăng nhập bằng email và mật khẩu").click()
        await page.get_by_label("Địa chỉ email").fill(EMAIL)
        await page.get_by_label("Mật khẩu").fill(PASSWORD)
        await page.get_by_role("button", name="Đăng nhập", exact=True).click()
        await expect(page.get_by_role("heading", level=1)).to_have_text("Hội nghị")
        await expect(page.get_by_role("region", name="Sắp diễn ra")).to_contain_text("Không có.")
        await checked(page, "whole-01-meetings-empty")

        # The conference, in Da Nang's time.
        await page.get_by_label("Tên (tiếng Việt)").fill(ref.title.vi)
        await page.get_by_label("Tên (tiếng Anh)").fill(ref.title.en)
        await page.get_by_label("Mô tả (tiếng Việt)").fill(ref.description.vi)
        await page.get_by_label("Mô tả (tiếng Anh)").fill(ref.description.en)
        await page.get_by_label("Bắt đầu").fill(starts.strftime(LOCAL))
        await page.get_by_label("Kết thúc").fill((ref.ends_at + shift).strftime(LOCAL))
        await page.get_by_label("Múi giờ").select_option("Asia/Ho_Chi_Minh")
        await page.get_by_label("Địa điểm").fill(ref.venue_name)
        await page.get_by_label("Địa chỉ").fill(ref.venue_address)
        await page.get_by_role("button", name="Tạo", exact=True).click()
        await expect(page.get_by_role("heading", level=1)).to_have_text(ref.title.vi)
        await expect(page.locator("main p .badge").first).to_have_text("Bản nháp")
        await expect(page.get_by_label("Mô tả (tiếng Việt)")).to_have_value(ref.description.vi)
        ends = ref.ends_at + shift
        await expect(page.locator("main")).to_contain_text(
            f"{starts:%d/%m/%Y %H:%M}–{ends:%H:%M}, giờ Việt Nam (GMT+7)"
        )
        mid = page.url.rstrip("/").rsplit("/", 1)[1]
        await checked(page, "whole-02-overview")

        # The four blocks, then the departments under theirs.
        await page.get_by_role("link", name="Đại biểu").click()
        await expect(page.get_by_text("Hiển thị 0 / 0 đại biểu")).to_be_visible()
        for department in ref.departments:
            await page.locator("details summary").filter(has_text="Thêm đơn vị").click()
            form = page.get_by_role("form", name="Thêm đơn vị")
            await form.get_by_label("Mã").fill(department.code)
            await form.get_by_label("Tên (tiếng Việt)").fill(department.name.vi)
            await form.get_by_label("Tên (tiếng Anh)").fill(department.name.en)
            if department.parent:
                parent = next(d for d in ref.departments if d.code == department.parent)
                await form.get_by_label("Thuộc khối").select_option(label=f"{parent.code} · {parent.name.vi}")
            await form.get_by_role("button", name="Thêm đơn vị").click()
            await expect(page.locator(".tree")).to_contain_text(f"{department.code} · {department.name.vi}")
        tree = page.locator(".tree > li")
        await expect(tree).to_have_count(4)
        await expect(tree.filter(has_text="NV · Khối Nghiệp vụ").locator("li")).to_have_text(
            ["TT-DVKH · Phòng Thị trường và Dịch vụ khách hàng"]
        )

        # The 202 participants, from the CSV file: one with mistakes is previewed with its errors and
        # nothing is written; the right one is previewed and imported.
        chooser = page.get_by_label("Tệp CSV", exact=True)
        await chooser.set_input_files(
            {"name": "dai-bieu.csv", "mimeType": "text/csv", "buffer": csv_with_two_mistakes(ref)}
        )
        await page.get_by_role("button", name="Xem trước").click()
        errors = page.locator("table.errors tbody tr")
        await expect(errors).to_have_count(2)
        await expect(errors.nth(0)).to_contain_text("42")
        await expect(errors.nth(0)).to_contain_text("role")
        await expect(errors.nth(1)).to_contain_text("email")
        await expect(page.get_by_role("button", name="Nhập danh sách")).to_have_count(0)
        await chooser.set_input_files(
            {"name": "dai-bieu.csv", "mimeType": "text/csv", "buffer": seed.csv_of(ref).encode()}
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
        await page.get_by_label("Vai trò", exact=True).select_option("department_representative")
        await expect(page.locator("table.people tbody tr")).to_have_count(4)
        await page.get_by_label("Vai trò", exact=True).select_option("")
        await checked(page, "whole-03-people")

        # A member hands their vote to a colleague by proxy (two members the desk will not check in).
        principal, holder = (p for p in ref.people if p.email in (member(150), member(151)))
        await page.get_by_label("Tìm theo tên hoặc email").fill(principal.email or "")
        await page.get_by_role("button", name=f"Sửa: {principal.name}").click()
        edit = page.get_by_role("form", name=f"Sửa: {principal.name}")
        await edit.get_by_label("Ủy quyền biểu quyết cho").fill(f"{holder.name} — {holder.email}")
        await edit.get_by_role("button", name="Lưu").click()
        await expect(page.locator("table.people tbody tr").first).to_contain_text("Đã ủy quyền")
        await page.get_by_label("Tìm theo tên hoặc email").fill("")
        people = f"/api/v1/meetings/{mid}/participants"
        found = await json_of(await services.meeting.get(people, params={"q": principal.email}, headers=organiser))
        held_by = await json_of(await services.meeting.get(people, params={"q": holder.email}, headers=organiser))
        assert found["items"][0]["proxy_holder_id"] == held_by["items"][0]["id"]

        # The agenda's eight items, in order, with their kinds, presenters and times.
        await page.get_by_role("link", name="Chương trình").click()
        for n, item in enumerate(ref.agenda, start=1):
            await page.get_by_label("Tên (tiếng Việt)").fill(item.title.vi)
            await page.get_by_label("Tên (tiếng Anh)").fill(item.title.en)
            await page.get_by_label("Loại").select_option(item.kind)
            await page.get_by_label("Người trình bày").fill(item.presenter or "")
            await page.get_by_label("Thời lượng (phút)").fill(str(item.minutes))
            await page.get_by_role("button", name="Thêm mục").click()
            await expect(page.locator(".agenda-editor li")).to_have_count(n)
        # the last item moved up from the keyboard, then dragged back down
        items = page.locator(".agenda-editor li")
        last = ref.agenda[-1].title.vi
        await items.last.focus()
        await page.keyboard.press("Alt+ArrowUp")
        await expect(items.nth(len(ref.agenda) - 2)).to_contain_text(last)
        await expect(items.nth(len(ref.agenda) - 2)).to_be_focused()
        await expect(page.locator("#announce")).to_have_text(f"Đã chuyển “{last}” tới vị trí {len(ref.agenda) - 1}.")
        await items.nth(len(ref.agenda) - 2).drag_to(items.last)
        await expect(items.last).to_contain_text(last)
        await expect(items).to_have_text([re.compile(i.title.vi) for i in ref.agenda])
        agenda = await json_of(await services.meeting.get(f"/api/v1/meetings/{mid}/agenda", headers=organiser))
        assert [(i["title"]["vi"], i["kind"], i["planned_minutes"]) for i in agenda["items"]] == [
            (i.title.vi, i.kind, i.minutes) for i in ref.agenda
        ]
        await checked(page, "whole-04-agenda")

        # Position reports asked of the four blocks, due three days before the conference.
        await page.get_by_role("link", name="Tham luận").click()
        await page.get_by_label("Chủ đề (tiếng Việt)").fill(ref.contribution_topic.vi)
        await page.get_by_label("Chủ đề (tiếng Anh)").fill(ref.contribution_topic.en)
        await page.get_by_label("Hướng dẫn").fill(ref.contribution_guidance)
        blocks = [d for d in ref.departments if d.parent is None]
        for block in blocks:
            await page.get_by_role("checkbox", name=f"{block.code} · {block.name.vi}").check()
        await page.get_by_label("Hạn nộp").fill((ref.contribution_deadline + shift).strftime(LOCAL))
        await page.get_by_role("button", name="Gửi đề nghị").click()
        rows = page.locator("[data-request] tbody tr")
        await expect(rows).to_have_count(len(blocks))
        await expect(rows.locator(".badge")).to_have_text(["Chưa nộp"] * len(blocks))
        await page.get_by_role("button", name="Nhắc các đơn vị chưa nộp").click()
        await expect(page.locator("#announce")).to_have_text(f"Đã nhắc {len(blocks)} đơn vị.")
        await expect(rows.nth(0).locator("td").nth(1)).not_to_have_text("—")
        await checked(page, "whole-05-contributions")

        # The Resolution with its eight directives, each owned by its blocks or departments.
        drafted = await draft_resolution(page, ref, lambda d: d.due + dt.timedelta(days=shift.days))
        await expect(drafted.locator(".directives li").nth(6)).to_contain_text("NV · Khối Nghiệp vụ")
        await expect(drafted.locator(".directives li").nth(6)).to_contain_text("TTTN · Trung tâm Tây Nguyên")
        high = sum(d.priority == "high" for d in ref.directives)
        await expect(drafted.locator(".directives li").filter(has_text="Mức ưu tiên: Cao")).to_have_count(high)
        # the vote: a simple majority of the votes cast (each preset put in plain words), with half the
        # members present
        await drafted.get_by_label("Cách tính kết quả").select_option("simple_majority_cast")
        await expect(drafted.locator(".rule")).not_to_be_empty()
        await drafted.get_by_label("Cách tính kết quả").select_option("simple_majority_cast_quorum")
        await expect(drafted.locator(".rule")).to_contain_text("túc số")
        await drafted.get_by_role("button", name="Chuẩn bị biểu quyết").click()
        await expect(drafted.locator(".polls .badge")).to_have_text("Chưa mở")
        await checked(page, "whole-06-resolutions")

        # The agenda's items linked to what they take up: the position reports, and the Resolution's vote.
        await page.get_by_role("link", name="Chương trình").click()
        linked = {"contribution": ref.contribution_topic.vi, "vote": ref.resolution_title.vi}
        for item in ref.agenda:
            if item.kind not in linked:
                continue
            await page.get_by_role("button", name=f"Sửa: {item.title.vi}").click()
            edit = page.get_by_role("form", name=f"Sửa: {item.title.vi}")
            label = (
                "Đề nghị tham luận của mục này" if item.kind == "contribution" else "Nghị quyết biểu quyết ở mục này"
            )
            await edit.get_by_label(label).select_option(label=linked[item.kind])
            await edit.get_by_role("button", name="Lưu").click()
            row = page.locator(".agenda-editor li").filter(has_text=item.title.vi)
            await expect(row).to_contain_text(linked[item.kind])
        await checked(page, "whole-07-agenda-linked")

        # Scheduled: the invitations go out by email.
        await page.get_by_role("link", name="Tổng quan").click()
        await page.get_by_role("button", name="Lên lịch và gửi thư mời").click()
        await expect(page.locator("main p .badge").first).to_have_text("Đã lên lịch")
        await checked(page, "whole-08-overview-scheduled")
        await page.get_by_role("link", name="Đại biểu").click()
        await page.get_by_label("Thư mời").select_option("sent")
        await expect(page.get_by_text(f"Hiển thị 50 / {len(ref.people)} đại biểu")).to_be_visible()
        await page.get_by_label("Thư mời").select_option("")
        # the meetings list has it among the upcoming ones, and leads back to it
        await page.get_by_role("link", name="Ban tổ chức", exact=True).click()
        await expect(page.get_by_role("heading", level=1)).to_have_text("Hội nghị")
        await page.get_by_role("region", name="Sắp diễn ra").get_by_role("link", name=ref.title.vi).click()
        await expect(page.get_by_role("heading", level=1)).to_have_text(ref.title.vi)

        # In the room: the meeting starts; the chair is checked in, then 99 members ten at a time.
        await page.get_by_role("link", name="Tại hội trường").click()
        await page.get_by_role("button", name="Khai mạc").click()
        await expect(page.locator(".actions .badge")).to_have_text("Đang diễn ra")
        await expect(page.locator(".live")).to_have_class(re.compile(r"\bon\b"))
        desk = page.get_by_role("search", name="Bàn điểm danh")
        await desk.get_by_label("Tìm họ tên").fill(ref.chair.name)
        await desk.get_by_role("button", name=f"Điểm danh: {ref.chair.name}").click()
        await expect(page.locator(".desk [aria-live]")).to_have_text(f"{ref.chair.name} đã điểm danh.")
        eligible = len(ref.voters())
        await expect(page.locator(".big")).to_contain_text(f"1 / {eligible}")
        hits = desk.locator(".hits li")
        for group in DESK_GROUPS:
            await desk.get_by_label("Tìm họ tên").fill(group)
            expected = 9 if group.endswith("00") else 10  # there is no staff number 000
            await expect(hits).to_have_text([re.compile(re.escape(group))] * expected)
            for box in await hits.locator('input[type="checkbox"]').all():
                await box.check()
        await desk.get_by_role("button", name="Điểm danh những người đã chọn").click()
        await expect(page.locator(".desk [aria-live]")).to_have_text("Đã điểm danh 99 đại biểu.")
        await expect(page.locator(".big")).to_contain_text(f"100 / {eligible}")
        await checked(page, "whole-09-room")

        # The chair takes the meeting through its agenda: the opening, then on to the vote on the Resolution.
        await page.get_by_role("button", name="Mục tiếp theo").click()
        await expect(page.locator(".current-title")).to_have_text(f"1. {ref.agenda[0].title.vi}")
        vote_item = next(n for n, i in enumerate(ref.agenda, start=1) if i.kind == "vote")
        await page.get_by_label("Chuyển đến mục").select_option(
            label=f"{vote_item}. {ref.agenda[vote_item - 1].title.vi}"
        )
        await page.get_by_role("button", name="Chuyển", exact=True).click()
        await expect(page.locator(".current-title")).to_have_text(f"{vote_item}. {ref.agenda[vote_item - 1].title.vi}")

        # The vote opens; four members vote from their own browsers, through their invitation's link.
        poll = page.locator("[data-poll]")
        await poll.get_by_role("button", name="Mở biểu quyết").click()
        await expect(poll.locator(".badge")).to_have_text("Đang biểu quyết")
        members = {p.email: p for p in ref.people if p.role == "voting_member"}
        choices = {"002": "Tán thành", "003": "Tán thành", "004": "Tán thành", "005": "Không tán thành"}
        for number, choice in choices.items():
            voter = members[member(int(number))]
            voter_page = await enter(await browser.new_context(), await invitation_link(services, voter))
            await voter_page.locator("[data-poll] .option").first.wait_for()
            await voter_page.get_by_role("button", name=choice, exact=True).first.click()
            await expect(voter_page.locator("[data-poll] .cast").first).to_be_visible()
        await expect(poll.locator(".turnout")).to_contain_text("Đã bỏ phiếu: 4 /")
        await poll.get_by_role("button", name="Kết thúc biểu quyết").click()
        await poll.get_by_role("button", name="Bấm lần nữa để kết thúc").click()
        await expect(poll.locator(".outcome")).to_have_text("Thông qua")
        await expect(poll.locator('.tallies [data-option="yes"]')).to_contain_text("3 phiếu")
        await expect(poll.locator('.tallies [data-option="no"]')).to_contain_text("1 phiếu")
        await checked(page, "whole-10-room-after-vote")
        await page.get_by_role("link", name="Nghị quyết").click()
        await expect(page.locator("[data-resolution] h3 .badge")).to_have_text("Đã thông qua")

        # A directive followed up: the Metrology block's representative reports progress from their page.
        representative = ref.representative_of("DL")
        rep_page = await enter(await browser.new_context(), await invitation_link(services, representative))
        infrastructure = next(d for d in ref.directives if d.departments == ("DL", "TN"))
        item = rep_page.locator("#directives .directive").filter(has_text=infrastructure.title.vi)
        await expect(item).to_contain_text(infrastructure.description)
        await item.get_by_role("button", name="Cập nhật tiến độ").click()
        await item.locator('select[name="status"]').select_option("in_progress")
        await item.locator('textarea[name="note"]').fill("Đã lắp đặt thiết bị đo mới")
        await item.get_by_role("button", name="Lưu").click()
        await expect(item.locator("p.muted .badge")).to_have_text("Đang thực hiện")

        # The meeting ends at the second press; the results and the directive tracker show the vote and
        # the follow-up.
        await page.get_by_role("link", name="Tại hội trường").click()
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
        await expect(followed).to_contain_text(representative.name)
        await checked(page, "whole-11-results")

        # Next year's meeting from this one as a template: the agenda and the people come along, and
        # their invitations, not sent for a draft, go out at one press.
        await page.get_by_role("link", name="Tổng quan").click()
        copy = page.get_by_role("form", name="Nhân bản làm mẫu")
        await copy.get_by_label("Tên (tiếng Việt)").fill("Hội nghị tổng kết công tác năm 2022")
        await copy.get_by_label("Tên (tiếng Anh)").fill("2022 year-end review")
        await copy.get_by_label("Bắt đầu").fill((starts + dt.timedelta(days=364)).strftime(LOCAL))
        await copy.get_by_label("Kết thúc").fill((ends + dt.timedelta(days=364)).strftime(LOCAL))
        await copy.get_by_role("button", name="Nhân bản làm mẫu").click()
        await expect(page.get_by_role("heading", level=1)).to_have_text("Hội nghị tổng kết công tác năm 2022")
        await expect(page.locator("main p .badge").first).to_have_text("Bản nháp")
        await page.get_by_role("link", name="Chương trình").click()
        await expect(page.locator(".agenda-editor li")).to_have_count(len(ref.agenda))
        await page.get_by_role("link", name="Đại biểu").click()
        await expect(page.get_by_text(f"Hiển thị 50 / {len(ref.people)} đại biểu")).to_be_visible()
        await expect(page.locator("table.people tbody tr").first).to_contain_text("Chưa gửi")  # a draft sends nothing
        await page.get_by_role("button", name="Gửi thư mời chưa gửi").click()
        await expect(page.locator("#announce")).to_have_text(re.compile(r"^Đã gửi \d+ thư mời\.$"))
        await expect(page.locator("table.people tbody tr").first).to_contain_text("Đã gửi")

        # Access tokens for other systems: one made (shown once), listed, revoked.
        await page.get_by_role("link", name="Mã truy cập").click()
        await expect(page.get_by_role("heading", level=1)).to_have_text("Mã truy cập")
        await page.get_by_label("Tên (để nhận ra mã)").fill("Hệ thống văn phòng điện tử")
        await page.get_by_role("button", name="Tạo mã truy cập cho hệ thống khác").click()
        await expect(page.locator("code.token")).not_to_be_empty()
        made = page.locator("tbody tr").filter(has_text="Hệ thống văn phòng điện tử")
        await expect(made).to_contain_text("Chỉ đọc")
        await checked(page, "whole-12-tokens")
        await made.get_by_role("button", name="Thu hồi: Hệ thống văn phòng điện tử").click()
        await expect(made).to_have_count(0)

        # The same console in English, at the press of one button (the choice is remembered).
        await page.get_by_role("button", name="English").click()
        await expect(page.get_by_role("heading", level=1)).to_have_text("Access tokens")
        await page.get_by_role("link", name="Organiser console", exact=True).click()
        await expect(page.get_by_role("heading", level=1)).to_have_text("Meetings")
        await expect(page.get_by_role("region", name="Past")).to_contain_text(ref.title.en)
        await checked(page, "whole-13-meetings-en")
        await page.get_by_role("button", name="Tiếng Việt").click()

        # The door: the same desk on a phone, signed in with an API token.
        phone = await (await browser.new_context(viewport={"width": 390, "height": 844})).new_page()
        await phone.goto(f"{url['meeting']}/organiser")
        await phone.get_by_label("Mã truy cập (API token) của ban tổ chức").fill(token)
        await phone.get_by_role("button", name="Đăng nhập", exact=True).click()
        await expect(phone.get_by_role("heading", level=1)).to_have_text("Hội nghị")
        await phone.goto(f"{url['meeting']}/organiser/meetings/{mid}/room")
        await expect(phone.get_by_role("heading", level=1)).to_have_text(ref.title.vi)
        width = await phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the room page scrolls sideways on a phone ({width} px)"
        await checked(phone, "whole-14-room-phone")
        assert script_errors == []
    finally:
        for c in browser.contexts:
            await c.close()
