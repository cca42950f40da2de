"""The minutes' queries: the facts a draft is made of, the secretary's summaries, the frozen versions."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid

from servicekit import pg

Row = pg.Row


async def add_record_event(
    conn: pg.Connection, event_id: uuid.UUID, meeting_id: uuid.UUID, event_type: str, at: dt.datetime, data: bytes
) -> None:
    await conn.execute(
        "insert into record_events (event_id, meeting_id, event_type, occurred_at, payload)"
        " values ($1, $2, $3, $4, $5) on conflict (event_id) do nothing",
        event_id,
        meeting_id,
        event_type,
        at,
        data,
    )


async def record_events(conn: pg.Connection, meeting_id: uuid.UUID) -> list[Row]:
    return await conn.fetch(
        "select payload from record_events where meeting_id = $1 order by occurred_at, event_id", meeting_id
    )


async def roster(conn: pg.Connection, meeting_id: uuid.UUID) -> list[Row]:
    """Everyone on the roster with their department (and its block), presence, RSVP and proxy holder."""
    return await conn.fetch(
        "select p.id, p.name, p.role, p.weight, p.rsvp, p.present, p.department_id,"
        " coalesce(d.name_vi, '') as department_vi, coalesce(d.name_en, '') as department_en,"
        " x.holder_id from participants p left join departments d on d.id = p.department_id"
        " left join proxies x on x.principal_id = p.id"
        " where p.meeting_id = $1 and p.removed_at is null order by p.name, p.id",
        meeting_id,
    )


async def reports(conn: pg.Connection, meeting_id: uuid.UUID) -> list[Row]:
    """Position reports received, per request and department: when first received, whether late, how
    many revisions, and the latest revision's title."""
    return await conn.fetch(
        "select r.id as request_id, r.topic_vi, r.topic_en, r.deadline, s.department_id,"
        " coalesce(d.name_vi, '') as department_vi, coalesce(d.name_en, '') as department_en,"
        " s.late, s.revision as revisions, s.created_at as received_at,"
        " (select v.title from submission_revisions v where v.submission_id = s.id"
        "  order by v.revision desc limit 1) as title"
        " from contribution_requests r join submissions s on s.request_id = r.id"
        " left join departments d on d.id = s.department_id where r.meeting_id = $1"
        " order by r.deadline, r.id, d.name_vi, s.id",
        meeting_id,
    )


async def agenda_times(conn: pg.Connection, meeting_id: uuid.UUID) -> dict[uuid.UUID, Row]:
    """When each agenda item actually started and ended (set as the chair moves through the agenda)."""
    rows = await conn.fetch("select id, started_at, ended_at from agenda_items where meeting_id = $1", meeting_id)
    return {r["id"]: r for r in rows}


async def summaries(conn: pg.Executor, meeting_id: uuid.UUID) -> dict[uuid.UUID, Row]:
    rows = await conn.fetch("select * from minutes_summaries where meeting_id = $1", meeting_id)
    return {r["item_id"]: r for r in rows}


async def set_summary(
    conn: pg.Connection, meeting_id: uuid.UUID, item_id: uuid.UUID, vi: str, en: str, by: uuid.UUID | None
) -> None:
    await conn.execute(
        "insert into minutes_summaries (meeting_id, item_id, summary_vi, summary_en, updated_by)"
        " values ($1, $2, $3, $4, $5) on conflict (meeting_id, item_id) do update set"
        " summary_vi = excluded.summary_vi, summary_en = excluded.summary_en, updated_by = excluded.updated_by,"
        " updated_at = now()",
        meeting_id,
        item_id,
        vi,
        en,
        by,
    )


async def versions(conn: pg.Executor, meeting_id: uuid.UUID) -> list[Row]:
    return await conn.fetch(
        "select version, content_hash, approved_by, approved_at from minutes_versions where meeting_id = $1"
        " order by version",
        meeting_id,
    )


VERSION_COLUMNS = "version, content, national_motto, html_vi, html_en, content_hash, approved_by, approved_at"
PDF_COLUMNS = {lang: f", pdf_{lang} as pdf, pdf_{lang}_sha256 as pdf_sha256" for lang in ("vi", "en")}


async def version(conn: pg.Executor, meeting_id: uuid.UUID, number: int, pdf_lang: str | None = None) -> Row | None:
    """A version, with its PDF in `pdf_lang` (`pdf`, `pdf_sha256`: null when not typeset yet) if asked for."""
    columns = VERSION_COLUMNS + (PDF_COLUMNS[pdf_lang] if pdf_lang else "")
    return await conn.fetchrow(
        f"select {columns} from minutes_versions where meeting_id = $1 and version = $2", meeting_id, number
    )


async def add_version(
    conn: pg.Connection,
    meeting_id: uuid.UUID,
    content: bytes,
    motto: bool,
    content_hash: str,
    by: uuid.UUID | None,
) -> Row:
    """The next version (its documents follow in `set_documents`); the meeting row is locked by the caller,
    so two approvals queue."""
    row = await conn.fetchrow(
        "insert into minutes_versions (meeting_id, version, content, national_motto, html_vi, html_en, content_hash,"
        " approved_by) select $1, coalesce(max(version), 0) + 1, $2, $3, '', '', $4, $5 from minutes_versions"
        " where meeting_id = $1 returning version, approved_at",
        meeting_id,
        content,
        motto,
        content_hash,
        by,
    )
    assert row is not None
    return row


async def set_documents(
    conn: pg.Connection, meeting_id: uuid.UUID, number: int, html: dict[str, str], pdf: dict[str, bytes]
) -> None:
    """The version's documents as approved: its HTML and PDF in each language, with each PDF's SHA-256."""
    await conn.execute(
        "update minutes_versions set html_vi = $3, html_en = $4, pdf_vi = $5, pdf_en = $6,"
        " pdf_vi_sha256 = $7, pdf_en_sha256 = $8 where meeting_id = $1 and version = $2",
        meeting_id,
        number,
        html["vi"],
        html["en"],
        pdf["vi"],
        pdf["en"],
        hashlib.sha256(pdf["vi"]).hexdigest(),
        hashlib.sha256(pdf["en"]).hexdigest(),
    )


async def keep_pdf(conn: pg.Executor, meeting_id: uuid.UUID, number: int, lang: str, pdf: bytes) -> str:
    """A PDF typeset late (for a version approved before documents were kept), kept for every later request;
    the first one kept stays. Its SHA-256."""
    column = {"vi": "pdf_vi", "en": "pdf_en"}[lang]
    digest = hashlib.sha256(pdf).hexdigest()
    await conn.execute(
        f"update minutes_versions set {column} = $3, {column}_sha256 = $4"
        f" where meeting_id = $1 and version = $2 and {column} is null",
        meeting_id,
        number,
        pdf,
        digest,
    )
    return digest
