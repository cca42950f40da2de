"""Motions admitted from the floor (meeting_svc's `motion.admitted`): their poll is prepared here at once, a
draft whose id is the motion's, with the rules of the chair's preset. Inside the meeting consumer's
transaction, so a redelivered event finds the poll there and prepares nothing twice."""

from __future__ import annotations

import asyncpg
import msgspec

from resolution_svc import db
from resolution_svc.views.access import publish
from resolution_svc.voting.rules import PollRules
from schemas import events as ev
from schemas.bus import NotYet, PoisonEvent
from schemas.codec import new_event
from servicekit.runtime import Runtime

PRESETS: dict[str, PollRules] = {
    "simple_majority": PollRules(base="cast", threshold="simple"),
    "two_thirds": PollRules(base="cast", threshold="two_thirds"),
    "absolute_majority": PollRules(base="eligible", threshold="simple"),
}


async def prepare_poll(runtime: Runtime, conn: asyncpg.Connection, event: ev.MotionAdmitted) -> None:
    if await db.poll(conn, event.motion_id) is not None:
        return  # prepared by an earlier delivery
    meeting = await db.meeting(conn, event.meeting_id)
    if meeting is None:
        raise NotYet("the meeting's facts")
    rules = PRESETS[event.preset]
    resolution_id = amendment_id = None
    if event.kind == "amendment":
        resolution = None if event.resolution_id is None else await db.resolution(conn, event.resolution_id)
        if resolution is None or resolution["meeting_id"] != event.meeting_id:
            raise PoisonEvent(f"motion {event.motion_id}: no resolution {event.resolution_id} in the meeting")
        if resolution["status"] != "draft":
            raise PoisonEvent(f"motion {event.motion_id}: the resolution is {resolution['status']}")
        values = {"text_vi": event.text.vi, "text_en": event.text.en, "directives": None}
        amendment = await db.insert_amendment(conn, resolution, event.proposer_id, values)
        resolution_id, amendment_id = resolution["id"], amendment["id"]
        await publish(
            runtime,
            conn,
            new_event(
                ev.AmendmentProposed,
                meeting_id=event.meeting_id,
                actor=event.actor,
                amendment_id=amendment_id,
                resolution_id=resolution_id,
                proposer_id=event.proposer_id,
                text=event.text,
            ),
        )
    values = {
        "motion": event.kind,
        "resolution_id": resolution_id,
        "amendment_id": amendment_id,
        "question_vi": event.text.vi,
        "question_en": event.text.en,
        "options": rules.options,
        "rules": msgspec.json.encode(rules).decode(),
        "secret": event.secret,
        "allow_change": False,
        "opens_at": None,
        "closes_at": None,
    }
    poll_id = await db.insert_poll(conn, meeting, values, poll_id=event.motion_id)
    await publish(
        runtime,
        conn,
        new_event(
            ev.PollCreated,
            meeting_id=event.meeting_id,
            actor=event.actor,
            poll_id=poll_id,
            question=event.text,
            options=rules.options,
            secret=event.secret,
            motion=event.kind,
            resolution_id=resolution_id,
        ),
    )
