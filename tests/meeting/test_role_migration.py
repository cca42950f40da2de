"""`organiser` was once a participant role; the migration that retired it leaves such participants in
their seat as observers, with no power (organiser power comes from organiser API tokens only)."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import asyncpg

from servicekit.migrations import BUS_SQL, migrate
from tests.conftest import SERVICE_SQL


async def test_participants_with_the_old_organiser_role_become_observers(database_url: str, tmp_path: Path) -> None:
    [retiring] = SERVICE_SQL["meeting"].glob("*_trust_sessions_roles.sql")
    before = tmp_path / "before"
    before.mkdir()
    for path in SERVICE_SQL["meeting"].glob("*.sql"):
        if path.name < retiring.name:
            shutil.copy(path, before / path.name)
    conn = await asyncpg.connect(database_url)
    try:
        schema = f"m{uuid.uuid4().hex[:8]}"
        await migrate(conn, schema, {"bus": BUS_SQL, "meeting": before})
        org, meeting, pid = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
        await conn.execute("insert into organisations (id, name) values ($1, 'QUATEST 2')", org)
        await conn.execute(
            "insert into meetings (id, organisation_id, starts_at, ends_at, timezone)"
            " values ($1, $2, now(), now() + interval '4 hours', 'Asia/Ho_Chi_Minh')",
            meeting,
            org,
        )
        await conn.execute(
            "insert into participants (id, meeting_id, name, role) values ($1, $2, 'Ban tổ chức', 'organiser')",
            pid,
            meeting,
        )
        await migrate(conn, schema, {"bus": BUS_SQL, "meeting": SERVICE_SQL["meeting"]})
        assert await conn.fetchval("select role from participants where id = $1", pid) == "observer"
        await conn.execute(f'drop schema "{schema}" cascade')
    finally:
        await conn.close()
