"""Dates people set, read on the meeting's calendar: contribution deadlines and the window in which
invite links and sessions work. The moment is passed in, never read from the wall clock."""

from __future__ import annotations

import datetime as dt
import uuid

import asyncpg

from meeting_svc.contributions import db as contributions_db
from servicekit.sessions import access_until

UTC = dt.UTC
DA_NANG = dt.timezone(dt.timedelta(hours=7))


def test_access_ends_at_midnight_on_the_meetings_calendar() -> None:
    # The conference ends 23:30 on 14 January in Da Nang (16:30 UTC): with one grace day, links work
    # through the 15th there, until 17:00 UTC on the 15th, not UTC's midnight.
    ends = dt.datetime(2021, 1, 14, 23, 30, tzinfo=DA_NANG)
    assert access_until(ends, "Asia/Ho_Chi_Minh", 1) == dt.datetime(2021, 1, 15, 17, tzinfo=UTC)
    # The same moment is 14 January in Los Angeles (08:30): the day after ends 08:00 UTC on the 16th.
    assert access_until(ends, "America/Los_Angeles", 1) == dt.datetime(2021, 1, 16, 8, tzinfo=UTC)
    # Ending in Da Nang's afternoon of the 15th (06:30 UTC): links work through the 16th there.
    afternoon = dt.datetime(2021, 1, 15, 13, 30, tzinfo=DA_NANG)
    assert access_until(afternoon, "Asia/Ho_Chi_Minh", 1) == dt.datetime(2021, 1, 16, 17, tzinfo=UTC)
    # An unknown zone name falls back to UTC's calendar rather than failing the sign-in.
    assert access_until(ends, "Mars/Olympus_Mons", 1) == dt.datetime(2021, 1, 16, tzinfo=UTC)
    # No grace at all: access ends with the meeting.
    assert access_until(ends, "Asia/Ho_Chi_Minh", 0) == ends


async def test_a_contribution_is_overdue_from_its_deadline_whatever_the_sessions_zone(database_url: str) -> None:
    conn = await asyncpg.connect(database_url, server_settings={"search_path": "meeting", "TimeZone": "America/Lima"})
    try:
        org, meeting, department, request = uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
        await conn.execute("insert into organisations (id, name) values ($1, $2)", org, f"QUATEST 2 {org}")
        await conn.execute(
            "insert into meetings (id, organisation_id, starts_at, ends_at, timezone, status)"
            " values ($1, $2, $3, $4, 'Asia/Ho_Chi_Minh', 'scheduled')",
            meeting,
            org,
            dt.datetime(2021, 1, 14, 13, 30, tzinfo=DA_NANG),
            dt.datetime(2021, 1, 14, 17, 30, tzinfo=DA_NANG),
        )
        await conn.execute("insert into departments (id, organisation_id) values ($1, $2)", department, org)
        # Reports are due by the end of 10 January in Da Nang: 16:59:59 UTC that day.
        await conn.execute(
            "insert into contribution_requests (id, meeting_id, department_ids, deadline) values ($1, $2, $3, $4)",
            request,
            meeting,
            [department],
            dt.datetime(2021, 1, 10, 23, 59, 59, tzinfo=DA_NANG),
        )

        async def announced(now: dt.datetime) -> list[uuid.UUID]:
            async with conn.transaction():
                return [r["department_id"] for r in await contributions_db.newly_overdue(conn, now)]

        assert await announced(dt.datetime(2021, 1, 10, 16, 54, tzinfo=UTC)) == []  # 23:54 in Da Nang
        assert await announced(dt.datetime(2021, 1, 10, 17, 6, tzinfo=UTC)) == [department]  # 00:06 on the 11th
        assert await announced(dt.datetime(2021, 1, 11, 0, 6, tzinfo=UTC)) == []  # announced once
    finally:
        await conn.close()
