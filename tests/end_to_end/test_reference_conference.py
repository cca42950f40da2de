"""The reference conference run end to end across the three real services: organised through the APIs
(devstack.seed, as `make run` loads it), attended, voted on from participants' own links, and
announced by signed webhook and by email to the departments that now carry the directives."""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
import pypdf
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from standardwebhooks.webhooks import Webhook

from devstack import seed
from devstack.reference import ORGANISATION, conference
from meeting_svc.__main__ import create_organiser
from meeting_svc.app import create_app as meeting_app
from meeting_svc.settings import Settings as MeetingSettings
from notifier.app import create_app as notifier_app
from resolution_svc.app import create_app as resolution_app
from resolution_svc.settings import Settings as ResolutionSettings
from servicekit.runtime import RUNTIME
from tests.conftest import Endpoint, Inbox, settings_of, wait_for
from tests.notifier.conftest import notifier_settings

Client = TestClient[Any, Any]
NO = 3
ABSTAIN = 2


async def json_of(response: aiohttp.ClientResponse, status: int = 200) -> Any:
    body = await response.json()
    assert response.status == status, body
    return body


@pytest.mark.lengthy
async def test_the_reference_conference_adopts_its_resolution_and_hands_out_its_directives(
    env: dict[str, Any],
    # The SMTP server and the endpoint come first so that they outlive the services at teardown.
    smtp: tuple[Inbox, int],
    endpoint: Callable[..., Awaitable[Endpoint]],
    start_service: Callable[[web.Application], Awaitable[Client]],
) -> None:
    inbox, smtp_port = smtp
    meeting_settings = settings_of(MeetingSettings, env)
    meeting = await start_service(meeting_app(meeting_settings))
    resolution = await start_service(resolution_app(settings_of(ResolutionSettings, env)))
    notifier = await start_service(notifier_app(notifier_settings(env, smtp_port=smtp_port)))
    meeting_api, resolution_api = str(meeting.make_url("/api/v1")), str(resolution.make_url("/api/v1"))

    org, token = await create_organiser(meeting_settings, ORGANISATION, "Ban tổ chức")
    organiser = {"Authorization": f"Bearer {token}"}
    hook = await endpoint()
    subscription = await json_of(
        await notifier.post(
            "/api/v1/subscriptions",
            json={"url": hook.url, "event_types": ["resolution.adopted", "resolution.rejected", "directive.*"]},
            headers=organiser,
        ),
        201,
    )

    loaded = await seed.load(meeting_api, resolution_api, token, str(org), seed.next_reference_start())
    ref = conference()
    mid = loaded.meeting_id

    # Loaded as a draft, then scheduled: that sent every invitation, which arrive days before the meeting.
    invited = [p for p in ref.people if p.email]

    async def invitations_arrived() -> bool:
        return all(any(m["Subject"].startswith(("Thư mời", "Invitation")) for m in inbox.to(p.email)) for p in invited)

    await wait_for(invitations_arrived, timeout=60, what="the invitations")

    # Before the day: every block has sent its position report.
    status = await json_of(await meeting.get(f"/api/v1/meetings/{mid}/contributions", headers=organiser))
    assert json.dumps(status).count('"submitted"') >= len(ref.reports), status

    await json_of(await meeting.post(f"/api/v1/meetings/{mid}/start", headers=organiser))
    secretary = next(p for p in ref.people if p.role == "secretary")
    by_secretary = {"Authorization": f"Bearer {await seed.session_token(meeting_api, loaded.invites[secretary.email])}"}  # type: ignore[index]
    voters = ref.voters()
    for person in ref.people:
        pid = loaded.participants[person.email]  # type: ignore[index]
        await json_of(await meeting.post(f"/api/v1/meetings/{mid}/participants/{pid}/check-in", headers=by_secretary))
    attendance = await json_of(await meeting.get(f"/api/v1/meetings/{mid}/attendance", headers=organiser))
    assert attendance["present_count"] == len(ref.people)

    chair = {"Authorization": f"Bearer {await seed.session_token(meeting_api, loaded.invites[ref.chair.email])}"}  # type: ignore[index]
    poll = await json_of(
        await resolution.post(
            f"/api/v1/meetings/{mid}/polls",
            json={
                "motion": "resolution",
                "resolution_id": loaded.resolution_id,
                "question": {"vi": "Biểu quyết thông qua Nghị quyết", "en": "Adopt the Resolution"},
                "rules": {"base": "cast", "threshold": "two_thirds", "quorum": {"of": "present", "fraction": "1/2"}},
            },
            headers=chair,
        ),
        201,
    )
    # Wait until the read model has everyone checked in, so the roster is the whole room.
    await wait_for(lambda: _present(resolution, mid, len(voters)), timeout=20, what="attendance in resolution_svc")
    opened = await json_of(await resolution.post(f"/api/v1/polls/{poll['id']}/open", headers=chair))
    assert opened["status"] == "open"

    choices = ["no"] * NO + ["abstain"] * ABSTAIN + ["yes"] * (len(voters) - NO - ABSTAIN)
    gate = asyncio.Semaphore(16)

    async def vote(person: Any, choice: str) -> str:
        async with gate:
            voter = await seed.session_token(meeting_api, loaded.invites[person.email])
            answer = await json_of(
                await resolution.post(
                    f"/api/v1/polls/{poll['id']}/ballots",
                    json={"choice": choice},
                    headers={"Authorization": f"Bearer {voter}"},
                ),
                201,
            )
            return str(answer["receipt"])

    receipts = await asyncio.gather(*(vote(p, c) for p, c in zip(voters, choices, strict=True)))
    assert len(set(receipts)) == len(voters)

    closed = await json_of(await resolution.post(f"/api/v1/polls/{poll['id']}/close", headers=chair))
    assert closed["status"] == "closed"
    result = (await json_of(await resolution.get(f"/api/v1/polls/{poll['id']}/result", headers=chair)))["result"]
    assert result["outcome"] == "adopted"
    assert result["quorum_met"] is True
    tallies = {t["option"]: t["count"] for t in result["tallies"]}
    assert tallies == {"yes": len(voters) - NO - ABSTAIN, "no": NO, "abstain": ABSTAIN}

    # Subscribers hear it once, signed: the adoption, then one notice per directive.
    async def delivered() -> bool:
        return len(hook.received) >= 1 + len(ref.directives)

    await wait_for(delivered, timeout=20, what="webhooks for the adoption and its directives")
    signer = Webhook(subscription["secret"])
    events = [signer.verify(body, headers) for headers, body, _ in hook.received]
    kinds = sorted(e["type"] for e in events)
    assert kinds == ["directive.issued"] * len(ref.directives) + ["resolution.adopted"]
    assert len({headers["webhook-id"] for headers, _, _ in hook.received}) == len(hook.received)

    # Each directive reaches the representatives responsible for it (the default policy), in their language:
    # not the whole departments.
    digitise = next(d for d in ref.directives if d.title.en == "Digitise management")
    (department,) = digitise.departments  # a block

    def directive_notice(p: Any, directive: Any) -> bool:
        title = directive.title.vi if p.language == "vi" else directive.title.en
        return any(title in str(m["Subject"]) for m in inbox.to(p.email))

    async def told() -> bool:
        return all(directive_notice(p, d) for d in ref.directives for p in responsible(ref, d.departments))

    await wait_for(told, timeout=30, what="directive emails to the representatives responsible")
    for directive in ref.directives:
        reached = {p.email for p in ref.people if p.email and directive_notice(p, directive)}
        assert reached == {p.email for p in responsible(ref, directive.departments)}, directive.title.en

    # The responsible department reports progress on its directive.
    representative = ref.representative_of(department)
    rep = {"Authorization": f"Bearer {await seed.session_token(meeting_api, loaded.invites[representative.email])}"}  # type: ignore[index]
    mine = await json_of(
        await resolution.get(
            "/api/v1/directives", params={"department": loaded.departments[department]}, headers=organiser
        )
    )
    titles = {d["title"]["en"]: d for d in mine["items"]}
    assert set(titles) == {d.title.en for d in ref.directives if department in d.departments}
    updated = await json_of(
        await resolution.patch(
            f"/api/v1/directives/{titles[digitise.title.en]['id']}",
            json={"status": "in_progress", "note": "Đã triển khai phần mềm quản lý hồ sơ"},
            headers=rep,
        )
    )
    assert updated["status"] == "in_progress"

    # What the whole run emailed, with the default policy of a meeting held in one room: each invitation, the
    # contribution request to the four blocks' representatives, the adopted resolution to everyone, each
    # directive to its representatives, and no "vote open" email to people sitting in the room.
    db = notifier.app[RUNTIME].db()

    async def all_out() -> bool:
        return not await db.fetchval("select count(*) from emails where status <> 'sent'")

    await wait_for(all_out, timeout=60, what="every email sent")
    by_kind = {r["kind"]: r["n"] for r in await db.fetch("select kind, count(*) as n from emails group by kind")}
    blocks = [d for d in ref.departments if d.parent is None]
    expected = {
        "invitation": len(invited),
        "contribution_requested": len([p for p in ref.people if p.role == "department_representative"]),
        "resolution_adopted": len(invited),
        "directive_issued": sum(len(responsible(ref, d.departments)) for d in ref.directives),
    }
    assert by_kind == expected
    assert len(blocks) == expected["contribution_requested"] and expected["directive_issued"] == 13
    assert len(inbox.messages) == sum(expected.values()) == 2 * 202 + 4 + 13  # before the policy: 1,251


def responsible(ref: Any, codes: tuple[str, ...]) -> list[Any]:
    """The representatives who answer for a directive to `codes`: of those departments, of their blocks, and
    of the departments inside a block named."""
    parent = {d.code: d.parent for d in ref.departments}
    heads = set(codes) | {parent[c] for c in codes if parent[c]}
    return [
        p
        for p in ref.people
        if p.role == "department_representative" and (p.department in heads or parent.get(p.department) in codes)
    ]


async def _present(resolution: Client, meeting_id: str, voters: int) -> bool:
    db = resolution.app[RUNTIME].db()
    count = await db.fetchval(
        "select count(*) from participants where meeting_id = $1 and present and role = any($2)",
        meeting_id,
        ["chair", "voting_member", "department_representative"],
    )
    return bool(count >= voters)


async def test_the_reference_conferences_minutes_say_what_the_services_report(
    env: dict[str, Any],
    start_service: Callable[[web.Application], Awaitable[Client]],
) -> None:
    """Drafted from what the services recorded; edited by the secretary; approved by the chair into
    frozen, hashed versions."""
    meeting_settings = settings_of(MeetingSettings, env)
    meeting = await start_service(meeting_app(meeting_settings))
    resolution = await start_service(resolution_app(settings_of(ResolutionSettings, env)))
    meeting_api, resolution_api = str(meeting.make_url("/api/v1")), str(resolution.make_url("/api/v1"))
    org, token = await create_organiser(meeting_settings, ORGANISATION, "Ban tổ chức")
    organiser = {"Authorization": f"Bearer {token}"}
    loaded = await seed.load(meeting_api, resolution_api, token, str(org), seed.next_reference_start())
    ref = conference()
    mid = loaded.meeting_id
    early = await meeting.post(f"/api/v1/meetings/{mid}/minutes/approve", headers=organiser)
    assert early.status == 409  # no minutes of a meeting not held yet
    await json_of(await meeting.post(f"/api/v1/meetings/{mid}/start", headers=organiser))
    secretary = next(p for p in ref.people if p.role == "secretary")
    by_secretary = {"Authorization": f"Bearer {await seed.session_token(meeting_api, loaded.invites[secretary.email])}"}  # type: ignore[index]
    chair = {"Authorization": f"Bearer {await seed.session_token(meeting_api, loaded.invites[ref.chair.email])}"}  # type: ignore[index]
    absent = ref.people[-1]
    for person in ref.people[:-1]:
        pid = loaded.participants[person.email]  # type: ignore[index]
        await json_of(await meeting.post(f"/api/v1/meetings/{mid}/participants/{pid}/check-in", headers=by_secretary))
    voters = [p for p in ref.voters() if p is not absent]
    # the room: the first item runs, a member speaks under it, then the second item begins
    await json_of(await meeting.post(f"/api/v1/meetings/{mid}/room/item", json={"move": "next"}, headers=chair))
    opening = (await json_of(await meeting.get(f"/api/v1/meetings/{mid}/agenda", headers=chair)))["items"][0]["id"]
    speaker = voters[3]
    await json_of(
        await meeting.post(
            f"/api/v1/meetings/{mid}/agenda/{opening}/speakers",
            json={"participant_id": loaded.participants[speaker.email]},  # type: ignore[index]
            headers=chair,
        ),
        201,
    )
    await json_of(await meeting.post(f"/api/v1/meetings/{mid}/agenda/{opening}/speakers:next", headers=chair))
    await json_of(await meeting.post(f"/api/v1/meetings/{mid}/room/item", json={"move": "next"}, headers=chair))
    await wait_for(lambda: _present(resolution, mid, len(voters)), timeout=20, what="attendance in resolution_svc")
    poll = await json_of(
        await resolution.post(
            f"/api/v1/meetings/{mid}/polls",
            json={
                "motion": "resolution",
                "resolution_id": loaded.resolution_id,
                "question": {"vi": "Biểu quyết thông qua Nghị quyết", "en": "Adopt the Resolution"},
                "rules": {"base": "cast", "threshold": "two_thirds"},
            },
            headers=chair,
        ),
        201,
    )
    await json_of(await resolution.post(f"/api/v1/polls/{poll['id']}/open", headers=chair))
    for person in voters[:12]:
        voter = await seed.session_token(meeting_api, loaded.invites[person.email])
        answer = await resolution.post(
            f"/api/v1/polls/{poll['id']}/ballots",
            json={"choice": "no" if person is voters[0] else "yes"},
            headers={"Authorization": f"Bearer {voter}"},
        )
        assert answer.status == 201
    await json_of(await resolution.post(f"/api/v1/polls/{poll['id']}/close", headers=chair))
    result = (await json_of(await resolution.get(f"/api/v1/polls/{poll['id']}/result", headers=chair)))["result"]

    async def decided() -> Any:
        draft = await json_of(await meeting.get(f"/api/v1/meetings/{mid}/minutes", headers=by_secretary))
        adopted = [r for r in draft["content"]["resolutions"] if r["status"] == "adopted"]
        return draft if draft["content"]["polls"] and adopted else None

    draft = await wait_for(decided, timeout=20, what="the decisions in meeting_svc's record")
    content = draft["content"]
    attendance = await json_of(await meeting.get(f"/api/v1/meetings/{mid}/attendance", headers=organiser))
    assert content["attendance"]["present"] == attendance["present_count"] == len(ref.people) - 1
    assert content["attendance"]["on_roster"] == len(ref.people)
    # the quorum figures count the voting members: the present ones and their weight
    assert content["attendance"]["present_voting"] == len(voters)
    assert content["attendance"]["present_weight"] == sum(p.weight for p in voters)
    assert sum(d["present"] for d in content["attendance"]["departments"]) == len(ref.people) - 1
    [minuted] = content["polls"]
    assert {t["option"]: t["count"] for t in minuted["tallies"]} == {t["option"]: t["count"] for t in result["tallies"]}
    assert (minuted["outcome"], minuted["base"], minuted["threshold"]) == ("adopted", "cast", "two_thirds")
    [adopted] = content["resolutions"]
    assert [d["title"]["en"] for d in adopted["directives"]] == [d.title.en for d in ref.directives]
    assert len(adopted["directives"]) == 8
    assert len(content["reports"]) == len(ref.reports)
    assert [i["title"]["vi"] for i in content["agenda"]] == [i.title.vi for i in ref.agenda]
    assert content["meeting"]["chairs"] == [ref.chair.name] and content["meeting"]["secretaries"] == [secretary.name]
    first_run = content["agenda"][0]
    assert first_run["speakers"] == [speaker.name] and first_run["started_at"] and first_run["ended_at"]
    assert content["agenda"][1]["started_at"] and not content["agenda"][1]["ended_at"]
    html = draft["html"]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in html and draft["content_hash"] in html
    assert "ít nhất hai phần ba" in html and "Thông qua" in html and f"Phát biểu: {speaker.name}" in html

    # the secretary writes what happened under the first item; the draft and its hash change
    first_item = content["agenda"][0]["id"]
    summary = {"summary": {"vi": "Hội nghị khai mạc lúc 13 giờ 30.", "en": "The conference opened at 13:30."}}
    assert (
        await meeting.put(f"/api/v1/meetings/{mid}/minutes/summaries/{first_item}", json=summary, headers=chair)
    ).status == 204
    assert (await meeting.get(f"/api/v1/meetings/{mid}/minutes", headers={"Authorization": "Bearer x"})).status == 401
    member = next(p for p in voters if p.role == "voting_member")
    by_member = {"Authorization": f"Bearer {await seed.session_token(meeting_api, loaded.invites[member.email])}"}  # type: ignore[index]
    assert (await meeting.get(f"/api/v1/meetings/{mid}/minutes", headers=by_member)).status == 403
    edited = await json_of(await meeting.get(f"/api/v1/meetings/{mid}/minutes", params={"lang": "en"}, headers=chair))
    assert edited["content_hash"] != draft["content_hash"] and "The conference opened at 13:30." in edited["html"]

    await json_of(await meeting.post(f"/api/v1/meetings/{mid}/end", headers=chair))
    assert (await meeting.post(f"/api/v1/meetings/{mid}/minutes/approve", headers=by_secretary)).status == 403
    ended = await json_of(await meeting.get(f"/api/v1/meetings/{mid}/minutes", headers=chair))
    first = await json_of(await meeting.post(f"/api/v1/meetings/{mid}/minutes/approve", headers=chair), 201)
    assert first["version"] == 1 and first["content_hash"] == ended["content_hash"]  # what was read is approved
    frozen = await json_of(await meeting.get(f"/api/v1/meetings/{mid}/minutes/versions/1", headers=by_member))
    assert first["content_hash"] in frozen["html"] and "Phiên bản 1" in frozen["html"]

    # a later edit and approval make version 2; version 1 stays as approved
    summary = {"summary": {"vi": "Hội nghị khai mạc lúc 13 giờ 35.", "en": "The conference opened at 13:35."}}
    await meeting.put(f"/api/v1/meetings/{mid}/minutes/summaries/{first_item}", json=summary, headers=by_secretary)
    second = await json_of(
        await meeting.post(f"/api/v1/meetings/{mid}/minutes/approve", json={"national_motto": False}, headers=chair),
        201,
    )
    assert second["version"] == 2 and second["content_hash"] != first["content_hash"]
    again = await json_of(await meeting.get(f"/api/v1/meetings/{mid}/minutes/versions/1", headers=by_member))
    assert again["html"] == frozen["html"] and "13 giờ 30" in again["html"]
    page = await meeting.get(
        f"/api/v1/meetings/{mid}/minutes/versions/2", params={"format": "html", "lang": "en"}, headers=by_member
    )
    text = await page.text()
    assert page.content_type == "text/html" and "13:35" in text and "CỘNG HÒA" not in text
    # the PDF, parsed back, says the same
    response = await meeting.get(
        f"/api/v1/meetings/{mid}/minutes/versions/1", params={"format": "pdf"}, headers=by_member
    )
    assert response.status == 200 and response.content_type == "application/pdf"
    document = pypdf.PdfReader(io.BytesIO(await response.read()))
    words = " ".join(" ".join(page.extract_text().split()) for page in document.pages)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in words and "Độc lập - Tự do - Hạnh phúc" in words
    assert "BIÊN BẢN" in words and "Phiên bản 1" in words and first["content_hash"] in words.replace(" ", "")
    assert " ".join(ref.title.vi.split()) in words and " ".join(ref.resolution_title.vi.split()) in words
    for directive in ref.directives:
        assert " ".join(directive.title.vi.split()) in words, directive.title.vi
    yes = next(t["count"] for t in result["tallies"] if t["option"] == "yes")
    assert f"Tán thành {yes}" in words and "Thông qua" in words and "ít nhất hai phần ba" in words
    assert f"có mặt: {len(ref.people) - 1}" in words and "13 giờ 30" in words
    assert f"1 / {len(document.pages)}" in words  # page numbers
    assert "CHỦ TRÌ" in words and ref.chair.name in words and "THƯ KÝ" in words
    english = await meeting.get(
        f"/api/v1/meetings/{mid}/minutes/versions/2", params={"format": "pdf", "lang": "en"}, headers=by_member
    )
    text = " ".join(" ".join(p.extract_text().split()) for p in pypdf.PdfReader(io.BytesIO(await english.read())).pages)
    assert "MINUTES" in text and "CỘNG HÒA" not in text and second["content_hash"] in text.replace(" ", "")

    listed = await json_of(await meeting.get(f"/api/v1/meetings/{mid}/minutes/versions", headers=by_member))
    assert [(v["version"], v["content_hash"]) for v in listed["items"]] == [
        (1, first["content_hash"]),
        (2, second["content_hash"]),
    ]
    published = (
        await meeting.app[RUNTIME]
        .db()
        .fetch("select subject from outbox where subject like '%minutes.published' order by seq")
    )
    assert len(published) == 2
