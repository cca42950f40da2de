"""meeting_svc's SQL for contribution requests and the position reports departments send in answer:
requests, submissions and their revisions, each department's status and what became overdue. Functions
take a connection so callers decide the transaction."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from servicekit import pg

REQUEST_COLUMNS = "id, meeting_id, topic_vi, topic_en, guidance, department_ids, deadline, allow_late"


async def insert_request(conn: pg.Connection, meeting_id: uuid.UUID, v: dict[str, Any]) -> pg.Row:
    row = await conn.fetchrow(
        "insert into contribution_requests (id, meeting_id, topic_vi, topic_en, guidance, department_ids, deadline,"
        f" allow_late) values ($1, $2, $3, $4, $5, $6, $7, $8) returning {REQUEST_COLUMNS}",
        uuid.uuid4(),
        meeting_id,
        v["topic_vi"],
        v["topic_en"],
        v["guidance"],
        v["department_ids"],
        v["deadline"],
        v["allow_late"],
    )
    assert row is not None  # an insert returns the row it made
    return row


async def requests(conn: pg.Executor, meeting_id: uuid.UUID) -> list[pg.Row]:
    return await conn.fetch(
        f"select {REQUEST_COLUMNS} from contribution_requests where meeting_id = $1 order by deadline, id", meeting_id
    )


async def request(conn: pg.Connection, meeting_id: uuid.UUID, rid: uuid.UUID) -> pg.Row | None:
    return await conn.fetchrow(
        f"select {REQUEST_COLUMNS} from contribution_requests where meeting_id = $1 and id = $2", meeting_id, rid
    )


SUBMISSION_COLUMNS = (
    "s.id, s.request_id, s.department_id, s.revision, s.late, r.title, r.body, r.body_html, r.recommendations,"
    " r.late as revision_late, r.created_at"
)


async def submission(conn: pg.Connection, rid: uuid.UUID, sid: uuid.UUID, *, lock: bool = False) -> pg.Row | None:
    return await conn.fetchrow(
        f"select {SUBMISSION_COLUMNS} from submissions s join submission_revisions r"
        " on r.submission_id = s.id and r.revision = s.revision where s.request_id = $1 and s.id = $2"
        f"{' for update of s' if lock else ''}",
        rid,
        sid,
    )


async def submission_of(conn: pg.Connection, rid: uuid.UUID, department: uuid.UUID) -> uuid.UUID | None:
    return await conn.fetchval(
        "select id from submissions where request_id = $1 and department_id = $2", rid, department
    )


async def add_revision(
    conn: pg.Connection,
    *,
    rid: uuid.UUID,
    sid: uuid.UUID | None,
    department: uuid.UUID,
    author: uuid.UUID,
    late: bool,
    v: dict[str, Any],
) -> tuple[uuid.UUID, int]:
    if sid is None:
        sid = uuid.uuid4()
        revision = 1
        await conn.execute(
            "insert into submissions (id, request_id, department_id, submitted_by, late) values ($1, $2, $3, $4, $5)",
            sid,
            rid,
            department,
            author,
            late,
        )
    else:
        revision = await conn.fetchval(
            "update submissions set revision = revision + 1, late = late or $2, updated_at = now() where id = $1"
            " returning revision",
            sid,
            late,
        )
    await conn.execute(
        "insert into submission_revisions (submission_id, revision, title, body, body_html, recommendations, late,"
        " submitted_by) values ($1, $2, $3, $4, $5, $6, $7, $8)",
        sid,
        revision,
        v["title"],
        v["body"],
        v["body_html"],
        v["recommendations"],
        late,
        author,
    )
    return sid, revision


async def revisions(conn: pg.Executor, sid: uuid.UUID) -> list[pg.Row]:
    return await conn.fetch(
        "select revision, title, body, body_html, recommendations, late, created_at from submission_revisions"
        " where submission_id = $1 order by revision",
        sid,
    )


async def contribution_status(conn: pg.Executor, meeting_id: uuid.UUID) -> list[pg.Row]:
    return await conn.fetch(
        "select r.id as request_id, d.department_id, r.deadline, coalesce(s.revision, 0) as revisions,"
        " coalesce(s.late, false) as late, s.id as submission_id"
        " from contribution_requests r cross join unnest(r.department_ids) as d(department_id)"
        " left join submissions s on s.request_id = r.id and s.department_id = d.department_id"
        " where r.meeting_id = $1 order by r.deadline, r.id, d.department_id",
        meeting_id,
    )


async def newly_overdue(conn: pg.Connection, now: dt.datetime, limit: int = 500) -> list[pg.Row]:
    """(request, department) pairs past their deadline at `now` without a submission and not yet announced;
    marks them. A deadline is a moment with its offset, so this holds in every time zone."""
    return await conn.fetch(
        "with due as (select r.id as request_id, d.department_id, r.meeting_id, r.deadline"
        " from contribution_requests r cross join unnest(r.department_ids) as d(department_id)"
        " join meetings m on m.id = r.meeting_id and m.status <> 'cancelled'"
        " where r.deadline < $2 and not exists (select 1 from submissions s where s.request_id = r.id"
        " and s.department_id = d.department_id) and not exists (select 1 from overdue_notices o"
        " where o.request_id = r.id and o.department_id = d.department_id) limit $1),"
        " marked as (insert into overdue_notices select request_id, department_id from due on conflict do nothing"
        " returning request_id, department_id)"
        " select due.* from due join marked using (request_id, department_id)",
        limit,
        now,
    )


async def remind(conn: pg.Connection, rid: uuid.UUID, departments: list[uuid.UUID]) -> None:
    await conn.execute(
        "insert into contribution_reminders (request_id, department_id) select $1, unnest($2::uuid[])"
        " on conflict (request_id, department_id) do update"
        " set reminders = contribution_reminders.reminders + 1, reminded_at = now()",
        rid,
        departments,
    )


async def reminded(conn: pg.Executor, meeting_id: uuid.UUID) -> dict[tuple[Any, Any], Any]:
    """(request, department) -> when last reminded."""
    rows = await conn.fetch(
        "select x.request_id, x.department_id, x.reminded_at from contribution_reminders x"
        " join contribution_requests r on r.id = x.request_id where r.meeting_id = $1",
        meeting_id,
    )
    return {(r["request_id"], r["department_id"]): r["reminded_at"] for r in rows}
