"""The migration that ties calendar feeds and participants' display links to the generation of the invite
they were issued under keeps only those it can vouch for, and the addresses of participants added before
it get their key once the service starts."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import asyncpg

from meeting_svc.people import db as people_db
from servicekit.identity import email_key
from servicekit.migrations import BUS_SQL, migrate
from tests.conftest import SERVICE_SQL


async def test_earlier_feeds_and_addresses(database_url: str, tmp_path: Path) -> None:
    [tying] = SERVICE_SQL["meeting"].glob("*_credentials_follow_the_invite.sql")
    before = tmp_path / "before"
    before.mkdir()
    for path in SERVICE_SQL["meeting"].glob("*.sql"):
        if path.name < tying.name:
            shutil.copy(path, before / path.name)
    conn = await asyncpg.connect(database_url)
    schema = f"m{uuid.uuid4().hex[:8]}"
    try:
        await migrate(conn, schema, {"bus": BUS_SQL, "meeting": before})
        org, meeting = uuid.uuid4(), uuid.uuid4()
        await conn.execute("insert into organisations (id, name) values ($1, 'QUATEST 2')", org)
        await conn.execute(
            "insert into meetings (id, organisation_id, starts_at, ends_at, timezone)"
            " values ($1, $2, now(), now() + interval '4 hours', 'Asia/Ho_Chi_Minh')",
            meeting,
            org,
        )
        people = {
            "never_revoked": (0, b"a", False, "STRAUSS@example.org"),
            "reissued": (1, b"b", False, "b@example.org"),
            "revoked": (1, None, False, "c@example.org"),
            "removed": (0, None, True, "d@example.org"),
        }
        ids = {name: uuid.uuid4() for name in people}
        for name, (epoch, invite, removed, email) in people.items():
            await conn.execute(
                "insert into participants (id, meeting_id, name, role, email, session_epoch, invite_sha256,"
                " removed_at) values ($1, $2, $3, 'voting_member', $4, $5, $6, case when $7 then now() end)",
                ids[name],
                meeting,
                name,
                email,
                epoch,
                invite,
                removed,
            )
            await conn.execute(
                "insert into calendar_feeds (participant_id, token_sha256) values ($1, $2)", ids[name], name.encode()
            )
            await conn.execute(
                "insert into display_links (id, meeting_id, code_sha256, label, created_by)"
                " values ($1, $2, $3, $4, $5)",
                uuid.uuid4(),
                meeting,
                b"display-" + name.encode(),
                name,
                f"participant:{ids[name]}",
            )
        await migrate(conn, schema, {"bus": BUS_SQL, "meeting": SERVICE_SQL["meeting"]})
        displays = await conn.fetch("select label from display_links where revoked_at is null")
        assert [r["label"] for r in displays] == ["never_revoked"]
        feeds = await conn.fetch("select participant_id, session_epoch from calendar_feeds")
        assert [(r["participant_id"], r["session_epoch"]) for r in feeds] == [(ids["never_revoked"], 0)]

        assert await conn.fetchval("select count(*) from participants where email_key is not null") == 0
        await conn.execute(f'set search_path = "{schema}"')
        assert await people_db.fill_email_keys(conn) == len(people)
        keys = {r["id"]: r["email_key"] for r in await conn.fetch("select id, email_key from participants")}
        assert keys == {ids[name]: email_key(people[name][3]) for name in people}
        assert keys[ids["never_revoked"]] == "strauss@example.org"
    finally:
        await conn.execute(f'drop schema if exists "{schema}" cascade')
        await conn.close()
