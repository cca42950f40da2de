"""The decisions of resolution_svc, one function each: draft a poll, open it, close it (count it, open its sealed
ballots, publish the result and what follows from it), settle an amendment, and publish events through the
outbox. The HTTP views, the schedule (schedule.py) and the meeting consumer (consumers.py, motions.py) all
call these and never each other.

Each runs inside its caller's transaction, on rows the caller has locked, after the caller has waited at the
barrier where the docstring says so (docs/consistency.md). A refusal is a servicekit.http.Problem: the views
answer it, the schedule logs it and tries again. The rules themselves are pure and live elsewhere
(voting/, service.py, amending.py, sealing.py); the SQL is in db.py, directives_db.py and roster.py."""

from __future__ import annotations

import asyncio
import functools
import secrets
import uuid
from typing import Any, Literal

import msgspec

from resolution_svc import amending, db, directives_db, roster, sealing, service
from resolution_svc.bodies import bilingual, event_directives
from resolution_svc.settings import Settings
from resolution_svc.voting import CountedBallot, PollRules, tally
from schemas import events as ev
from schemas.bus import enqueue
from schemas.codec import new_event
from schemas.events import Event
from servicekit import pg
from servicekit.http import Problem
from servicekit.runtime import Runtime
from servicekit.tokens import Claims

ClosedBy = Literal["chair", "schedule", "meeting_ended", "meeting_cancelled"]


def actor(claims: Claims) -> str:
    return f"{claims.kind}:{claims.sub}"


async def publish(runtime: Runtime, conn: pg.Connection, *events: Event) -> None:
    """Into the outbox, in the caller's transaction: the events go out if and only if it commits."""
    await enqueue(conn, runtime.subjects, *events)


def ballot_keys(runtime: Runtime) -> sealing.BallotKeys:
    """The keys of secret ballots, for code that has the runtime (open and close run from requests, the
    schedule and the meeting consumer alike)."""
    settings = runtime.settings
    assert isinstance(settings, Settings)  # the runtime of this service carries this service's settings
    return _keys_of(settings.ballot_key)


@functools.lru_cache(maxsize=4)
def _keys_of(ballot_key: str) -> sealing.BallotKeys:
    return sealing.BallotKeys(sealing.read_ballot_key(ballot_key))


async def draft_poll(
    runtime: Runtime,
    conn: pg.Connection,
    meeting: Any,
    values: dict[str, Any],
    question: ev.Bilingual,
    *,
    actor: str | None,
    poll_id: uuid.UUID | None = None,
) -> uuid.UUID:
    """Prepare a draft poll, the chair's or a motion's from the floor (whose id is the motion's), and tell
    everyone (`poll.created`): its id."""
    poll_id = await db.insert_poll(conn, meeting, values, poll_id=poll_id)
    await publish(
        runtime,
        conn,
        new_event(
            ev.PollCreated,
            meeting_id=meeting["id"],
            actor=actor,
            poll_id=poll_id,
            question=question,
            options=values["options"],
            secret=values["secret"],
            motion=values["motion"],
            resolution_id=values["resolution_id"],
            opens_at=values["opens_at"],
            closes_at=values["closes_at"],
        ),
    )
    return poll_id


async def open_poll(
    runtime: Runtime, conn: pg.Connection, poll: Any, claims: Claims | None, *, position: int | None
) -> None:
    """Open a draft poll: fix its roster and tell everyone. The caller holds the poll row lock and has waited
    (barrier) until the read model holds every meeting event up to `position`."""
    meeting = await roster.meeting(conn, poll["meeting_id"])
    if meeting is None or meeting["status"] != "in_progress":
        status = meeting["status"] if meeting else "unknown"
        raise Problem(409, "Meeting not in progress", f"the meeting is {status}", current_status=status)
    count, weight = await roster.fix_for_poll(conn, poll["id"], poll["meeting_id"])
    await db.mark_open(conn, poll["id"], count, weight, position)
    if poll["secret"]:
        # sealed until close: ballots are sealed under this key, which only the close opens and destroys
        await db.insert_poll_key(conn, poll["id"], ballot_keys(runtime).new_poll_key())
    if poll["motion"] == "resolution":
        await db.set_resolution_status(conn, poll["resolution_id"], "voting")
    elif poll["motion"] == "amendment":
        await db.set_amendment_status(conn, poll["amendment_id"], "voting")
    await publish(
        runtime,
        conn,
        new_event(
            ev.PollOpened,
            meeting_id=poll["meeting_id"],
            actor=actor(claims) if claims else "schedule",
            poll_id=poll["id"],
            question=bilingual(poll, "question"),
            options=list(poll["options"]),
            secret=poll["secret"],
            closes_at=poll["closes_at"],
            eligible_count=count,
            eligible_weight=weight,
            resolution_id=poll["resolution_id"],
            meeting_position=position,
        ),
    )


async def open_sealed_ballots(runtime: Runtime, conn: pg.Connection, poll_id: uuid.UUID) -> None:
    """A secret ballot is sealed until close, and this is the close: open every sealed ballot with the
    poll's key, write the choices (and receipts) in a random order with no voter, then destroy the key and
    the sealed copies, all in the closing transaction (docs/secret-ballots.md)."""
    sealed_key, sealed = await db.sealed_ballots(conn, poll_id)
    ballots = await db.take_unsealed_ballots(conn, poll_id)
    if sealed_key is not None:
        try:
            # libsodium runs without the GIL: opening 10,000 ballots (about a second) does not stall the loop
            ballots += await asyncio.to_thread(
                sealing.open_poll_ballots,
                ballot_keys(runtime),
                sealed_key,
                [(r["sealed"], r["weight"]) for r in sealed],
            )
        except sealing.SealError as exc:  # e.g. BALLOT_KEY changed while the poll was open: it stays open
            raise Problem(500, "Ballots cannot be opened", str(exc)) from None
    secrets.SystemRandom().shuffle(ballots)  # the system's randomness: Python's own generator is predictable
    await db.write_secret_ballots(conn, poll_id, ballots)


async def close_poll(
    runtime: Runtime,
    conn: pg.Connection,
    poll: Any,
    claims: Claims | None,
    *,
    position: int | None,
    reason: ClosedBy,
) -> None:
    """Close an open poll, count it, and publish the result and what follows from it, exactly once: the
    conditional update decides which of several racing closes does it. The caller holds the row lock, taken
    after every in-flight ballot (which holds a share lock on the row) has committed, and the read model
    holds every meeting event up to `position` (presence is counted there)."""
    if not await db.close(conn, poll["id"], reason, position):
        return
    if poll["secret"]:
        await open_sealed_ballots(runtime, conn, poll["id"])
    who = actor(claims) if claims else reason
    rules = msgspec.json.decode(poll["rules"], type=PollRules)
    present = await roster.presence(conn, poll["id"])
    result = tally((CountedBallot(c, w) for c, w in await db.counted(conn, poll["id"])), rules, present)
    await db.store_result(conn, poll["id"], msgspec.json.encode(result))
    events: list[Event] = [
        new_event(
            ev.PollClosed,
            meeting_id=poll["meeting_id"],
            actor=who,
            poll_id=poll["id"],
            resolution_id=poll["resolution_id"],
            result=result,
            meeting_position=position,
            reason=reason,
        )
    ]
    if poll["motion"] == "resolution":
        events += await decide_resolution(conn, poll, result, who)
    elif poll["motion"] == "amendment":
        amendment = await db.amendment(conn, poll["amendment_id"], lock=True)
        if result.outcome == "no_quorum":
            await db.set_amendment_status(conn, poll["amendment_id"], "proposed")
        else:
            adopted = result.outcome == "adopted"
            events += await settle_amendment(conn, amendment, adopted, claims, by_vote=True)
        await db.set_resolution_status(conn, poll["resolution_id"], "draft")
    await publish(runtime, conn, *events)


async def decide_resolution(conn: pg.Connection, poll: Any, result: ev.PollResult, who: str) -> list[Event]:
    """The resolution a poll voted on, adopted (its directives issued) or rejected; the events to publish.
    Without a quorum it is a draft again."""
    resolution = await db.resolution(conn, poll["resolution_id"], lock=True)
    assert resolution is not None  # a poll on a resolution is created only with one, and none is deleted
    await db.set_resolution_status(conn, resolution["id"], service.resolution_status_after(result.outcome))
    if result.outcome != "adopted":
        return [
            new_event(
                ev.ResolutionRejected,
                meeting_id=poll["meeting_id"],
                actor=who,
                resolution_id=resolution["id"],
                poll_id=poll["id"],
                outcome=result.outcome,
            )
        ]
    directives = event_directives(resolution)
    await directives_db.insert_directives(conn, resolution, msgspec.json.decode(resolution["directives"]))
    return [
        new_event(
            ev.ResolutionAdopted,
            meeting_id=poll["meeting_id"],
            actor=who,
            resolution_id=resolution["id"],
            poll_id=poll["id"],
            title=bilingual(resolution, "title"),
            directives=directives,
        ),
        *(
            new_event(
                ev.DirectiveIssued,
                meeting_id=poll["meeting_id"],
                actor=who,
                directive=d,
                resolution_id=resolution["id"],
            )
            for d in directives
        ),
    ]


async def settle_amendment(
    conn: pg.Connection,
    amendment: Any,
    accepted: bool,
    claims: Claims | None,
    *,
    by_vote: bool = False,
) -> list[Event]:
    """Accept (merge into the resolution) or reject an amendment; the events to publish. A part changed since
    the amendment's base version is a 409 for the chair; after a vote, the amendment is left `conflicting`."""
    who = actor(claims) if claims else "poll"
    ids = {
        "meeting_id": amendment["meeting_id"],
        "amendment_id": amendment["id"],
        "resolution_id": amendment["resolution_id"],
    }
    if not accepted:
        await db.set_amendment_status(conn, amendment["id"], "rejected")
        return [new_event(ev.AmendmentRejected, actor=who, **ids)]
    resolution = await db.resolution(conn, amendment["resolution_id"], lock=True)
    assert resolution is not None  # an amendment's resolution is never deleted
    changes = amending.changes_of(amendment)
    if changes:
        merge = amending.merged(amendment, resolution)
        if merge.conflicts:
            first = merge.conflicts[0]
            if not by_vote:
                raise Problem(
                    409,
                    "Amendment conflicts",
                    f"the part that changes[{first}] changes has been edited since version {amendment['base_version']}:"
                    " propose the amendment again against the current text",
                    field=f"changes[{first}]",
                    conflicts=merge.conflicts,
                )
            await db.set_amendment_status(conn, amendment["id"], "conflicting")
            return [new_event(ev.AmendmentRejected, actor=who, reason="conflict", **ids)]
        text = merge.texts
    else:  # proposed before amendments named their parts: the whole text, as then
        text = amending.texts_of(amendment)
    await db.set_amendment_status(conn, amendment["id"], "accepted")
    directives = amendment["directives"] if amendment["directives"] is not None else resolution["directives"]
    values = {
        "title_vi": resolution["title_vi"],
        "title_en": resolution["title_en"],
        "text_vi": text["vi"],
        "text_en": text["en"],
        "directives": directives,
    }
    updated = await db.update_resolution(conn, resolution["id"], values)
    return [
        new_event(ev.AmendmentAccepted, actor=who, version=updated["version"], **ids),
        amended_event(updated, claims, amendment["id"]),
    ]


def amended_event(row: Any, claims: Claims | None, amendment_id: uuid.UUID | None = None) -> Event:
    """`resolution.amended` for the resolution's new version, edited (by `claims`) or amended (by a poll)."""
    return new_event(
        ev.ResolutionAmended,
        meeting_id=row["meeting_id"],
        actor=actor(claims) if claims else "poll",
        resolution_id=row["id"],
        version=row["version"],
        title=bilingual(row, "title"),
        text=bilingual(row, "text"),
        directives=event_directives(row),
        amendment_id=amendment_id,
    )
