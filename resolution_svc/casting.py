"""The ballot's hot path: ballots that arrive together are cast together, in one statement and one commit.

Each ballot is one row of the statement below; the caster's standing (servicekit.sessions.session_access),
the poll being open, the roster and "one counted ballot per voter" are decided per row, exactly as for a
ballot alone. A commit waits for its WAL to reach the disk: under a storm, one flush for a group of
ballots instead of one each is most of what the storm gained (the README's benchmark section). An idle
service casts each ballot at once (a lane is free); groups form only while every lane is busy writing
the previous ones.

The window is read conservatively (the meeting's end plus the grace, before the midnight on the
meeting's calendar that really ends it): a ballot refused there is decided again in Python
(views.access.check_standing) and cast with `checked`, so the one rule stays in Python.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from collections import deque

import msgspec

from servicekit import pg

CAST_MANY = """
with input as (
    select * from unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::text[], $6::text[], $7::bytea[],
                         $8::bytea[], $9::uuid[], $10::int[], $11::bool[])
        with ordinality as i(poll_id, voter_id, caster_id, ballot_id, choice, receipt, sealed, tag,
                             meeting_id, epoch, checked, n)
), caller as (
    select i.n from input i join participants p on p.id = i.caster_id left join meetings m on m.id = p.meeting_id
    where i.checked or (p.meeting_id = i.meeting_id and p.role is not null and not p.removed
        and p.session_epoch <= i.epoch and (m.ends_at is null or m.ends_at + $12::interval > $13))
), open_poll as (
    -- the share lock makes a close wait for these ballots' commit (docs/consistency.md); taken in id order,
    -- as a meeting's end closes its polls, so two of them never wait on each other
    select id, secret from polls where id in (select i.poll_id from input i join caller c on c.n = i.n)
    and status = 'open' order by id for share
), voter as (
    select i.n, r.weight from input i join caller c on c.n = i.n join open_poll o on o.id = i.poll_id
    join roster r on r.poll_id = i.poll_id and r.voter_id = i.voter_id and r.caster_id = i.caster_id
    where i.voter_id = i.caster_id or not exists(select 1 from participants q where q.id = i.voter_id and q.removed)
), participation as (
    -- in key order, so two groups inserting the same voters never wait on each other
    insert into participations (poll_id, voter_id, sealed, tag)
    select i.poll_id, i.voter_id, i.sealed, i.tag from input i join voter v on v.n = i.n
    join open_poll o on o.id = i.poll_id where not o.secret or i.sealed is not null
    order by i.poll_id, i.voter_id
    on conflict do nothing returning poll_id, voter_id
), ballot as (
    insert into ballots (id, poll_id, voter_id, choice, weight, receipt, cast_at)
    select i.ballot_id, i.poll_id, i.voter_id, i.choice, v.weight, i.receipt, now()
    from participation x join input i on i.poll_id = x.poll_id and i.voter_id = x.voter_id
    join voter v on v.n = i.n join open_poll o on o.id = i.poll_id where not o.secret
)
select exists(select 1 from caller c where c.n = i.n) as standing,
       exists(select 1 from open_poll o where o.id = i.poll_id) as open,
       exists(select 1 from voter v where v.n = i.n) as eligible,
       exists(select 1 from participation x where x.poll_id = i.poll_id and x.voter_id = i.voter_id) as counted,
       i.voter_id <> i.caster_id
       and exists(select 1 from participants q where q.id = i.voter_id and q.removed) as voter_removed
from input i order by i.n
"""


class Cast(msgspec.Struct, frozen=True, kw_only=True):
    """One ballot to write. A secret ballot has `sealed` and no choice or receipt (not even a statement log
    sees them); a named one the reverse. `checked`: the caster's standing was decided already."""

    poll_id: uuid.UUID
    voter_id: uuid.UUID
    caster_id: uuid.UUID
    choice: str | None
    receipt: str | None
    sealed: bytes | None
    tag: bytes
    meeting_id: uuid.UUID
    epoch: int
    grace: dt.timedelta
    now: dt.datetime
    checked: bool = False
    ballot_id: uuid.UUID = msgspec.field(default_factory=uuid.uuid4)


async def cast_many(pool: pg.Pool, casts: list[Cast]) -> list[pg.Row]:
    """Write the ballots in one statement; per ballot (in order): standing, open, eligible, counted,
    voter_removed. All of a group share one grace and one `now` (the first's: they arrived together)."""
    columns = [
        [getattr(c, name) for c in casts]
        for name in (
            "poll_id", "voter_id", "caster_id", "ballot_id", "choice", "receipt", "sealed", "tag",
            "meeting_id", "epoch", "checked",
        )
    ]  # fmt: skip
    return await pool.fetch(CAST_MANY, *columns, casts[0].grace, casts[0].now)


class BallotCaster:
    """Up to `lanes` groups in flight at once; a ballot waits only for a free lane, then goes with every
    ballot that arrived meanwhile (at most `most` of them)."""

    def __init__(self, lanes: int = 4, most: int = 64) -> None:
        self._lanes = lanes
        self._most = most
        self._pending: deque[tuple[Cast, asyncio.Future[pg.Row]]] = deque()
        self._running = 0
        self.groups = 0  # statements written for groups (not the ballots retried alone), for tests and metrics

    async def cast(self, pool: pg.Pool, cast: Cast) -> pg.Row:
        future: asyncio.Future[pg.Row] = asyncio.get_running_loop().create_future()
        self._pending.append((cast, future))
        if self._running < self._lanes:
            self._running += 1
            asyncio.get_running_loop().create_task(self._drain(pool))
        return await future

    def _next_group(self) -> list[tuple[Cast, asyncio.Future[pg.Row]]]:
        """The pending ballots in arrival order, one per voter and poll: a twin (the same ballot sent twice
        at once) waits for the next group, so each row's outcome is its own."""
        group: list[tuple[Cast, asyncio.Future[pg.Row]]] = []
        later: list[tuple[Cast, asyncio.Future[pg.Row]]] = []
        seen: set[tuple[uuid.UUID, uuid.UUID]] = set()
        while self._pending and len(group) < self._most:
            item = self._pending.popleft()
            key = (item[0].poll_id, item[0].voter_id)
            if key in seen:
                later.append(item)
            else:
                seen.add(key)
                group.append(item)
        self._pending.extendleft(reversed(later))
        return group

    async def _drain(self, pool: pg.Pool) -> None:
        try:
            while self._pending:
                group = self._next_group()
                self.groups += 1
                try:
                    rows = await cast_many(pool, [c for c, _ in group])
                except asyncio.CancelledError:
                    for _, future in group:
                        future.cancel()
                    raise
                except Exception:
                    # one ballot's failure must not fail the others: each alone, with its own outcome
                    for cast, future in group:
                        try:
                            [row] = await cast_many(pool, [cast])
                        except Exception as exc:
                            if not future.done():
                                future.set_exception(exc)
                        else:
                            if not future.done():
                                future.set_result(row)
                    continue
                for (_, future), row in zip(group, rows, strict=True):
                    if not future.done():  # its request may have gone
                        future.set_result(row)
        finally:
            self._running -= 1
