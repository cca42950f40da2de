"""Addresses already stored before their key was: the migration keys the plain ASCII ones, the service
fills in the others at start; two that turn out to share a key keep the first's, the other is logged."""

from __future__ import annotations

import uuid
from pathlib import Path

import asyncpg

from meeting_svc.addresses import fill_email_keys
from meeting_svc.settings import Settings
from tests.meeting.conftest import Client, Org, new_meeting, schema_before
from tests.meeting.signin_helpers import PASSWORD, new_account, sign_in_as


async def test_addresses_without_a_key_get_theirs_and_sign_in_by_it(
    client: Client, meeting_settings: Settings, org: Org, database_url: str
) -> None:
    account = await new_account(meeting_settings)
    meeting = await new_meeting(client, org)
    full_width = "ＢＴＣ-" + uuid.uuid4().hex[:6] + "@quatest2.example"
    conn = await asyncpg.connect(database_url, server_settings={"search_path": "meeting"})
    try:
        assert await conn.fetchval("select email_key from organisers where email = $1", account.email) == (
            account.email.lower()
        )
        # as an older version of the service left them: no key
        await conn.execute(
            "update organisers set email = $2, email_key = null where email = $1", account.email, full_width
        )
        people = [uuid.uuid4(), uuid.uuid4(), uuid.uuid4()]
        for pid, email in zip(
            people, ["Ｋim@quatest2.example", "kim@quatest2.example", "ſtraße@quatest2.example"], strict=True
        ):
            await conn.execute(
                "insert into participants (id, meeting_id, name, email, role)"
                " values ($1, $2, 'P', $3, 'voting_member')",
                pid,
                meeting["id"],
                email,
            )
        assert await fill_email_keys(conn, "organisers") == 1
        assert await fill_email_keys(conn, "participants") == 2  # one of the two Kims keeps none
        assert (
            await fill_email_keys(conn, "organisers") == await fill_email_keys(conn, "participants") == 0
        )  # idempotent
        keys = {
            r["id"]: r["email_key"]
            for r in await conn.fetch("select id, email_key from participants where meeting_id = $1", meeting["id"])
        }
        assert sorted(filter(None, keys.values())) == ["kim@quatest2.example", "strasse@quatest2.example"]
    finally:
        await conn.close()
    assert (await sign_in_as(client, full_width.lower())).status == 200
    assert (await sign_in_as(client, full_width, PASSWORD)).status == 200


async def test_the_migration_keys_plain_addresses_already_stored_and_leaves_the_others_to_the_service(
    database_url: str, tmp_path: Path
) -> None:
    async with schema_before(database_url, tmp_path / "before", "email_keys") as earlier:
        organisers = {"Chu.Tich@Quatest2.vn": uuid.uuid4(), "ｋｉｍ@quatest2.vn": uuid.uuid4(), "kim@quatest2.vn": None}
        for email, oid in organisers.items():
            await earlier.conn.execute(
                "insert into organisers (id, organisation_id, name, email) values ($1, $2, 'O', $3)",
                oid or uuid.uuid4(),
                earlier.organisation,
                email,
            )
        people = ["An@Quatest2.vn", "an@quatest2.vn", "Bình@quatest2.vn", None]
        removed = [False, True, False, False]  # a removed participant kept its address; a new one took it
        for email, gone in zip(people, removed, strict=True):
            await earlier.conn.execute(
                "insert into participants (id, meeting_id, name, email, role, removed_at)"
                " values ($1, $2, 'P', $3, 'voting_member', case when $4 then now() end)",
                uuid.uuid4(),
                earlier.meeting,
                email,
                gone,
            )
        await earlier.migrate_rest()
        keys = dict(await earlier.conn.fetch("select email, email_key from organisers"))
        assert keys == {
            "Chu.Tich@Quatest2.vn": "chu.tich@quatest2.vn",
            "ｋｉｍ@quatest2.vn": None,
            "kim@quatest2.vn": "kim@quatest2.vn",
        }
        keys = dict(await earlier.conn.fetch("select coalesce(email, '-'), email_key from participants"))
        assert keys == {
            "An@Quatest2.vn": "an@quatest2.vn",
            "an@quatest2.vn": "an@quatest2.vn",
            "Bình@quatest2.vn": None,
            "-": None,
        }
        await earlier.conn.execute(f"set search_path = {earlier.schema}")
        assert (
            await fill_email_keys(earlier.conn, "organisers") == 0
        )  # the full-width kim is the plain kim's: it keeps none
        assert await fill_email_keys(earlier.conn, "participants") == 1
        assert (
            await earlier.conn.fetchval("select email_key from participants where email = 'Bình@quatest2.vn'")
            == "bình@quatest2.vn"
        )
