"""Addresses already stored before their key was: the migration keys the plain ASCII ones, the service
fills in the others at start; two that turn out to share a key keep the first's, the other is logged."""

from __future__ import annotations

import uuid

import asyncpg

from meeting_svc.accounts import db as accounts_db
from meeting_svc.people import db as people_db
from meeting_svc.settings import Settings
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
