"""Casting ballots, and what a poll shows after close: result, named ballots, receipts."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, assert_never

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
from resolution_svc.voting import acceptance
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
        row = await db.poll_facts(pool(request), poll_id)
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
    known = await poll_facts(request, claims, poll_id)
    if claims.kind != "participant":
        raise not_allowed()
    body = await read_json(request, api.BallotCast)
    if body.choice not in known.options:
        raise Problem(422, "Unknown option", f"choose one of {', '.join(sorted(known.options))}", field="choice")
    voter = body.principal_id or claims.sub
    keys = request.app[BALLOT_KEYS]
    nonce = body.nonce or sealing.new_nonce()
    receipt = keys.receipt(poll_id, voter, nonce, body.choice)
    tag = keys.tag(poll_id, voter, nonce, body.choice)
    answer = api.BallotReceipt(receipt=receipt, poll_id=poll_id, choice=None if known.secret else body.choice)
    sealed = None
    if known.secret:
        key = await poll_key(request, poll_id)
        sealed = sealing.seal_ballot(key, body.choice, receipt) if key else None
    written = (None, None, sealed) if known.secret else (body.choice, receipt, None)
    cast = casting.Cast(
        poll_id=poll_id,
        voter_id=voter,
        caster_id=claims.sub,
        choice=written[0],
        receipt=written[1],
        sealed=written[2],
        tag=tag,
        meeting_id=known.meeting_id,
        epoch=claims.epoch,
        grace=request.app[WINDOW].grace,
        now=dt.datetime.now(dt.UTC),
    )
    row = await request.app[CASTER].cast(pool(request), cast)
    facts = acceptance.Facts(
        **dict(row),
        secret=known.secret,
        allow_change=known.allow_change,
        for_another=voter != claims.sub,
        sealed=sealed is not None,
    )
    while True:
        decided = acceptance.verdict(facts)
        match decided:
            case acceptance.Accepted():
                answer = msgspec.structs.replace(answer, replayed=decided.replayed, replaced=decided.replaced)
                return json_response(answer, decided.status)
            case acceptance.Refused():
                raise Problem(decided.status, decided.title, decided.detail, headers=decided.headers, **decided.extra)
            case acceptance.NotAllowed():
                raise not_allowed()
            case acceptance.Need():
                facts = await learn(request, claims, cast, facts, decided.step)


async def learn(
    request: web.Request, claims: Claims, cast: casting.Cast, facts: acceptance.Facts, step: acceptance.Step
) -> acceptance.Facts:
    """Take the step the ballot's answer depends on (acceptance.verdict): the facts with what it learnt."""
    replace = msgspec.structs.replace
    match step:
        case "check_standing":
            await check_standing(request, claims)  # 401 when the session has really ended
            row = await request.app[CASTER].cast(pool(request), replace(cast, checked=True))
            return replace(facts, **dict(row), standing_checked=True)
        case "read_counted":
            counted = await db.participation_tag(pool(request), cast.poll_id, cast.voter_id, cast.caster_id)
            if counted is None:
                return replace(facts, counted_tag="none")
            same = request.app[BALLOT_KEYS].same_tag(counted["tag"], cast.tag)
            return replace(facts, counted_tag="same" if same else "other")
        case "read_status":
            return replace(facts, status=await db.poll_status(pool(request), cast.poll_id))
        case "read_roster":
            entry = await db.roster_entry(pool(request), cast.poll_id, cast.voter_id)
            return replace(facts, on_roster=entry is not None)
        case "read_receipt":
            return replace(facts, receipt=await db.named_receipt(pool(request), cast.poll_id, cast.voter_id))
        case "change_ballot":
            if cast.sealed is not None:
                changed = await db.change_sealed_ballot(
                    pool(request), cast.poll_id, cast.voter_id, cast.sealed, cast.tag
                )
            else:
                assert cast.choice is not None and cast.receipt is not None  # a named ballot has both
                receipt = await db.replace_named_ballot(
                    pool(request), cast.poll_id, cast.voter_id, cast.choice, cast.receipt, cast.tag
                )
                changed = receipt is not None
            return replace(facts, changed=changed)
        case _:
            assert_never(step)


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
        closed_at=service.local(poll["closed_at"], poll["timezone"]),
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
