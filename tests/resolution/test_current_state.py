"""resolution_svc decides on the participant's current state from its read model: after the meeting a
representative keeps follow-up access to their department's open directives (and nothing else) until
the organiser revokes it; a ballot refused for someone else's vote says nothing about that person."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from schemas import events as ev
from schemas.codec import new_event
from servicekit.runtime import RUNTIME
from tests.conftest import wait_for
from tests.resolution.conftest import Client, Meeting, Publisher, ok, poll, resolution, vote


async def adopted(m: Meeting, client: Client, departments: list[uuid.UUID]) -> list[dict[str, Any]]:
    res = await resolution(m, departments)
    p = await poll(m, motion="resolution", resolution_id=res["id"])
    for person in m.people:
        if person.role in ("chair", "voting_member", "department_representative"):
            await ok(await vote(m, p["id"], person, "yes"), 201)
    await ok(await client.post(f"/api/v1/polls/{p['id']}/close", headers=m.organiser))
    listed = await ok(await client.get("/api/v1/directives", params={"meeting_id": str(m.id)}, headers=m.organiser))
    return listed["items"]  # type: ignore[no-any-return]


async def test_a_representative_follows_up_their_departments_directives_after_the_meeting(
    client: Client, meeting: Any, publish: Publisher
) -> None:
    m = await meeting()
    dl, tn = uuid.uuid4(), uuid.uuid4()
    [member] = await m.add(1)
    [rep] = await m.add(1, role="department_representative", department=dl)
    await m.add(1, role="department_representative", department=tn)
    directives = await adopted(m, client, [dl, tn])
    ours = next(d for d in directives if d["department_ids"] == [str(dl)])
    theirs = next(d for d in directives if d["department_ids"] == [str(tn)])
    # the meeting is over: moved into the past
    ended = dt.datetime.now(dt.UTC) - dt.timedelta(days=3)
    await publish(
        new_event(
            ev.MeetingUpdated,
            meeting_id=m.id,
            organisation_id=m.org,
            title=ev.Bilingual(vi="Hội nghị tổng kết năm 2020"),
            starts_at=ended - dt.timedelta(hours=4),
            ends_at=ended,
            timezone="Asia/Ho_Chi_Minh",
            status="ended",
        )
    )
    db = client.app[RUNTIME].db()
    await wait_for(
        lambda: db.fetchval("select ends_at < now() from meetings where id = $1", m.id), what="the meeting over"
    )
    assert (await client.get(f"/api/v1/meetings/{m.id}/polls", headers=member.auth)).status == 401
    assert (await client.get("/api/v1/directives", headers=member.auth)).status == 401
    # the representative: their department's open directives, nothing else
    assert (await client.get(f"/api/v1/meetings/{m.id}/polls", headers=rep.auth)).status == 401
    listed = await ok(await client.get("/api/v1/directives", headers=rep.auth))
    assert [d["id"] for d in listed["items"]] == [ours["id"]]
    assert (await client.get(f"/api/v1/directives/{theirs['id']}", headers=rep.auth)).status == 404
    url = f"/api/v1/directives/{ours['id']}"
    await ok(await client.patch(url, json={"status": "in_progress", "note": "đang làm"}, headers=rep.auth))
    await ok(await client.patch(url, json={"status": "done", "note": "xong"}, headers=rep.auth))
    assert (await client.get(url, headers=rep.auth)).status == 404  # done: the follow-up is over
    assert (await ok(await client.get("/api/v1/directives", headers=rep.auth)))["items"] == []
    # the organiser revokes the representative's invite: the follow-up ends too
    await publish(new_event(ev.ParticipantSessionsEnded, meeting_id=m.id, participant_id=rep.id, epoch=1))

    async def refused() -> bool:
        return (await client.get("/api/v1/directives", headers=rep.auth)).status == 401

    await wait_for(refused, what="the revoked follow-up refused")


async def test_casting_someone_elses_vote_tells_nothing_about_them(
    client: Client, meeting: Any, publish: Publisher
) -> None:
    m = await meeting()
    principal, holder, bystander = await m.add(3)
    await publish(new_event(ev.ProxyGranted, meeting_id=m.id, principal_id=principal.id, holder_id=holder.id))
    db = client.app[RUNTIME].db()
    await wait_for(
        lambda: db.fetchval("select holder_id = $2 from proxies where principal_id = $1", principal.id, holder.id),
        what="the proxy known",
    )
    p = await poll(m)
    handed_on = await vote(m, p["id"], bystander, "yes", principal_id=str(principal.id))
    stranger = await vote(m, p["id"], bystander, "yes", principal_id=str(uuid.uuid4()))
    assert handed_on.status == stranger.status == 403
    assert await handed_on.json() == await stranger.json()  # on the roster or not, whoever holds the vote
    await ok(await vote(m, p["id"], holder, "yes", principal_id=str(principal.id)), 201)


async def test_a_participant_removed_after_a_poll_opened_casts_nothing(
    client: Client, meeting: Any, publish: Publisher
) -> None:
    m = await meeting()
    removed, principal, holder = await m.add(3)
    await publish(new_event(ev.ProxyGranted, meeting_id=m.id, principal_id=principal.id, holder_id=holder.id))
    db = client.app[RUNTIME].db()
    await wait_for(
        lambda: db.fetchval("select holder_id = $2 from proxies where principal_id = $1", principal.id, holder.id),
        what="the proxy known",
    )
    p = await poll(m)  # both on its roster
    for person in (removed, principal):
        await publish(new_event(ev.ParticipantRemoved, meeting_id=m.id, participant_id=person.id))
    await wait_for(
        lambda: db.fetchval("select count(*) = 2 from participants where removed and meeting_id = $1", m.id),
        what="the removals known",
    )
    own = await vote(m, p["id"], removed, "yes")
    assert (own.status, (await own.json())["title"]) == (401, "Session ended")
    by_proxy = await vote(m, p["id"], holder, "yes", principal_id=str(principal.id))
    assert by_proxy.status == 403  # a removed principal has no vote left to hand on
    await ok(await vote(m, p["id"], holder, "no"), 201)  # the holder's own vote stands
