"""A graceful shutdown (SIGTERM) hands back the work the notifier had claimed, so a restart sends it at
once instead of when its lease runs out."""

from __future__ import annotations

import asyncio
from typing import Any

import asyncpg
from aiosmtpd.controller import Controller

from devstack.infra import free_port
from tests.conftest import Inbox, wait_for
from tests.notifier.conftest import meeting_created, organiser
from tests.notifier.test_webhooks import delivery_status, received, subscribe

# Leases far longer than any wait below: a delivery sent again within the test was handed back.
LONG_LEASE = {"webhook_timeout_s": 30.0, "webhook_lease_margin_s": 60.0, "smtp_timeout_s": 60.0}


async def test_webhook_attempts_in_flight_are_handed_back_at_shutdown(
    notifier: Any, signer: Any, publish: Any, endpoint: Any, database_url: str
) -> None:
    client = await notifier(**LONG_LEASE)
    org = organiser(signer)
    ep = await endpoint()
    ep.hold = asyncio.Event()  # the endpoint holds each request until the test lets it answer
    sub = await subscribe(client, org, ep.url, ["meeting.*"])
    event = await publish(meeting_created(org.id))
    await received(ep, 1)

    await client.close()  # the runtime's graceful shutdown, as on SIGTERM

    conn = await asyncpg.connect(database_url, server_settings={"search_path": "notifier"})
    try:
        row = await conn.fetchrow(
            "select status, claim_token, lease_until, next_attempt_at <= now() as due, attempts, last_error"
            " from deliveries where event_id = $1",
            event.id,
        )
        attempts = await conn.fetch(
            "select attempt, outcome, error from delivery_attempts where delivery_id ="
            " (select id from deliveries where event_id = $1)",
            event.id,
        )
    finally:
        await conn.close()
    assert row is not None
    assert (row["status"], row["claim_token"], row["lease_until"], row["due"]) == ("pending", None, None, True)
    assert row["last_error"].startswith("interrupted")
    assert [(a["attempt"], a["outcome"]) for a in attempts] == [(1, "interrupted")]

    ep.hold.set()
    client = await notifier(**LONG_LEASE)
    await received(ep, 2)  # at once after the restart, not a lease later
    [done] = await delivery_status(client, org, sub["id"], "delivered")
    assert [a["outcome"] for a in done["attempt_log"]] == ["interrupted", "delivered"]
    assert {h["webhook-id"] for h, _, _ in ep.received} == {str(event.id)}


class HeldServer(Inbox):
    """An SMTP server that keeps each message until the test lets it go."""

    def __init__(self) -> None:
        super().__init__()
        self.hold = asyncio.Event()
        self.arrived = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.arrived += 1
        await self.hold.wait()
        return await super().handle_DATA(server, session, envelope)


async def test_claimed_emails_not_yet_tried_are_handed_back_at_shutdown(notifier: Any, database_url: str) -> None:
    smtp = HeldServer()
    port = free_port()
    controller = Controller(smtp, hostname="127.0.0.1", port=port)
    controller.start()
    conn = await asyncpg.connect(database_url, server_settings={"search_path": "notifier"})
    try:
        # Queued before the mailer starts, so its first claim takes all three.
        for n in range(3):
            await conn.execute(
                """insert into emails (source, kind, to_addr, language, subject, text_body, html_body)
                   values ($1, 'invitation', $2, 'en', 'Invitation', 'Dear member', '<p>Dear member</p>')""",
                f"invite-{n}",
                f"member{n}@example.org",
            )
        client = await notifier(smtp_port=port, smtp_connections=1, **LONG_LEASE)

        async def one_on_the_wire() -> bool:
            return smtp.arrived == 1

        await wait_for(one_on_the_wire, what="one email on the wire")
        assert await conn.fetchval("select count(*) from emails where status = 'sending'") == 3
        await client.close()
        rows = await conn.fetch("select status, attempts, lease_until from emails order by id")
        # The email on the wire keeps its claim (the server may have taken it); the others are due now.
        assert [r["status"] for r in rows] == ["sending", "pending", "pending"]
        assert [(r["attempts"], r["lease_until"]) for r in rows[1:]] == [(0, None), (0, None)]
    finally:
        smtp.hold.set()
        await conn.close()
        controller.stop()
