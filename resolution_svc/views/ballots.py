"""Casting ballots, and what a poll shows after close: result, named ballots, receipts."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import msgspec
from aiohttp import web

from resolution_svc import api, casting, db, sealing, service
from resolution_svc.views.access import (
    BALLOT_KEYS,
    WINDOW,
    caller,
    check_standing,
    pool,
    standing_in_statement,
    visible_meeting,
)
from resolution_svc.views.polls import visible_poll
from schemas import events as ev
from servicekit import pg
from servicekit.http import Problem, json_response, parse_uuid, read_json
from servicekit.sessions import not_allowed
from servicekit.tokens import Claims


class PollFacts(msgspec.Struct, frozen=True):
    """What never changes about a poll, cached for the ballot path."""

    meeting_id: uuid.UUID
    organisation_id: uuid.UUID
    options: frozenset[str]
    secret: bool
    allow_change: bool


POLL_FACTS = web.AppKey("poll_facts", dict)
POLL_KEYS = web.AppKey("poll_keys", dict)
CASTER = web.AppKey("caster", casting.BallotCaster)
CLOSED_RECEIPTS = web.AppKey("closed_receipts", dict)


async def poll_facts(request: web.Request, claims: Claims, poll_id: uuid.UUID) -> PollFacts:
    cache: dict[uuid.UUID, PollFacts] = request.app[POLL_FACTS]
    facts = cache.get(poll_id)
    if facts is None:
        row = await pool(request).fetchrow(
            "select meeting_id, organisation_id, options, secret, allow_change from polls where id = $1", poll_id
        )
        if row is None:
            raise Problem(404, "Not found", "no such poll")
        facts = PollFacts(
            row["meeting_id"], row["organisation_id"], frozenset(row["options"]), row["secret"], row["allow_change"]
        )
        if len(cache) > 10_000:
            cache.clear()
        cache[poll_id] = facts
    if facts.organisation_id != claims.org or (claims.kind == "participant" and claims.meeting != facts.meeting_id):
        raise Problem(404, "Not found", "no such poll")
    return facts


async def poll_key(request: web.Request, poll_id: uuid.UUID) -> bytes | None:
    """The key of an open secret poll's ballots (None if the poll is not open), opened from its sealed form
    once per process and poll: it never changes while the poll is open."""
    cache: dict[uuid.UUID, bytes] = request.app[POLL_KEYS]
    key = cache.get(poll_id)
    if key is None:
        keys = request.app[BALLOT_KEYS]
        sealed = await db.poll_key(pool(request), poll_id)
        if sealed is None:  # not open, or opened before ballots were sealed: then it gets its key now
            sealed = await db.ensure_poll_key(pool(request), poll_id, keys.new_poll_key())
        if sealed is None:
            return None
        try:
            key = keys.open_poll_key(sealed)
        except sealing.SealError as exc:  # BALLOT_KEY changed while the poll was open
            raise Problem(500, "Ballots cannot be sealed", str(exc)) from None
        if len(cache) > 10_000:
            cache.clear()
        cache[poll_id] = key
    return key


@standing_in_statement
async def cast_ballot(request: web.Request) -> web.Response:
    # the token's claims: the caller's standing is checked by the ballot's own statement (one round trip)
    claims = caller(request)
    poll_id = parse_uuid(request.match_info["poll_id"], "poll")
    facts = await poll_facts(request, claims, poll_id)
    if claims.kind != "participant":
        raise not_allowed()
    body = await read_json(request, api.BallotCast)
    if body.choice not in facts.options:
        raise Problem(422, "Unknown option", f"choose one of {', '.join(sorted(facts.options))}", field="choice")
    voter = body.principal_id or claims.sub
    for_another = voter != claims.sub
    keys = request.app[BALLOT_KEYS]
    nonce = body.nonce or sealing.new_nonce()
    receipt = keys.receipt(poll_id, voter, nonce, body.choice)
    tag = keys.tag(poll_id, voter, nonce, body.choice)
    answer = api.BallotReceipt(receipt=receipt, poll_id=poll_id, choice=None if facts.secret else body.choice)
    sealed = None
    if facts.secret:
        key = await poll_key(request, poll_id)
        sealed = sealing.seal_ballot(key, body.choice, receipt) if key else None
    written = (None, None, sealed) if facts.secret else (body.choice, receipt, None)
    cast = casting.Cast(
        poll_id=poll_id,
        voter_id=voter,
        caster_id=claims.sub,
        choice=written[0],
        receipt=written[1],
        sealed=written[2],
        tag=tag,
        meeting_id=facts.meeting_id,
        epoch=claims.epoch,
        grace=request.app[WINDOW].grace,
        now=dt.datetime.now(dt.UTC),
    )
    row = await request.app[CASTER].cast(pool(request), cast)
    if not row["standing"]:
        # refused on the statement's conservative reading: decide on the one rule, then cast if it allows
        await check_standing(request, claims)
        row = await request.app[CASTER].cast(pool(request), msgspec.structs.replace(cast, checked=True))
    if row["counted"]:
        return json_response(answer, 201)
    if row["voter_removed"]:
        # a principal removed since the poll opened has no vote left to hand on
        raise not_allowed()
    counted = await db.participation_tag(pool(request), poll_id, voter, claims.sub)
    if counted is not None and keys.same_tag(counted["tag"], tag):
        # the same ballot again (its answer was lost): the same receipt, counted once, open poll or closed
        return json_response(msgspec.structs.replace(answer, replayed=True))
    if not row["open"]:
        status = await pool(request).fetchval("select status from polls where id = $1", poll_id)
        raise Problem(409, "Poll not open", f"the poll is {status}", current_status=status)
    if not row["eligible"]:
        if for_another:
            # the same words whether the principal is on the roster or not, and whoever holds their vote
            raise not_allowed()
        entry = await db.roster_entry(pool(request), poll_id, voter)
        if entry is None:
            raise Problem(403, "Not eligible", "you are not on this poll's roster")
        raise Problem(403, "Vote handed on", "your vote is cast by the member you handed it to")
    if counted is None or (facts.secret and sealed is None):
        # the poll opened between reading its key and casting (or its key was being stored): nothing was written
        raise Problem(503, "Poll just opened", "send the ballot again", headers={"Retry-After": "1"})
    if not facts.allow_change:
        if facts.secret:
            raise Problem(
                409,
                "Already voted",
                "a ballot was already counted for this voter; send it again with its nonce to get its receipt",
            )
        raise Problem(
            409,
            "Already voted",
            "this poll does not allow changing a ballot",
            receipt=await db.named_receipt(pool(request), poll_id, voter),
        )
    if facts.secret:
        assert sealed is not None  # an open secret poll has its key (checked above)
        if not await db.change_sealed_ballot(pool(request), poll_id, voter, sealed, tag):
            raise Problem(409, "Poll not open", "the poll closed", current_status="closed")
    elif await db.replace_named_ballot(pool(request), poll_id, voter, body.choice, receipt, tag) is None:
        raise Problem(409, "Poll not open", "the poll closed", current_status="closed")
    return json_response(msgspec.structs.replace(answer, replaced=True))


async def get_votes_carried(request: web.Request) -> web.Response:
    claims = caller(request)
    poll = await visible_poll(request, claims)
    if claims.kind != "participant":
        raise not_allowed()
    rows = await db.votes_carried(pool(request), poll["id"], claims.sub)
    return json_response(api.VotesCarried(items=[api.CarriedVote(**dict(r)) for r in rows]))


async def closed_poll(request: web.Request) -> pg.Row:
    poll = await visible_poll(request, caller(request))
    if poll["status"] != "closed":
        raise Problem(409, "Results hidden", "results are shown when the poll closes", current_status=poll["status"])
    return poll


def result_body(poll: Any) -> api.Result:
    return api.Result(
        poll_id=poll["id"],
        closed_at=service.local(poll["closed_at"], poll["timezone"]),  # type: ignore[arg-type]
        eligible_count=poll["eligible_count"],
        eligible_weight=poll["eligible_weight"],
        result=msgspec.json.decode(poll["result"], type=ev.PollResult),
        closed_by=poll["closed_by"],
        meeting_position=poll["meeting_position"],
    )


async def get_result(request: web.Request) -> web.Response:
    return json_response(result_body(await closed_poll(request)))


async def list_results(request: web.Request) -> web.Response:
    """The results of every closed poll of the meeting, in one answer (the participant page's first screen)."""
    claims = caller(request)
    meeting = await visible_meeting(request, claims, parse_uuid(request.match_info["meeting_id"], "meeting"))
    rows = [r for r in await db.polls(pool(request), meeting["id"]) if r["status"] == "closed"]
    return json_response(api.ResultList(items=[result_body(r) for r in rows]))


async def get_named_ballots(request: web.Request) -> web.Response:
    poll = await closed_poll(request)
    if poll["secret"]:
        raise Problem(404, "Not found", "a secret poll has no named ballots; see its receipts")
    rows = await db.named_ballots(pool(request), poll["id"])
    return json_response(api.NamedBallots(items=[api.NamedBallot(**dict(r)) for r in rows]))


async def get_receipts(request: web.Request) -> web.Response:
    poll = await closed_poll(request)
    # a closed poll's receipts never change, and every voter's page checks its own in them as the poll
    # closes: the list is read and encoded once per process
    cache: dict[uuid.UUID, bytes] = request.app[CLOSED_RECEIPTS]
    body = cache.get(poll["id"])
    if body is None:
        rows = await db.receipts(pool(request), poll["id"])
        body = msgspec.json.encode(api.Receipts(items=[api.Receipt(**dict(r)) for r in rows]))
        if len(cache) >= 16:
            cache.pop(next(iter(cache)))
        cache[poll["id"]] = body
    return web.Response(body=body, content_type="application/json")
