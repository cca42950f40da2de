"""Webhook subscriptions and delivery against real local endpoints, real PostgreSQL and NATS."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

import asyncpg
from standardwebhooks.webhooks import Webhook

from schemas import events as ev
from schemas.codec import new_event
from servicekit.runtime import RUNTIME
from servicekit.sealed import read_seal_key, seal
from tests.conftest import Endpoint, wait_for
from tests.notifier.conftest import enrolled, meeting_created, organiser


async def subscribe(
    client: Any, org: Any, url: str, event_types: list[str] | None = None, **extra: Any
) -> dict[str, Any]:
    response = await client.post(
        "/api/v1/subscriptions", json={"url": url, "event_types": event_types or ["*"], **extra}, headers=org.auth
    )
    assert response.status == 201, await response.text()
    return await response.json()  # type: ignore[no-any-return]


async def deliveries(client: Any, org: Any, sub_id: str, **query: str) -> list[dict[str, Any]]:
    response = await client.get(f"/api/v1/subscriptions/{sub_id}/deliveries", params=query, headers=org.auth)
    assert response.status == 200, await response.text()
    return (await response.json())["items"]  # type: ignore[no-any-return]


async def received(ep: Endpoint, count: int, timeout: float = 10.0) -> None:
    async def probe() -> bool:
        return len(ep.received) >= count

    await wait_for(probe, timeout=timeout, what=f"{count} requests at the endpoint")


async def delivery_status(client: Any, org: Any, sub_id: str, status: str, count: int = 1) -> list[dict[str, Any]]:
    async def probe() -> list[dict[str, Any]]:
        items = await deliveries(client, org, sub_id, status=status)
        return items if len(items) >= count else []

    return await wait_for(probe, timeout=10, what=f"{count} deliveries {status}")


async def test_endpoint_failing_then_succeeding_gets_signed_retries_with_a_stable_id(
    notifier: Any, signer: Any, publish: Any, endpoint: Any
) -> None:
    client = await notifier()
    org = organiser(signer)
    ep = await endpoint()
    ep.script = [500, 503, 500]
    sub = await subscribe(client, org, ep.url, ["meeting.*"])
    assert sub["secret"].startswith("whsec_")
    event = await publish(meeting_created(org.id))
    await received(ep, 4)
    [done] = await delivery_status(client, org, sub["id"], "delivered")

    hook = Webhook(sub["secret"])
    for headers, body, _ in ep.received:
        payload = hook.verify(body, headers)  # raises when the signature is wrong
        assert headers["webhook-id"] == str(event.id)
        assert payload["type"] == "meeting.created" and payload["id"] == str(event.id)
    assert done["attempts"] == 4
    assert [a["status_code"] for a in done["attempt_log"]] == [500, 503, 500, 200]
    assert all(a["latency_ms"] > 0 for a in done["attempt_log"])
    assert [a["outcome"] for a in done["attempt_log"]] == ["failed", "failed", "failed", "delivered"]


async def test_exhausted_retries_go_to_the_dead_letter_list(
    notifier: Any, signer: Any, publish: Any, endpoint: Any
) -> None:
    client = await notifier()
    org = organiser(signer)
    ep = await endpoint()
    ep.script = [500] * 10
    sub = await subscribe(client, org, ep.url)
    await publish(meeting_created(org.id))
    [dead] = await delivery_status(client, org, sub["id"], "dead")
    assert dead["attempts"] == 4 and dead["last_status_code"] == 500
    response = await client.get("/api/v1/dead-letters", headers=org.auth)
    assert [d["id"] for d in (await response.json())["items"]] == [dead["id"]]
    assert len(ep.received) == 4


async def test_410_disables_the_subscription(notifier: Any, signer: Any, publish: Any, endpoint: Any) -> None:
    client = await notifier()
    org = organiser(signer)
    ep = await endpoint()
    ep.script = [410]
    witness = await endpoint("/witness")
    sub = await subscribe(client, org, ep.url)
    meeting = await publish(meeting_created(org.id))
    await delivery_status(client, org, sub["id"], "gone")
    await subscribe(client, org, witness.url)
    response = await client.get(f"/api/v1/subscriptions/{sub['id']}", headers=org.auth)
    body = await response.json()
    assert body["enabled"] is False and "410" in body["disabled_reason"]
    await publish(new_event(ev.MeetingStarted, meeting_id=meeting.meeting_id))
    await publish(meeting_created(org.id))
    await received(witness, 2)  # both events were handled; the disabled subscription got neither
    assert len(ep.received) == 1
    # enabling it again resumes deliveries of new events
    response = await client.patch(f"/api/v1/subscriptions/{sub['id']}", json={"enabled": True}, headers=org.auth)
    assert response.status == 200 and (await response.json())["enabled"] is True
    await publish(meeting_created(org.id))
    await received(ep, 2)


async def test_retry_after_is_honoured(notifier: Any, signer: Any, publish: Any, endpoint: Any) -> None:
    client = await notifier()
    org = organiser(signer)
    ep = await endpoint()
    ep.script = [(503, {"Retry-After": "2"})]
    sub = await subscribe(client, org, ep.url)
    await publish(meeting_created(org.id))
    await received(ep, 2)
    waited = ep.received[1][2] - ep.received[0][2]
    assert waited >= 1.9, waited  # the schedule alone would have retried after 0.2 s
    await delivery_status(client, org, sub["id"], "delivered")


async def test_redirects_are_not_followed(notifier: Any, signer: Any, publish: Any, endpoint: Any) -> None:
    client = await notifier()
    org = organiser(signer)
    elsewhere = await endpoint("/elsewhere")
    ep = await endpoint()
    ep.script = [(307, {"Location": elsewhere.url})]
    sub = await subscribe(client, org, ep.url)
    await publish(meeting_created(org.id))
    [done] = await delivery_status(client, org, sub["id"], "delivered")
    assert elsewhere.received == []
    assert done["attempt_log"][0]["outcome"] == "redirect"
    assert "redirect" in done["attempt_log"][0]["error"]


async def test_a_slow_endpoint_does_not_delay_others(notifier: Any, signer: Any, publish: Any, endpoint: Any) -> None:
    client = await notifier(webhook_max_per_endpoint=2, webhook_timeout_s=10.0)
    org = organiser(signer)
    slow, fast = await endpoint("/slow"), await endpoint("/fast")
    slow.hold = asyncio.Event()
    await subscribe(client, org, slow.url)
    await subscribe(client, org, fast.url)
    for _ in range(6):
        await publish(meeting_created(org.id))
    await received(fast, 6)
    assert len(slow.received) == 2  # the per-endpoint limit: the other four wait their turn
    slow.hold.set()
    await received(slow, 6)


async def test_filters_and_the_personal_link_never_leaves(
    notifier: Any, signer: Any, publish: Any, endpoint: Any, env: dict[str, Any]
) -> None:
    client = await notifier()
    org = organiser(signer)
    everything, votes, one_meeting = await endpoint("/all"), await endpoint("/votes"), await endpoint("/one")
    meeting = meeting_created(org.id)
    await subscribe(client, org, everything.url, ["*"])
    await subscribe(client, org, votes.url, ["poll.*", "resolution.adopted"])
    await publish(meeting)
    await received(everything, 1)  # the meeting is known: a subscription may follow it
    await subscribe(client, org, one_meeting.url, ["participant.*"], meeting_id=str(meeting.meeting_id))
    other = await publish(meeting_created(org.id))
    foreign = await publish(meeting_created(uuid.uuid4()))  # another organisation's meeting
    invited = await publish(
        new_event(
            ev.ParticipantInvited,
            meeting_id=meeting.meeting_id,
            participant_id=uuid.uuid4(),
            name="Nguyễn Văn A",
            email="a@example.org",
            role="voting_member",
        )
    )
    sealed = seal(read_seal_key(env["invite_seal_public_key"], "key"), "https://meet.example.org/join/SECRET-CODE")
    sent = await publish(
        new_event(
            ev.InvitationSent,
            meeting_id=meeting.meeting_id,
            participant_id=invited.participant_id,  # type: ignore[attr-defined]
            sealed_link=sealed,
        )
    )
    await publish(
        new_event(
            ev.ParticipantInvited,
            meeting_id=other.meeting_id,
            participant_id=uuid.uuid4(),
            name="B",
            role="observer",
        )
    )
    opened = await publish(
        new_event(
            ev.PollOpened,
            meeting_id=meeting.meeting_id,
            poll_id=uuid.uuid4(),
            question=ev.Bilingual(vi="Thông qua nghị quyết?"),
            options=["yes", "no", "abstain"],
            secret=True,
            eligible_count=3,
            eligible_weight=3,
        )
    )
    await received(everything, 6)
    await received(votes, 1)
    await received(one_meeting, 2)
    types = [json.loads(b)["type"] for b in everything.bodies()]
    assert types.count("meeting.created") == 2 and str(foreign.id) not in [
        json.loads(b)["id"] for b in everything.bodies()
    ]
    assert [json.loads(b)["id"] for b in votes.bodies()] == [str(opened.id)]
    assert [json.loads(b)["id"] for b in one_meeting.bodies()] == [str(invited.id), str(sent.id)]
    for ep in (everything, one_meeting):  # not even sealed
        assert all(
            b"SECRET-CODE" not in b and b"sealed_link" not in b and sealed.encode() not in b for b in ep.bodies()
        )


async def test_secret_rotation_signs_with_both_during_the_overlap(
    notifier: Any, signer: Any, publish: Any, endpoint: Any
) -> None:
    client = await notifier()
    org = organiser(signer)
    ep = await endpoint()
    sub = await subscribe(client, org, ep.url)
    response = await client.post(
        f"/api/v1/subscriptions/{sub['id']}/rotate-secret", json={"overlap_s": 3600}, headers=org.auth
    )
    assert response.status == 200
    rotated = await response.json()
    assert rotated["secret"] != sub["secret"] and len(rotated["previous_secrets_expire_at"]) == 1
    await publish(meeting_created(org.id))
    await received(ep, 1)
    headers, body, _ = ep.received[0]
    assert len(headers["webhook-signature"].split(" ")) == 2
    Webhook(sub["secret"]).verify(body, headers)
    Webhook(rotated["secret"]).verify(body, headers)
    # overlap 0 revokes the previous secrets at once
    response = await client.post(
        f"/api/v1/subscriptions/{sub['id']}/rotate-secret", json={"overlap_s": 0}, headers=org.auth
    )
    newest = (await response.json())["secret"]
    await publish(meeting_created(org.id))
    await received(ep, 2)
    headers, body, _ = ep.received[1]
    assert len(headers["webhook-signature"].split(" ")) == 1
    Webhook(newest).verify(body, headers)


async def test_replay_one_delivery_and_a_time_range(notifier: Any, signer: Any, publish: Any, endpoint: Any) -> None:
    client = await notifier()
    org = organiser(signer)
    ep = await endpoint()
    sub = await subscribe(client, org, ep.url, ["meeting.created"])
    first = await publish(meeting_created(org.id))
    await publish(meeting_created(org.id))
    await delivery_status(client, org, sub["id"], "delivered", 2)
    original = next(d for d in await deliveries(client, org, sub["id"]) if d["event_id"] == str(first.id))
    response = await client.post(
        f"/api/v1/subscriptions/{sub['id']}/deliveries/{original['id']}/replay", headers=org.auth
    )
    assert response.status == 202
    replay = await response.json()
    assert replay["replay_of"] == original["id"]
    await received(ep, 3)
    assert ep.received[2][0]["webhook-id"] == str(first.id)
    # A range replay skips events whose delivery is still under way: let the replay's outcome land.
    await delivery_status(client, org, sub["id"], "delivered", 3)
    response = await client.post(
        f"/api/v1/subscriptions/{sub['id']}/replay",
        json={"since": first.occurred_at.isoformat()},
        headers=org.auth,
    )
    assert response.status == 202 and (await response.json())["deliveries"] == 2
    await received(ep, 5)
    response = await client.post(
        f"/api/v1/subscriptions/{sub['id']}/replay", json={"since": "2021-01-14T07:00:00"}, headers=org.auth
    )
    assert response.status == 422


async def test_subscription_api_rejects_bad_input_and_foreign_callers(
    notifier: Any, signer: Any, endpoint: Any, publish: Any
) -> None:
    client = await notifier(webhook_allow_private=False)
    org = organiser(signer)
    cases = [
        ({"url": "http://127.0.0.1:9/hook", "event_types": ["*"]}, "url", "Target refused"),
        ({"url": "ftp://example.org/x", "event_types": ["*"]}, "url", "Invalid URL"),
        ({"url": "http://[::1", "event_types": ["*"]}, "url", "Invalid URL"),
        ({"url": "http://user:pw@example.org/", "event_types": ["*"]}, "url", "Invalid URL"),
        ({"url": "http://169.254.169.254/latest/meta-data", "event_types": ["*"]}, "url", "Target refused"),
        ({"url": "https://example.org/", "event_types": ["nope.*"]}, "event_types", "Invalid event filter"),
        ({"url": "https://example.org/", "event_types": []}, "event_types", "Invalid event filter"),
        ({"url": "https://example.org/", "event_types": ["*"], "colour": "red"}, None, "Unknown field"),
    ]
    for body, field, title in cases:
        response = await client.post("/api/v1/subscriptions", json=body, headers=org.auth)
        problem = await response.json()
        assert response.status == 422, (body, problem)
        assert response.content_type == "application/problem+json"
        assert (problem.get("field"), problem["title"]) == (field, title), problem
    response = await client.post("/api/v1/subscriptions", json={"url": "x"})
    assert response.status == 401
    meeting = await publish(meeting_created(org.id))
    voter = await enrolled(client, publish, signer, org.id, meeting.meeting_id)
    response = await client.get("/api/v1/subscriptions", headers={"Authorization": f"Bearer {voter}"})
    assert response.status == 403


async def test_a_subscription_follows_only_a_meeting_of_its_organisation(
    notifier: Any, signer: Any, publish: Any, endpoint: Any
) -> None:
    client = await notifier()
    org, other = organiser(signer), organiser(signer)
    ep = await endpoint()
    mine, theirs = await publish(meeting_created(org.id)), await publish(meeting_created(other.id))
    for m in (mine, theirs):
        await wait_for(
            lambda m=m: (
                client.app[RUNTIME].db().fetchval("select true from meetings where meeting_id = $1", m.meeting_id)
            ),
            what="the meetings known",
        )
    body = {"url": ep.url, "event_types": ["*"]}
    for meeting_id in (theirs.meeting_id, uuid.uuid4()):  # another's meeting reads like one that does not exist
        response = await client.post(
            "/api/v1/subscriptions", json={**body, "meeting_id": str(meeting_id)}, headers=org.auth
        )
        problem = await response.json()
        assert (response.status, problem["field"], problem["detail"]) == (
            422,
            "meeting_id",
            "no such meeting in your organisation",
        )
    sub = await subscribe(client, org, ep.url, meeting_id=str(mine.meeting_id))
    response = await client.patch(
        f"/api/v1/subscriptions/{sub['id']}", json={"meeting_id": str(theirs.meeting_id)}, headers=org.auth
    )
    assert (response.status, (await response.json())["field"]) == (422, "meeting_id")


async def test_other_organisations_see_nothing(notifier: Any, signer: Any, endpoint: Any) -> None:
    client = await notifier()
    org, other = organiser(signer), organiser(signer)
    ep = await endpoint()
    sub = await subscribe(client, org, ep.url)
    for method, path in [
        ("GET", f"/api/v1/subscriptions/{sub['id']}"),
        ("PATCH", f"/api/v1/subscriptions/{sub['id']}"),
        ("DELETE", f"/api/v1/subscriptions/{sub['id']}"),
        ("GET", f"/api/v1/subscriptions/{sub['id']}/deliveries"),
        ("POST", f"/api/v1/subscriptions/{sub['id']}/rotate-secret"),
    ]:
        response = await client.request(method, path, json={}, headers=other.auth)
        assert response.status == 404, (method, path, await response.text())
    response = await client.get("/api/v1/subscriptions", headers=other.auth)
    assert (await response.json())["items"] == []
    response = await client.post(
        "/api/v1/subscriptions",
        json={"url": ep.url, "event_types": ["*"]},
        headers={**org.auth, "Idempotency-Key": "k1"},
    )
    again = await client.post(
        "/api/v1/subscriptions",
        json={"url": ep.url, "event_types": ["*"]},
        headers={**org.auth, "Idempotency-Key": "k1"},
    )
    assert (await response.json())["id"] == (await again.json())["id"]
    response = await client.patch(
        f"/api/v1/subscriptions/{sub['id']}", json={"description": "x"}, headers={**org.auth, "If-Match": '"99"'}
    )
    assert response.status == 412


async def test_killed_mid_delivery_and_restarted_records_one_success(
    env: dict[str, Any], notifier: Any, signer: Any, publish: Any, endpoint: Any
) -> None:
    first = await notifier()
    org = organiser(signer)
    ep = await endpoint()
    ep.hold = asyncio.Event()
    sub = await subscribe(first, org, ep.url, ["meeting.created"])
    event = await publish(meeting_created(org.id))
    await received(ep, 1)
    await first.close()  # stops mid-flight: the endpoint has the request, the outcome is not recorded
    ep.hold.set()
    second = await notifier()
    [done] = await delivery_status(second, org, sub["id"], "delivered")
    assert len(ep.received) >= 2  # the restarted notifier sent it again, with the same webhook-id
    assert {h["webhook-id"] for h, _, _ in ep.received} == {str(event.id)}
    conn = await asyncpg.connect(env["database_url"])
    try:
        rows = await conn.fetch("select status from notifier.deliveries where event_id = $1", event.id)
        successes = await conn.fetchval(
            "select count(*) from notifier.delivery_attempts where delivery_id = $1 and outcome = 'delivered'",
            uuid.UUID(done["id"]),
        )
    finally:
        await conn.close()
    assert [r["status"] for r in rows] == ["delivered"]
    assert successes == 1
