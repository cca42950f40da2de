"""The web client keeps a ballot's nonce with the ballot: when the answer to a ballot is lost after the service
counted it, the page asks again with the same nonce and shows the same receipt, counted once, and the receipt
check after close finds it."""

from __future__ import annotations

import uuid
from typing import Any

from playwright.async_api import Browser, Route, expect

from servicekit.runtime import RUNTIME
from tests.web.conftest import Running, json_of


async def test_a_ballot_whose_answer_is_lost_gets_its_receipt_again(running: Running, browser: Browser) -> None:
    resolution, organiser, ref = running.resolution, running.organiser, running.ref
    member = next(p for p in ref.people if p.role == "voting_member" and p.language == "vi")
    await running.start_meeting()
    poll = await running.resolution_poll(secret=True)
    await json_of(await resolution.post(f"/api/v1/polls/{poll['id']}/open", headers=organiser))

    counted: list[dict[str, Any]] = []

    async def lose_first_answer(route: Route) -> None:
        if counted or route.request.method != "POST":
            await route.continue_()
            return
        response = await route.fetch()  # the service counts the ballot and answers...
        counted.append(await response.json())
        await route.abort("connectionreset")  # ...but the answer never reaches the page

    page = await browser.new_page()
    try:
        await page.route(f"**/api/v1/polls/{poll['id']}/ballots", lose_first_answer)
        await running.enter(page, member.email)
        ballot = page.locator(f'[data-poll="{poll["id"]}"]')
        await ballot.get_by_role("button", name="Tán thành", exact=True).click()
        await expect(ballot.locator(".cast")).to_contain_text("Phiếu của Quý vị đã được ghi nhận")
        assert counted and counted[0]["receipt"]
        await expect(ballot.locator(".receipt")).to_have_text(counted[0]["receipt"])
        db = resolution.app[RUNTIME].db()
        assert await db.fetchval("select count(*) from participations where poll_id = $1", uuid.UUID(poll["id"])) == 1

        await json_of(await resolution.post(f"/api/v1/polls/{poll['id']}/close", headers=organiser))
        await expect(ballot.locator(".verified")).to_have_text(["Phiếu của Quý vị có trong kết quả, đúng như đã bỏ."])
        result = await json_of(await resolution.get(f"/api/v1/polls/{poll['id']}/result", headers=organiser))
        assert sum(t["count"] for t in result["result"]["tallies"]) == 1
    finally:
        for context in browser.contexts:
            await context.close()
