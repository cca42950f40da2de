"""The migration that ties calendar feeds and participants' display links to the generation of the invite
they were issued under keeps only those it can vouch for, and the addresses of participants added before
it get their key once the service starts."""

from __future__ import annotations

import uuid
from pathlib import Path

from meeting_svc.addresses import fill_email_keys
from servicekit.identity import email_key
from tests.meeting.conftest import schema_before


async def test_earlier_feeds_and_addresses(database_url: str, tmp_path: Path) -> None:
    async with schema_before(database_url, tmp_path / "before", "credentials_follow_the_invite") as earlier:
        people = {
            "never_revoked": (0, b"a", False, "STRAUSS@example.org"),
            "reissued": (1, b"b", False, "b@example.org"),
            "revoked": (1, None, False, "c@example.org"),
            "removed": (0, None, True, "d@example.org"),
        }
        ids = {name: uuid.uuid4() for name in people}
        for name, (epoch, invite, removed, email) in people.items():
            await earlier.conn.execute(
                "insert into participants (id, meeting_id, name, role, email, session_epoch, invite_sha256,"
                " removed_at) values ($1, $2, $3, 'voting_member', $4, $5, $6, case when $7 then now() end)",
                ids[name],
                earlier.meeting,
                name,
                email,
                epoch,
                invite,
                removed,
            )
            await earlier.conn.execute(
                "insert into calendar_feeds (participant_id, token_sha256) values ($1, $2)", ids[name], name.encode()
            )
            await earlier.conn.execute(
                "insert into display_links (id, meeting_id, code_sha256, label, created_by)"
                " values ($1, $2, $3, $4, $5)",
                uuid.uuid4(),
                earlier.meeting,
                b"display-" + name.encode(),
                name,
                f"participant:{ids[name]}",
            )
        await earlier.migrate_rest()
        displays = await earlier.conn.fetch("select label from display_links where revoked_at is null")
        assert [r["label"] for r in displays] == ["never_revoked"]
        feeds = await earlier.conn.fetch("select participant_id, session_epoch from calendar_feeds")
        assert [(r["participant_id"], r["session_epoch"]) for r in feeds] == [(ids["never_revoked"], 0)]

        assert await earlier.conn.fetchval("select count(*) from participants where email_key is not null") == 0
        await earlier.conn.execute(f'set search_path = "{earlier.schema}"')
        assert await fill_email_keys(earlier.conn, "participants") == len(people)
        keys = {r["id"]: r["email_key"] for r in await earlier.conn.fetch("select id, email_key from participants")}
        assert keys == {ids[name]: email_key(people[name][3]) for name in people}
        assert keys[ids["never_revoked"]] == "strauss@example.org"
