"""Secret ballots leave no path from a voter to a choice; the read model survives late, repeated and
poisoned events."""

from __future__ import annotations

import json
import logging
import uuid
from typing import Any

import pytest

from schemas import events as ev
from schemas.codec import encode, new_event
from servicekit.runtime import RUNTIME
from tests.conftest import EventTap, wait_for
from tests.resolution.conftest import Client, ok, poll, vote


async def test_secret_poll_has_no_path_from_voter_to_choice(
    client: Client, meeting: Any, tap: EventTap, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    caplog.set_level(logging.DEBUG)
    m = await meeting()
    voters = await m.add(12)
    p = await poll(m, secret=True)
    choices = {}
    receipts = {}
    for i, v in enumerate(voters):
        choice = ("yes", "no", "abstain")[i % 3]
        answer = await ok(await vote(m, p["id"], v, choice), 201)
        assert "choice" not in answer  # the answer does not repeat a secret choice
        choices[v.id] = choice
        receipts[answer["receipt"]] = v.id
    again = await vote(m, p["id"], voters[0], "no")
    assert again.status == 409 and "receipt" not in await again.json()
    await ok(await client.post(f"/api/v1/polls/{p['id']}/close", headers=m.organiser))
    await tap.wait("poll.closed", poll_id=uuid.UUID(p["id"]))

    db = client.app[RUNTIME].db()
    voter_ids = {str(v) for v in choices}
    # every table of the service: no row holds both a voter id and a receipt or a choice of this poll
    tables = [
        r["table_name"]
        for r in await db.fetch(
            "select table_name from information_schema.tables"
            " where table_schema = 'resolution' and table_type = 'BASE TABLE'"
        )
    ]
    for table in tables:
        for row in await db.fetch(f'select to_jsonb(t)::text as doc from "{table}" t'):
            doc = row["doc"]
            has_voter = any(v in doc for v in voter_ids)
            has_receipt = any(r in doc for r in receipts)
            assert not (has_voter and has_receipt), (table, doc)
            if table == "ballots" and p["id"] in doc:
                ballot = json.loads(doc)
                assert ballot["voter_id"] is None and ballot["cast_at"] is None
                assert uuid.UUID(ballot["id"]).version == 4  # random: no time order in the id
    # the ballots were rewritten at close: neither their transaction ids nor their order follow the voting order
    xmins = await db.fetchval("select count(distinct xmin::text) from ballots where poll_id = $1", uuid.UUID(p["id"]))
    assert xmins == 1
    # events carry counts only
    for event in tap.events:
        text = encode(event).decode()
        assert not (any(v in text for v in voter_ids) and any(r in text for r in receipts)), event.event_type
    # the logs never name a receipt (and so never join one to its voter)
    logged = capsys.readouterr().out + caplog.text
    assert not any(r in logged for r in receipts)
    # each voter can still check their ballot was counted as cast
    listed = await ok(await client.get(f"/api/v1/polls/{p['id']}/receipts", headers=voters[0].auth))
    assert {r["receipt"]: r["choice"] for r in listed["items"]} == {r: choices[v] for r, v in receipts.items()}
    named = await client.get(f"/api/v1/polls/{p['id']}/ballots", headers=m.organiser)
    assert named.status == 404


async def test_changeable_secret_ballot_counts_once_as_last_cast(client: Client, meeting: Any) -> None:
    m = await meeting()
    voter, other = await m.add(2)
    p = await poll(m, secret=True, allow_change=True)
    first = await ok(await vote(m, p["id"], voter, "yes", nonce="a" * 22), 201)
    changed = await ok(await vote(m, p["id"], voter, "no", nonce="b" * 22))
    assert changed["replaced"] and changed["receipt"] != first["receipt"] and "choice" not in changed
    await ok(await vote(m, p["id"], other, "yes", nonce="c" * 22), 201)
    await ok(await client.post(f"/api/v1/polls/{p['id']}/close", headers=m.organiser))
    result = await ok(await client.get(f"/api/v1/polls/{p['id']}/result", headers=m.organiser))
    counts = {t["option"]: t["count"] for t in result["result"]["tallies"]}
    assert (counts["yes"], counts["no"]) == (1, 1)
    listed = await ok(await client.get(f"/api/v1/polls/{p['id']}/receipts", headers=voter.auth))
    receipts = {r["receipt"]: r["choice"] for r in listed["items"]}
    assert receipts[changed["receipt"]] == "no" and first["receipt"] not in receipts and len(receipts) == 2


async def test_read_model_takes_events_late_twice_and_poisoned(
    client: Client, meeting: Any, publish: Any, js: Any, namespace: str
) -> None:
    m = await meeting()
    pid = uuid.uuid4()
    invited = new_event(
        ev.ParticipantInvited,
        meeting_id=m.id,
        participant_id=pid,
        name="Lê Văn Đến Muộn",
        role="voting_member",
        weight=2,
    )
    checked_in = new_event(ev.CheckedIn, meeting_id=m.id, participant_id=pid, present_count=1, present_weight=2)
    demoted = new_event(
        ev.ParticipantUpdated, meeting_id=m.id, participant_id=pid, name="Lê Văn Đến Muộn", role="observer", weight=2
    )
    invited, checked_in, demoted = publish.number(invited, checked_in, demoted)  # meeting_svc's order
    # the check-in and the later update arrive before the invitation; the invitation arrives twice
    await publish(checked_in, demoted)
    await publish(invited)
    await js[1].publish(
        f"{namespace}.meeting.{m.id}.participant.invited",
        encode(invited),
        headers={"Nats-Msg-Id": f"again-{invited.id}"},
    )
    # poison: undecodable bytes, and a participant with a negative weight
    await js[1].publish(f"{namespace}.meeting.{m.id}.participant.invited", b'{"type": "participant.invited", "id": 3')
    bad = new_event(
        ev.ParticipantInvited, meeting_id=m.id, participant_id=uuid.uuid4(), name="X", role="voting_member", weight=-1
    )
    await publish(bad)
    after = new_event(ev.CheckedOut, meeting_id=m.id, participant_id=pid, present_count=0, present_weight=0)
    await publish(after)
    db = client.app[RUNTIME].db()
    await wait_for(lambda: db.fetchval("select count(*) = 2 from dead_letters"), what="two dead letters")
    await wait_for(
        lambda: db.fetchval("select not present from participants where id = $1", pid), what="the check-out applied"
    )
    row = await db.fetchrow("select role, weight, removed from participants where id = $1", pid)
    assert (row["role"], row["weight"], row["removed"]) == ("observer", 2, False)  # the older invitation did not win
    assert await db.fetchval("select count(*) from participants where weight < 0") == 0
    reasons = [r["reason"] for r in await db.fetch("select reason from dead_letters order by reason")]
    assert any("negative weight" in r for r in reasons) and any("undecodable" in r for r in reasons)
