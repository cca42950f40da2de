"""The check-in desk in Chromium: the secretary picks a photo of a participant's personal QR code (the
PNG their invite page offers) and the desk checks them in; a code of another meeting is refused. This
Chromium has no BarcodeDetector, so the vendored decoder reads the code."""

from __future__ import annotations

from pathlib import Path

from playwright.async_api import Browser, expect

from servicekit.qr import qr_png
from tests.conftest import wait_for
from tests.web.axe import assert_accessible
from tests.web.conftest import Running, json_of


async def test_the_desk_checks_in_the_participant_whose_qr_code_it_reads(
    running: Running, browser: Browser, tmp_path: Path
) -> None:
    ref, loaded = running.ref, running.loaded
    mid = loaded.meeting_id
    secretary = next(p for p in ref.people if p.role == "secretary")
    member = next(p for p in ref.people if p.role == "voting_member" and p.language == "vi")
    await running.start_meeting()
    link = loaded.invites[member.email]  # type: ignore[index]
    code = link.rsplit("/", 1)[1]
    qr = await running.meeting.get(f"/join/{code}/qr.png")
    picture = tmp_path / "qr.png"
    picture.write_bytes(await qr.read())
    stranger = tmp_path / "stranger.png"
    other = await running.meeting.get(f"/join/{code}x/qr.png")
    assert other.status == 404  # no QR of a link that does not exist
    stranger.write_bytes(qr_png(f"{running.url['meeting']}/join/not-a-participant"))

    page = await browser.new_page()
    try:
        await running.enter(page, secretary.email)
        await expect(page.get_by_role("link", name="Bàn đón tiếp (quét mã QR)")).to_be_visible()
        await page.goto(f"{running.url['meeting']}/meetings/{mid}/desk")
        await expect(page.get_by_role("heading", level=1)).to_contain_text("Bàn đón tiếp")
        await assert_accessible(page)
        picker = page.get_by_label("Hoặc chọn ảnh chụp mã QR")
        await picker.set_input_files(str(picture))
        await expect(page.get_by_role("status")).to_have_text(f"Đã điểm danh: {member.name}")
        await expect(page.get_by_role("list", name="Đã điểm danh tại bàn")).to_contain_text(member.name)

        pid = loaded.participants[member.email]  # type: ignore[index]

        async def present() -> bool:
            attendance = await json_of(
                await running.meeting.get(f"/api/v1/meetings/{mid}/attendance", headers=running.organiser)
            )
            return pid in attendance["present"]

        await wait_for(present, what="the participant checked in")
        await picker.set_input_files(str(stranger))
        await expect(page.get_by_role("status")).to_have_text("Mã QR này không phải của đại biểu cuộc họp này.")
    finally:
        await page.close()


async def test_the_desk_is_for_the_secretary_and_the_chair(running: Running, browser: Browser) -> None:
    member = next(p for p in running.ref.people if p.role == "voting_member" and p.language == "vi")
    page = await browser.new_page()
    try:
        await running.enter(page, member.email)
        await expect(page.get_by_role("link", name="Bàn đón tiếp (quét mã QR)")).to_have_count(0)
        await page.goto(f"{running.url['meeting']}/meetings/{running.loaded.meeting_id}/desk")
        await expect(page.get_by_role("alert")).to_have_text("Chỉ thư ký và chủ trì mở bàn đón tiếp.")
    finally:
        await page.close()


async def test_a_participant_makes_their_private_calendar_link_from_their_page(
    running: Running, browser: Browser
) -> None:
    member = next(p for p in running.ref.people if p.role == "voting_member" and p.language == "vi")
    page = await browser.new_page()
    try:
        await running.enter(page, member.email)
        await page.get_by_role("button", name="Tạo đường dẫn lịch riêng").click()
        field = page.get_by_label("Đường dẫn lịch riêng (thêm vào ứng dụng lịch; không chia sẻ):")
        url = await field.input_value()
        assert url.startswith(f"{running.url['meeting']}/calendar/") and url.endswith(".ics")
        feed = await running.meeting.get("/" + url.split("/", 3)[3])
        assert feed.status == 200 and "BEGIN:VCALENDAR" in await feed.text()
        await expect(page.get_by_role("link", name="Tải tệp lịch (.ics)")).to_have_attribute("href", url)
    finally:
        await page.close()
