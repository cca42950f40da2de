"""A secret poll seen from the database: while open, a plain reader (xmin, ctid, every table) links no voter to a
choice or a receipt; after close, neither does a superuser reading raw pages with pageinspect, old row versions
included. A ballot whose answer was lost gets its receipt again with its nonce, counted once.

The statistical criterion: 50 voters, the first 25 to vote choose yes and the last 25 no (the order a reader
could best exploit). An attacker guesses every voter's choice from every clue it has (a shared transaction id,
the same row, physical order) and "yes" without one. Chance gives 25 right; a guess no better than chance
reaches 44 with probability 4e-8 (a hypergeometric tail), so 44 or more right is a link. Before ballots were
sealed, the same attacker got 50 of 50 both while open and after close.
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import asyncpg
import pytest
from aiohttp import web

from resolution_svc.app import create_app
from resolution_svc.sealing import SEALED_LENGTH, BallotKeys, open_ballot, read_ballot_key
from resolution_svc.settings import Settings
from servicekit.runtime import RUNTIME
from servicekit.settings import SettingsError
from tests.conftest import settings_of
from tests.resolution.conftest import Client, Meeting, ok, poll, vote

VOTERS = 50
LINKED = 44  # correct guesses that chance reaches with probability 4e-8


@pytest.fixture
async def superuser(database_url: str) -> AsyncIterator[asyncpg.Pool]:
    """The test database as its administrator (the service itself connects as a role owning only its schema)."""
    pool = await asyncpg.create_pool(
        database_url, min_size=1, max_size=2, server_settings={"search_path": "resolution"}
    )
    assert pool is not None
    yield pool
    await pool.close()


def nonce() -> str:
    return base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")


def guessed_right(guesses: dict[uuid.UUID, str], choices: dict[uuid.UUID, str]) -> int:
    return sum(guesses.get(v, "yes") == c for v, c in choices.items())


async def cast_all(m: Meeting, poll_id: str) -> tuple[dict[uuid.UUID, str], dict[str, uuid.UUID]]:
    choices: dict[uuid.UUID, str] = {}
    receipts: dict[str, uuid.UUID] = {}
    for i, v in enumerate(m.people):
        choices[v.id] = "yes" if i < VOTERS // 2 else "no"
        answer = await ok(await vote(m, poll_id, v, choices[v.id], nonce=nonce()), 201)
        receipts[answer["receipt"]] = v.id
    return choices, receipts


async def read_as(database_url: str, role: str) -> dict[str, list[asyncpg.Record]]:
    """Every table of the service's schema as `role` reads it: each row with its xmin and ctid."""
    conn = await asyncpg.connect(database_url, user=role, server_settings={"search_path": "resolution"})
    try:
        tables = [
            r["tablename"] for r in await conn.fetch("select tablename from pg_tables where schemaname = 'resolution'")
        ]
        return {
            t: await conn.fetch(f'select xmin::text as xmin, ctid::text as ctid, to_jsonb(x)::text as doc from "{t}" x')
            for t in tables
        }
    finally:
        await conn.close()


async def test_open_secret_poll_links_no_voter_for_a_database_reader(
    client: Client, meeting: Any, database_url: str, superuser: asyncpg.Pool
) -> None:
    m = await meeting()
    await m.add(VOTERS)
    p = await poll(m, secret=True)
    choices, receipts = await cast_all(m, p["id"])
    admin = superuser
    role = f"reader_{uuid.uuid4().hex[:10]}"
    await admin.execute(f"create role {role} login")
    try:
        await admin.execute(f"grant usage on schema resolution to {role}")
        await admin.execute(f"grant select on all tables in schema resolution to {role}")
        dump = await read_as(database_url, role)
    finally:
        await admin.execute(f"drop owned by {role}")
        await admin.execute(f"drop role {role}")

    voter_ids = {str(v): v for v in choices}
    text = "\n".join(r["doc"] for rows in dump.values() for r in rows)
    # no receipt anywhere, and no ballot row of the poll yet: the choices exist only sealed
    assert not any(r in text for r in receipts)
    assert not [r for r in dump["ballots"] if p["id"] in r["doc"]]
    sealed = [r for r in dump["participations"] if p["id"] in r["doc"]]
    assert len(sealed) == VOTERS
    # every sealed ballot has the same length, whatever its choice
    assert {len(bytes.fromhex(_field(r["doc"], "sealed")[2:])) for r in sealed} == {SEALED_LENGTH}

    # the attacker: a choice word in a voter's row, in any row of the same transaction, or in the row at the
    # same rank of physical order in any other table
    guesses: dict[uuid.UUID, str] = {}
    by_xmin: dict[str, list[str]] = {}
    for rows in dump.values():
        for r in rows:
            by_xmin.setdefault(r["xmin"], []).append(r["doc"])
    for r in sealed:
        voter = voter_ids[_field(r["doc"], "voter_id")]
        for doc in by_xmin[r["xmin"]]:
            for word in ("no", "yes"):
                if f'"choice": "{word}"' in doc:
                    guesses[voter] = word
    # each participation is alone in its transaction: nothing else was written with it
    assert all(len(by_xmin[r["xmin"]]) == 1 for r in sealed)
    for table, rows in dump.items():
        if table == "participations":
            continue
        ranked = sorted((r for r in rows if '"choice"' in r["doc"]), key=lambda r: _ctid(r["ctid"]))
        for r, doc in zip(sorted(sealed, key=lambda r: _ctid(r["ctid"])), ranked, strict=False):
            guesses.setdefault(voter_ids[_field(r["doc"], "voter_id")], _field(doc["doc"], "choice"))
    assert guessed_right(guesses, choices) < LINKED


async def test_closed_secret_poll_links_no_voter_in_raw_pages(
    client: Client, meeting: Any, ballot_key: str, superuser: asyncpg.Pool
) -> None:
    m = await meeting()
    await m.add(VOTERS)
    p = await poll(m, secret=True)
    admin = superuser
    # the test knows the service key (the attacker does not): to show what exists while open, and that it is gone
    sealed_key = await admin.fetchval("select sealed_key from poll_keys where poll_id = $1", uuid.UUID(p["id"]))
    poll_key = BallotKeys(read_ballot_key(ballot_key)).open_poll_key(sealed_key)
    choices, receipts = await cast_all(m, p["id"])
    participations = await admin.fetch(
        "select voter_id, sealed, xmin::text::bigint as xmin from participations where poll_id = $1",
        uuid.UUID(p["id"]),
    )
    opened = {r["voter_id"]: open_ballot(poll_key, r["sealed"]) for r in participations}
    assert {v: c for v, (c, _) in opened.items()} == choices  # sealed, and exactly what was cast
    await ok(await client.post(f"/api/v1/polls/{p['id']}/close", headers=m.organiser))

    await admin.execute("create extension if not exists pageinspect")
    assert await admin.fetchval("select count(*) from poll_keys") == 0  # the poll's key is destroyed
    pages: list[bytes] = []
    for rel in await admin.fetch(
        "select c.oid, c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace"
        " where n.nspname in ('resolution', 'pg_toast') and c.relkind in ('r', 'i', 't')"
        " and pg_relation_size(c.oid) > 0"
    ):
        blocks = await admin.fetchval(
            "select pg_relation_size($1::oid) / current_setting('block_size')::int", rel["oid"]
        )
        for n in range(blocks):
            pages.append(await admin.fetchval("select get_raw_page($1::oid::regclass::text, $2::int)", rel["oid"], n))
    raw = b"".join(pages)
    # nothing left on disk opens a sealed ballot: the poll's key is in no page, live or dead
    assert poll_key not in raw

    # every tuple version of both tables, dead ones included
    def versions(table: str) -> str:
        return (
            f"select t_xmin::text::bigint as xmin, n as page, lp, t_attrs from"
            f" generate_series(0, pg_relation_size('{table}') / current_setting('block_size')::int - 1) n,"
            f" heap_page_item_attrs(get_raw_page('{table}', n), '{table}'::regclass) where t_attrs is not null"
        )

    ballot_rows = [
        (r["xmin"], r["page"], r["lp"], _text(r["t_attrs"][3])) for r in await admin.fetch(versions("ballots"))
    ]
    voter_rows = [
        (r["xmin"], uuid.UUID(bytes=r["t_attrs"][1]))
        for r in await admin.fetch(versions("participations"))
        if r["t_attrs"][0] == uuid.UUID(p["id"]).bytes
    ]
    assert {v for _, v in voter_rows} == set(choices)
    choice_of = {"yes": "yes", "no": "no"}
    guesses: dict[uuid.UUID, str] = {}
    by_xmin = {x: c for x, _, _, c in ballot_rows}
    for xmin, voter in voter_rows:  # a ballot version written with a participation version
        if xmin in by_xmin and by_xmin[xmin] in choice_of:
            guesses[voter] = choice_of[by_xmin[xmin]]
    voting_order = [v for _, v in sorted(voter_rows) if v not in guesses]
    physical = [c for _, _, _, c in sorted(ballot_rows, key=lambda r: (r[1], r[2])) if c in choice_of]
    assert sorted(physical) == sorted(choices.values())  # the attacker reads every ballot's choice from the pages
    for voter, choice in zip(dict.fromkeys(voting_order), physical, strict=False):
        guesses.setdefault(voter, choice_of[choice])
    assert guessed_right(guesses, choices) < LINKED
    # yet every receipt is listed with its choice, and the tally is exact
    listed = await ok(await client.get(f"/api/v1/polls/{p['id']}/receipts", headers=m.organiser))
    assert {r["receipt"]: r["choice"] for r in listed["items"]} == {r: choices[v] for r, v in receipts.items()}
    result = await ok(await client.get(f"/api/v1/polls/{p['id']}/result", headers=m.organiser))
    assert {t["option"]: t["count"] for t in result["result"]["tallies"]}["yes"] == VOTERS // 2


async def test_lost_answer_then_retry_with_its_nonce_gives_the_same_receipt_counted_once(
    env: dict[str, Any], start_service: Any, publish: Any, signer: Any
) -> None:
    app = create_app(settings_of(Settings, env, schedule_interval_s=0.1))
    lost: list[str] = []

    @web.middleware
    async def lose_first_ballot_answer(request: web.Request, handler: Any) -> web.StreamResponse:
        response = await handler(request)  # the ballot is committed here
        if request.path.endswith("/ballots") and request.method == "POST" and not lost:
            lost.append(request.path)
            assert request.transport is not None
            request.transport.close()  # the connection drops before the answer leaves
        return response

    app.middlewares.append(lose_first_ballot_answer)
    client = await start_service(app)
    m = await Meeting(client, publish, signer).start()
    for secret in (True, False):
        voter, other = await m.add(2)
        lost.clear()
        p = await poll(m, secret=secret)
        ballot = {"choice": "no", "nonce": nonce()}
        with pytest.raises(aiohttp.ClientError):
            await (await client.post(f"/api/v1/polls/{p['id']}/ballots", json=ballot, headers=voter.auth)).read()
        assert lost
        again = await ok(await client.post(f"/api/v1/polls/{p['id']}/ballots", json=ballot, headers=voter.auth))
        assert again["replayed"]
        twice = await ok(await client.post(f"/api/v1/polls/{p['id']}/ballots", json=ballot, headers=voter.auth))
        assert twice["receipt"] == again["receipt"]
        # another nonce is another ballot: refused, without a receipt in a secret poll
        other_nonce = await client.post(
            f"/api/v1/polls/{p['id']}/ballots", json={**ballot, "nonce": nonce()}, headers=voter.auth
        )
        assert other_nonce.status == 409
        assert ("receipt" in await other_nonce.json()) is not secret
        await ok(await vote(m, p["id"], other, "yes", nonce=nonce()), 201)
        await ok(await client.post(f"/api/v1/polls/{p['id']}/close", headers=m.organiser))
        # after close too, the same nonce still brings the receipt back
        late = await ok(await client.post(f"/api/v1/polls/{p['id']}/ballots", json=ballot, headers=voter.auth))
        assert late["receipt"] == again["receipt"]
        result = await ok(await client.get(f"/api/v1/polls/{p['id']}/result", headers=m.organiser))
        counts = {t["option"]: t["count"] for t in result["result"]["tallies"]}
        assert (counts["yes"], counts["no"]) == (1, 1)
        listed = await ok(await client.get(f"/api/v1/polls/{p['id']}/receipts", headers=voter.auth))
        assert {r["receipt"]: r["choice"] for r in listed["items"]}[again["receipt"]] == "no"


async def test_nonce_that_is_not_random_enough_is_refused(client: Client, meeting: Any) -> None:
    m = await meeting()
    (voter,) = await m.add(1)
    p = await poll(m, secret=True)
    response = await vote(m, p["id"], voter, "yes", nonce="short")
    assert response.status in (400, 422) and (await response.json())["field"] == "nonce"


def _field(doc: str, name: str) -> str:
    return str(json.loads(doc)[name])


def _text(raw: bytes | None) -> str:
    """A short text column as pageinspect gives it: a one-byte varlena header (odd), or four bytes."""
    if raw is None:
        return ""
    return (raw[1:] if raw[0] & 1 else raw[4:]).decode(errors="replace")


def _ctid(ctid: str) -> tuple[int, int]:
    page, item = ctid.strip("()").split(",")
    return int(page), int(item)


async def test_secret_poll_opened_before_ballots_were_sealed_is_sealed_from_then_on_and_counts_all(
    client: Client, meeting: Any
) -> None:
    m = await meeting()
    earlier, later = await m.add(2)
    p = await poll(m, secret=True)
    poll_id = uuid.UUID(p["id"])
    db = client.app[RUNTIME].db()
    # as an older version left it: no poll key, one ballot stored in clear beside its participation
    await db.execute("delete from poll_keys where poll_id = $1", poll_id)
    await db.execute("insert into participations (poll_id, voter_id) values ($1, $2)", poll_id, earlier.id)
    await db.execute(
        "insert into ballots (id, poll_id, choice, weight, receipt) values ($1, $2, 'no', 1, 'OLDR-ECEI-PTAA-AAAA')",
        uuid.uuid4(),
        poll_id,
    )
    answer = await ok(await vote(m, p["id"], later, "yes", nonce=nonce()), 201)
    assert await db.fetchval("select count(*) from poll_keys where poll_id = $1", poll_id) == 1
    assert await db.fetchval("select sealed from participations where voter_id = $1", later.id) is not None
    await ok(await client.post(f"/api/v1/polls/{p['id']}/close", headers=m.organiser))
    listed = await ok(await client.get(f"/api/v1/polls/{p['id']}/receipts", headers=m.organiser))
    assert {r["receipt"]: r["choice"] for r in listed["items"]} == {
        "OLDR-ECEI-PTAA-AAAA": "no",
        answer["receipt"]: "yes",
    }
    # a closed poll never gets a key again
    again = await vote(m, p["id"], later, "no", nonce=nonce())
    assert again.status == 409
    assert await db.fetchval("select count(*) from poll_keys where poll_id = $1", poll_id) == 0


def test_resolution_service_refuses_to_start_without_a_ballot_key(keypair: tuple[str, str]) -> None:
    with pytest.raises(SettingsError, match="BALLOT_KEY"):
        create_app(Settings(token_public_key=keypair[1]))
