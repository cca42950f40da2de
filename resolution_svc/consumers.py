"""The read model of meetings, participants, attendance, proxies and the organisation's departments, kept
from meeting_svc's events inside the consumer's transaction (docs/consistency.md). Events of one meeting may
arrive late or twice: every row remembers the meeting_seq of the last event applied to it (its version), an
older event never overwrites a newer one, and a removal is final. Events without a meeting_seq (published
before it existed) fall back to comparing when the fact happened; a department, about no meeting, carries
its own count of changes instead. Each applied meeting event advances the meeting's position, which the
barrier of poll open and close waits for. Ending or cancelling a meeting closes its open polls."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from resolution_svc import db
from resolution_svc.motions import prepare_poll
from resolution_svc.views.polls import close_poll
from schemas import events as ev
from schemas import validation
from schemas.bus import NotYet, PoisonEvent, positions
from schemas.bus.consumer import Bulk, Handler, distinct_runs
from schemas.events import Event
from schemas.validation import event_problem
from servicekit import pg
from servicekit.runtime import Runtime

STATUS_OF = {ev.MeetingStarted: "in_progress", ev.MeetingEnded: "ended", ev.MeetingCancelled: "cancelled"}


def newer(column: str, at_column: str, v: str = "$v::bigint", at: str = "$at") -> str:
    """The SQL condition under which the incoming row (`v` version, `at` time) replaces the stored one."""
    return (
        f"(case when {v} is not null and {column} is not null then {column} < {v}"
        f" when {v} is not null then true else {at_column} is null or {at_column} < {at} end)"
    )


def sql(text: str, **names: int) -> str:
    for name, index in names.items():
        text = text.replace(f"${name}", f"${index}")
    return text


def meeting_event_handler(runtime: Runtime) -> Handler:
    async def handle(conn: pg.Connection, event: Event) -> None:
        await apply_meeting_event(conn, event)
        if isinstance(event, ev.MeetingEnded | ev.MeetingCancelled):
            await close_open_polls(runtime, conn, event)
        if isinstance(event, ev.MotionAdmitted):
            await prepare_poll(runtime, conn, event)
        if event.meeting_seq is not None:
            await positions.record(conn, event.meeting_id, event.meeting_seq)

    return handle


async def apply_participant_facts(conn: pg.Connection, events: Sequence[Event]) -> None:
    """A run of participant facts (a roster import) set-based, as `meeting_event_handler` would apply
    each in turn: the rows, then the meetings' positions."""
    facts = validation.participant_facts(events)
    await upsert_participants(conn, facts)
    await positions.record_events(conn, facts)


PARTICIPANT_FACTS = Bulk((ev.ParticipantFacts,), apply_participant_facts)


async def upsert_participants(conn: pg.Connection, facts: Sequence[ev.ParticipantFacts]) -> None:
    """One statement per run of distinct participants; an older fact never overwrites a newer one."""
    for run in distinct_runs(facts, lambda e: e.participant_id):
        await conn.execute(
            "insert into participants (id, meeting_id, role, weight, department_id, name, facts_at, version)"
            " select * from unnest($1::uuid[], $2::uuid[], $3::text[], $4::int[], $5::uuid[], $6::text[],"
            " $7::timestamptz[], $8::bigint[]) on conflict (id) do update set role = excluded.role,"
            " weight = excluded.weight, department_id = excluded.department_id, name = excluded.name,"
            " facts_at = excluded.facts_at, version = excluded.version"
            f" where {newer('participants.version', 'participants.facts_at', 'excluded.version', 'excluded.facts_at')}",
            [e.participant_id for e in run],
            [e.meeting_id for e in run],
            [e.role for e in run],
            [e.weight for e in run],
            [e.department_id for e in run],
            [e.name for e in run],
            [e.occurred_at for e in run],
            [e.meeting_seq for e in run],
        )


async def settle(conn: pg.Connection, event: Event) -> None:
    """A dead-lettered meeting event still counts as passed, or every later barrier would wait for it."""
    if event.meeting_seq is not None:
        await positions.record(conn, event.meeting_id, event.meeting_seq)


async def close_open_polls(runtime: Runtime, conn: pg.Connection, event: Event) -> None:
    """An ended or cancelled meeting takes no more ballots: its open polls close with what was cast, counted
    on everything meeting_svc acknowledged before the end (so the events before it must be in first)."""
    if event.meeting_seq is not None:
        through = await positions.position(conn, event.meeting_id)
        if through < event.meeting_seq - 1:
            raise NotYet(f"meeting events {through + 1}..{event.meeting_seq - 1} before its end")
    reason = "meeting_ended" if isinstance(event, ev.MeetingEnded) else "meeting_cancelled"
    for poll_id in await db.open_polls(conn, event.meeting_id):
        poll = await db.poll(conn, poll_id, lock=True)
        if poll is not None and poll["status"] == "open":
            await close_poll(runtime, conn, poll, None, position=event.meeting_seq, reason=reason)


async def apply_meeting_event(conn: pg.Connection, event: Event) -> None:
    problem = event_problem(event)
    if problem:
        raise PoisonEvent(problem)
    at, v = event.occurred_at, event.meeting_seq
    match event:
        case ev.MeetingFacts():
            await conn.execute(
                sql(
                    "insert into meetings (id, organisation_id, timezone, starts_at, ends_at, facts_at, facts_version,"
                    " status, status_at, status_version) values ($1, $2, $3, $4, $5, $at, $v, $6, $at, $v)"
                    " on conflict (id) do update set organisation_id = excluded.organisation_id,"
                    " timezone = excluded.timezone, starts_at = excluded.starts_at, ends_at = excluded.ends_at,"
                    " facts_at = excluded.facts_at, facts_version = excluded.facts_version"
                    f" where {newer('meetings.facts_version', 'meetings.facts_at')}",
                    at=7,
                    v=8,
                ),
                event.meeting_id,
                event.organisation_id,
                event.timezone,
                event.starts_at,
                event.ends_at,
                event.status,
                at,
                v,
            )
            await set_status(conn, event.meeting_id, event.status, at, v)
        case ev.MeetingStarted() | ev.MeetingEnded() | ev.MeetingCancelled():
            await set_status(conn, event.meeting_id, STATUS_OF[type(event)], at, v)
        case ev.ParticipantFacts():
            await upsert_participants(conn, [event])
        case ev.ParticipantRemoved():
            # Removal is final: nothing sets `removed` back, and no presence is applied after it. It leaves
            # the facts' version alone, so an older update arriving after it still lands as it would have in
            # order (the row then holds the participant's last facts, whatever the arrival order).
            await conn.execute(
                "insert into participants (id, meeting_id, removed, present) values ($1, $2, true, false)"
                " on conflict (id) do update set removed = true, present = false",
                event.participant_id,
                event.meeting_id,
            )
        case ev.ParticipantSessionsEnded():
            # generations only grow, so any order of arrival ends up at the newest
            await conn.execute(
                "insert into participants (id, meeting_id, session_epoch) values ($1, $2, $3)"
                " on conflict (id) do update set session_epoch = greatest(participants.session_epoch, $3)",
                event.participant_id,
                event.meeting_id,
                event.epoch,
            )
        case ev.CheckedIn() | ev.CheckedOut():
            await conn.execute(
                sql(
                    "insert into participants (id, meeting_id, present, presence_at, presence_version)"
                    " values ($1, $2, $3, $at, $v) on conflict (id) do update set present = excluded.present,"
                    " presence_at = excluded.presence_at, presence_version = excluded.presence_version"
                    " where not participants.removed"
                    f" and {newer('participants.presence_version', 'participants.presence_at')}",
                    at=4,
                    v=5,
                ),
                event.participant_id,
                event.meeting_id,
                isinstance(event, ev.CheckedIn),
                at,
                v,
            )
        case ev.ProxyGranted() | ev.ProxyRevoked():
            granted = isinstance(event, ev.ProxyGranted)
            await conn.execute(
                sql(
                    "insert into proxies (principal_id, holder_id, meeting_id, changed_at, version)"
                    " values ($1, $2, $3, $at, $v) on conflict (principal_id) do update set"
                    " holder_id = excluded.holder_id, changed_at = excluded.changed_at, version = excluded.version"
                    f" where {newer('proxies.version', 'proxies.changed_at')}",
                    at=4,
                    v=5,
                ),
                event.principal_id,
                event.holder_id if granted else None,
                event.meeting_id,
                at,
                v,
            )
        case ev.DepartmentFacts():
            # organisation-wide, so no meeting_seq: the department's own count of changes orders them
            await conn.execute(
                "insert into departments (id, organisation_id, code, name_vi, name_en, parent_id, version)"
                " values ($1, $2, $3, $4, $5, $6, $7) on conflict (id) do update set code = excluded.code,"
                " name_vi = excluded.name_vi, name_en = excluded.name_en, parent_id = excluded.parent_id,"
                " version = excluded.version"
                " where departments.version < excluded.version"
                " and departments.organisation_id = excluded.organisation_id",
                event.department_id,
                event.organisation_id,
                event.code,
                event.name.vi,
                event.name.en,
                event.parent_id,
                event.version,
            )
        case _:
            return  # agenda, RSVP and contributions do not concern voting


async def set_status(conn: pg.Connection, meeting_id: Any, status: str, at: Any, version: int | None) -> None:
    await conn.execute(
        sql(
            "insert into meetings (id, status, status_at, status_version) values ($1, $2, $at, $v)"
            " on conflict (id) do update set status = excluded.status, status_at = excluded.status_at,"
            " status_version = excluded.status_version"
            f" where {newer('meetings.status_version', 'meetings.status_at')}",
            at=3,
            v=4,
        ),
        meeting_id,
        status,
        at,
        version,
    )
