"""F3: the notifier SIGKILLed while webhooks and emails are in flight, one subscriber down for a while,
then the notifier stopped while a backlog builds and started behind it.

Invariants: every event reaches every subscriber at least once; a repeated delivery keeps its
`webhook-id` (the event's id); nothing is dropped; every invitation email is sent, once."""

from __future__ import annotations

import asyncio
import collections
import json
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

import aiohttp
import asyncpg
import pytest
from aiohttp import web

from devstack.infra import free_port
from schemas.subjects import MEETINGS
from tests.conftest import Inbox, wait_for
from tests.faults.conftest import size
from tests.faults.meeting import answer, import_voters, new_meeting
from tests.faults.stack import FaultStack, stream_events

pytestmark = [pytest.mark.faults, pytest.mark.timeout(600)]

PEOPLE = size(60, 400)
TYPES = ["meeting.*", "participant.*"]


@dataclass
class Subscriber:
    """A real local webhook endpoint: what arrived, by event id, with the webhook-id each time."""

    port: int = field(default_factory=free_port)
    hold_s: float = 0.0
    arrived: dict[str, list[str]] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    @asynccontextmanager
    async def up(self) -> AsyncIterator[None]:
        async def hook(request: web.Request) -> web.Response:
            body = json.loads(await request.read())
            if self.hold_s:
                await asyncio.sleep(self.hold_s)  # answers late: deliveries are in flight when the notifier dies
            self.arrived.setdefault(body["id"], []).append(request.headers["webhook-id"])
            return web.Response(text="ok")

        app = web.Application()
        app.router.add_post("/hook", hook)
        runner = web.AppRunner(app)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", self.port).start()
        try:
            yield
        finally:
            await runner.cleanup()


async def claimed(db: asyncpg.Connection[Any]) -> set[tuple[str, str]]:
    """Emails being sent at this moment."""
    rows = await db.fetch("select to_addr, subject from emails where status = 'sending'")
    return {(r["to_addr"], r["subject"]) for r in rows}


def invitations(inbox: Inbox, address: str) -> list[EmailMessage]:
    return [m for m in inbox.to(address) if str(m["Subject"]).startswith(("Thư mời", "Invitation"))]


async def test_the_notifier_killed_mid_delivery_and_restarted_behind_a_backlog_drops_nothing(
    fault_stack: Callable[..., AbstractAsyncContextManager[FaultStack]], smtp: tuple[Inbox, int]
) -> None:
    inbox = smtp[0]
    slow, late = Subscriber(hold_s=0.2), Subscriber()
    quick = {
        # a crashed process's claims come due again soon, and a subscriber that was down gets its retries soon
        "WEBHOOK_TIMEOUT_S": "2",
        "WEBHOOK_LEASE_MARGIN_S": "1",
        # retries every few seconds for a few minutes: the down subscriber comes back well within them
        "WEBHOOK_RETRY_SCHEDULE_S": ",".join(["0.5", "1", "1", "2"] + ["3"] * 80),
        "SMTP_TIMEOUT_S": "2",
    }
    addresses = [f"{p}{i}@example.org" for p in "vw" for i in range(PEOPLE)]
    async with fault_stack(extra_env=quick) as stack, aiohttp.ClientSession() as session, slow.up():
        notifier = stack["notifier"]
        # A subscription gets the events handled after it exists (earlier ones by replay): both are the
        # organisation's before its meeting is created, or the meeting's first event could be handled
        # between the two and owed to one subscriber only (the miss once seen under load).
        org, organiser = await stack.organiser()
        for subscriber in (slow, late):
            await answer(
                await session.post(
                    f"{stack.url('notifier')}/api/v1/subscriptions",
                    json={"url": subscriber.url, "event_types": TYPES},
                    headers=organiser,
                ),
                201,
            )
        meeting = await new_meeting(stack, session, (org, organiser))
        await import_voters(stack, session, meeting, PEOPLE)
        base = f"{stack.url('meeting_svc')}/api/v1/meetings/{meeting.id}"
        await answer(await session.post(f"{base}/schedule", headers=meeting.organiser))  # invitations go out

        db = await stack.db("notifier")
        try:

            async def in_flight() -> bool:
                delivered = len(slow.arrived)
                delivering = await db.fetchval("select count(*) from deliveries where status = 'delivering'")
                return bool(delivered > 5 and delivering > 0)

            await wait_for(in_flight, timeout=60, what="webhooks in flight")
            await notifier.kill()
            # an email cut mid-send may have reached the server: sent again after its lease (at least once)
            cut = await claimed(db)
            notifier.start()
            await notifier.ready()

            async def late_failed_twice() -> bool:
                return bool(await db.fetchval("select count(*) from deliveries where attempts >= 2"))

            await wait_for(late_failed_twice, timeout=60, what="the down subscriber's deliveries failing")
            # a backlog builds while the notifier is stopped, and it starts behind it
            assert await notifier.terminate() == 0
            cut |= await claimed(db)
            await import_voters(stack, session, meeting, PEOPLE, prefix="w")  # invited as they are added
            notifier.start()
            async with late.up():
                await notifier.ready()
                expected = {
                    str(e.id)
                    for e in await stream_events(stack, MEETINGS)
                    if str(e.meeting_id) == meeting.id and e.event_type.split(".")[0] in ("meeting", "participant")
                }

                async def everyone_has_everything() -> bool:
                    return expected <= set(slow.arrived) and expected <= set(late.arrived)

                try:
                    await wait_for(everyone_has_everything, timeout=180, interval=0.2, what="every event at both")
                except AssertionError as exc:
                    states = await db.fetch("select status, count(*), max(attempts) from deliveries group by 1")
                    missing = sorted(expected - set(slow.arrived)) + sorted(expected - set(late.arrived))
                    known = await db.fetch(
                        "select e.event_id, e.event_type, count(d.id) as deliveries from events e"
                        " left join deliveries d on d.event_id = e.event_id"
                        " where e.event_id = any($1::uuid[]) group by 1, 2",
                        missing,
                    )
                    raise AssertionError(
                        f"{exc}; deliveries {[tuple(r) for r in states]}; missing {missing[:6]};"
                        f" in the notifier: {[tuple(r) for r in known]}"
                    ) from exc

                async def invitations_arrived() -> bool:
                    return all(invitations(inbox, a) for a in addresses)

                try:
                    await wait_for(invitations_arrived, timeout=120, interval=0.2, what="every invitation email")
                except AssertionError as exc:
                    states = await db.fetch(
                        "select status, kind, count(*), max(attempts), min(last_error) from emails group by 1, 2"
                    )
                    missing = [a for a in addresses if not invitations(inbox, a)]
                    raise AssertionError(f"{exc}; emails {[tuple(r) for r in states]}; missing {missing[:5]}") from exc
            stuck = await db.fetch("select status, last_error from deliveries where status <> 'delivered'")
        finally:
            await db.close()
        assert stuck == []
        repeated = 0
        for subscriber in (slow, late):
            for event_id, webhook_ids in subscriber.arrived.items():
                assert set(webhook_ids) == {event_id}  # a duplicate keeps its webhook-id
                repeated += len(webhook_ids) - 1
        print(f"F3: {len(expected)} events, {repeated} deliveries repeated, {len(inbox.messages)} emails")
        # every invitation once, but one cut mid-send (claimed when the notifier was killed or stopped)
        cut_to = {to for to, _ in cut}
        assert {a: n for a in addresses if (n := len(invitations(inbox, a))) != 1 and a not in cut_to} == {}
        sent = collections.Counter((str(m["To"]), str(m["Subject"])) for m in inbox.messages)
        assert {k for k, n in sent.items() if n > 1} <= cut  # no email of any kind went twice but one cut
