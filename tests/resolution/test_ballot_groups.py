"""Ballots that arrive together are written in one statement (resolution_svc/casting.py): each still gets
its own outcome, a twin sent at the same moment is counted once, and a ballot the database refuses
fails alone."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from typing import Any

import asyncpg
import pytest

from resolution_svc.casting import BallotCaster, Cast
from servicekit.runtime import RUNTIME
from tests.resolution.conftest import Client, Meeting, poll, vote


async def test_ballots_sent_at_once_are_each_counted_once_with_their_own_answer(client: Client, meeting: Any) -> None:
    m = await meeting()
    voters = await m.add(24)
    p = await poll(m, secret=True)
    twins = voters[:6]
    sent = [vote(m, p["id"], v, "yes", nonce=f"n-{v.id}") for v in voters]
    sent += [vote(m, p["id"], v, "yes", nonce=f"n-{v.id}") for v in twins]  # the same ballot again, at once
    answers = await asyncio.gather(*sent)
    bodies = [await a.json() for a in answers]
    for i in range(len(twins)):
        pair = sorted([(answers[i].status, bodies[i]), (answers[24 + i].status, bodies[24 + i])], key=lambda x: x[0])
        assert [s for s, _ in pair] == [200, 201], pair
        assert pair[0][1]["replayed"] and pair[0][1]["receipt"] == pair[1][1]["receipt"]
    assert [a.status for a in answers[6:24]] == [201] * 18
    db = client.app[RUNTIME].db()
    assert await db.fetchval("select count(*) from participations where poll_id = $1", uuid.UUID(p["id"])) == 24


def named_cast(m: Meeting, poll_id: str, voter: uuid.UUID, choice: str) -> Cast:
    return Cast(
        poll_id=uuid.UUID(poll_id),
        voter_id=voter,
        caster_id=voter,
        choice=choice,
        receipt=f"R-{poll_id[:8]}-{voter.hex[:8]}",
        sealed=None,
        tag=voter.bytes,
        meeting_id=m.id,
        epoch=0,
        grace=dt.timedelta(days=1),
        now=dt.datetime.now(dt.UTC),
    )


async def test_a_ballot_the_database_refuses_fails_alone_and_its_group_is_counted(client: Client, meeting: Any) -> None:
    m = await meeting()
    voters = await m.add(4)
    p = await poll(m, secret=False)
    caster = BallotCaster(lanes=1)  # one lane: everything sent at once goes in one group
    db = client.app[RUNTIME].db()
    casts = [named_cast(m, p["id"], v.id, "yes") for v in voters[:3]]
    casts.append(named_cast(m, p["id"], voters[3].id, "y\x00es"))  # PostgreSQL refuses a NUL in a text
    outcomes = await asyncio.gather(*(caster.cast(db, c) for c in casts), return_exceptions=True)
    assert caster.groups == 1
    assert [o["counted"] for o in outcomes[:3]] == [True, True, True]  # type: ignore[index]
    assert isinstance(outcomes[3], asyncpg.DataError | asyncpg.exceptions.CharacterNotInRepertoireError)
    counted = await db.fetch("select voter_id from ballots where poll_id = $1", uuid.UUID(p["id"]))
    assert {r["voter_id"] for r in counted} == {v.id for v in voters[:3]}


async def test_each_ballot_of_a_group_is_judged_on_its_own_standing(client: Client, meeting: Any) -> None:
    m = await meeting()
    member, outsider = await m.add(2)
    p = await poll(m, secret=False)
    caster = BallotCaster(lanes=1)
    db = client.app[RUNTIME].db()
    good = named_cast(m, p["id"], member.id, "yes")
    stale = named_cast(m, p["id"], outsider.id, "no")
    stale = Cast(**{**{f: getattr(stale, f) for f in stale.__struct_fields__}, "epoch": -1, "meeting_id": uuid.uuid4()})
    first, second = await asyncio.gather(caster.cast(db, good), caster.cast(db, stale))
    assert (first["standing"], first["counted"]) == (True, True)
    assert (second["standing"], second["counted"]) == (False, False)
    assert caster.groups == 1


@pytest.mark.parametrize("lanes", [1, 3])
async def test_many_concurrent_ballots_of_two_polls_never_wait_on_each_other(
    client: Client, meeting: Any, lanes: int
) -> None:
    m = await meeting()
    voters = await m.add(40)
    first, second = await poll(m, secret=False), await poll(m, secret=False)
    caster = BallotCaster(lanes=lanes, most=7)
    db = client.app[RUNTIME].db()
    casts = [named_cast(m, p["id"], v.id, "yes") for v in reversed(voters) for p in (first, second)]
    casts += casts[::-1]  # every ballot twice, in the opposite order: groups overlap on the same voters
    outcomes = await asyncio.gather(*(caster.cast(db, c) for c in casts))
    assert sum(o["counted"] for o in outcomes) == 80
    assert (
        await db.fetchval("select count(*) from ballots where poll_id = any($1::uuid[])", [first["id"], second["id"]])
        == 80
    )
