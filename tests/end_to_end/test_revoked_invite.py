"""Revoking an invite ends every credential issued from it: the sessions, the calendar feed the
participant issued with one, and the notice-settings links of the emails sent before; and a meeting
scheduled later for the same address never shows in the old feed."""

from __future__ import annotations

import re
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient

from meeting_svc.__main__ import create_organiser
from meeting_svc.app import create_app as meeting_app
from meeting_svc.settings import Settings as MeetingSettings
from notifier.app import create_app as notifier_app
from tests.conftest import Inbox, settings_of, wait_for
from tests.meeting.conftest import meeting_body
from tests.notifier.conftest import notifier_settings

Client = TestClient[Any, Any]
LINK = re.compile(r"https://meet\.example\.org/join/([A-Za-z0-9_-]+)")
SETTINGS_LINK = re.compile(r"https?://[^/\s]+(/notices/[A-Za-z0-9_-]+)")


async def answer(response: Any, status: int) -> Any:
    body = await response.json() if status != 204 else None
    assert response.status == status, body
    return body


def text_of(message: Any) -> str:
    return str(message.get_body(("plain",)).get_content())


async def test_a_revoked_invite_ends_its_feed_and_notice_links_and_later_meetings_stay_out(
    env: dict[str, Any],
    smtp: tuple[Inbox, int],
    start_service: Callable[[web.Application], Awaitable[Client]],
) -> None:
    inbox, smtp_port = smtp
    settings = settings_of(MeetingSettings, env, public_url="https://meet.example.org")
    meeting = await start_service(meeting_app(settings))
    notifier = await start_service(notifier_app(notifier_settings(env, smtp_port=smtp_port)))
    _, token = await create_organiser(settings, f"QUATEST 2 {uuid.uuid4().hex[:6]}", "Ban tổ chức")
    organiser = {"Authorization": f"Bearer {token}"}

    first = await answer(await meeting.post("/api/v1/meetings", json=meeting_body(), headers=organiser), 201)
    people = f"/api/v1/meetings/{first['id']}/participants"
    person = {"name": "Nguyễn Văn An", "email": "an@example.org", "role": "voting_member"}
    an = await answer(await meeting.post(people, json=person, headers=organiser), 201)
    await answer(await meeting.post(f"/api/v1/meetings/{first['id']}/schedule", headers=organiser), 200)
    await inbox.count(1)
    [invitation] = inbox.to("an@example.org")
    found = SETTINGS_LINK.search(text_of(invitation))
    assert found is not None
    notices = found.group(1)
    assert (await notifier.get(notices)).status == 200  # the link works while the invite does

    # The participant signs in with their link and issues their calendar feed with that session.
    code = an["invite_url"].rsplit("/", 1)[1]
    session = await answer(await meeting.post("/api/v1/sessions", json={"invite_code": code}), 201)
    mine = {"Authorization": f"Bearer {session['token']}"}
    issued = await answer(await meeting.post(f"{people}/{an['id']}/calendar-feed", headers=mine), 201)
    feed = "/" + issued["url"].split("/", 3)[3]
    assert (await meeting.get(feed)).status == 200

    # The organiser revokes the invite (a leaked link): the session ends at once.
    await answer(await meeting.delete(f"{people}/{an['id']}/invite", headers=organiser), 204)
    assert (await meeting.get(f"/api/v1/meetings/{first['id']}", headers=mine)).status == 401

    # A new meeting, later, for the same address in upper case, with a passcode in its online link.
    later = await answer(
        await meeting.post(
            "/api/v1/meetings",
            json=meeting_body(
                title={"vi": "Họp kín", "en": "Closed session"},
                online_url="https://video.example.org/j/123?pwd=s3cr3t",
            ),
            headers=organiser,
        ),
        201,
    )
    await answer(
        await meeting.post(
            f"/api/v1/meetings/{later['id']}/participants",
            json={**person, "email": "AN@EXAMPLE.ORG"},
            headers=organiser,
        ),
        201,
    )
    await answer(await meeting.post(f"/api/v1/meetings/{later['id']}/schedule", headers=organiser), 200)

    old = await meeting.get(feed)
    body = await old.text()
    assert "s3cr3t" not in body and "Closed session" not in body and "Họp kín" not in body
    assert old.status == 404  # the feed ended with the invite it was issued under

    # The notifier learns of the revocation from the bus: the settings link of the earlier email ends too.
    async def refused() -> bool:
        return (await notifier.get(notices)).status == 404

    await wait_for(refused, what="the notice-settings link of a revoked invite to stop working")
    one_click = await notifier.post(notices, data=b"List-Unsubscribe=One-Click")
    assert one_click.status == 404


async def test_a_live_stream_opened_with_the_session_ends_with_the_invite(
    env: dict[str, Any],
    smtp: tuple[Inbox, int],
    start_service: Callable[[web.Application], Awaitable[Client]],
) -> None:
    _, smtp_port = smtp
    settings = settings_of(MeetingSettings, env, public_url="https://meet.example.org")
    meeting = await start_service(meeting_app(settings))
    notifier = await start_service(notifier_app(notifier_settings(env, smtp_port=smtp_port, sse_heartbeat_s=0.2)))
    _, token = await create_organiser(settings, f"QUATEST 2 {uuid.uuid4().hex[:6]}", "Ban tổ chức")
    organiser = {"Authorization": f"Bearer {token}"}
    m = await answer(await meeting.post("/api/v1/meetings", json=meeting_body(), headers=organiser), 201)
    people = f"/api/v1/meetings/{m['id']}/participants"
    an = await answer(
        await meeting.post(people, json={"name": "Nguyễn Văn An", "role": "voting_member"}, headers=organiser), 201
    )
    code = an["invite_url"].rsplit("/", 1)[1]
    session = await answer(await meeting.post("/api/v1/sessions", json={"invite_code": code}), 201)
    mine = {"Authorization": f"Bearer {session['token']}"}

    async def opened() -> Any:
        response = await notifier.get(f"/api/v1/meetings/{m['id']}/stream", headers=mine)
        if response.status == 503:  # the notifier has not heard of the participant yet
            response.release()
            return None
        return response

    live = await wait_for(opened, what="the participant's live stream to open")
    assert live.status == 200
    await answer(await meeting.delete(f"{people}/{an['id']}/invite", headers=organiser), 204)

    async def ended() -> bool:
        await live.content.readline()  # a heartbeat, a frame, or the end
        return live.content.at_eof()

    await wait_for(ended, what="the stream of a revoked invite's session to end")
    assert (await notifier.get(f"/api/v1/meetings/{m['id']}/stream", headers=mine)).status == 401
