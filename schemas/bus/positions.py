"""How far a read model has applied a meeting's numbered events (`meeting_seq`, see docs/consistency.md).

Events may arrive out of order (the outbox relay publishes a refused batch concurrently, a nak'ed event comes
back later), so the position is the end of the unbroken run 1..n of applied events; events applied
ahead of a gap are remembered until the gap fills. Called inside the consumer's transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from schemas.events import Event
from servicekit import pg


async def record(conn: pg.Connection, meeting_id: uuid.UUID, seq: int) -> int:
    """Note event `seq` of the meeting as applied; return the meeting's position afterwards.

    The meeting's row is locked first, and only then is anything read: every change to the position
    and to the events waiting ahead is made under that lock, so each statement after it sees them all.
    (Reading first and locking in the same statement is not safe with two replicas: an UPDATE that waited
    for the lock re-checks its row but not its subquery, so it can move the position past an event another
    transaction had just parked ahead, which then waits there for ever.)"""
    through = await conn.fetchval(
        "insert into meeting_positions (meeting_id) values ($1) on conflict (meeting_id)"
        " do update set meeting_id = excluded.meeting_id returning applied_through",  # locks the row
        meeting_id,
    )
    if seq <= through:
        return through
    if seq > through + 1:
        await conn.execute(
            "insert into meeting_positions_ahead (meeting_id, seq) values ($1, $2) on conflict do nothing",
            meeting_id,
            seq,
        )
        return through
    # the usual case: the next event in order, with nothing waiting ahead of it
    moved = await conn.fetchval(
        "update meeting_positions set applied_through = $2 where meeting_id = $1"
        " and not exists (select 1 from meeting_positions_ahead where meeting_id = $1 and seq = $2 + 1)"
        " returning applied_through",
        meeting_id,
        seq,
    )
    if moved is not None:
        return moved
    # `seq` closes the gap: run on through the events that were waiting ahead of it
    end = await conn.fetchval(
        "select coalesce(min(a.seq), $2) from meeting_positions_ahead a where a.meeting_id = $1 and a.seq > $2"
        " and not exists (select 1 from meeting_positions_ahead b where b.meeting_id = $1 and b.seq = a.seq + 1)"
        " and a.seq - $2 = (select count(*) from meeting_positions_ahead c"
        " where c.meeting_id = $1 and c.seq > $2 and c.seq <= a.seq)",
        meeting_id,
        seq,
    )
    await conn.execute("delete from meeting_positions_ahead where meeting_id = $1 and seq <= $2", meeting_id, end)
    await conn.execute("update meeting_positions set applied_through = $2 where meeting_id = $1", meeting_id, end)
    return end


async def record_many(conn: pg.Connection, meeting_id: uuid.UUID, seqs: list[int]) -> int:
    """Note many events of the meeting as applied at once (what `record` of each leaves, in any order);
    return the meeting's position afterwards."""
    if len(seqs) == 1:
        return await record(conn, meeting_id, seqs[0])
    through = await conn.fetchval(
        "insert into meeting_positions (meeting_id) values ($1) on conflict (meeting_id)"
        " do update set meeting_id = excluded.meeting_id returning applied_through",  # locks the row
        meeting_id,
    )
    ahead = sorted({s for s in seqs if s > through})
    if not ahead:
        return through
    await conn.execute(
        "insert into meeting_positions_ahead (meeting_id, seq) select $1, unnest($2::bigint[]) on conflict do nothing",
        meeting_id,
        ahead,
    )
    if ahead[0] != through + 1:
        return through
    # the unbroken run from through + 1: the seqs whose distance from their rank is the same as its first's
    end = await conn.fetchval(
        "select max(seq) from (select seq, seq - row_number() over (order by seq) as gap"
        " from meeting_positions_ahead where meeting_id = $1 and seq > $2) r where gap = $2",
        meeting_id,
        through,
    )
    await conn.execute("delete from meeting_positions_ahead where meeting_id = $1 and seq <= $2", meeting_id, end)
    await conn.execute("update meeting_positions set applied_through = $2 where meeting_id = $1", meeting_id, end)
    return end


async def record_events(conn: pg.Connection, events: Iterable[Event]) -> None:
    """Note the numbered ones of `events` as applied, all of a meeting's at once (`record_many`)."""
    seqs: dict[uuid.UUID, list[int]] = {}
    for event in events:
        if event.meeting_seq is not None:
            seqs.setdefault(event.meeting_id, []).append(event.meeting_seq)
    for meeting_id, numbers in seqs.items():
        await record_many(conn, meeting_id, numbers)


async def position(conn: pg.Executor, meeting_id: uuid.UUID) -> int:
    """Every event of the meeting up to this meeting_seq has been applied."""
    return await conn.fetchval(
        "select coalesce((select applied_through from meeting_positions where meeting_id = $1), 0)", meeting_id
    )
