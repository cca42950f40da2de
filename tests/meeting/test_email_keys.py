"""Addresses already stored before their key was: the migration keys the plain ASCII ones, the service
fills in the others at start; two that turn out to share a key keep the first's, the other is logged."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import asyncpg

from meeting_svc.accounts import db as accounts_db
from meeting_svc.people import db as people_db
from meeting_svc.settings import Settings
from servicekit.migrations import BUS_SQL, migrate
from tests.conftest import SERVICE_SQL
from tests.meeting.conftest import Client, Org, new_meeting
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
        assert await accounts_db.fill_email_keys(conn) == 1
        assert await people_db.fill_email_keys(conn) == 2  # one of the two Kims keeps none
        assert await accounts_db.fill_email_keys(conn) == await people_db.fill_email_keys(conn) == 0  # idempotent
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
    [keying] = SERVICE_SQL["meeting"].glob("*_email_keys.sql")
    before = tmp_path / "before"
    before.mkdir()
    for path in SERVICE_SQL["meeting"].glob("*.sql"):
        if path.name < keying.name:
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
        organisers = {"Chu.Tich@Quatest2.vn": uuid.uuid4(), "ｋｉｍ@quatest2.vn": uuid.uuid4(), "kim@quatest2.vn": None}
        for email, oid in organisers.items():
            await conn.execute(
                "insert into organisers (id, organisation_id, name, email) values ($1, $2, 'O', $3)",
                oid or uuid.uuid4(),
                org,
                email,
            )
        people = ["An@Quatest2.vn", "an@quatest2.vn", "Bình@quatest2.vn", None]
        removed = [False, True, False, False]  # a removed participant kept its address; a new one took it
        for email, gone in zip(people, removed, strict=True):
            await conn.execute(
                "insert into participants (id, meeting_id, name, email, role, removed_at)"
                " values ($1, $2, 'P', $3, 'voting_member', case when $4 then now() end)",
                uuid.uuid4(),
                meeting,
                email,
                gone,
            )
        await migrate(conn, schema, {"bus": BUS_SQL, "meeting": SERVICE_SQL["meeting"]})
        keys = dict(await conn.fetch("select email, email_key from organisers"))
        assert keys == {
            "Chu.Tich@Quatest2.vn": "chu.tich@quatest2.vn",
            "ｋｉｍ@quatest2.vn": None,
            "kim@quatest2.vn": "kim@quatest2.vn",
        }
        keys = dict(await conn.fetch("select coalesce(email, '-'), email_key from participants"))
        assert keys == {
            "An@Quatest2.vn": "an@quatest2.vn",
            "an@quatest2.vn": "an@quatest2.vn",
            "Bình@quatest2.vn": None,
            "-": None,
        }
        await conn.execute(f"set search_path = {schema}")
        assert await accounts_db.fill_email_keys(conn) == 0  # the full-width kim is the plain kim's: it keeps none
        assert await people_db.fill_email_keys(conn) == 1
        assert (
            await conn.fetchval("select email_key from participants where email = 'Bình@quatest2.vn'")
            == "bình@quatest2.vn"
        )
    finally:
        await conn.execute(f'drop schema if exists "{schema}" cascade')
        await conn.close()
