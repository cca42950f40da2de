"""A save that fails keeps what the representative typed and says why in their language: a body over
the limit (422) and a revision that another tab saved first (412)."""

from __future__ import annotations

from playwright.async_api import Browser, expect

from tests.web.conftest import Running, json_of


async def test_a_failed_save_keeps_the_text_and_explains_in_vietnamese(running: Running, browser: Browser) -> None:
    ref, loaded = running.ref, running.loaded
    report = ref.reports[0]
    representative = ref.representative_of(report.block)
    mid, block = loaded.meeting_id, loaded.departments[report.block]
    page = await browser.new_page()
    try:
        await running.enter(page, representative.email)
        section = page.locator("#reports")
        await section.get_by_role("button", name="Sửa báo cáo").click()
        await expect(section.locator('input[name="title"]')).to_be_focused()  # the form's first field

        # Too long: the service refuses it; the page keeps the text and names the field in Vietnamese.
        too_long = "Số liệu quý IV. " * 12_600
        await section.locator('textarea[name="body"]').fill(too_long)
        await section.get_by_role("button", name="Lưu bản sửa").click()
        alert = section.get_by_role("alert")
        await expect(alert).to_have_text("“Nội dung” dài quá mức cho phép.")
        await expect(section.locator('textarea[name="body"]')).to_have_value(too_long)

        # Another tab saves a revision first: this one's save is refused (412) and the text stays.
        status = await json_of(
            await running.meeting.get(f"/api/v1/meetings/{mid}/contributions", headers=running.organiser)
        )
        (ours,) = [s for s in status["items"] if s["department_id"] == block]
        path = f"/api/v1/meetings/{mid}/contribution-requests/{ours['request_id']}/submissions/{ours['submission_id']}"
        by_representative = {"Authorization": f"Bearer {await running.session(representative.email)}"}
        stored = await json_of(await running.meeting.get(path, headers=by_representative))
        other_tab = {"title": "Bản từ tab khác", "body": stored["current"]["body"], "recommendations": []}
        await json_of(
            await running.meeting.put(
                path, json=other_tab, headers={**by_representative, "If-Match": f'"{stored["revision"]}"'}
            )
        )
        mine = "Bản của tôi: số liệu đã đối chiếu."
        await section.locator('textarea[name="body"]').fill(mine)
        await section.get_by_role("button", name="Lưu bản sửa").click()
        await expect(alert).to_contain_text("vừa được thay đổi ở nơi khác")
        await expect(section.locator('textarea[name="body"]')).to_have_value(mine)
        await expect(section.locator(".report h4")).to_have_text("Bản từ tab khác")  # the version saved meanwhile

        # Saving again, now on the latest revision, goes through.
        await section.get_by_role("button", name="Lưu bản sửa").click()
        await expect(section.locator('textarea[name="body"]')).to_have_count(0)
        await expect(section.locator(".report .muted")).to_have_text("Bản sửa lần 3")
    finally:
        await page.close()
    saved = await json_of(await running.meeting.get(path, headers=running.organiser))
    assert saved["current"]["body"] == mine
