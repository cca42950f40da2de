"""The webhook channel's SQL: subscriptions and their secrets, the fan-out of logged events to the
subscriptions they match, deliveries with their claims and attempts, and replays."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any, NamedTuple

from servicekit import pg

Row = pg.Row


_MATCH = """(s.meeting_id is null or s.meeting_id = {meeting})
    and exists (select 1 from unnest(s.event_types) p
                where p = '*' or p = {type} or (right(p, 2) = '.*' and starts_with({type}, left(p, -1))))"""


async def fan_out(conn: pg.Connection, events: Sequence[tuple[uuid.UUID, str, uuid.UUID, uuid.UUID]]) -> int:
    """For each (event_id, event_type, meeting_id, organisation_id), one pending delivery per enabled
    subscription of the organisation whose filters match."""
    status = await conn.execute(
        f"""insert into deliveries (id, subscription_id, event_id, event_type)
           select gen_random_uuid(), s.id, x.e, x.t
           from unnest($1::uuid[], $2::text[], $3::uuid[], $4::uuid[]) with ordinality as x(e, t, m, o, n)
           join subscriptions s on s.organisation_id = x.o and s.enabled and {_MATCH.format(meeting="x.m", type="x.t")}
           order by x.n on conflict do nothing""",
        *map(list, zip(*events, strict=True)),
    )
    return int(status.rsplit(" ", 1)[-1])


async def create_subscription(
    conn: pg.Connection,
    *,
    organisation_id: uuid.UUID,
    url: str,
    event_types: list[str],
    meeting_id: uuid.UUID | None,
    description: str,
    enabled: bool,
    secret: str,
) -> Row:
    row = await conn.fetchrow(
        """insert into subscriptions (id, organisation_id, url, event_types, meeting_id, description, enabled)
           values (gen_random_uuid(), $1, $2, $3, $4, $5, $6) returning *""",
        organisation_id,
        url,
        event_types,
        meeting_id,
        description,
        enabled,
    )
    assert row is not None
    await conn.execute("insert into subscription_secrets (subscription_id, secret) values ($1, $2)", row["id"], secret)
    return row


async def subscription(
    conn: pg.Executor,
    organisation_id: uuid.UUID,
    subscription_id: uuid.UUID,
    *,
    lock: bool = False,
) -> Row | None:
    return await conn.fetchrow(
        "select * from subscriptions where id = $1 and organisation_id = $2" + (" for update" if lock else ""),
        subscription_id,
        organisation_id,
    )


async def subscriptions(conn: pg.Executor, organisation_id: uuid.UUID) -> list[Row]:
    return await conn.fetch(
        "select * from subscriptions where organisation_id = $1 order by created_at, id", organisation_id
    )


async def update_subscription(conn: pg.Connection, subscription_id: uuid.UUID, changes: dict[str, Any]) -> Row:
    allowed = ("url", "event_types", "meeting_id", "description", "enabled", "disabled_reason")
    sets = [f"{name} = ${i}" for i, name in enumerate((n for n in allowed if n in changes), start=2)]
    values = [changes[n] for n in allowed if n in changes]
    row = await conn.fetchrow(
        f"""update subscriptions set {", ".join([*sets, "version = version + 1", "updated_at = now()"])}
            where id = $1 returning *""",
        subscription_id,
        *values,
    )
    assert row is not None
    return row


async def delete_subscription(conn: pg.Connection, subscription_id: uuid.UUID) -> None:
    # Attempts and deliveries go with it (cascade); the event log stays.
    await conn.execute("delete from subscriptions where id = $1", subscription_id)


async def live_secrets(conn: pg.Executor, subscription_id: uuid.UUID) -> list[str]:
    rows = await conn.fetch(
        """select secret from subscription_secrets
           where subscription_id = $1 and (expires_at is null or expires_at > now())
           order by created_at desc""",
        subscription_id,
    )
    return [r["secret"] for r in rows]


async def secrets_of(conn: pg.Executor, subscription_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[str]]:
    rows = await conn.fetch(
        """select subscription_id, secret from subscription_secrets
           where subscription_id = any($1) and (expires_at is null or expires_at > now())
           order by created_at desc""",
        subscription_ids,
    )
    found: dict[uuid.UUID, list[str]] = {}
    for r in rows:
        found.setdefault(r["subscription_id"], []).append(r["secret"])
    return found


async def rotate_secret(conn: pg.Connection, subscription_id: uuid.UUID, secret: str, overlap_s: int) -> dt.datetime:
    """The current secrets expire after the overlap (earlier expiries stay); the new one signs from now."""
    expires = await conn.fetchval("select now() + make_interval(secs => $1)", float(overlap_s))
    await conn.execute(
        """update subscription_secrets set expires_at = least(coalesce(expires_at, $2), $2)
           where subscription_id = $1""",
        subscription_id,
        expires,
    )
    await conn.execute(
        "delete from subscription_secrets where subscription_id = $1 and expires_at <= now()", subscription_id
    )
    await conn.execute(
        "insert into subscription_secrets (subscription_id, secret) values ($1, $2)", subscription_id, secret
    )
    return expires


async def secret_expiries(conn: pg.Executor, subscription_id: uuid.UUID) -> list[dt.datetime]:
    rows = await conn.fetch(
        """select expires_at from subscription_secrets
           where subscription_id = $1 and expires_at is not null and expires_at > now() order by expires_at""",
        subscription_id,
    )
    return [r["expires_at"] for r in rows]


async def due_candidates(conn: pg.Pool, limit: int) -> list[Row]:
    """Deliveries that may be attempted now (due, or claimed by a process whose lease ran out)."""
    return await conn.fetch(
        """select d.id, s.url from deliveries d join subscriptions s on s.id = d.subscription_id
           where s.enabled and (
                 (d.status = 'pending' and d.next_attempt_at <= now())
              or (d.status = 'delivering' and d.lease_until < now()))
           order by d.next_attempt_at limit $1""",
        limit,
    )


async def claim(conn: pg.Pool, ids: list[uuid.UUID], token: uuid.UUID, lease_s: float) -> list[Row]:
    """Claim what is still claimable of `ids`; the re-checked condition keeps replicas from sharing one."""
    return await conn.fetch(
        """with c as (
               update deliveries d set status = 'delivering', claim_token = $2, attempts = d.attempts + 1,
                      lease_until = now() + make_interval(secs => $3)
               where d.id = any($1) and ((d.status = 'pending' and d.next_attempt_at <= now())
                                          or (d.status = 'delivering' and d.lease_until < now()))
               returning d.*)
           select c.id, c.subscription_id, c.event_id, c.attempts, s.url, e.payload
           from c join subscriptions s on s.id = c.subscription_id join events e on e.event_id = c.event_id""",
        ids,
        token,
        lease_s,
    )


async def finish_attempt(
    conn: pg.Connection,
    *,
    delivery_id: uuid.UUID,
    token: uuid.UUID,
    attempt: int,
    started_at: dt.datetime,
    latency_ms: float,
    status_code: int | None,
    error: str | None,
    outcome: str,
    next_status: str,
    retry_in_s: float | None,
) -> bool:
    """Log the attempt, and move the delivery on if this process still holds its claim."""
    await conn.execute(
        """insert into delivery_attempts (delivery_id, attempt, started_at, latency_ms, status_code, error, outcome)
           values ($1, $2, $3, $4, $5, $6, $7) on conflict do nothing""",
        delivery_id,
        attempt,
        started_at,
        latency_ms,
        status_code,
        error,
        outcome,
    )
    moved = await conn.fetchval(
        """update deliveries set status = $3, last_status = $4, last_error = $5, claim_token = null, lease_until = null,
                  next_attempt_at = case when $6::float8 is null then next_attempt_at
                                         else now() + make_interval(secs => $6::float8) end,
                  finished_at = case when $3 in ('delivered', 'dead', 'gone') then now() end
           where id = $1 and claim_token = $2 and status = 'delivering' returning true""",
        delivery_id,
        token,
        next_status,
        status_code,
        error,
        retry_in_s,
    )
    return bool(moved)


class Claim(NamedTuple):
    """A delivery this process claimed for an attempt."""

    delivery_id: uuid.UUID
    token: uuid.UUID
    started_at: dt.datetime


async def release(conn: pg.Pool, claims: Sequence[Claim], reason: str) -> int:
    """Hand back deliveries whose attempt was cut short: due again now, the cut attempt in the log.
    Only where the claim is still ours (a finished attempt or another process's claim is left alone)."""
    return int(
        await conn.fetchval(
            """with released as (
                   update deliveries d set status = 'pending', claim_token = null, lease_until = null,
                          next_attempt_at = now(), last_status = null, last_error = $4
                   from unnest($1::uuid[], $2::uuid[], $3::timestamptz[]) as c(id, token, started_at)
                   where d.id = c.id and d.claim_token = c.token and d.status = 'delivering'
                   returning d.id, d.attempts, c.started_at),
               logged as (
                   insert into delivery_attempts (delivery_id, attempt, started_at, latency_ms, error, outcome)
                   select id, attempts, started_at, extract(epoch from clock_timestamp() - started_at) * 1000, $4,
                          'interrupted'
                   from released on conflict do nothing)
               select count(*) from released""",
            [c.delivery_id for c in claims],
            [c.token for c in claims],
            [c.started_at for c in claims],
            reason,
        )
    )


async def disable_subscription_of(conn: pg.Connection, delivery_id: uuid.UUID, reason: str) -> None:
    await conn.execute(
        """update subscriptions set enabled = false, disabled_reason = $2, version = version + 1, updated_at = now()
           where id = (select subscription_id from deliveries where id = $1)""",
        delivery_id,
        reason,
    )


async def deliveries(
    conn: pg.Pool,
    subscription_ids: list[uuid.UUID],
    *,
    status: str | None,
    before: dt.datetime | None,
    limit: int,
) -> list[Row]:
    return await conn.fetch(
        """select d.*, e.meeting_id from deliveries d join events e on e.event_id = d.event_id
           where d.subscription_id = any($1) and ($2::text is null or d.status = $2)
             and ($3::timestamptz is null or d.created_at < $3)
           order by d.created_at desc, d.id limit $4""",
        subscription_ids,
        status,
        before,
        limit,
    )


async def delivery(conn: pg.Executor, subscription_id: uuid.UUID, delivery_id: uuid.UUID) -> Row | None:
    return await conn.fetchrow(
        """select d.*, e.meeting_id from deliveries d join events e on e.event_id = d.event_id
           where d.id = $1 and d.subscription_id = $2""",
        delivery_id,
        subscription_id,
    )


async def attempts_of(conn: pg.Pool, delivery_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[Row]]:
    rows = await conn.fetch(
        "select * from delivery_attempts where delivery_id = any($1) order by started_at, attempt", delivery_ids
    )
    found: dict[uuid.UUID, list[Row]] = {}
    for r in rows:
        found.setdefault(r["delivery_id"], []).append(r)
    return found


async def replay_delivery(conn: pg.Connection, original: Row) -> Row:
    row = await conn.fetchrow(
        """insert into deliveries (id, subscription_id, event_id, event_type, replay_of)
           values (gen_random_uuid(), $1, $2, $3, $4) returning *""",
        original["subscription_id"],
        original["event_id"],
        original["event_type"],
        original["id"],
    )
    assert row is not None
    return row


async def replay_range(conn: pg.Connection, sub: Row, since: dt.datetime, until: dt.datetime, limit: int) -> int:
    """A new delivery for every event of the organisation in [since, until) that the subscription matches."""
    status = await conn.execute(
        f"""insert into deliveries (id, subscription_id, event_id, event_type, replay_of)
           select gen_random_uuid(), s.id, e.event_id, e.event_type,
                  (select o.id from deliveries o where o.subscription_id = s.id and o.event_id = e.event_id
                   and o.replay_of is null)
           from events e join meetings m on m.meeting_id = e.meeting_id, subscriptions s
           where s.id = $1 and m.organisation_id = s.organisation_id
             and e.occurred_at >= $2 and e.occurred_at < $3
             and {_MATCH.format(meeting="e.meeting_id", type="e.event_type")}
             and not exists (select 1 from deliveries p where p.subscription_id = s.id and p.event_id = e.event_id
                             and p.status in ('pending', 'delivering'))
           order by e.seq limit $4
           on conflict do nothing""",
        sub["id"],
        since,
        until,
        limit,
    )
    return int(status.rsplit(" ", 1)[-1])
