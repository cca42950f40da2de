"""A department's representative reads and revises the block's position report in the web client;
the service keeps every revision."""

from __future__ import annotations

import re

from playwright.async_api import Browser, expect

from tests.web.conftest import Running, json_of


async def test_a_representative_revises_the_blocks_position_report(running: Running, browser: Browser) -> None:
    ref, loaded = running.ref, running.loaded
    report = ref.reports[0]
    representative = ref.representative_of(report.block)
    revised_title = f"{report.title} (bản sửa)"
    page = await browser.new_page()
    try:
        await running.enter(page, representative.email)
        section = page.locator("#reports")
        await expect(section.get_by_role("heading", level=3)).to_have_text(ref.contribution_topic.vi)
        await expect(section.locator(".report h4")).to_have_text(report.title)
        await expect(section.locator(".badge")).to_have_text("Đã gửi")
        await expect(section.locator(".recommendations li")).to_have_count(len(report.recommendations))

        await section.get_by_role("button", name="Sửa báo cáo").click()
        await section.locator('input[name="title"]').fill(revised_title)
        await section.locator('textarea[name="recommendations"]').fill("Kiến nghị thứ nhất\n\nKiến nghị thứ hai\n")
        await section.get_by_role("button", name="Lưu bản sửa").click()
        await expect(section.locator(".report h4")).to_have_text(revised_title)
        await expect(section.locator(".badge")).to_have_text("Đã sửa")
        await expect(section.locator(".recommendations li")).to_have_text(["Kiến nghị thứ nhất", "Kiến nghị thứ hai"])
        await expect(section.locator(".report .muted")).to_have_text("Bản sửa lần 2")
    finally:
        await page.close()

    mid, block = loaded.meeting_id, loaded.departments[report.block]
    status = await json_of(
        await running.meeting.get(f"/api/v1/meetings/{mid}/contributions", headers=running.organiser)
    )
    (mine,) = [s for s in status["items"] if s["department_id"] == block]
    revisions = await json_of(
        await running.meeting.get(
            f"/api/v1/meetings/{mid}/contribution-requests/{mine['request_id']}/submissions/{mine['submission_id']}"
            "/revisions",
            headers=running.organiser,
        )
    )
    assert [r["title"] for r in revisions["items"]] == [report.title, revised_title]
    assert revisions["items"][0]["body"] == revisions["items"][1]["body"]  # untouched text kept as it was


async def test_every_participant_reads_the_departments_reports(running: Running, browser: Browser) -> None:
    ref = running.ref
    member = next(p for p in ref.people if p.role == "voting_member" and p.language == "vi")
    page = await browser.new_page()
    try:
        await running.enter(page, member.email)
        reports = page.locator("#position-reports .other-report")
        await expect(reports).to_have_count(len(ref.reports))
        first = reports.first
        await first.locator("summary").click()
        titles = re.compile("|".join(re.escape(r.title) for r in ref.reports))
        await expect(first.get_by_role("heading", level=3)).to_have_text(titles)
        await expect(first.locator(".report-body")).not_to_be_empty()
    finally:
        await page.close()
