"""Emails per second from the notifier to an SMTP relay that takes 20 ms to accept each message (a relay
across a network, not on the same machine), with one SMTP connection and with the default four.

The notifier runs as a real process; 1,000 invitations are published straight to its NATS namespace
(as meeting_svc would) and counted when a real SMTP server (aiosmtpd) has accepted them.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
import uuid
from typing import Any

import nats
from aiosmtpd.controller import Controller

from bench.stack import Stack
from devstack.infra import free_port
from schemas import events as ev
from schemas.codec import encode, new_event
from schemas.events import Event
from schemas.subjects import Subjects
from servicekit.sealed import read_seal_key, seal

NEEDS_STACK = False
EMAILS = 1_000
RELAY_DELAY_S = 0.02
TIMEOUT_S = 120.0


class Relay:
    """Accepts each message after RELAY_DELAY_S; tells the benchmark's loop when all have arrived (the
    server runs in a thread with its own loop)."""

    def __init__(self) -> None:
        self.accepted = 0
        self.all_in = asyncio.Event()
        self.loop = asyncio.get_running_loop()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        await asyncio.sleep(RELAY_DELAY_S)
        self.accepted += 1
        if self.accepted == EMAILS:
            self.loop.call_soon_threadsafe(self.all_in.set)
        return "250 OK"


async def burst(connections: int) -> float:
    """Seconds from publishing the first invitation until the relay accepted the last email."""
    relay = Relay()
    port = free_port()
    controller = Controller(relay, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        env = {"SMTP_PORT": str(port), "SMTP_CONNECTIONS": str(connections)}
        async with Stack(("notifier",), env=env) as stack:
            nc = await nats.connect(stack.nats_url)
            js = nc.jetstream()
            subjects = Subjects(stack.namespace)

            async def publish(event: Event) -> None:
                await js.publish(subjects.for_event(event), encode(event), headers={"Nats-Msg-Id": str(event.id)})

            try:
                meeting = uuid.uuid4()
                starts = dt.datetime.now(dt.UTC) + dt.timedelta(days=7)
                started = time.perf_counter()
                await publish(
                    new_event(
                        ev.MeetingCreated,
                        meeting_id=meeting,
                        organisation_id=uuid.uuid4(),
                        title=ev.Bilingual(vi="Hội nghị", en="Conference"),
                        starts_at=starts,
                        ends_at=starts + dt.timedelta(hours=4),
                        timezone="Asia/Ho_Chi_Minh",
                        status="scheduled",
                    )
                )
                key = read_seal_key(stack.seal_public, "INVITE_SEAL_PUBLIC_KEY")
                for n in range(EMAILS):
                    person = uuid.uuid4()
                    await publish(
                        new_event(
                            ev.ParticipantInvited,
                            meeting_id=meeting,
                            participant_id=person,
                            name=f"Đại biểu {n}",
                            email=f"daibieu{n:04}@example.org",
                            role="voting_member",
                            language="vi",
                        )
                    )
                    await publish(
                        new_event(
                            ev.InvitationSent,
                            meeting_id=meeting,
                            participant_id=person,
                            sealed_link=seal(key, f"https://meet.example.org/join/code-{n}"),
                        )
                    )
                async with asyncio.timeout(TIMEOUT_S):
                    await relay.all_in.wait()
                return time.perf_counter() - started
            finally:
                await nc.close()
    finally:
        controller.stop()


async def run(_: None) -> dict[str, float | int]:
    one = await burst(1)
    default = await burst(4)
    return {
        "email.messages": EMAILS,
        "email.relay_delay_ms": RELAY_DELAY_S * 1000,
        "email.one_connection_per_s": round(EMAILS / one, 1),
        "email.four_connections_per_s": round(EMAILS / default, 1),
    }
