"""Polls: preparing, opening and closing them (by the chair or the schedule)."""

from __future__ import annotations

import asyncio
import secrets
from typing import Any, Literal

import msgspec
from aiohttp import web

from resolution_svc import api, barrier, db, directives_db, sealing, service
from resolution_svc.bodies import bilingual, event_directives, poll_body, rule_words
from resolution_svc.views.access import SETTINGS, actor, ballot_keys, caller, pool, publish, require, visible_meeting
from resolution_svc.views.amendments import settle_amendment
from resolution_svc.voting import CountedBallot, PollRules, Roster, tally
from resolution_svc.voting.presets import PRESETS
from schemas import events as ev
from schemas.codec import new_event
from schemas.events import Event
from servicekit import pg
from servicekit.http import Problem, json_response, parse_uuid, read_json
from servicekit.idempotency import idempotent
from servicekit.runtime import RUNTIME, Runtime
from servicekit.tokens import Claims

ClosedBy = Literal["chair", "schedule", "meeting_ended", "meeting_cancelled"]


async def create_poll(request: web.Request) -> web.Response:
    claims = caller(request)
    meeting = await visible_meeting(request, claims, parse_uuid(request.match_info["meeting_id"], "meeting"))
    await require(request, claims, service.RUNNING_ROOM, "creating a poll")
    raw = await request.read()
    body = await read_json(request, api.PollCreate)
    rules = service.rules_of(body.rules, body.preset)
    if isinstance(rules, tuple):
        raise Problem(422, "Invalid poll", rules[1], field=rules[0])
    problem = service.poll_problem(
        motion=body.motion,
        has_resolution=body.resolution_id is not None,
        has_amendment=body.amendment_id is not None,
        rules=rules,
        secret=body.secret,
        allow_change=body.allow_change,
        opens_at=body.opens_at,
        closes_at=body.closes_at,
    )
    if problem:
        raise Problem(422, "Invalid poll", problem[1], field=problem[0])
    async with pool(request).acquire() as conn, conn.transaction():
        resolution_id = body.resolution_id
        if body.amendment_id is not None:
            amendment = await db.amendment(conn, body.amendment_id)
            if amendment is None or amendment["meeting_id"] != meeting["id"]:
                raise Problem(422, "Unknown amendment", "no such amendment in this meeting", field="amendment_id")
            if amendment["status"] != "proposed":
                raise Problem(409, "Already decided", f"the amendment is {amendment['status']}", field="amendment_id")
            resolution_id = amendment["resolution_id"]
        if resolution_id is not None:
            resolution = await db.resolution(conn, resolution_id)
            if resolution is None or resolution["meeting_id"] != meeting["id"]:
                raise Problem(422, "Unknown resolution", "no such resolution in this meeting", field="resolution_id")
            if resolution["status"] != "draft":
                raise Problem(
                    409, "Not open to a vote", f"the resolution is {resolution['status']}", field="resolution_id"
                )

        async def create(conn: pg.Connection) -> web.Response:
            values = {
                "motion": body.motion,
                "resolution_id": resolution_id,
                "amendment_id": body.amendment_id,
                "question_vi": body.question.vi,
                "question_en": body.question.en,
                "options": rules.options,
                "rules": msgspec.json.encode(rules).decode(),
                "secret": body.secret,
                "allow_change": body.allow_change,
                "opens_at": body.opens_at,
                "closes_at": body.closes_at,
            }
            poll_id = await db.insert_poll(conn, meeting, values)
            row = await db.poll(conn, poll_id)
            await publish(
                request.app[RUNTIME],
                conn,
                new_event(
                    ev.PollCreated,
                    meeting_id=meeting["id"],
                    actor=actor(claims),
                    poll_id=poll_id,
                    question=body.question,
                    options=rules.options,
                    secret=body.secret,
                    motion=body.motion,
                    resolution_id=resolution_id,
                    opens_at=body.opens_at,
                    closes_at=body.closes_at,
                ),
            )
            return json_response(poll_body(row), 201, {"Location": f"/api/v1/polls/{poll_id}"})

        return await idempotent(request, conn, str(meeting["id"]), raw, create)


async def list_presets(request: web.Request) -> web.Response:
    return json_response(
        api.PollPresetList(
            items=[
                api.PollPreset(
                    id=p.id,
                    name=ev.Bilingual(vi=p.name_vi, en=p.name_en),
                    rules=p.rules,
                    rule_text=rule_words(p.rules),
                )
                for p in PRESETS.values()
            ]
        )
    )


async def list_polls(request: web.Request) -> web.Response:
    claims = caller(request)
    meeting = await visible_meeting(request, claims, parse_uuid(request.match_info["meeting_id"], "meeting"))
    return json_response(api.PollList(items=[poll_body(r) for r in await db.polls(pool(request), meeting["id"])]))


async def visible_poll(request: web.Request, claims: Claims, conn: pg.Connection | None = None) -> pg.Row:
    poll_id = parse_uuid(request.match_info["poll_id"], "poll")
    row = await db.poll(conn or pool(request), poll_id, lock=conn is not None)
    if (
        row is None
        or row["organisation_id"] != claims.org
        or (claims.kind == "participant" and claims.meeting != row["meeting_id"])
    ):
        raise Problem(404, "Not found", "no such poll")
    return row


async def get_poll(request: web.Request) -> web.Response:
    return json_response(poll_body(await visible_poll(request, caller(request))))


async def open_poll(
    runtime: Runtime, conn: pg.Connection, poll: Any, claims: Claims | None, *, position: int | None
) -> None:
    """Open a draft poll: fix its roster and tell everyone. The caller holds the poll row lock and has waited
    (barrier) until the read model holds every meeting event up to `position`."""
    meeting = await db.meeting(conn, poll["meeting_id"])
    if meeting is None or meeting["status"] != "in_progress":
        status = meeting["status"] if meeting else "unknown"
        raise Problem(409, "Meeting not in progress", f"the meeting is {status}", current_status=status)
    count, weight = await db.snapshot_roster(conn, poll["id"], poll["meeting_id"])
    await db.mark_open(conn, poll["id"], count, weight, position)
    if poll["secret"]:
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
        sealed_key, sealed = await db.sealed_ballots(conn, poll["id"])
        ballots = await db.take_unsealed_ballots(conn, poll["id"])
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
        await db.write_secret_ballots(conn, poll["id"], ballots)
    who = actor(claims) if claims else reason
    rules = msgspec.json.decode(poll["rules"], type=PollRules)
    totals = await db.roster_totals(conn, poll["id"])
    roster = Roster(**dict(totals))
    result = tally((CountedBallot(c, w) for c, w in await db.counted(conn, poll["id"])), rules, roster)
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
        resolution = await db.resolution(conn, poll["resolution_id"], lock=True)
        assert resolution is not None
        await db.set_resolution_status(conn, resolution["id"], service.resolution_status_after(result.outcome))
        directives = event_directives(resolution)
        if result.outcome == "adopted":
            await directives_db.insert_directives(conn, resolution, msgspec.json.decode(resolution["directives"]))
            events.append(
                new_event(
                    ev.ResolutionAdopted,
                    meeting_id=poll["meeting_id"],
                    actor=who,
                    resolution_id=resolution["id"],
                    poll_id=poll["id"],
                    title=bilingual(resolution, "title"),
                    directives=directives,
                )
            )
            events += [
                new_event(
                    ev.DirectiveIssued,
                    meeting_id=poll["meeting_id"],
                    actor=who,
                    directive=d,
                    resolution_id=resolution["id"],
                )
                for d in directives
            ]
        else:
            events.append(
                new_event(
                    ev.ResolutionRejected,
                    meeting_id=poll["meeting_id"],
                    actor=who,
                    resolution_id=resolution["id"],
                    poll_id=poll["id"],
                    outcome=result.outcome,
                )
            )
    elif poll["motion"] == "amendment":
        amendment = await db.amendment(conn, poll["amendment_id"], lock=True)
        if result.outcome == "no_quorum":
            await db.set_amendment_status(conn, poll["amendment_id"], "proposed")
        else:
            adopted = result.outcome == "adopted"
            events += await settle_amendment(runtime, conn, amendment, adopted, claims, by_vote=True)
        await db.set_resolution_status(conn, poll["resolution_id"], "draft")
    await publish(runtime, conn, *events)


def poll_action(action: str) -> Any:
    async def handler(request: web.Request) -> web.Response:
        claims = caller(request)
        runtime = request.app[RUNTIME]
        seen = await visible_poll(request, claims)
        await require(request, claims, service.RUNNING_ROOM, f"to {action} a poll")
        position = None
        if seen["status"] == ("draft" if action == "open" else "open"):
            # decide on everything meeting_svc acknowledged before this request (docs/consistency.md)
            position = await barrier.caught_up(runtime, seen["meeting_id"], request.app[SETTINGS].consistency_wait_s)
        async with pool(request).acquire() as conn, conn.transaction():
            poll = await visible_poll(request, claims, conn)
            if action == "open":
                if poll["status"] != "draft":
                    raise Problem(409, "Not a draft", f"the poll is {poll['status']}", current_status=poll["status"])
                await open_poll(runtime, conn, poll, claims, position=position)
            elif poll["status"] == "draft":
                raise Problem(409, "Not open", "the poll has not been opened", current_status="draft")
            else:
                # closing a closed poll changes nothing
                await close_poll(runtime, conn, poll, claims, position=position, reason="chair")
            row = await db.poll(conn, poll["id"])
        return json_response(poll_body(row))

    return handler
