"""The room's SQL: the current item, lists of speakers, display links. Callers hold the meeting's row
lock (taken first, as every event of the meeting takes it to number itself), so changes to one meeting's
room happen one at a time, in the order they arrived."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import msgspec

from meeting_svc.credentials import sha256
from servicekit import pg

SPEAKER_COLUMNS = (
    "s.id, s.item_id, s.participant_id, p.name, s.department_id, s.kind, s.status, s.priority, s.position,"
    " s.requested_at, s.started_at, s.paused_at, s.paused_seconds, s.ended_at, s.allotted_seconds"
)
SPEAKERS_FROM = "speakers s join participants p on p.id = s.participant_id"
# waiting speakers first in queue order, then the current one, then who spoke, in the order they spoke
QUEUE_ORDER = (
    " order by case s.status when 'speaking' then 0 when 'paused' then 0 when 'waiting' then 1 else 2 end,"
    " case s.status when 'waiting' then s.priority else 0 end, case s.status when 'waiting' then s.position else 0 end,"
    " coalesce(s.started_at, s.ended_at), s.position"
)
LIST_COLUMNS = "item_id, meeting_id, closed, allow_repeat, speaking_seconds, department_budgets::text, version"


# --- the current item -----------------------------------------------------------------------------------


async def room_items(conn: pg.Executor, meeting_id: uuid.UUID) -> list[pg.Row]:
    return await conn.fetch(
        "select id, position, title_vi, title_en, kind, presenter, planned_minutes, started_at, ended_at"
        " from agenda_items where meeting_id = $1 order by position",
        meeting_id,
    )


async def room_meeting(conn: pg.Executor, meeting_id: uuid.UUID) -> pg.Row | None:
    return await conn.fetchrow(
        "select id, status, current_item_id, projector_mode, timezone from meetings where id = $1", meeting_id
    )


async def end_item(conn: pg.Connection, item_id: uuid.UUID, now: dt.datetime) -> pg.Row:
    row = await conn.fetchrow(
        "update agenda_items set ended_at = $2 where id = $1 returning id, started_at, ended_at", item_id, now
    )
    assert row is not None  # the meeting's current item, under the meeting's lock
    return row


async def start_item(conn: pg.Connection, meeting_id: uuid.UUID, item_id: uuid.UUID, now: dt.datetime) -> pg.Row:
    """Make the item current. Its first start is kept (the slot runs from it); a return to it reopens it."""
    await conn.execute("update meetings set current_item_id = $2 where id = $1", meeting_id, item_id)
    row = await conn.fetchrow(
        "update agenda_items set started_at = coalesce(started_at, $2), ended_at = null where id = $1"
        " returning id, started_at, planned_minutes",
        item_id,
        now,
    )
    assert row is not None  # an item of the meeting's agenda, under the meeting's lock
    return row


async def clear_current(conn: pg.Connection, meeting_id: uuid.UUID) -> None:
    await conn.execute("update meetings set current_item_id = null where id = $1", meeting_id)


async def set_projector(conn: pg.Connection, meeting_id: uuid.UUID, mode: str) -> None:
    await conn.execute("update meetings set projector_mode = $2 where id = $1", meeting_id, mode)


# --- lists of speakers ---------------------------------------------------------------------------------


async def speaker_list(conn: pg.Executor, item_id: uuid.UUID) -> dict[str, Any] | None:
    row = await conn.fetchrow(f"select {LIST_COLUMNS} from speaker_lists where item_id = $1", item_id)
    return None if row is None else list_values(row)


def list_values(row: pg.Row) -> dict[str, Any]:
    values = dict(row)
    values["department_budgets"] = msgspec.json.decode(values.pop("department_budgets"))
    return values


async def ensure_list(conn: pg.Connection, meeting_id: uuid.UUID, item_id: uuid.UUID) -> dict[str, Any]:
    row = await conn.fetchrow(
        "insert into speaker_lists (item_id, meeting_id) values ($1, $2) on conflict (item_id) do update"
        f" set version = speaker_lists.version returning {LIST_COLUMNS}",
        item_id,
        meeting_id,
    )
    assert row is not None  # an upsert returns the row, made or found
    return list_values(row)


async def update_list(conn: pg.Connection, item_id: uuid.UUID, v: dict[str, Any]) -> dict[str, Any]:
    row = await conn.fetchrow(
        "update speaker_lists set closed = $2, allow_repeat = $3, speaking_seconds = $4,"
        f" department_budgets = $5::jsonb, version = version + 1 where item_id = $1 returning {LIST_COLUMNS}",
        item_id,
        v["closed"],
        v["allow_repeat"],
        v["speaking_seconds"],
        msgspec.json.encode(v["department_budgets"]).decode(),
    )
    assert row is not None  # the caller ensured the list in this transaction
    return list_values(row)


async def speakers(conn: pg.Executor, item_id: uuid.UUID) -> list[pg.Row]:
    return await conn.fetch(f"select {SPEAKER_COLUMNS} from {SPEAKERS_FROM} where s.item_id = $1{QUEUE_ORDER}", item_id)


async def meeting_speakers(conn: pg.Executor, meeting_id: uuid.UUID) -> list[pg.Row]:
    """Who spoke under each item of the meeting, in agenda order and then the order they spoke."""
    return await conn.fetch(
        f"select {SPEAKER_COLUMNS} from {SPEAKERS_FROM} join agenda_items a on a.id = s.item_id"
        " where s.meeting_id = $1 and s.started_at is not null order by a.position, s.started_at, s.position",
        meeting_id,
    )


async def speaker(conn: pg.Connection, item_id: uuid.UUID, speaker_id: uuid.UUID) -> pg.Row | None:
    return await conn.fetchrow(
        f"select {SPEAKER_COLUMNS} from {SPEAKERS_FROM} where s.item_id = $1 and s.id = $2", item_id, speaker_id
    )


async def current_speaker(conn: pg.Connection, item_id: uuid.UUID) -> pg.Row | None:
    return await conn.fetchrow(
        f"select {SPEAKER_COLUMNS} from {SPEAKERS_FROM} where s.item_id = $1 and s.status in ('speaking', 'paused')",
        item_id,
    )


async def next_waiting(conn: pg.Connection, item_id: uuid.UUID) -> pg.Row | None:
    return await conn.fetchrow(
        f"select {SPEAKER_COLUMNS} from {SPEAKERS_FROM} where s.item_id = $1 and s.status = 'waiting'"
        " order by s.priority, s.position limit 1",
        item_id,
    )


async def is_waiting(conn: pg.Connection, item_id: uuid.UUID, participant_id: uuid.UUID) -> bool:
    return bool(
        await conn.fetchval(
            "select exists (select 1 from speakers where item_id = $1 and participant_id = $2 and status = 'waiting')",
            item_id,
            participant_id,
        )
    )


async def add_speaker(
    conn: pg.Connection,
    meeting_id: uuid.UUID,
    item_id: uuid.UUID,
    participant: pg.Row,
    kind: str,
    priority: int,
    repeat: bool,
    now: dt.datetime,
    added_by: str,
) -> pg.Row | None:
    """Append to the list (its row locked: positions follow arrival). None when the person already waits
    and the list does not allow it (the unique index decides, not a prior read)."""
    position = await conn.fetchval(
        "update speaker_lists set next_position = next_position + 1, version = version + 1 where item_id = $1"
        " returning next_position - 1",
        item_id,
    )
    speaker_id = uuid.uuid4()
    inserted = await conn.fetchval(
        "insert into speakers (id, item_id, meeting_id, participant_id, department_id, kind, priority, position,"
        " repeat, requested_at, added_by) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
        " on conflict (item_id, participant_id) where status = 'waiting' and not repeat do nothing returning id",
        speaker_id,
        item_id,
        meeting_id,
        participant["id"],
        participant["department_id"],
        kind,
        priority,
        position,
        repeat,
        now,
        added_by,
    )
    return None if inserted is None else await speaker(conn, item_id, speaker_id)


async def set_speaker(conn: pg.Connection, speaker_id: uuid.UUID, **values: Any) -> None:
    names = list(values)
    sets = ", ".join(f"{k} = ${i}" for i, k in enumerate(names, start=2))
    await conn.execute(f"update speakers set {sets} where id = $1", speaker_id, *(values[k] for k in names))


async def reorder_speakers(conn: pg.Connection, item_id: uuid.UUID, order: list[uuid.UUID], priority: int) -> None:
    base = await conn.fetchval(
        "update speaker_lists set next_position = next_position + $2, version = version + 1 where item_id = $1"
        " returning next_position - $2",
        item_id,
        len(order),
    )
    await conn.execute(
        "update speakers s set position = $3 + o.n - 1, priority = $4"
        " from unnest($2::uuid[]) with ordinality as o(id, n) where s.item_id = $1 and s.id = o.id",
        item_id,
        order,
        base,
        priority,
    )


# --- display links -------------------------------------------------------------------------------------


async def add_display(
    conn: pg.Connection,
    meeting_id: uuid.UUID,
    code: str,
    label: str,
    created_by: str,
    issuer: tuple[uuid.UUID, int] | None = None,
) -> pg.Row:
    """`issuer`: the participant whose session made it and that session's generation (None: an organiser)."""
    row = await conn.fetchrow(
        "insert into display_links (id, meeting_id, code_sha256, label, created_by, participant_id, session_epoch)"
        " values ($1, $2, $3, $4, $5, $6, $7) returning id, meeting_id, label, created_at, revoked_at",
        uuid.uuid4(),
        meeting_id,
        sha256(code),
        label,
        created_by,
        issuer[0] if issuer else None,
        issuer[1] if issuer else None,
    )
    assert row is not None  # an insert returns the row it made
    return row


async def displays(conn: pg.Executor, meeting_id: uuid.UUID) -> list[pg.Row]:
    return await conn.fetch(
        "select id, meeting_id, label, created_at, revoked_at from display_links where meeting_id = $1"
        " order by created_at",
        meeting_id,
    )


async def revoke_display(conn: pg.Connection, meeting_id: uuid.UUID, display_id: uuid.UUID) -> bool:
    done = await conn.execute(
        "update display_links set revoked_at = coalesce(revoked_at, now()) where meeting_id = $1 and id = $2",
        meeting_id,
        display_id,
    )
    return done.endswith(" 1")


async def display_meeting(pool: pg.Pool, code: str) -> uuid.UUID | None:
    """The meeting of a display link not revoked, whose maker (a participant's session) still stands: on the
    roster, under the same generation of their invite (revoking or reissuing it ends what it issued)."""
    return await pool.fetchval(
        "select d.meeting_id from display_links d left join participants p on p.id = d.participant_id"
        " where d.code_sha256 = $1 and d.revoked_at is null and (d.participant_id is null"
        " or (p.removed_at is null and p.session_epoch = d.session_epoch))",
        sha256(code),
    )


async def display_facts(pool: pg.Pool, meeting_id: uuid.UUID) -> pg.Row:
    row = await pool.fetchrow("select id, title_vi, title_en, timezone from meetings where id = $1", meeting_id)
    assert row is not None  # a display link's meeting: meetings are never deleted
    return row


async def attendance(pool: pg.Pool, meeting_id: uuid.UUID) -> tuple[int, int]:
    row = await pool.fetchrow(
        "select count(*) as n, coalesce(sum(weight), 0) as w from participants"
        " where meeting_id = $1 and present and removed_at is null",
        meeting_id,
    )
    assert row is not None  # an aggregate without grouping returns one row
    return int(row["n"]), int(row["w"])


# --- motions from the floor ------------------------------------------------------------------------

MOTION_COLUMNS = (
    "m.id, m.meeting_id, m.item_id, m.proposer_id, p.name as proposer_name, m.kind, m.text_vi, m.text_en,"
    " m.resolution_id, m.status, m.preset, m.secret, m.proposed_at, m.decided_at"
)
MOTIONS_FROM = "motions m join participants p on p.id = m.proposer_id"


async def add_motion(conn: pg.Connection, meeting_id: uuid.UUID, v: dict[str, Any]) -> pg.Row:
    motion_id = uuid.uuid4()
    await conn.execute(
        "insert into motions (id, meeting_id, item_id, proposer_id, kind, text_vi, text_en, resolution_id,"
        " proposed_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        motion_id,
        meeting_id,
        v["item_id"],
        v["proposer_id"],
        v["kind"],
        v["text_vi"],
        v["text_en"],
        v["resolution_id"],
        v["proposed_at"],
    )
    row = await motion(conn, meeting_id, motion_id)
    assert row is not None  # inserted just above, in this transaction
    return row


async def motion(
    conn: pg.Executor, meeting_id: uuid.UUID, motion_id: uuid.UUID, *, lock: bool = False
) -> pg.Row | None:
    return await conn.fetchrow(
        f"select {MOTION_COLUMNS} from {MOTIONS_FROM} where m.meeting_id = $1 and m.id = $2"
        f"{' for update of m' if lock else ''}",
        meeting_id,
        motion_id,
    )


async def motions(conn: pg.Executor, meeting_id: uuid.UUID) -> list[pg.Row]:
    return await conn.fetch(
        f"select {MOTION_COLUMNS} from {MOTIONS_FROM} where m.meeting_id = $1 order by m.proposed_at, m.id",
        meeting_id,
    )


async def decide_motion(
    conn: pg.Connection,
    motion_id: uuid.UUID,
    status: str,
    preset: str | None,
    secret: bool,
    now: dt.datetime,
    by: str,
) -> None:
    await conn.execute(
        "update motions set status = $2, preset = $3, secret = $4, decided_at = $5, decided_by = $6 where id = $1",
        motion_id,
        status,
        preset,
        secret,
        now,
        by,
    )
