"""The read model of meetings, participants, attendance and proxies, kept from meeting_svc's events inside
the consumer's transaction. Events of one meeting may arrive late or twice: every row remembers when the
fact it holds happened, and an older fact never overwrites a newer one."""

from __future__ import annotations

import asyncpg

from schemas import events as ev
from schemas.bus import PoisonEvent
from schemas.events import Event

STATUS_OF = {ev.MeetingStarted: "in_progress", ev.MeetingEnded: "ended", ev.MeetingCancelled: "cancelled"}


async def apply_meeting_event(conn: asyncpg.Connection, event: Event) -> None:
    if event.schema_version > ev.SCHEMA_VERSION:
        raise PoisonEvent(f"schema_version {event.schema_version} is newer than this service understands")
    at = event.occurred_at
    match event:
        case ev.MeetingFacts():
            await conn.execute(
                "insert into meetings (id, organisation_id, timezone, starts_at, ends_at, facts_at, status, status_at)"
                " values ($1, $2, $3, $4, $5, $6, $7, $6) on conflict (id) do update set"
                " organisation_id = excluded.organisation_id, timezone = excluded.timezone,"
                " starts_at = excluded.starts_at, ends_at = excluded.ends_at, facts_at = excluded.facts_at"
                " where meetings.facts_at is null or meetings.facts_at < excluded.facts_at",
                event.meeting_id,
                event.organisation_id,
                event.timezone,
                event.starts_at,
                event.ends_at,
                at,
                event.status,
            )
            await set_status(conn, event.meeting_id, event.status, at)
        case ev.MeetingStarted() | ev.MeetingEnded() | ev.MeetingCancelled():
            await set_status(conn, event.meeting_id, STATUS_OF[type(event)], at)
        case ev.ParticipantFacts():
            if event.weight < 0:
                raise PoisonEvent(f"participant {event.participant_id} has a negative weight")
            await conn.execute(
                "insert into participants (id, meeting_id, role, weight, department_id, facts_at)"
                " values ($1, $2, $3, $4, $5, $6) on conflict (id) do update set role = excluded.role,"
                " weight = excluded.weight, department_id = excluded.department_id, facts_at = excluded.facts_at"
                " where participants.facts_at is null or participants.facts_at < excluded.facts_at",
                event.participant_id,
                event.meeting_id,
                event.role,
                event.weight,
                event.department_id,
                at,
            )
        case ev.ParticipantRemoved():
            # removal is final: no later-arriving older fact brings a participant back
            await conn.execute(
                "insert into participants (id, meeting_id, removed) values ($1, $2, true)"
                " on conflict (id) do update set removed = true",
                event.participant_id,
                event.meeting_id,
            )
        case ev.CheckedIn() | ev.CheckedOut():
            await conn.execute(
                "insert into participants (id, meeting_id, present, presence_at) values ($1, $2, $3, $4)"
                " on conflict (id) do update set present = excluded.present, presence_at = excluded.presence_at"
                " where participants.presence_at is null or participants.presence_at < excluded.presence_at",
                event.participant_id,
                event.meeting_id,
                isinstance(event, ev.CheckedIn),
                at,
            )
        case ev.ProxyGranted() | ev.ProxyRevoked():
            if event.principal_id == event.holder_id:
                raise PoisonEvent("a participant cannot hold its own proxy")
            granted = isinstance(event, ev.ProxyGranted)
            await conn.execute(
                "insert into proxies (principal_id, holder_id, meeting_id, changed_at) values ($1, $2, $3, $4)"
                " on conflict (principal_id) do update set holder_id = excluded.holder_id,"
                " changed_at = excluded.changed_at where proxies.changed_at < excluded.changed_at",
                event.principal_id,
                event.holder_id if granted else None,
                event.meeting_id,
                at,
            )
        case _:
            return  # agenda, RSVP and contributions do not concern voting


async def set_status(conn: asyncpg.Connection, meeting_id: object, status: str, at: object) -> None:
    await conn.execute(
        "insert into meetings (id, status, status_at) values ($1, $2, $3) on conflict (id) do update set"
        " status = excluded.status, status_at = excluded.status_at"
        " where meetings.status_at is null or meetings.status_at < excluded.status_at",
        meeting_id,
        status,
        at,
    )
