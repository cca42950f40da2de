"""The ballot decides the caster's standing in its own statement (one round trip): the same answers as
every other request. Its reading of the meeting's window is conservative (the end plus the grace); a
ballot refused there is decided again on the one rule (midnight on the meeting's calendar)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from schemas import events as ev
from schemas.codec import new_event
from servicekit.runtime import RUNTIME
from tests.conftest import wait_for
from tests.resolution.conftest import Client, Meeting, Publisher, ok, poll, vote


def zone_not_near_midnight(now: dt.datetime) -> str:
    """A zone where `now` is well inside its day, so the meeting's last day has hours left."""
    for name in ("Asia/Ho_Chi_Minh", "UTC", "America/New_York", "Pacific/Auckland"):
        local = now.astimezone(zoneinfo.ZoneInfo(name))
        if dt.time(0, 30) < local.time() < dt.time(23, 0):
            return name
    raise AssertionError("every candidate zone is near midnight")


async def move_end(m: Meeting, publish: Publisher, ends_at: dt.datetime, timezone: str) -> None:
    await publish(
        new_event(
            ev.MeetingUpdated,
            meeting_id=m.id,
            organisation_id=m.org,
            title=ev.Bilingual(vi="Hội nghị tổng kết năm 2020"),
            starts_at=ends_at - dt.timedelta(hours=4),
            ends_at=ends_at,
            timezone=timezone,
            status="in_progress",
        )
    )
    db = m.client.app[RUNTIME].db()
    await wait_for(
        lambda: db.fetchval("select ends_at = $2 from meetings where id = $1", m.id, ends_at), what="the new end"
    )


async def test_a_ballot_after_the_grace_but_before_midnight_on_the_meetings_calendar_counts(
    client: Client, meeting: Any, publish: Publisher
) -> None:
    m = await meeting()
    early, late = await m.add(2)
    p = await poll(m)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    zone = zone_not_near_midnight(now)
    # the default grace is one day: ended a day and ten minutes ago, the sessions last until tonight
    await move_end(m, publish, now - dt.timedelta(days=1, minutes=10), zone)
    await ok(await vote(m, p["id"], early, "yes"), 201)
    # three days ago: every session ended
    await move_end(m, publish, now - dt.timedelta(days=3), zone)
    refused = await vote(m, p["id"], late, "yes")
    assert (refused.status, (await refused.json())["title"]) == (401, "Session ended")
    db = client.app[RUNTIME].db()
    assert await db.fetchval("select count(*) from participations where poll_id = $1", p["id"]) == 1


async def test_a_ballot_with_a_token_of_an_older_session_generation_writes_nothing(
    client: Client, meeting: Any, publish: Publisher
) -> None:
    m = await meeting()
    [member] = await m.add(1)
    p = await poll(m)
    await publish(new_event(ev.ParticipantSessionsEnded, meeting_id=m.id, participant_id=member.id, epoch=1))
    db = client.app[RUNTIME].db()
    await wait_for(
        lambda: db.fetchval("select session_epoch = 1 from participants where id = $1", member.id),
        what="the new session generation",
    )
    refused = await vote(m, p["id"], member, "yes")
    assert (refused.status, (await refused.json())["title"]) == (401, "Session ended")
    assert await db.fetchval("select count(*) from participations where poll_id = $1", p["id"]) == 0
