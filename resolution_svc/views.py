"""Thin HTTP handlers for resolutions, amendments, polls, ballots and directives."""

from __future__ import annotations

import uuid
from typing import Any

import asyncpg
import msgspec
from aiohttp import web

from resolution_svc import api, db, service
from resolution_svc.voting import CountedBallot, PollRules, Roster, tally
from schemas import events as ev
from schemas.bus import enqueue
from schemas.codec import new_event
from schemas.events import VOTING_ROLES, Event
from servicekit.http import Problem, check_if_match, convert_query, etag, json_response, parse_uuid, read_json
from servicekit.idempotency import idempotent
from servicekit.runtime import RUNTIME, Runtime
from servicekit.tokens import Claims, TokenVerifier

VERIFIER = web.AppKey("verifier", TokenVerifier)


def pool(request: web.Request) -> asyncpg.Pool:
    return request.app[RUNTIME].db()


def caller(request: web.Request) -> Claims:
    return request.app[VERIFIER].from_request(request)


def actor(claims: Claims) -> str:
    return f"{claims.kind}:{claims.sub}"


async def publish(runtime: Runtime, conn: asyncpg.Connection, *events: Event) -> None:
    await enqueue(conn, runtime.subjects, *events)


async def visible_meeting(request: web.Request, claims: Claims, meeting_id: uuid.UUID) -> asyncpg.Record:
    """The meeting if the caller may see it; 404 otherwise. Known from meeting_svc's events."""
    if claims.kind == "participant" and claims.meeting != meeting_id:
        raise Problem(404, "Not found", "no such meeting")
    meeting = await db.meeting(pool(request), meeting_id)
    if meeting is None or meeting["organisation_id"] != claims.org:
        raise Problem(404, "Not found", "no such meeting")
    return meeting


async def role_of(request: web.Request, claims: Claims) -> str | None:
    if claims.kind == "organiser":
        return "organiser"
    row = await pool(request).fetchrow("select role, removed from participants where id = $1", claims.sub)
    if row is None or row["removed"]:
        raise Problem(401, "Not a participant any more", field="Authorization")
    return row["role"]  # type: ignore[no-any-return]


async def require(request: web.Request, claims: Claims, roles: frozenset[str], what: str) -> None:
    role = await role_of(request, claims)
    if role != "organiser" and role not in roles:
        raise Problem(403, "Not allowed", f"{what} needs the organiser or one of: {', '.join(sorted(roles))}")


# --- conversions -------------------------------------------------------------------------------------------


def bilingual(row: Any, prefix: str) -> ev.Bilingual:
    return ev.Bilingual(vi=row[f"{prefix}_vi"], en=row[f"{prefix}_en"])


def directives_json(directives: list[api.DirectiveIn]) -> list[dict[str, Any]]:
    return [
        {**msgspec.to_builtins(d), "id": str(uuid.uuid4()), "due_date": d.due_date.isoformat() if d.due_date else None}
        for d in directives
    ]


def event_directives(row: Any) -> list[ev.Directive]:
    return msgspec.convert(msgspec.json.decode(row["directives"]), list[ev.Directive])


def resolution_body(row: Any) -> api.Resolution:
    return api.Resolution(
        id=row["id"],
        meeting_id=row["meeting_id"],
        title=bilingual(row, "title"),
        text=bilingual(row, "text"),
        directives=msgspec.convert(msgspec.json.decode(row["directives"]), list[api.DirectiveOut]),
        status=row["status"],
        version=row["version"],
    )


def poll_body(row: Any) -> api.Poll:
    tz = row["timezone"]
    return api.Poll(
        id=row["id"],
        meeting_id=row["meeting_id"],
        motion=row["motion"],
        resolution_id=row["resolution_id"],
        amendment_id=row["amendment_id"],
        question=bilingual(row, "question"),
        rules=msgspec.json.decode(row["rules"], type=PollRules),
        secret=row["secret"],
        allow_change=row["allow_change"],
        status=row["status"],
        opens_at=service.local(row["opens_at"], tz),
        closes_at=service.local(row["closes_at"], tz),
        opened_at=service.local(row["opened_at"], tz),
        closed_at=service.local(row["closed_at"], tz),
        eligible_count=row["eligible_count"],
        eligible_weight=row["eligible_weight"],
        voted_count=row["turnout_published"] if row["status"] == "open" else None,
    )


def directive_body(row: Any) -> api.Directive:
    return api.Directive(
        id=row["id"],
        resolution_id=row["resolution_id"],
        meeting_id=row["meeting_id"],
        title=bilingual(row, "title"),
        description=row["description"],
        department_ids=list(row["department_ids"]),
        due_date=row["due_date"],
        priority=row["priority"],
        status=row["status"],
        note=row["note"],
        overdue=row["overdue"],
        version=row["version"],
    )


# --- resolutions --------------------------------------------------------------------------------------------


def resolution_values(title: ev.Bilingual, text: ev.Bilingual, directives: Any) -> dict[str, Any]:
    if not (title.vi or title.en):
        raise Problem(422, "Title required", "give the title in Vietnamese, English or both", field="title")
    return {
        "title_vi": title.vi,
        "title_en": title.en,
        "text_vi": text.vi,
        "text_en": text.en,
        "directives": msgspec.json.encode(directives).decode(),
    }


async def create_resolution(request: web.Request) -> web.Response:
    claims = caller(request)
    meeting = await visible_meeting(request, claims, parse_uuid(request.match_info["meeting_id"], "meeting"))
    await require(request, claims, service.DRAFTERS, "drafting a resolution")
    raw = await request.read()
    body = await read_json(request, api.ResolutionCreate)
    directives = directives_json(body.directives)
    values = resolution_values(body.title, body.text, directives)
    runtime = request.app[RUNTIME]
    async with pool(request).acquire() as conn, conn.transaction():

        async def create(conn: asyncpg.Connection) -> web.Response:
            row = await db.insert_resolution(conn, meeting, values)
            await publish(
                runtime,
                conn,
                new_event(
                    ev.ResolutionDrafted,
                    meeting_id=meeting["id"],
                    actor=actor(claims),
                    resolution_id=row["id"],
                    title=body.title,
                    text=body.text,
                    directives=event_directives(row),
                ),
            )
            return json_response(resolution_body(row), 201, {"ETag": etag(row["version"])})

        return await idempotent(request, conn, str(meeting["id"]), raw, create)


async def list_resolutions(request: web.Request) -> web.Response:
    claims = caller(request)
    meeting = await visible_meeting(request, claims, parse_uuid(request.match_info["meeting_id"], "meeting"))
    rows = await db.resolutions(pool(request), meeting["id"])
    return json_response(api.ResolutionList(items=[resolution_body(r) for r in rows]))


async def visible_resolution(
    request: web.Request, claims: Claims, conn: asyncpg.Connection | None = None
) -> asyncpg.Record:
    rid = parse_uuid(request.match_info["resolution_id"], "resolution")
    row = await db.resolution(conn or pool(request), rid, lock=conn is not None)
    if row is None:
        raise Problem(404, "Not found", "no such resolution")
    await visible_meeting(request, claims, row["meeting_id"])
    return row


async def get_resolution(request: web.Request) -> web.Response:
    row = await visible_resolution(request, caller(request))
    return json_response(resolution_body(row), headers={"ETag": etag(row["version"])})


async def patch_resolution(request: web.Request) -> web.Response:
    claims = caller(request)
    body = await read_json(request, api.ResolutionPatch)
    runtime = request.app[RUNTIME]
    async with pool(request).acquire() as conn, conn.transaction():
        row = await visible_resolution(request, claims, conn)
        await require(request, claims, service.DRAFTERS, "editing a resolution")
        check_if_match(request, row["version"], required=True)
        if row["status"] != "draft":
            raise Problem(409, "Not editable", f"the resolution is {row['status']}", current_status=row["status"])
        title = body.title if not isinstance(body.title, msgspec.UnsetType) else bilingual(row, "title")
        text = body.text if not isinstance(body.text, msgspec.UnsetType) else bilingual(row, "text")
        directives = (
            directives_json(body.directives)
            if not isinstance(body.directives, msgspec.UnsetType)
            else msgspec.json.decode(row["directives"])
        )
        updated = await db.update_resolution(conn, row["id"], resolution_values(title, text, directives))
        await publish(runtime, conn, amended_event(updated, claims))
    return json_response(resolution_body(updated), headers={"ETag": etag(updated["version"])})


def amended_event(row: Any, claims: Claims | None, amendment_id: uuid.UUID | None = None) -> Event:
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


# --- amendments ----------------------------------------------------------------------------------------------


def amendment_body(row: Any) -> api.Amendment:
    return api.Amendment(
        id=row["id"],
        resolution_id=row["resolution_id"],
        proposer_id=row["proposer_id"],
        text=bilingual(row, "text"),
        status=row["status"],
    )


async def propose_amendment(request: web.Request) -> web.Response:
    claims = caller(request)
    raw = await request.read()
    body = await read_json(request, api.AmendmentCreate)
    runtime = request.app[RUNTIME]
    async with pool(request).acquire() as conn, conn.transaction():
        resolution = await visible_resolution(request, claims, conn)
        if claims.kind != "participant" or await role_of(request, claims) not in VOTING_ROLES:
            raise Problem(403, "Voting members only", "amendments are proposed by voting members")
        if resolution["status"] != "draft":
            raise Problem(409, "Not amendable", f"the resolution is {resolution['status']}")

        async def create(conn: asyncpg.Connection) -> web.Response:
            directives = (
                None if body.directives is None else msgspec.json.encode(directives_json(body.directives)).decode()
            )
            values = {"text_vi": body.text.vi, "text_en": body.text.en, "directives": directives}
            row = await db.insert_amendment(conn, resolution, claims.sub, values)
            await publish(
                runtime,
                conn,
                new_event(
                    ev.AmendmentProposed,
                    meeting_id=resolution["meeting_id"],
                    actor=actor(claims),
                    amendment_id=row["id"],
                    resolution_id=resolution["id"],
                    proposer_id=claims.sub,
                    text=body.text,
                ),
            )
            return json_response(amendment_body(row), 201)

        return await idempotent(request, conn, str(resolution["id"]), raw, create)


async def settle_amendment(
    runtime: Runtime, conn: asyncpg.Connection, amendment: Any, accepted: bool, claims: Claims | None
) -> list[Event]:
    """Accept (apply to the resolution) or reject an amendment; the events to publish."""
    who = actor(claims) if claims else "poll"
    await db.set_amendment_status(conn, amendment["id"], "accepted" if accepted else "rejected")
    ids = {
        "meeting_id": amendment["meeting_id"],
        "amendment_id": amendment["id"],
        "resolution_id": amendment["resolution_id"],
    }
    if not accepted:
        return [new_event(ev.AmendmentRejected, actor=who, **ids)]
    resolution = await db.resolution(conn, amendment["resolution_id"], lock=True)
    assert resolution is not None
    directives = amendment["directives"] if amendment["directives"] is not None else resolution["directives"]
    values = {
        "title_vi": resolution["title_vi"],
        "title_en": resolution["title_en"],
        "text_vi": amendment["text_vi"],
        "text_en": amendment["text_en"],
        "directives": directives,
    }
    updated = await db.update_resolution(conn, resolution["id"], values)
    return [new_event(ev.AmendmentAccepted, actor=who, **ids), amended_event(updated, claims, amendment["id"])]


def decide_amendment(accepted: bool) -> Any:
    async def handler(request: web.Request) -> web.Response:
        claims = caller(request)
        aid = parse_uuid(request.match_info["amendment_id"], "amendment")
        runtime = request.app[RUNTIME]
        async with pool(request).acquire() as conn, conn.transaction():
            amendment = await db.amendment(conn, aid, lock=True)
            if amendment is None:
                raise Problem(404, "Not found", "no such amendment")
            await visible_meeting(request, claims, amendment["meeting_id"])
            await require(request, claims, service.RUNNING_ROOM, "deciding an amendment")
            if amendment["status"] != "proposed":
                raise Problem(409, "Already decided", f"the amendment is {amendment['status']}")
            resolution = await db.resolution(conn, amendment["resolution_id"])
            if resolution is None or resolution["status"] != "draft":
                raise Problem(409, "Resolution not amendable", "the resolution is being voted on or decided")
            await publish(runtime, conn, *await settle_amendment(runtime, conn, amendment, accepted, claims))
            row = await db.amendment(conn, aid)
        return json_response(amendment_body(row))

    return handler


# --- polls -------------------------------------------------------------------------------------------------------


async def create_poll(request: web.Request) -> web.Response:
    claims = caller(request)
    meeting = await visible_meeting(request, claims, parse_uuid(request.match_info["meeting_id"], "meeting"))
    await require(request, claims, service.RUNNING_ROOM, "creating a poll")
    raw = await request.read()
    body = await read_json(request, api.PollCreate)
    problem = service.poll_problem(
        motion=body.motion,
        has_resolution=body.resolution_id is not None,
        has_amendment=body.amendment_id is not None,
        rules=body.rules,
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

        async def create(conn: asyncpg.Connection) -> web.Response:
            values = {
                "motion": body.motion,
                "resolution_id": resolution_id,
                "amendment_id": body.amendment_id,
                "question_vi": body.question.vi,
                "question_en": body.question.en,
                "options": body.rules.options,
                "rules": msgspec.json.encode(body.rules).decode(),
                "secret": body.secret,
                "allow_change": body.allow_change,
                "opens_at": body.opens_at,
                "closes_at": body.closes_at,
            }
            poll_id = await db.insert_poll(conn, meeting, values)
            row = await db.poll(conn, poll_id)
            return json_response(poll_body(row), 201, {"Location": f"/api/v1/polls/{poll_id}"})

        return await idempotent(request, conn, str(meeting["id"]), raw, create)


async def list_polls(request: web.Request) -> web.Response:
    claims = caller(request)
    meeting = await visible_meeting(request, claims, parse_uuid(request.match_info["meeting_id"], "meeting"))
    return json_response(api.PollList(items=[poll_body(r) for r in await db.polls(pool(request), meeting["id"])]))


async def visible_poll(request: web.Request, claims: Claims, conn: asyncpg.Connection | None = None) -> asyncpg.Record:
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


async def open_poll(runtime: Runtime, conn: asyncpg.Connection, poll: Any, claims: Claims | None) -> None:
    """Open a draft poll: fix its roster and tell everyone. The caller holds the poll row lock."""
    meeting = await db.meeting(conn, poll["meeting_id"])
    if meeting is None or meeting["status"] != "in_progress":
        status = meeting["status"] if meeting else "unknown"
        raise Problem(409, "Meeting not in progress", f"the meeting is {status}", current_status=status)
    count, weight = await db.snapshot_roster(conn, poll["id"], poll["meeting_id"])
    await db.mark_open(conn, poll["id"], count, weight)
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
        ),
    )


async def close_poll(runtime: Runtime, conn: asyncpg.Connection, poll: Any, claims: Claims | None) -> None:
    """Close an open poll, count it, and publish the result and what follows from it, exactly once: the
    conditional update decides which of several racing closes does it. The caller holds the row lock, taken
    after every in-flight ballot (which holds a share lock on the row) has committed."""
    if not await db.close(conn, poll["id"]):
        return
    who = actor(claims) if claims else "schedule"
    rules = msgspec.json.decode(poll["rules"], type=PollRules)
    totals = await db.roster_totals(conn, poll["id"])
    roster = Roster(**dict(totals))
    result = tally((CountedBallot(c, w) for c, w in await db.counted(conn, poll["id"])), rules, roster)
    await db.store_result(conn, poll["id"], msgspec.json.encode(result))
    if poll["secret"]:
        await db.shuffle_secret_ballots(conn, poll["id"])
    events: list[Event] = [
        new_event(
            ev.PollClosed,
            meeting_id=poll["meeting_id"],
            actor=who,
            poll_id=poll["id"],
            resolution_id=poll["resolution_id"],
            result=result,
        )
    ]
    if poll["motion"] == "resolution":
        resolution = await db.resolution(conn, poll["resolution_id"], lock=True)
        assert resolution is not None
        await db.set_resolution_status(conn, resolution["id"], service.resolution_status_after(result.outcome))
        directives = event_directives(resolution)
        if result.outcome == "adopted":
            await db.insert_directives(conn, resolution, msgspec.json.decode(resolution["directives"]))
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
            events += await settle_amendment(runtime, conn, amendment, result.outcome == "adopted", claims)
        await db.set_resolution_status(conn, poll["resolution_id"], "draft")
    await publish(runtime, conn, *events)


def poll_action(action: str) -> Any:
    async def handler(request: web.Request) -> web.Response:
        claims = caller(request)
        runtime = request.app[RUNTIME]
        async with pool(request).acquire() as conn, conn.transaction():
            poll = await visible_poll(request, claims, conn)
            await require(request, claims, service.RUNNING_ROOM, f"to {action} a poll")
            if action == "open":
                if poll["status"] != "draft":
                    raise Problem(409, "Not a draft", f"the poll is {poll['status']}", current_status=poll["status"])
                await open_poll(runtime, conn, poll, claims)
            elif poll["status"] == "draft":
                raise Problem(409, "Not open", "the poll has not been opened", current_status="draft")
            else:
                await close_poll(runtime, conn, poll, claims)  # closing a closed poll changes nothing
            row = await db.poll(conn, poll["id"])
        return json_response(poll_body(row))

    return handler


class PollFacts(msgspec.Struct, frozen=True):
    """What never changes about a poll, cached for the ballot path."""

    meeting_id: uuid.UUID
    organisation_id: uuid.UUID
    options: frozenset[str]
    secret: bool
    allow_change: bool


POLL_FACTS = web.AppKey("poll_facts", dict)


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


async def cast_ballot(request: web.Request) -> web.Response:
    claims = caller(request)
    poll_id = parse_uuid(request.match_info["poll_id"], "poll")
    facts = await poll_facts(request, claims, poll_id)
    if claims.kind != "participant":
        raise Problem(403, "Participants only", "ballots are cast with a participant's session token")
    body = await read_json(request, api.BallotCast)
    if body.choice not in facts.options:
        raise Problem(422, "Unknown option", f"choose one of {', '.join(sorted(facts.options))}", field="choice")
    voter = body.principal_id or claims.sub
    receipt = service.receipt_code()
    row = await db.cast(pool(request), poll_id, voter, claims.sub, uuid.uuid4(), body.choice, receipt)
    if row["receipt"] is not None:
        return json_response(
            api.BallotReceipt(receipt=row["receipt"], poll_id=poll_id, choice=None if facts.secret else body.choice),
            201,
        )
    if not row["open"]:
        status = await pool(request).fetchval("select status from polls where id = $1", poll_id)
        raise Problem(409, "Poll not open", f"the poll is {status}", current_status=status)
    if not row["eligible"]:
        entry = await db.roster_entry(pool(request), poll_id, voter)
        if entry is None:
            raise Problem(
                403, "Not eligible", "not on this poll's roster", field="principal_id" if body.principal_id else None
            )
        raise Problem(403, "Vote handed on", "this vote is cast by its proxy holder", field="principal_id")
    if facts.secret:
        raise Problem(409, "Already voted", "a ballot was already counted for this voter; its receipt was given then")
    if facts.allow_change:
        replaced = await db.replace_named_ballot(pool(request), poll_id, voter, body.choice, receipt)
        if replaced is None:
            raise Problem(409, "Poll not open", "the poll closed", current_status="closed")
        return json_response(api.BallotReceipt(receipt=replaced, poll_id=poll_id, choice=body.choice, replaced=True))
    counted = await db.named_receipt(pool(request), poll_id, voter)
    raise Problem(409, "Already voted", "this poll does not allow changing a ballot", receipt=counted)


async def get_votes_carried(request: web.Request) -> web.Response:
    claims = caller(request)
    poll = await visible_poll(request, claims)
    if claims.kind != "participant":
        raise Problem(403, "Participants only", "votes are carried by participants")
    rows = await db.votes_carried(pool(request), poll["id"], claims.sub)
    return json_response(api.VotesCarried(items=[api.CarriedVote(**dict(r)) for r in rows]))


async def closed_poll(request: web.Request) -> asyncpg.Record:
    poll = await visible_poll(request, caller(request))
    if poll["status"] != "closed":
        raise Problem(409, "Results hidden", "results are shown when the poll closes", current_status=poll["status"])
    return poll


async def get_result(request: web.Request) -> web.Response:
    poll = await closed_poll(request)
    return json_response(
        api.Result(
            poll_id=poll["id"],
            closed_at=service.local(poll["closed_at"], poll["timezone"]),  # type: ignore[arg-type]
            eligible_count=poll["eligible_count"],
            eligible_weight=poll["eligible_weight"],
            result=msgspec.json.decode(poll["result"], type=ev.PollResult),
        )
    )


async def get_named_ballots(request: web.Request) -> web.Response:
    poll = await closed_poll(request)
    if poll["secret"]:
        raise Problem(404, "Not found", "a secret poll has no named ballots; see its receipts")
    rows = await db.named_ballots(pool(request), poll["id"])
    return json_response(api.NamedBallots(items=[api.NamedBallot(**dict(r)) for r in rows]))


async def get_receipts(request: web.Request) -> web.Response:
    poll = await closed_poll(request)
    rows = await db.receipts(pool(request), poll["id"])
    return json_response(api.Receipts(items=[api.Receipt(**dict(r)) for r in rows]))


# --- directives ---------------------------------------------------------------------------------------------------


class DirectiveQuery(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    department: uuid.UUID | None = None
    status: ev.DirectiveStatus | None = None
    overdue: bool = False
    meeting_id: uuid.UUID | None = None


async def list_directives(request: web.Request) -> web.Response:
    claims = caller(request)
    q = convert_query(dict(request.query), DirectiveQuery)
    meeting_id = q.meeting_id
    if claims.kind == "participant":
        if meeting_id not in (None, claims.meeting):
            raise Problem(404, "Not found", "no such meeting")
        meeting_id = claims.meeting
    rows = await db.list_directives(
        pool(request),
        {
            "org": claims.org,
            "meeting_id": meeting_id,
            "department": q.department,
            "status": q.status,
            "overdue": q.overdue,
        },
    )
    return json_response(api.DirectiveList(items=[directive_body(r) for r in rows]))


async def visible_directive(
    request: web.Request, claims: Claims, conn: asyncpg.Connection | None = None
) -> asyncpg.Record:
    did = parse_uuid(request.match_info["directive_id"], "directive")
    row = await db.directive(conn or pool(request), did, lock=conn is not None)
    if (
        row is None
        or row["organisation_id"] != claims.org
        or (claims.kind == "participant" and claims.meeting != row["meeting_id"])
    ):
        raise Problem(404, "Not found", "no such directive")
    return row


async def get_directive(request: web.Request) -> web.Response:
    row = await visible_directive(request, caller(request))
    return json_response(directive_body(row), headers={"ETag": etag(row["version"])})


async def patch_directive(request: web.Request) -> web.Response:
    claims = caller(request)
    body = await read_json(request, api.DirectivePatch)
    runtime = request.app[RUNTIME]
    async with pool(request).acquire() as conn, conn.transaction():
        row = await visible_directive(request, claims, conn)
        if claims.kind != "organiser":
            role = await role_of(request, claims)
            if role != "department_representative" or claims.department not in row["department_ids"]:
                raise Problem(403, "Not your directive", "the responsible department's representative reports on it")
        check_if_match(request, row["version"])
        updated = await db.set_directive_status(conn, row["id"], body.status, body.note)
        await publish(
            runtime,
            conn,
            new_event(
                ev.DirectiveStatusChanged,
                meeting_id=row["meeting_id"],
                actor=actor(claims),
                directive_id=row["id"],
                status=body.status,
                note=body.note,
            ),
        )
    return json_response(directive_body(updated), headers={"ETag": etag(updated["version"])})
