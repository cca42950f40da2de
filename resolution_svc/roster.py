"""The meeting's roster and attendance as meeting_svc's events tell it: meetings (status, window, time
zone), participants (role, weight, department, removal, session generation), presence (checked in or out),
proxies (who casts whose vote) and the organisation's departments. This service's read model, written only
by the meeting consumer (consumers.py) inside its transaction, and read here: a participant's standing, the
roster a poll fixes when it opens, and who of it is present when it closes (docs/consistency.md).

Events of one meeting may arrive late or twice: every row remembers the meeting_seq of the last event applied
to it (its version), an older event never overwrites a newer one, and a removal is final. Events without a
meeting_seq (published before it existed) fall back to comparing when the fact happened; a department, about
no meeting, carries its own count of changes instead."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from resolution_svc.voting import Roster
from schemas import events as ev
from schemas.bus.consumer import distinct_runs
from schemas.events import Event
from servicekit import pg

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


VOTING_ROLES_SQL = "('chair', 'voting_member', 'department_representative')"


# --- written from meeting_svc's events -------------------------------------------------------------------------


async def apply(conn: pg.Connection, event: Event) -> None:
    """One meeting event (already validated) into the rows it concerns; events that do not concern voting
    change nothing."""
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
            await set_meeting_status(conn, event.meeting_id, event.status, at, v)
        case ev.MeetingStarted() | ev.MeetingEnded() | ev.MeetingCancelled():
            await set_meeting_status(conn, event.meeting_id, STATUS_OF[type(event)], at, v)
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


async def set_meeting_status(conn: pg.Connection, meeting_id: Any, status: str, at: Any, version: int | None) -> None:
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


# --- read ---------------------------------------------------------------------------------------------------


async def meeting(conn: pg.Executor, meeting_id: uuid.UUID) -> pg.Row | None:
    """The meeting, once its facts arrived (a status alone does not make it known)."""
    return await conn.fetchrow(
        "select id, organisation_id, timezone, status from meetings where id = $1 and organisation_id is not null",
        meeting_id,
    )


async def standing(pool: pg.Pool, pid: uuid.UUID) -> dict[str, Any] | None:
    """A participant's current state as meeting_svc's events told it, with the meeting's current end; a
    mapping (servicekit.sessions.standing_of reads one), which a Record, iterating its values, is not."""
    row = await pool.fetchrow(
        "select p.meeting_id, p.role, p.department_id, p.removed, p.session_epoch as epoch,"
        " m.ends_at as meeting_ends_at, m.timezone as meeting_timezone"
        " from participants p left join meetings m on m.id = p.meeting_id"
        " where p.id = $1",
        pid,
    )
    return None if row is None else dict(row)


async def fix_for_poll(conn: pg.Connection, poll_id: uuid.UUID, meeting_id: uuid.UUID) -> tuple[int, int]:
    """Fix the poll's roster as the poll opens: who may vote, with what weight, and who casts for whom (a
    proxy holder who is itself eligible); its count and weight."""
    await conn.execute(
        "insert into roster (poll_id, voter_id, caster_id, weight)"
        " select $1, p.id, coalesce(h.id, p.id), p.weight from participants p"
        " left join proxies x on x.principal_id = p.id and x.holder_id is not null"
        " left join participants h on h.id = x.holder_id and h.meeting_id = p.meeting_id and not h.removed"
        f" and h.role in {VOTING_ROLES_SQL} and h.weight > 0"
        f" where p.meeting_id = $2 and not p.removed and p.role in {VOTING_ROLES_SQL} and p.weight > 0",
        poll_id,
        meeting_id,
    )
    row = await conn.fetchrow(
        "select count(*) as n, coalesce(sum(weight), 0) as w from roster where poll_id = $1", poll_id
    )
    assert row is not None  # an aggregate answers one row
    return row["n"], row["w"]


async def presence(conn: pg.Connection, poll_id: uuid.UUID) -> Roster:
    """The poll's roster as it closes: who may vote (count and weight) and how many of them are checked in
    now, which the quorum and the `present` base count (voting/tally.py)."""
    row = await conn.fetchrow(
        "select count(*) as eligible_count, coalesce(sum(r.weight), 0) as eligible_weight,"
        " count(*) filter (where p.present) as present_count,"
        " coalesce(sum(r.weight) filter (where p.present), 0) as present_weight"
        " from roster r left join participants p on p.id = r.voter_id where r.poll_id = $1",
        poll_id,
    )
    assert row is not None  # an aggregate answers one row
    return Roster(**dict(row))
