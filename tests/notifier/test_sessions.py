"""The live stream decides on the participant's current state in the notifier's read model: removal
(final, whatever arrives after it) and ended session generations refuse a token that still verifies."""

from __future__ import annotations

import uuid
from typing import Any

from schemas import events as ev
from schemas.codec import new_event
from servicekit.runtime import RUNTIME
from tests.conftest import wait_for
from tests.notifier.conftest import meeting_created, organiser, participant_token


async def stream_status(client: Any, mid: uuid.UUID, token: str) -> int:
    async with client.get(f"/api/v1/meetings/{mid}/stream", headers={"Authorization": f"Bearer {token}"}) as r:
        return r.status  # type: ignore[no-any-return]


async def test_removal_is_final_and_ended_sessions_stay_ended(notifier: Any, signer: Any, publish: Any) -> None:
    client = await notifier()
    org = organiser(signer)
    mid = (await publish(meeting_created(org.id))).meeting_id
    db = client.app[RUNTIME].db()
    removed, revoked = uuid.uuid4(), uuid.uuid4()
    for pid in (removed, revoked):
        await publish(new_event(ev.ParticipantInvited, meeting_id=mid, participant_id=pid, name="A", role="chair"))
    tokens = {pid: participant_token(signer, org.id, mid, pid) for pid in (removed, revoked)}

    async def statuses() -> list[int]:
        return [await stream_status(client, mid, tokens[pid]) for pid in (removed, revoked)]

    await wait_for(lambda: _equal(statuses, [200, 200]), what="both known")
    await publish(new_event(ev.ParticipantRemoved, meeting_id=mid, participant_id=removed))
    await publish(new_event(ev.ParticipantSessionsEnded, meeting_id=mid, participant_id=revoked, epoch=1))
    await wait_for(lambda: _equal(statuses, [401, 401]), what="both refused")
    late = new_event(ev.ParticipantUpdated, meeting_id=mid, participant_id=removed, name="A", role="observer")
    await publish(late)
    await wait_for(
        lambda: db.fetchval("select true from events where event_id = $1", late.id), what="the late update handled"
    )
    assert await statuses() == [401, 401]


async def _equal(probe: Any, expected: list[int]) -> bool:
    return bool(await probe() == expected)
