"""resolution_svc's SQL on what it decides: resolutions, amendments, polls, ballots and poll keys. The read
model of meeting_svc's facts (meetings, participants, presence, proxies) is in roster.py, directives in
directives_db.py, the ballot's own statement, the hot path, in casting.py."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from servicekit import pg


def written(row: pg.Row | None) -> pg.Row:
    """The row an `insert … returning` wrote, or an `update … returning` changed in a row the caller holds."""
    assert row is not None
    return row


# --- resolutions and amendments -----------------------------------------------------------------------------

RESOLUTION_COLUMNS = (
    "id, meeting_id, organisation_id, title_vi, title_en, text_vi, text_en, directives, status, version"
)


async def insert_resolution(conn: pg.Connection, meeting: Any, v: dict[str, Any]) -> pg.Row:
    return written(
        await conn.fetchrow(
            "insert into resolutions (id, meeting_id, organisation_id, title_vi, title_en, text_vi, text_en,"
            f" directives) values ($1, $2, $3, $4, $5, $6, $7, $8::jsonb) returning {RESOLUTION_COLUMNS}",
            uuid.uuid4(),
            meeting["id"],
            meeting["organisation_id"],
            v["title_vi"],
            v["title_en"],
            v["text_vi"],
            v["text_en"],
            v["directives"],
        )
    )


async def resolutions(pool: pg.Pool, meeting_id: uuid.UUID) -> list[pg.Row]:
    return await pool.fetch(
        f"select {RESOLUTION_COLUMNS} from resolutions where meeting_id = $1 order by created_at, id", meeting_id
    )


async def resolution(conn: pg.Executor, rid: uuid.UUID, *, lock: bool = False) -> pg.Row | None:
    return await conn.fetchrow(
        f"select {RESOLUTION_COLUMNS} from resolutions where id = $1{' for update' if lock else ''}", rid
    )


async def update_resolution(conn: pg.Connection, rid: uuid.UUID, v: dict[str, Any]) -> pg.Row:
    return written(
        await conn.fetchrow(
            "update resolutions set title_vi = $2, title_en = $3, text_vi = $4, text_en = $5, directives = $6::jsonb,"
            f" version = version + 1 where id = $1 returning {RESOLUTION_COLUMNS}",
            rid,
            v["title_vi"],
            v["title_en"],
            v["text_vi"],
            v["text_en"],
            v["directives"],
        )
    )


async def set_resolution_status(conn: pg.Connection, rid: uuid.UUID, status: str) -> None:
    await conn.execute("update resolutions set status = $2 where id = $1", rid, status)


AMENDMENT_COLUMNS = (
    "id, resolution_id, meeting_id, proposer_id, text_vi, text_en, directives, status, base_version, changes"
)


async def insert_amendment(conn: pg.Connection, resolution: Any, proposer: uuid.UUID, v: dict[str, Any]) -> pg.Row:
    return written(
        await conn.fetchrow(
            "insert into amendments (id, resolution_id, meeting_id, proposer_id, text_vi, text_en, directives,"
            " base_version, changes) values ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9::jsonb)"
            f" returning {AMENDMENT_COLUMNS}",
            uuid.uuid4(),
            resolution["id"],
            resolution["meeting_id"],
            proposer,
            v["text_vi"],
            v["text_en"],
            v["directives"],
            v["base_version"],
            v["changes"],
        )
    )


async def amendments(conn: pg.Connection, resolution_id: uuid.UUID) -> list[pg.Row]:
    return await conn.fetch(
        f"select {AMENDMENT_COLUMNS} from amendments where resolution_id = $1 order by created_at, id", resolution_id
    )


async def amendment(conn: pg.Connection, aid: uuid.UUID, *, lock: bool = False) -> pg.Row | None:
    return await conn.fetchrow(
        f"select {AMENDMENT_COLUMNS} from amendments where id = $1{' for update' if lock else ''}", aid
    )


async def set_amendment_status(conn: pg.Connection, aid: uuid.UUID, status: str) -> None:
    await conn.execute("update amendments set status = $2 where id = $1", aid, status)


# --- polls ------------------------------------------------------------------------------------------------------

POLL_COLUMNS = (
    "p.id, p.meeting_id, p.organisation_id, p.motion, p.resolution_id, p.amendment_id, p.question_vi,"
    " p.question_en, p.options, p.rules, p.secret, p.allow_change, p.status, p.opens_at, p.closes_at, p.opened_at,"
    " p.closed_at, p.eligible_count, p.eligible_weight, p.result,"
    " coalesce((select t.published from poll_turnout t where t.poll_id = p.id), 0) as turnout_published, p.closed_by,"
    " p.meeting_position, m.timezone"
)


async def insert_poll(
    conn: pg.Connection, meeting: Any, v: dict[str, Any], poll_id: uuid.UUID | None = None
) -> uuid.UUID:
    """A draft poll; its id is given for a poll prepared from an event (a motion's), else new."""
    poll_id = poll_id or uuid.uuid4()
    await conn.execute(
        "insert into polls (id, meeting_id, organisation_id, motion, resolution_id, amendment_id, question_vi,"
        " question_en, options, rules, secret, allow_change, opens_at, closes_at)"
        " values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11, $12, $13, $14)",
        poll_id,
        meeting["id"],
        meeting["organisation_id"],
        v["motion"],
        v["resolution_id"],
        v["amendment_id"],
        v["question_vi"],
        v["question_en"],
        v["options"],
        v["rules"],
        v["secret"],
        v["allow_change"],
        v["opens_at"],
        v["closes_at"],
    )
    return poll_id


async def poll(conn: pg.Executor, poll_id: uuid.UUID, *, lock: bool = False) -> pg.Row | None:
    return await conn.fetchrow(
        f"select {POLL_COLUMNS} from polls p join meetings m on m.id = p.meeting_id where p.id = $1"
        f"{' for update of p' if lock else ''}",
        poll_id,
    )


async def polls(pool: pg.Pool, meeting_id: uuid.UUID) -> list[pg.Row]:
    return await pool.fetch(
        f"select {POLL_COLUMNS} from polls p join meetings m on m.id = p.meeting_id where p.meeting_id = $1"
        " order by p.created_at, p.id",
        meeting_id,
    )


async def poll_facts(pool: pg.Pool, poll_id: uuid.UUID) -> pg.Row | None:
    """What never changes about a poll, for the ballot path."""
    return await pool.fetchrow(
        "select meeting_id, organisation_id, options, secret, allow_change from polls where id = $1", poll_id
    )


async def poll_status(pool: pg.Pool, poll_id: uuid.UUID) -> str | None:
    return await pool.fetchval("select status from polls where id = $1", poll_id)


async def mark_open(conn: pg.Connection, poll_id: uuid.UUID, count: int, weight: int, position: int | None) -> None:
    await conn.execute(
        "update polls set status = 'open', opened_at = now(), eligible_count = $2, eligible_weight = $3,"
        " meeting_position = $4 where id = $1",
        poll_id,
        count,
        weight,
        position,
    )


async def participation_tag(pool: pg.Pool, poll_id: uuid.UUID, voter: uuid.UUID, caster: uuid.UUID) -> pg.Row | None:
    """The counted ballot's tag of a voter `caster` casts for, open poll or closed; None if it has not voted."""
    return await pool.fetchrow(
        "select x.tag from participations x join roster r on r.poll_id = x.poll_id and r.voter_id = x.voter_id"
        " where x.poll_id = $1 and x.voter_id = $2 and r.caster_id = $3",
        poll_id,
        voter,
        caster,
    )


async def change_sealed_ballot(pool: pg.Pool, poll_id: uuid.UUID, voter: uuid.UUID, sealed: bytes, tag: bytes) -> bool:
    done = await pool.execute(
        "with open_poll as (select id from polls where id = $1 and status = 'open' for share)"
        " update participations x set sealed = $3, tag = $4 from open_poll"
        " where x.poll_id = open_poll.id and x.voter_id = $2",
        poll_id,
        voter,
        sealed,
        tag,
    )
    return done.endswith(" 1")


async def replace_named_ballot(
    pool: pg.Pool, poll_id: uuid.UUID, voter: uuid.UUID, choice: str, receipt: str, tag: bytes
) -> str | None:
    return await pool.fetchval(
        "with open_poll as (select id from polls where id = $1 and status = 'open' for share),"
        " tagged as (update participations x set tag = $5 from open_poll"
        " where x.poll_id = open_poll.id and x.voter_id = $2)"
        " update ballots b set choice = $3, receipt = $4, cast_at = now() from open_poll"
        " where b.poll_id = open_poll.id and b.voter_id = $2 returning b.receipt",
        poll_id,
        voter,
        choice,
        receipt,
        tag,
    )


async def named_receipt(pool: pg.Pool, poll_id: uuid.UUID, voter: uuid.UUID) -> str | None:
    return await pool.fetchval("select receipt from ballots where poll_id = $1 and voter_id = $2", poll_id, voter)


async def votes_carried(pool: pg.Pool, poll_id: uuid.UUID, caster: uuid.UUID) -> list[pg.Row]:
    """The roster entries `caster` casts (their own and those handed to them), and whether each is in."""
    return await pool.fetch(
        "select r.voter_id, r.weight, (p.voter_id is not null) as cast"
        " from roster r left join participations p on p.poll_id = r.poll_id and p.voter_id = r.voter_id"
        " where r.poll_id = $1 and r.caster_id = $2 order by r.voter_id <> $2, r.voter_id",
        poll_id,
        caster,
    )


async def roster_entry(pool: pg.Pool, poll_id: uuid.UUID, voter: uuid.UUID) -> pg.Row | None:
    return await pool.fetchrow("select caster_id from roster where poll_id = $1 and voter_id = $2", poll_id, voter)


async def close(conn: pg.Connection, poll_id: uuid.UUID, closed_by: str, position: int | None) -> bool:
    done = await conn.execute(
        "update polls set status = 'closed', closed_at = now(), closed_by = $2, meeting_position = $3"
        " where id = $1 and status = 'open'",
        poll_id,
        closed_by,
        position,
    )
    return done.endswith(" 1")


async def open_polls(conn: pg.Connection, meeting_id: uuid.UUID) -> list[uuid.UUID]:
    rows = await conn.fetch("select id from polls where meeting_id = $1 and status = 'open' order by id", meeting_id)
    return [r["id"] for r in rows]


async def counted(conn: pg.Connection, poll_id: uuid.UUID) -> list[tuple[str, int]]:
    return [tuple(r) for r in await conn.fetch("select choice, weight from ballots where poll_id = $1", poll_id)]


async def insert_poll_key(conn: pg.Connection, poll_id: uuid.UUID, sealed_key: bytes) -> None:
    await conn.execute("insert into poll_keys (poll_id, sealed_key) values ($1, $2)", poll_id, sealed_key)


async def poll_key(pool: pg.Pool, poll_id: uuid.UUID) -> bytes | None:
    """The sealed key of a secret poll's ballots: there is one while the poll is open."""
    return await pool.fetchval("select sealed_key from poll_keys where poll_id = $1", poll_id)


async def ensure_poll_key(pool: pg.Pool, poll_id: uuid.UUID, sealed_key: bytes) -> bytes | None:
    """The sealed key of an open secret poll that has none (it was opened before ballots were sealed): this
    one, or the one a concurrent request stored first. Never a key for a poll that is not open."""
    return await pool.fetchval(
        "with open_poll as (select id from polls where id = $1 and status = 'open' and secret),"
        " stored as (insert into poll_keys (poll_id, sealed_key) select id, $2 from open_poll"
        " on conflict do nothing returning sealed_key)"
        " select coalesce((select sealed_key from stored), (select sealed_key from poll_keys where poll_id = $1))",
        poll_id,
        sealed_key,
    )


async def sealed_ballots(conn: pg.Connection, poll_id: uuid.UUID) -> tuple[bytes | None, list[pg.Row]]:
    """A closing secret poll's sealed key and its sealed ballots with their weights."""
    key = await conn.fetchval("select sealed_key from poll_keys where poll_id = $1", poll_id)
    rows = await conn.fetch(
        "select x.sealed, r.weight from participations x join roster r on r.poll_id = x.poll_id"
        " and r.voter_id = x.voter_id where x.poll_id = $1 and x.sealed is not null",
        poll_id,
    )
    return key, rows


async def take_unsealed_ballots(conn: pg.Connection, poll_id: uuid.UUID) -> list[tuple[str, int, str]]:
    """Remove and return a secret poll's ballots stored in clear (polls opened before ballots were sealed)."""
    rows = await conn.fetch("delete from ballots where poll_id = $1 returning choice, weight, receipt", poll_id)
    return [(r["choice"], r["weight"], r["receipt"]) for r in rows]


async def write_secret_ballots(conn: pg.Connection, poll_id: uuid.UUID, ballots: list[tuple[str, int, str]]) -> None:
    """Write a closed secret poll's opened ballots in the order given (a random one), then destroy the poll's
    key and the sealed copies: all in the closing transaction, so the rows share its transaction id."""
    await conn.copy_records_to_table(
        "ballots",
        records=[(uuid.uuid4(), poll_id, c, w, r) for c, w, r in ballots],
        columns=["id", "poll_id", "choice", "weight", "receipt"],
    )
    await conn.execute("delete from poll_keys where poll_id = $1", poll_id)
    await conn.execute("update participations set sealed = null where poll_id = $1 and sealed is not null", poll_id)


async def store_result(conn: pg.Connection, poll_id: uuid.UUID, result: bytes) -> None:
    await conn.execute("update polls set result = $2::jsonb where id = $1", poll_id, result.decode())


async def named_ballots(pool: pg.Pool, poll_id: uuid.UUID) -> list[pg.Row]:
    return await pool.fetch(
        "select voter_id, choice, weight from ballots where poll_id = $1 and voter_id is not null order by voter_id",
        poll_id,
    )


async def receipts(pool: pg.Pool, poll_id: uuid.UUID) -> list[pg.Row]:
    return await pool.fetch("select receipt, choice from ballots where poll_id = $1 order by receipt", poll_id)


async def due_polls(conn: pg.Connection, now: dt.datetime) -> list[pg.Row]:
    return await conn.fetch(
        "select id, meeting_id, status from polls where (status = 'draft' and opens_at <= $1)"
        " or (status = 'open' and closes_at <= $1) order by coalesce(closes_at, opens_at) limit 100",
        now,
    )


async def turnout_changes(conn: pg.Connection) -> list[pg.Row]:
    """Open polls whose turnout moved since it was last published; marks the new count as published.

    The counting reads without locks, and the published count lives apart from the poll's row (which every
    ballot holds a share lock on): ballots never wait for the turnout."""
    counts = await conn.fetch(
        "select p.id, p.meeting_id, p.eligible_count, p.eligible_weight, coalesce(t.published, 0) as published,"
        " count(x.voter_id) as voted_count, coalesce(sum(r.weight), 0) as voted_weight"
        " from polls p left join poll_turnout t on t.poll_id = p.id left join participations x on x.poll_id = p.id"
        " left join roster r on r.poll_id = x.poll_id and r.voter_id = x.voter_id"
        " where p.status = 'open' group by p.id, t.published"
    )
    moved = []
    for c in counts:
        if c["voted_count"] <= c["published"]:
            continue
        # conditional: of several replicas' schedules one publishes each new count, and never an older one;
        # the share lock (which ballots share) makes a close in progress wait, and a closed poll gets none
        done = await conn.execute(
            "insert into poll_turnout (poll_id, published)"
            " select id, $2 from polls where id = $1 and status = 'open' for share"
            " on conflict (poll_id) do update set published = excluded.published"
            " where poll_turnout.published < excluded.published",
            c["id"],
            c["voted_count"],
        )
        if done.endswith(" 1"):
            moved.append(c)
    return moved
