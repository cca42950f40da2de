"""Motions admitted from the floor (meeting_svc's `motion.admitted`): their poll is prepared here at once, a
draft whose id is the motion's, with the rules of the chair's preset. Inside the meeting consumer's
transaction, so a redelivered event finds the poll there and prepares nothing twice."""

from __future__ import annotations

import msgspec

from resolution_svc import amending, db, roster
from resolution_svc.deciding import draft_poll, publish
from resolution_svc.voting.presets import PRESETS
from schemas import events as ev
from schemas.bus import NotYet, PoisonEvent
from schemas.codec import new_event
from servicekit import pg
from servicekit.runtime import Runtime

# The chair admits a motion with one of three plain rules: each is one of the poll presets, so the poll it
# prepares carries the same rule, and the same words, as a poll prepared in the console.
MOTION_PRESETS: dict[str, str] = {
    "simple_majority": "simple_majority_cast",
    "two_thirds": "two_thirds_cast",
    "absolute_majority": "absolute_majority_members",
}


async def prepare_poll(runtime: Runtime, conn: pg.Connection, event: ev.MotionAdmitted) -> None:
    if await db.poll(conn, event.motion_id) is not None:
        return  # prepared by an earlier delivery
    meeting = await roster.meeting(conn, event.meeting_id)
    if meeting is None:
        raise NotYet("the meeting's facts")
    rules = PRESETS[MOTION_PRESETS[event.preset]].rules
    resolution_id = amendment_id = None
    if event.kind == "amendment":
        resolution = None if event.resolution_id is None else await db.resolution(conn, event.resolution_id)
        if resolution is None or resolution["meeting_id"] != event.meeting_id:
            raise PoisonEvent(f"motion {event.motion_id}: no resolution {event.resolution_id} in the meeting")
        if resolution["status"] != "draft":
            raise PoisonEvent(f"motion {event.motion_id}: the resolution is {resolution['status']}")
        # a motion from the floor words the text anew: the change is the whole text, against this version
        changes = amending.whole(amending.texts_of(resolution), {"vi": event.text.vi, "en": event.text.en})
        if not changes:
            raise PoisonEvent(f"motion {event.motion_id}: the text is the same as the resolution's")
        values = {
            "text_vi": event.text.vi,
            "text_en": event.text.en,
            "directives": None,
            "base_version": resolution["version"],
            "changes": msgspec.json.encode(changes).decode(),
        }
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
                base_version=resolution["version"],
                changes=changes,
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
    await draft_poll(runtime, conn, meeting, values, event.text, actor=event.actor, poll_id=event.motion_id)
