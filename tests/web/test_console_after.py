"""The console's "after" page in Chromium against the real services, once the reference conference has
adopted its Resolution: the exports are downloaded with the console's token (no plain link could carry
it) and hold the meeting's directives and ballots; a shared directive's notes history shows each
department's notes, newest first, with author and time. axe-core finds no serious violation."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import openpyxl
from playwright.async_api import Browser, Download, Page, expect

from tests.web.conftest import Running, json_of
from tests.web.console import checked
from tests.web.test_console_floor import signed_in
from tests.web.test_directives import adopt_the_resolution


async def saved(page: Page, button_name: str, folder: Path) -> tuple[str, bytes]:
    """Press a download button; the file the browser was handed, by its suggested name and bytes."""
    async with page.expect_download() as started:
        await page.get_by_role("button", name=button_name, exact=True).click()
    download: Download = await started.value
    path = folder / download.suggested_filename
    await download.save_as(path)
    return download.suggested_filename, path.read_bytes()


def cells_of_xlsx(data: bytes) -> list[list[Any]]:
    sheet = openpyxl.load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


async def report(running: Running, email: str, directive_id: str, note: str) -> None:
    who = {"Authorization": f"Bearer {await running.session(email)}"}
    await json_of(
        await running.resolution.patch(
            f"/api/v1/directives/{directive_id}", json={"status": "in_progress", "note": note}, headers=who
        )
    )


async def test_the_after_page_downloads_the_exports_and_shows_the_notes_history(
    browser: Browser, running: Running, tmp_path: Path
) -> None:
    ref, loaded = running.ref, running.loaded
    await adopt_the_resolution(running)
    listed = await json_of(
        await running.resolution.get(
            "/api/v1/directives", params={"meeting_id": loaded.meeting_id}, headers=running.organiser
        )
    )
    assert len(listed["items"]) == len(ref.directives)
    infrastructure = next(d for d in ref.directives if d.departments == ("DL", "TN"))
    (shared,) = [d for d in listed["items"] if d["title"]["vi"] == infrastructure.title.vi]
    ours, theirs = ref.representative_of("DL"), ref.representative_of("TN")
    # TN reports twice, DL once in between: the history keeps every note, the tracker each latest
    await report(running, theirs.email or "", shared["id"], "TN: đã khảo sát hiện trạng")
    await report(running, ours.email or "", shared["id"], "DL: đã lắp thiết bị")
    await report(running, theirs.email or "", shared["id"], "TN: đã lập dự toán")

    page = await signed_in(browser, running)
    try:
        await page.goto(f"{running.url['meeting']}/organiser/meetings/{loaded.meeting_id}/results")
        row = page.locator(f'[data-directive="{shared["id"]}"]')
        await expect(row.locator(".progress")).to_contain_text("TN: đã lập dự toán")
        await expect(row.locator(".progress")).not_to_contain_text("TN: đã khảo sát hiện trạng")

        # the notes history, on demand: per department, newest first, with who wrote it
        await row.get_by_text("Lịch sử ghi chú").click()
        history = row.locator("ul.history")
        tn = history.locator(f'[data-department="{loaded.departments["TN"]}"]')
        await expect(tn.locator("[data-progress] .note")).to_have_text(
            ["TN: đã lập dự toán", "TN: đã khảo sát hiện trạng"]
        )
        await expect(tn.locator("[data-progress]").first).to_contain_text(theirs.name)
        await expect(tn.locator("[data-progress]").first).to_contain_text("Đang thực hiện")
        dl = history.locator(f'[data-department="{loaded.departments["DL"]}"]')
        await expect(dl.locator("[data-progress] .note")).to_have_text(["DL: đã lắp thiết bị"])
        await expect(dl).to_contain_text(ours.name)
        # the department heard from last comes first
        await expect(history.locator("> li > strong")).to_have_text([re.compile(r"^TN · "), re.compile(r"^DL · ")])
        await checked(page, "30-results-history")

        # the exports: fetched with the token, saved under the name the API gives
        name, data = await saved(page, "Tải Nhiệm vụ của hội nghị: XLSX", tmp_path)
        assert name == "directives.xlsx"
        cells = {str(c) for r in cells_of_xlsx(data) for c in r if c is not None}
        assert {d.title.vi for d in ref.directives} <= cells
        await expect(page.locator(".download-status")).to_have_text("Đã tải tệp directives.xlsx.")
        name, data = await saved(page, "Tải Nhiệm vụ của hội nghị: CSV", tmp_path)
        assert name == "directives.csv"
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
        assert len(rows) == 1 + len(ref.directives)
        assert {d.title.vi for d in ref.directives} <= {c for r in rows for c in r}
        question = "Biểu quyết thông qua Nghị quyết"
        name, data = await saved(page, f"Tải Biểu quyết: {question} · Ai đã biểu quyết thế nào: CSV", tmp_path)
        assert name == "ballots.csv"
        ballots = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
        chair = [ref.chair.name, loaded.participants[ref.chair.email or ""], "yes"]
        assert [r[:3] for r in ballots[1:]] == [chair]  # the chair's vote, by name
        name, data = await saved(page, "Tải Điểm danh theo đơn vị: XLSX", tmp_path)
        assert name == "attendance.xlsx" and cells_of_xlsx(data)
        name, data = await saved(page, "Tải Biên bản · Bản dự thảo hiện tại: PDF", tmp_path)
        assert name == "minutes-draft-vi.pdf" and data.startswith(b"%PDF")
        await checked(page, "31-results-exports")

        # in English, the files' texts too
        await page.get_by_role("button", name="English").click()
        name, data = await saved(page, "Download The meeting's directives: CSV", tmp_path)
        english = {c for r in csv.reader(io.StringIO(data.decode("utf-8-sig"))) for c in r}
        assert {d.title.en for d in ref.directives} <= english
        await page.get_by_role("button", name="Tiếng Việt").click()
    finally:
        await page.context.close()


async def test_a_refused_download_is_said_in_words(browser: Browser, running: Running) -> None:
    """A machine's read token, revoked while its results page is open: the download is refused and the
    page says why in words, in the place where a download says how it went."""
    made = await json_of(
        await running.meeting.post(
            "/api/v1/api-tokens", json={"name": "Máy tổng hợp báo cáo", "scope": "read"}, headers=running.organiser
        ),
        201,
    )
    page = await (await browser.new_context()).new_page()
    downloads: list[Download] = []
    page.on("download", lambda download: downloads.append(download))
    try:
        await page.goto(f"{running.url['meeting']}/organiser")
        await page.get_by_label("Mã truy cập (API token) của ban tổ chức").fill(made["token"])
        await page.get_by_role("button", name="Đăng nhập", exact=True).click()
        await expect(page.get_by_role("heading", level=1)).to_have_text("Hội nghị")
        await page.goto(f"{running.url['meeting']}/organiser/meetings/{running.loaded.meeting_id}/results")
        button = page.get_by_role("button", name="Tải Điểm danh theo đơn vị: CSV", exact=True)
        await expect(button).to_be_visible()
        revoked = await running.meeting.delete(f"/api/v1/api-tokens/{made['id']}", headers=running.organiser)
        assert revoked.status == 204
        await button.click()
        status = page.locator(".download-status")
        await expect(status).to_have_text("Phiên đăng nhập đã hết. Xin đăng nhập lại.")
        await expect(status).to_have_class("download-status error")
        await expect(button).to_be_focused()
        assert downloads == []
        await checked(page, "36-results-download-refused")
    finally:
        await page.context.close()
