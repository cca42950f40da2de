"""Once the Resolution is adopted, a department's representative sees the directives that fall to
the department appear live, and reports progress on one from the web client."""

from __future__ import annotations

import re

from playwright.async_api import Browser, expect

from tests.web.conftest import Running, json_of


async def adopt_the_resolution(running: Running) -> None:
    """Start the meeting, and pass the Resolution with the chair's one vote (no quorum rule)."""
    organiser = running.organiser
    await running.start_meeting()
    poll = await running.resolution_poll()
    await json_of(await running.resolution.post(f"/api/v1/polls/{poll['id']}/open", headers=organiser))
    chair = {"Authorization": f"Bearer {await running.session(running.ref.chair.email)}"}
    await json_of(
        await running.resolution.post(f"/api/v1/polls/{poll['id']}/ballots", json={"choice": "yes"}, headers=chair), 201
    )
    closed = await json_of(await running.resolution.post(f"/api/v1/polls/{poll['id']}/close", headers=organiser))
    assert closed["status"] == "closed"


async def test_a_representative_reports_progress_on_a_directive(running: Running, browser: Browser) -> None:
    ref, loaded = running.ref, running.loaded
    block = "DL"
    representative = ref.representative_of(block)
    ours = [d for d in ref.directives if block in d.departments]
    page = await browser.new_page()
    try:
        await running.enter(page, representative.email)
        await expect(page.locator("#reports")).to_be_visible()
        await expect(page.locator("#directives")).to_have_count(0)  # nothing falls to anyone before adoption

        await adopt_the_resolution(running)
        directives = page.locator("#directives .directive")
        await expect(directives).to_have_count(len(ours))
        infrastructure = next(d for d in ours if d.departments == ("DL", "TN"))
        item = directives.filter(has_text=infrastructure.title.vi)
        status = item.locator("p.muted .badge")
        await expect(status).to_have_text("Chưa bắt đầu")
        await expect(item).to_contain_text(re.compile(r"Hạn hoàn thành: \d{2}/\d{2}/\d{4}"))

        await item.get_by_role("button", name="Cập nhật tiến độ").click()
        await item.locator('select[name="status"]').select_option("in_progress")
        await item.locator('textarea[name="note"]').fill("Đã lắp đặt thiết bị đo mới")
        await item.get_by_role("button", name="Lưu").click()
        await expect(status).to_have_text("Đang thực hiện")
        ours_note = item.locator(f'.progress [data-department="{loaded.departments[block]}"]')
        await expect(ours_note.locator(".note")).to_have_text("Đã lắp đặt thiết bị đo mới")
        await expect(ours_note).to_contain_text(representative.name)
    finally:
        await page.close()

    listed = await json_of(
        await running.resolution.get(
            "/api/v1/directives", params={"department": loaded.departments[block]}, headers=running.organiser
        )
    )
    (saved,) = [d for d in listed["items"] if d["title"]["vi"] == infrastructure.title.vi]
    assert (saved["status"], saved["note"], saved["version"]) == ("in_progress", "Đã lắp đặt thiết bị đo mới", 2)


async def test_a_shared_directive_shows_each_departments_note(running: Running, browser: Browser) -> None:
    ref, loaded = running.ref, running.loaded
    infrastructure = next(d for d in ref.directives if d.departments == ("DL", "TN"))
    ours, theirs = ref.representative_of("DL"), ref.representative_of("TN")
    await adopt_the_resolution(running)
    by_theirs = {"Authorization": f"Bearer {await running.session(theirs.email)}"}
    listed = await json_of(
        await running.resolution.get(
            "/api/v1/directives", params={"department": loaded.departments["TN"]}, headers=by_theirs
        )
    )
    (shared,) = [d for d in listed["items"] if d["title"]["vi"] == infrastructure.title.vi]
    await json_of(
        await running.resolution.patch(
            f"/api/v1/directives/{shared['id']}",
            json={"status": "in_progress", "note": "TN: đã khảo sát hiện trạng"},
            headers=by_theirs,
        )
    )
    page = await browser.new_page()
    try:
        await running.enter(page, ours.email)
        item = page.locator(f'[data-directive="{shared["id"]}"]')
        their_note = item.locator(f'.progress [data-department="{loaded.departments["TN"]}"]')
        await expect(their_note.locator(".note")).to_have_text("TN: đã khảo sát hiện trạng")
        await expect(their_note).to_contain_text(theirs.name)
        await item.get_by_role("button", name="Cập nhật tiến độ").click()
        await expect(item.locator('textarea[name="note"]')).to_have_value("")  # their note is not ours to edit
        await item.locator('textarea[name="note"]').fill("DL: đã lắp thiết bị")
        await item.get_by_role("button", name="Lưu").click()
        our_note = item.locator(f'.progress [data-department="{loaded.departments["DL"]}"]')
        await expect(our_note.locator(".note")).to_have_text("DL: đã lắp thiết bị")
        await expect(their_note.locator(".note")).to_have_text("TN: đã khảo sát hiện trạng")
    finally:
        await page.close()
