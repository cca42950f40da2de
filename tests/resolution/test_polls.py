"""Resolutions, polls, ballots and directives through the HTTP API, and the events that follow."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest

from resolution_svc.openapi import OPENAPI
from schemas.events import Event
from servicekit.runtime import RUNTIME
from tests.conftest import EventTap, MovableClock, wait_for
from tests.resolution.conftest import Client, ok, poll, resolution, vote


async def test_resolution_adopted_issues_each_directive(client: Client, meeting: Any, tap: EventTap) -> None:
    m = await meeting()
    metrology, testing = uuid.uuid4(), uuid.uuid4()
    members = await m.add(4)
    [rep] = await m.add(1, role="department_representative", department=metrology)
    [other_rep] = await m.add(1, role="department_representative", department=testing)
    res = await resolution(m, [metrology, testing])
    await tap.wait("resolution.drafted", resolution_id=uuid.UUID(res["id"]))
    p = await poll(m, motion="resolution", resolution_id=res["id"], rules={"base": "cast", "threshold": "two_thirds"})
    opened = await tap.wait("poll.opened", poll_id=uuid.UUID(p["id"]))
    assert (opened.eligible_count, opened.eligible_weight) == (6, 6)  # type: ignore[attr-defined]
    hidden = await client.get(f"/api/v1/polls/{p['id']}/result", headers=m.organiser)
    assert hidden.status == 409  # results stay hidden until close
    receipts = {}
    for person, choice in zip([*members, rep, other_rep], ["yes", "yes", "yes", "no", "yes", "abstain"], strict=True):
        answer = await ok(await vote(m, p["id"], person, choice), 201)
        assert answer["choice"] == choice
        receipts[answer["receipt"]] = choice
    again = await vote(m, p["id"], members[0], "no")
    body = await again.json()
    assert (again.status, body["receipt"]) == (409, next(iter(receipts)))  # names the counted ballot
    locked = await client.patch(
        f"/api/v1/resolutions/{res['id']}", json={"text": {"vi": "Khác"}}, headers={**m.organiser, "If-Match": '"1"'}
    )
    assert locked.status == 409  # a resolution under vote cannot change
    await ok(await client.post(f"/api/v1/polls/{p['id']}/close", headers=m.organiser))

    closed = await tap.wait("poll.closed", poll_id=uuid.UUID(p["id"]))
    result = closed.result  # type: ignore[attr-defined]
    assert (result.outcome, result.base_weight, result.required_weight) == ("adopted", 6, "4")
    assert [(t.option, t.count) for t in result.tallies] == [("yes", 4), ("no", 1), ("abstain", 1)]
    adopted = await tap.wait("resolution.adopted", resolution_id=uuid.UUID(res["id"]))
    issued = await wait_for(lambda: _n(tap, "directive.issued", 2), what="two directive.issued")
    assert {d.directive.title.en for d in issued} == {"Exceed the 2021 plan", "Digitise management"}  # type: ignore[attr-defined]
    assert len(adopted.directives) == 2  # type: ignore[attr-defined]

    shown = await ok(await client.get(f"/api/v1/polls/{p['id']}/result", headers=members[0].auth))
    assert shown["result"]["outcome"] == "adopted"
    named = await ok(await client.get(f"/api/v1/polls/{p['id']}/ballots", headers=members[0].auth))
    assert {(b["voter_id"], b["choice"]) for b in named["items"]} >= {(str(rep.id), "yes")}
    listed = await ok(await client.get(f"/api/v1/polls/{p['id']}/receipts", headers=members[1].auth))
    assert {r["receipt"]: r["choice"] for r in listed["items"]} == receipts

    mine = await ok(await client.get(f"/api/v1/directives?department={metrology}", headers=m.organiser))
    [directive] = mine["items"]
    assert (directive["title"]["vi"], directive["status"]) == ("Hoàn thành vượt mức kế hoạch năm 2021", "not_started")
    url = f"/api/v1/directives/{directive['id']}"
    refused = await client.patch(url, json={"status": "done"}, headers=other_rep.auth)
    assert refused.status == 403
    refused = await client.patch(url, json={"status": "done"}, headers=members[0].auth)
    assert refused.status == 403
    moved = await ok(
        await client.patch(url, json={"status": "in_progress", "note": "Đã lập kế hoạch"}, headers=rep.auth)
    )
    assert moved["status"] == "in_progress"
    changed = await tap.wait("directive.status_changed", directive_id=uuid.UUID(directive["id"]))
    assert changed.note == "Đã lập kế hoạch"  # type: ignore[attr-defined]
    overdue = await wait_for(lambda: _n(tap, "directive.overdue", 2), what="the 2021 directives overdue")
    assert {e.directive_id for e in overdue} == {d.directive.id for d in issued}  # type: ignore[attr-defined]


async def _n(tap: EventTap, event_type: str, n: int) -> list[Event]:
    found = tap.of_type(event_type)
    return found if len(found) >= n else []


async def test_ballot_rejections(client: Client, meeting: Any, signer: Any) -> None:
    m = await meeting()
    [member] = await m.add(1)
    [observer] = await m.add(1, role="observer")
    draft = await poll(m, open_=False)
    early = await vote(m, draft["id"], member, "yes")
    assert (early.status, (await early.json())["current_status"]) == (409, "draft")
    p = await poll(m)
    unknown = await vote(m, p["id"], member, "maybe")
    assert (unknown.status, (await unknown.json())["field"]) == (422, "choice")
    assert (await vote(m, p["id"], observer, "yes")).status == 403
    other = await meeting()
    [stranger] = await other.add(1)
    assert (await vote(m, p["id"], stranger, "yes")).status == 404  # another meeting's poll
    forged = member.token[:-4] + ("AAAA" if not member.token.endswith("AAAA") else "BBBB")
    response = await client.post(
        f"/api/v1/polls/{p['id']}/ballots", json={"choice": "yes"}, headers={"Authorization": f"Bearer {forged}"}
    )
    assert response.status == 401
    await ok(await vote(m, p["id"], member, "yes"), 201)
    await ok(await client.post(f"/api/v1/polls/{p['id']}/close", headers=m.organiser))
    late = await vote(m, p["id"], member, "no")
    assert (late.status, (await late.json())["current_status"]) == (409, "closed")
    result = await ok(await client.get(f"/api/v1/polls/{p['id']}/result", headers=m.organiser))
    assert [t["count"] for t in result["result"]["tallies"]] == [1, 0, 0]


async def test_changeable_named_ballot_and_proxies(client: Client, meeting: Any, publish: Any) -> None:
    from schemas import events as ev
    from schemas.codec import new_event

    m = await meeting()
    principal, holder, member = await m.add(3)
    await publish(new_event(ev.ProxyGranted, meeting_id=m.id, principal_id=principal.id, holder_id=holder.id))
    db = client.app[RUNTIME].db()
    await wait_for(lambda: db.fetchval("select count(*) from proxies where holder_id = $1", holder.id), what="proxy")
    p = await poll(m, allow_change=True)

    async def carried(who: Any) -> list[tuple[str, int, bool]]:
        answer = await ok(await client.get(f"/api/v1/polls/{p['id']}/votes-carried", headers=who.auth))
        return [(v["voter_id"], v["weight"], v["cast"]) for v in answer["items"]]

    assert await carried(holder) == [(str(holder.id), 1, False), (str(principal.id), 1, False)]
    assert await carried(principal) == []  # handed on
    organiser_asks = await client.get(f"/api/v1/polls/{p['id']}/votes-carried", headers=m.organiser)
    assert organiser_asks.status == 403
    assert (await vote(m, p["id"], principal, "yes")).status == 403  # its vote is cast by the holder
    await ok(await vote(m, p["id"], holder, "no", principal_id=str(principal.id)), 201)
    assert await carried(holder) == [(str(holder.id), 1, False), (str(principal.id), 1, True)]
    await ok(await vote(m, p["id"], holder, "no"), 201)
    assert (await vote(m, p["id"], member, "yes", principal_id=str(principal.id))).status == 403
    changed = await ok(await vote(m, p["id"], member, "no"), 201)
    replaced = await ok(await vote(m, p["id"], member, "yes"))
    assert replaced["replaced"] is True and replaced["receipt"] != changed["receipt"]

    async def voted() -> bool:  # the turnout announced so far; a changed ballot is one voter
        shown = await ok(await client.get(f"/api/v1/polls/{p['id']}", headers=member.auth))
        return bool(shown["voted_count"] == 3)

    await wait_for(voted, what="the poll to show three voters")
    await ok(await client.post(f"/api/v1/polls/{p['id']}/close", headers=m.organiser))
    closed = await ok(await client.get(f"/api/v1/polls/{p['id']}", headers=member.auth))
    assert closed["voted_count"] is None  # the result has the counts now
    result = await ok(await client.get(f"/api/v1/polls/{p['id']}/result", headers=m.organiser))
    assert [(t["option"], t["count"]) for t in result["result"]["tallies"]] == [("yes", 1), ("no", 2), ("abstain", 0)]
    receipts = await ok(await client.get(f"/api/v1/polls/{p['id']}/receipts", headers=m.organiser))
    assert replaced["receipt"] in {r["receipt"] for r in receipts["items"]}
    assert changed["receipt"] not in {r["receipt"] for r in receipts["items"]}


@pytest.mark.lengthy
async def test_thousand_voters_twenty_ballots_each_count_once(client: Client, meeting: Any) -> None:
    m = await meeting()
    voters = await m.add(1000, present=False)
    p = await poll(m)
    gate = asyncio.Semaphore(200)

    async def send(person: Any, choice: str) -> int:
        async with gate:
            response = await vote(m, p["id"], person, choice)
            await response.read()
            return response.status

    statuses = await asyncio.gather(*(send(v, ("yes", "no")[i % 2]) for v in voters for i in range(20)))
    assert statuses.count(201) == 1000
    assert set(statuses) == {201, 409}
    await ok(await client.post(f"/api/v1/polls/{p['id']}/close", headers=m.organiser))
    result = await ok(await client.get(f"/api/v1/polls/{p['id']}/result", headers=m.organiser))
    assert sum(t["count"] for t in result["result"]["tallies"]) == 1000


async def test_close_racing_ballots_counts_exactly_the_acknowledged(client: Client, meeting: Any) -> None:
    m = await meeting()
    voters = await m.add(400, present=False)
    p = await poll(m)
    acknowledged: set[str] = set()
    gate = asyncio.Semaphore(50)

    async def send(person: Any) -> None:
        async with gate:
            response = await vote(m, p["id"], person, "yes")
            if response.status == 201:
                acknowledged.add((await response.json())["receipt"])
            else:
                assert response.status == 409

    async def close_soon() -> None:
        await wait_for(lambda: _count(acknowledged, 100), what="100 ballots in")
        await ok(await client.post(f"/api/v1/polls/{p['id']}/close", headers=m.organiser))

    await asyncio.gather(close_soon(), *(send(v) for v in voters))
    counted = await ok(await client.get(f"/api/v1/polls/{p['id']}/receipts", headers=m.organiser))
    assert {r["receipt"] for r in counted["items"]} == acknowledged
    assert 100 <= len(acknowledged) < 400


async def _count(items: set[str], n: int) -> bool:
    return len(items) >= n


async def test_racing_and_retried_closes_publish_once(client: Client, meeting: Any, tap: EventTap) -> None:
    m = await meeting()
    voters = await m.add(3)
    res = await resolution(m, [uuid.uuid4()])
    p = await poll(m, motion="resolution", resolution_id=res["id"])
    for v in voters:
        await ok(await vote(m, p["id"], v, "yes"), 201)
    answers = await asyncio.gather(
        *(client.post(f"/api/v1/polls/{p['id']}/close", headers=m.organiser) for _ in range(5))
    )
    assert [a.status for a in answers] == [200] * 5
    await tap.wait("directive.issued")
    db = client.app[RUNTIME].db()
    subjects = [r["subject"] for r in await db.fetch("select subject from outbox")]
    counts = {
        t: sum(s.endswith("." + t) for s in subjects) for t in ("poll.closed", "resolution.adopted", "directive.issued")
    }
    assert counts["poll.closed"] == 1 and counts["resolution.adopted"] == 1 and counts["directive.issued"] == 2


async def test_scheduled_poll_opens_and_closes_itself_and_turnout_is_coalesced(
    client: Client, meeting: Any, tap: EventTap, schedule_clock: MovableClock
) -> None:
    import datetime as dt

    m = await meeting()
    voters = await m.add(60, present=False)
    now = dt.datetime.now(dt.UTC)
    p = await poll(
        m,
        open_=False,
        opens_at=(now + dt.timedelta(seconds=0.3)).isoformat(),
        closes_at=(now + dt.timedelta(hours=1)).isoformat(),
    )
    await tap.wait("poll.opened", poll_id=uuid.UUID(p["id"]))
    # However long sixty ballots take on a busy machine, the poll stays open until its time comes:
    # the test brings that time by moving the schedule's clock, not by racing the wall clock.
    await asyncio.gather(*(vote(m, p["id"], v, "yes") for v in voters))

    async def full_turnout_shown() -> bool:
        return any(t.voted_count == 60 for t in tap.of_type("poll.turnout_changed"))  # type: ignore[attr-defined]

    await wait_for(full_turnout_shown, what="the live turnout reaches 60")
    schedule_clock.advance(dt.timedelta(hours=1))
    closed = await tap.wait("poll.closed", poll_id=uuid.UUID(p["id"]), timeout=15)
    assert closed.actor == "schedule"
    assert closed.result.tallies[0].count == 60  # type: ignore[attr-defined]
    turnout = tap.of_type("poll.turnout_changed")
    assert 1 <= len(turnout) < 60
    assert max(t.voted_count for t in turnout) == 60  # type: ignore[attr-defined]


async def test_amendment_accepted_by_the_chair(client: Client, meeting: Any, tap: EventTap) -> None:
    m = await meeting()
    [member] = await m.add(1)
    [observer] = await m.add(1, role="observer")
    [chair] = await m.add(1, role="chair")
    res = await resolution(m, [uuid.uuid4()])
    url = f"/api/v1/resolutions/{res['id']}/amendments"
    text = {"vi": "Bổ sung: kiểm soát rủi ro", "en": "Add: risk control"}
    assert (await client.post(url, json={"text": text}, headers=observer.auth)).status == 403
    amendment = await ok(await client.post(url, json={"text": text}, headers=member.auth), 201)
    assert (await client.post(f"/api/v1/amendments/{amendment['id']}/accept", headers=member.auth)).status == 403
    await ok(await client.post(f"/api/v1/amendments/{amendment['id']}/accept", headers=chair.auth))
    amended = await tap.wait("resolution.amended", amendment_id=uuid.UUID(amendment["id"]))
    assert (amended.version, amended.text.en) == (2, "Add: risk control")  # type: ignore[attr-defined]


def test_openapi_document_is_current() -> None:
    assert OPENAPI.path.read_text(encoding="utf-8") == OPENAPI.render(), "run `python -m resolution_svc.openapi`"
