"""Invitations: personal invite links, and sending them when the organiser decides.

A participant gets a personal link when added (the organiser's answer carries it), but nothing is
emailed while the meeting is a draft: invitations go out when the meeting is scheduled, when a
participant is added to a meeting already scheduled, or on the organiser's "send invitations"
(optionally a resend). The link never travels in clear: it is sealed to the notifier's key and only
that ciphertext is kept here and published; meeting_svc keeps the code itself as a hash only.
"""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from typing import Any

import msgspec
from aiohttp import web

from meeting_svc import credentials
from meeting_svc.access import SETTINGS, WINDOW, actor, organiser, pool, publish, visible_meeting
from meeting_svc.credentials import sealer
from meeting_svc.people import api, db
from schemas import events as ev
from schemas.codec import new_event
from servicekit import pg
from servicekit.http import Problem, json_response, read_json
from servicekit.sealed import Sealer
from servicekit.tokens import Claims


def invite_expiry(request: web.Request, meeting: Any) -> dt.datetime:
    return request.app[WINDOW].full_until(meeting["ends_at"], meeting["timezone"])


class NewInvite(msgspec.Struct, frozen=True):
    url: str  # for the organiser's answer only
    code_hash: bytes
    sealed: str | None  # the url sealed to the notifier's key


def new_invite(request: web.Request, sealing: Sealer | None) -> NewInvite:
    code = secrets.token_urlsafe(32)
    url = f"{request.app[SETTINGS].public_url.rstrip('/')}/join/{code}"
    return NewInvite(url, credentials.sha256(code), sealing.seal(url) if sealing else None)


def sends_at_once(meeting: Any) -> bool:
    """A participant added now is emailed at once unless the meeting is still being prepared."""
    return meeting["status"] in ("scheduled", "in_progress") and not meeting["record_only"]


async def release(
    request: web.Request,
    conn: pg.Connection,
    claims: Claims,
    meeting: Any,
    *,
    participant_ids: list[uuid.UUID] | None = None,
    resend: bool = False,
) -> list[uuid.UUID]:
    """Publish one `participant.invitation_sent` per participant to email (not yet sent, or all when
    resending); returns who. Participants without an email address are left `not_sent`."""
    rows = await db.invitations_due(conn, meeting["id"], participant_ids, resend)
    sealing = sealer(request) if any(r["sealed_link"] is None for r in rows) else None
    events = []
    for r in rows:
        sealed = r["sealed_link"]
        if sealed is None and sealing is not None:
            # Invited before links were kept sealed (or before the notifier's key was configured):
            # only the hash is left, so a fresh link is made; the old one stops working, as with a
            # reissue. Without a key the email carries no personal link and the link stays as it is.
            invite = new_invite(request, sealing)
            await db.set_invite(conn, r["id"], invite.code_hash, invite.sealed)
            sealed = invite.sealed
        events.append(
            new_event(
                ev.InvitationSent,
                meeting_id=meeting["id"],
                actor=actor(claims),
                participant_id=r["id"],
                sealed_link=sealed or "",
                resend=r["invitations_sent"] > 0,
            )
        )
    await db.mark_invitations_sent(conn, [(e.participant_id, e.id) for e in events])
    await publish(request, conn, *events)
    return [r["id"] for r in rows]


def status_body(row: Any) -> api.InvitationStatus:
    return api.InvitationStatus(
        participant_id=row["id"],
        name=row["name"],
        email=row["email"],
        status=row["invitation_status"],
        times_sent=row["invitations_sent"],
        last_sent_at=row["invitation_sent_at"],
        rsvp=row["rsvp"],
        opened_at=row["invite_opened_at"],
        link_active=row["link_active"],
        bounced_at=row["invitation_bounced_at"],
        bounce_reason=row["invitation_bounce_reason"],
    )


async def send_invitations(request: web.Request) -> web.Response:
    claims = await organiser(request)
    body = await read_json(request, api.InvitationSend) if request.can_read_body else api.InvitationSend()
    async with pool(request).acquire() as conn, conn.transaction():
        meeting = await visible_meeting(request, claims, lock_conn=conn)
        if meeting["record_only"]:
            raise Problem(409, "Recorded meeting", "nothing is sent for a meeting recorded after the fact")
        if meeting["status"] in ("ended", "cancelled"):
            raise Problem(
                409, "Meeting closed", f"the meeting is {meeting['status']}", current_status=meeting["status"]
            )
        if body.participant_ids is not None:
            known = {r["id"] for r in await db.participants(conn, meeting["id"])}
            unknown = [str(p) for p in body.participant_ids if p not in known]
            if unknown:
                raise Problem(
                    422,
                    "Unknown participant",
                    f"not participants of this meeting: {', '.join(unknown)}",
                    field="participant_ids",
                )
        sent = await release(request, conn, claims, meeting, participant_ids=body.participant_ids, resend=body.resend)
        rows = await db.participants(conn, meeting["id"])
    return json_response(api.InvitationList(sent=len(sent), items=[status_body(r) for r in rows]), 202)
