"""The event log: every meeting event the notifier handled, in order, with the fields that carry a
credential removed. Webhook deliveries send their body from it and the live stream reads it; it also
tells a redelivered event from a new one. `public_payload` is the pure rule of what leaves the
notifier; the rest is the log's SQL."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any, NamedTuple

import msgspec

from schemas.events import Event
from servicekit import pg

# Fields that carry a credential, even sealed: emailed to their owner, never sent to webhooks or
# browsers, never stored in the event log. (`invite_url` is from events published before links were sealed.)
CREDENTIAL_FIELDS = frozenset({"invite_url", "sealed_link"})


def public_payload(event: Event) -> bytes:
    """The event as JSON with credentials removed: the body of webhooks and live-stream frames."""
    data: dict[str, Any] = msgspec.to_builtins(event)
    for name in CREDENTIAL_FIELDS:
        data.pop(name, None)
    return msgspec.json.encode(data)


async def events_known(conn: pg.Connection, event_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
    """Those of the events already in the log (handled before under another consumer)."""
    rows = await conn.fetch("select event_id from events where event_id = any($1::uuid[])", event_ids)
    return {r["event_id"] for r in rows}


class LoggedEvent(NamedTuple):
    event_id: uuid.UUID
    event_type: str
    meeting_id: uuid.UUID
    occurred_at: dt.datetime
    payload: bytes
    live_seq: int | None


async def record_events(conn: pg.Connection, events: Sequence[LoggedEvent]) -> None:
    """Into the log in this order (its `seq`); an event logged before stays as it was."""
    await conn.execute(
        """insert into events (event_id, event_type, meeting_id, occurred_at, payload, live_seq)
           select e, t, m, o, p, l from unnest($1::uuid[], $2::text[], $3::uuid[], $4::timestamptz[], $5::bytea[],
                                              $6::bigint[]) with ordinality as x(e, t, m, o, p, l, n)
           order by n on conflict (event_id) do nothing""",
        *map(list, zip(*events, strict=True)),
    )
