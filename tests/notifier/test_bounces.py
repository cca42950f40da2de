"""Invitations that cannot be delivered: the notifier tells meeting_svc with `invitation.bounced` (its own
outbox), for a final refusal at once and for a temporary one once the retry schedule is spent."""

from __future__ import annotations

import uuid
from typing import Any

import asyncpg
from aiosmtpd.controller import Controller

from devstack.infra import free_port
from schemas import events as ev
from schemas.codec import new_event
from tests.conftest import EventTap, wait_for
from tests.notifier.conftest import RefusingServer, invitation_sent, meeting_created, organiser

WAIT_S = 30.0


async def test_an_invitation_refused_for_now_bounces_when_the_retries_are_spent(
    notifier: Any, signer: Any, publish: Any, tap: EventTap, env: dict[str, Any]
) -> None:
    """The mailbox is "busy" (450) at every try. The invitation is tried once and retried on the schedule,
    then told bounced; the request for a report to the same mailbox fails the same way, but only an
    invitation is meeting_svc's business."""
    address = "busy@example.org"
    server = RefusingServer({address: "450 4.2.1 Mailbox busy, try later"})
    port = free_port()
    controller = Controller(server, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        await notifier(smtp_port=port)  # two retries, 0.2 s apart
        meeting = await publish(meeting_created(organiser(signer).id))
        metrology = uuid.uuid4()
        invited = await publish(
            new_event(
                ev.ParticipantInvited,
                meeting_id=meeting.meeting_id,
                participant_id=uuid.uuid4(),
                name="Lê Cường",
                email=address,
                role="department_representative",
                department_id=metrology,
            )
        )
        sent = await publish(invitation_sent(env, invited, "https://meet.example.org/join/code"))
        await publish(
            new_event(
                ev.ContributionRequested,
                meeting_id=meeting.meeting_id,
                request_id=uuid.uuid4(),
                department_ids=[metrology],
                topic=ev.Bilingual(vi="Báo cáo tham luận khối Đo lường", en="Metrology block report"),
                deadline=meeting.starts_at,  # type: ignore[attr-defined]
            )
        )
        bounce = await tap.wait("invitation.bounced", timeout=WAIT_S, participant_id=invited.participant_id)
        assert isinstance(bounce, ev.InvitationBounced)
        assert bounce.meeting_id == meeting.meeting_id and bounce.invitation_id == sent.id
        assert bounce.reason == "450 4.2.1 Mailbox busy, try later"

        db = await asyncpg.connect(env["database_url"], server_settings={"search_path": "notifier"})
        try:

            async def both_failed() -> list[asyncpg.Record]:
                rows = await db.fetch("select kind, status, attempts from emails order by kind")
                return rows if len(rows) == 2 and all(r["status"] == "failed" for r in rows) else []

            rows = await wait_for(both_failed, timeout=WAIT_S, what="both emails given up")
            assert [(r["kind"], r["attempts"]) for r in rows] == [("contribution_requested", 3), ("invitation", 3)]
            # a bounce commits with its email's end: the outbox holds the invitation's and nothing else
            published = await db.fetch("select event_id from outbox")
            assert [r["event_id"] for r in published] == [bounce.id]
        finally:
            await db.close()
        assert not server.messages
    finally:
        controller.stop()
