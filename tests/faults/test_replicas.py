"""Two processes of each service against one database and one NATS: consumers share the work and each
event is handled once per service; the outbox relay fails over when its leader is SIGKILLed (the time
it takes is printed, for docs/operations.md); SSE clients on either notifier replica see every live
event; an Idempotency-Key and the sign-in lockout (the only rate limit: it is kept in the database)
hold across replicas."""

from __future__ import annotations

import asyncio
import collections
import re
import time
import uuid
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager

import aiohttp
import pytest

from meeting_svc.__main__ import create_organiser
from meeting_svc.accounts.rules import ACCOUNT_FREE_FAILURES, origin_of
from meeting_svc.settings import Settings as MeetingSettings
from tests.conftest import Inbox, wait_for
from tests.faults.conftest import size
from tests.faults.meeting import answer, import_voters, new_meeting
from tests.faults.meeting import start as start_meeting
from tests.faults.stack import FaultStack, Service

pytestmark = [pytest.mark.faults, pytest.mark.timeout(600)]

PEOPLE = size(100, 1000)


async def metric(session: aiohttp.ClientSession, service: Service, name: str, labels: str = "") -> float:
    async with session.get(f"{service.url}/metrics") as response:
        text = await response.text()
    pattern = (
        rf"^{re.escape(name)}{re.escape(labels)}\s+(\S+)$" if labels else rf"^{re.escape(name)}(?:{{\}})?\s+(\S+)$"
    )
    found = re.findall(pattern, text, re.M)
    return float(found[0]) if found else 0.0


async def handled_total(session: aiohttp.ClientSession, service: Service) -> float:
    """Events this process handled, over all its consumers."""
    async with session.get(f"{service.url}/metrics") as response:
        text = await response.text()
    return sum(float(v) for v in re.findall(r"^events_handled_total\{[^}]*\}\s+(\S+)$", text, re.M))


async def test_replicas_share_consumers_handle_each_event_once_and_the_relay_fails_over(
    fault_stack: Callable[..., AbstractAsyncContextManager[FaultStack]], smtp: tuple[Inbox, int]
) -> None:
    inbox = smtp[0]
    async with fault_stack(replicas=2) as stack, aiohttp.ClientSession() as session:
        meeting = await new_meeting(stack, session)
        await import_voters(stack, session, meeting, PEOPLE)
        await answer(
            await session.post(
                f"{stack.url('meeting_svc')}/api/v1/meetings/{meeting.id}/schedule", headers=meeting.organiser
            )
        )

        async def invited() -> bool:
            return len({str(m["To"]) for m in inbox.messages if str(m["Subject"]).startswith("Thư mời")}) == PEOPLE

        try:
            await wait_for(invited, timeout=120 + PEOPLE * 0.2, interval=0.2, what="every invitation")
        except AssertionError as exc:
            db = await stack.db("notifier")
            states = await db.fetch("select status, kind, count(*), min(last_error) from emails group by 1, 2")
            await db.close()
            raise AssertionError(f"{exc}; emails {[tuple(r) for r in states]}") from exc
        db = await stack.db("notifier")
        try:
            handled = await db.fetchval("select count(*) from processed_events")
        finally:
            await db.close()
        counted = [await handled_total(session, s) for s in stack.services["notifier"]]
        print(f"replicas: notifier events handled per replica {counted} (processed_events {handled})")
        assert sum(counted) == handled  # each event handled by one replica, once
        invitations = collections.Counter(
            str(m["To"]) for m in inbox.messages if str(m["Subject"]).startswith("Thư mời")
        )
        assert [a for a, n in invitations.items() if n > 1] == []

        # the relay: one leader; killed, the other takes over and publishes what is committed after
        leaders = [await metric(session, s, "outbox_relay_leader") for s in stack.services["meeting_svc"]]
        assert sorted(leaders) == [0.0, 1.0]
        leader = stack.services["meeting_svc"][leaders.index(1.0)]
        other = stack.services["meeting_svc"][leaders.index(0.0)]
        killed_at = time.perf_counter()
        await leader.kill()

        async def took_over() -> bool:
            return await metric(session, other, "outbox_relay_leader") == 1.0

        await wait_for(took_over, timeout=60, interval=0.02, what="the other replica leading the relay")
        failover_s = time.perf_counter() - killed_at
        await answer(await session.post(f"{other.url}/api/v1/meetings/{meeting.id}/start", headers=meeting.organiser))
        mdb = await stack.db("meeting")
        try:

            async def published() -> bool:
                return not await mdb.fetchval("select count(*) from outbox where sent_at is null")

            await wait_for(published, timeout=60, what="the outbox published by the new leader")
        finally:
            await mdb.close()
        print(f"replicas: the relay failed over {failover_s * 1000:.0f} ms after its leader was SIGKILLed")
        leader.start()
        await leader.ready()


async def test_sse_clients_on_either_notifier_replica_see_every_live_event(
    fault_stack: Callable[..., AbstractAsyncContextManager[FaultStack]],
) -> None:
    async with fault_stack(replicas=2) as stack, aiohttp.ClientSession() as session:
        meeting = await new_meeting(stack, session)
        await import_voters(stack, session, meeting, size(30, 300))
        await start_meeting(stack, session, meeting)
        db = await stack.db("notifier")
        try:

            async def known() -> bool:
                return bool(
                    await db.fetchval("select count(*) from meetings where meeting_id = $1", uuid.UUID(meeting.id))
                )

            await wait_for(known, timeout=60, what="the meeting in the notifier")
            seen: list[list[int]] = [[], []]

            async def listen(replica: int) -> None:
                url = f"{stack.url('notifier', replica)}/api/v1/meetings/{meeting.id}/stream"
                async with session.get(url, headers=meeting.organiser, timeout=aiohttp.ClientTimeout(total=None)) as r:
                    assert r.status == 200
                    async for line in r.content:
                        if line.startswith(b"id: "):
                            seen[replica].append(int(line[4:]))

            listeners = [asyncio.create_task(listen(r)) for r in (0, 1)]
            base = f"{stack.url('meeting_svc')}/api/v1/meetings/{meeting.id}/participants"
            first = await db.fetchval(
                "select coalesce(max(live_seq), 0) from events where meeting_id = $1", uuid.UUID(meeting.id)
            )
            gate = asyncio.Semaphore(8)

            async def check_in(pid: uuid.UUID) -> None:
                async with gate:
                    await answer(await session.post(f"{base}/{pid}/check-in", headers=meeting.organiser))

            await asyncio.gather(*(check_in(p) for p in meeting.voters))
            expected_count = len(meeting.voters)

            async def both_saw_everything() -> bool:
                live = await db.fetch(
                    "select live_seq from events where meeting_id = $1 and live_seq > $2 order by 1",
                    uuid.UUID(meeting.id),
                    first,
                )
                wanted = [r["live_seq"] for r in live]
                return len(wanted) >= expected_count and all([s for s in got if s > first] == wanted for got in seen)

            await wait_for(both_saw_everything, timeout=120, interval=0.2, what="every live event on both replicas")
            for task in listeners:
                task.cancel()
            await asyncio.gather(*listeners, return_exceptions=True)
        finally:
            await db.close()


async def test_an_idempotency_key_holds_across_replicas(
    fault_stack: Callable[..., AbstractAsyncContextManager[FaultStack]],
) -> None:
    async with fault_stack(replicas=2) as stack, aiohttp.ClientSession() as session:
        meeting = await new_meeting(stack, session)
        body = {"name": "Trần Thị Bình", "role": "voting_member"}
        headers = {**meeting.organiser, "Idempotency-Key": "twin-1"}

        async def add(replica: int) -> tuple[int, str]:
            url = f"{stack.url('meeting_svc', replica)}/api/v1/meetings/{meeting.id}/participants"
            async with session.post(url, json=body, headers=headers) as response:
                return response.status, await response.text()

        answers = await asyncio.gather(*(add(r % 2) for r in range(10)))  # twins racing on both replicas
        created = {text for status, text in answers if status == 201}
        assert len(created) == 1, answers  # the same answer to every twin that got one
        assert {status for status, _ in answers} <= {201, 409}, answers
        listed = await answer(
            await session.get(
                f"{stack.url('meeting_svc', 1)}/api/v1/meetings/{meeting.id}/participants", headers=meeting.organiser
            )
        )
        assert len(listed["items"]) == 1

        # one after the other, alternating: the second replica replays the first one's answer
        replay = {**meeting.organiser, "Idempotency-Key": "twin-2"}
        urls = [f"{stack.url('meeting_svc', r)}/api/v1/meetings/{meeting.id}/participants" for r in (0, 1)]
        async with session.post(urls[0], json=body, headers=replay) as first:
            assert first.status == 201
            first_body = await first.json()
        for replica in (1, 0, 1):
            async with session.post(urls[replica], json=body, headers=replay) as again:
                assert again.status == 201
                assert again.headers.get("Idempotent-Replayed") == "true", dict(again.headers)
                assert await again.json() == first_body


async def test_the_sign_in_lockout_holds_across_replicas(
    fault_stack: Callable[..., AbstractAsyncContextManager[FaultStack]],
) -> None:
    async with fault_stack(replicas=2) as stack, aiohttp.ClientSession() as session:
        settings = MeetingSettings(
            database_url=stack.direct_database_urls["meeting_svc"],
            token_private_key=str(stack.directory / "key.pem"),
        )
        email, password = f"btc-{uuid.uuid4().hex[:8]}@example.org", "đúng-mật-khẩu-dài"
        await create_organiser(settings, f"Org {uuid.uuid4().hex[:6]}", "Ban tổ chức", email, password)
        origin = origin_of(settings.public_url)  # every replica is the same site

        async def sign_in(replica: int, guess: str) -> int:
            async with session.post(
                f"{stack.url('meeting_svc', replica)}/auth/sign-in",
                json={"email": email, "password": guess},
                headers={"Origin": origin},
            ) as response:
                session.cookie_jar.clear()
                return response.status

        # wrong guesses alternating between the replicas count as one account's failures
        wrong = [await sign_in(n % 2, "sai-mật-khẩu-dài") for n in range(ACCOUNT_FREE_FAILURES)]
        assert wrong == [401] * ACCOUNT_FREE_FAILURES
        # locked on both, even with the right password
        assert [await sign_in(r, password) for r in (0, 1, 0, 1)] == [429] * 4
