"""Queries of the meeting's record (exports), read through a server-side cursor in the caller's
transaction. Kept apart from db.py, which holds the service's everyday queries."""

from __future__ import annotations

import uuid
from typing import Any

import asyncpg


def attendance(conn: asyncpg.Connection, meeting_id: uuid.UUID) -> Any:
    """Everyone on the roster, by department, with presence, RSVP and who carries their vote."""
    return conn.cursor(
        "select p.id, p.name, p.role, p.weight, p.rsvp, p.present, d.code as department_code,"
        " d.name_vi as department_vi, d.name_en as department_en, h.name as proxy_holder"
        " from participants p left join departments d on d.id = p.department_id"
        " left join proxies x on x.principal_id = p.id left join participants h on h.id = x.holder_id"
        " where p.meeting_id = $1 and p.removed_at is null"
        " order by coalesce(d.name_vi, d.name_en) nulls last, p.name, p.id",
        meeting_id,
        prefetch=500,
    )
