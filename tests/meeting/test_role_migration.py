"""`organiser` was once a participant role; the migration that retired it leaves such participants in
their seat as observers, with no power (organiser power comes from organiser API tokens only)."""

from __future__ import annotations

import uuid
from pathlib import Path

from tests.meeting.conftest import schema_before


async def test_participants_with_the_old_organiser_role_become_observers(database_url: str, tmp_path: Path) -> None:
    async with schema_before(database_url, tmp_path / "before", "trust_sessions_roles") as earlier:
        pid = uuid.uuid4()
        await earlier.conn.execute(
            "insert into participants (id, meeting_id, name, role) values ($1, $2, 'Ban tổ chức', 'organiser')",
            pid,
            earlier.meeting,
        )
        await earlier.migrate_rest()
        assert await earlier.conn.fetchval("select role from participants where id = $1", pid) == "observer"
