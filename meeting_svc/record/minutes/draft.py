"""The minutes' content, drafted from the recorded facts: pure, no I/O. The content is a msgspec Struct whose
JSON encoding is canonical, so its SHA-256 (the content hash printed in the document and shown by the API)
is the same for the same facts and summaries, wherever it is computed."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Iterable, Mapping, Sequence

import msgspec

from schemas import events as ev
from schemas.events import VOTING_ROLES
from servicekit import pg


class Text(msgspec.Struct, frozen=True, kw_only=True):
    vi: str = ""
    en: str = ""


class MeetingFacts(msgspec.Struct, frozen=True, kw_only=True):
    title: Text
    starts_at: dt.datetime
    ends_at: dt.datetime
    timezone: str
    venue: str
    online_url: str
    status: str
    chairs: list[str]
    secretaries: list[str]


class DepartmentAttendance(msgspec.Struct, frozen=True, kw_only=True):
    department: Text
    present: int
    by_proxy: int
    excused: int
    absent: int


class Attendance(msgspec.Struct, frozen=True, kw_only=True):
    on_roster: int
    voting_members: int
    voting_weight: int
    present: int
    present_voting: int
    present_weight: int
    by_proxy: int
    excused: int
    absent: int
    departments: list[DepartmentAttendance]


class Item(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    position: int
    title: Text
    kind: str
    presenter: str
    summary: Text
    # when the item actually ran, and who took the floor under it, in the order they spoke
    started_at: dt.datetime | None = None
    ended_at: dt.datetime | None = None
    speakers: list[str] = []


class Report(msgspec.Struct, frozen=True, kw_only=True):
    topic: Text
    department: Text
    title: str
    received_at: dt.datetime
    deadline: dt.datetime
    late: bool
    revisions: int


class Tally(msgspec.Struct, frozen=True, kw_only=True):
    option: str
    count: int
    weight: int


class Poll(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    question: Text
    secret: bool
    closed_at: dt.datetime
    base: str
    threshold: str
    required_weight: str
    quorum_rule: str | None
    quorum_met: bool
    outcome: str
    tallies: list[Tally]
    weights_differ: bool
    eligible_count: int
    eligible_weight: int
    present_count: int
    participating_count: int


class Directive(msgspec.Struct, frozen=True, kw_only=True):
    title: Text
    departments: list[Text]
    due_date: dt.date | None


class Amendment(msgspec.Struct, frozen=True, kw_only=True):
    text: Text
    proposer: str
    fate: str  # proposed | accepted | rejected


class Resolution(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    title: Text
    text: Text
    status: str  # drafted | adopted | rejected
    directives: list[Directive]
    amendments: list[Amendment]


class Minutes(msgspec.Struct, frozen=True, kw_only=True):
    meeting: MeetingFacts
    attendance: Attendance
    agenda: list[Item]
    reports: list[Report]
    polls: list[Poll]
    resolutions: list[Resolution]


def content_hash(minutes: Minutes) -> str:
    return hashlib.sha256(msgspec.json.encode(minutes)).hexdigest()


def attendance_of(person: pg.RowLike) -> str:
    """Present when checked in; else represented by proxy, excused (declined in advance), or absent."""
    if person["present"]:
        return "present"
    if person["holder_id"] is not None:
        return "by_proxy"
    if person["rsvp"] == "declined":
        return "excused"
    return "absent"


def _attendance(roster: Sequence[pg.RowLike]) -> Attendance:
    states = [attendance_of(p) for p in roster]
    voting = [p for p in roster if p["role"] in VOTING_ROLES]
    by_department: dict[tuple[str, str], dict[str, int]] = {}
    for person, state in zip(roster, states, strict=True):
        key = (person["department_vi"], person["department_en"])
        counts = by_department.setdefault(key, {"present": 0, "by_proxy": 0, "excused": 0, "absent": 0})
        counts[state] += 1
    return Attendance(
        on_roster=len(roster),
        voting_members=len(voting),
        voting_weight=sum(p["weight"] for p in voting),
        present=states.count("present"),
        present_voting=sum(1 for p in voting if p["present"]),
        present_weight=sum(p["weight"] for p in voting if p["present"]),
        by_proxy=states.count("by_proxy"),
        excused=states.count("excused"),
        absent=states.count("absent"),
        departments=[
            DepartmentAttendance(department=Text(vi=k[0], en=k[1]), **v)
            for k, v in sorted(by_department.items(), key=lambda kv: (not kv[0][0] and not kv[0][1], kv[0]))
        ],
    )


def _text(b: ev.Bilingual) -> Text:
    return Text(vi=b.vi, en=b.en)


def _decisions(
    events: Iterable[ev.Event], names: Mapping[uuid.UUID, str], departments: Mapping[uuid.UUID, Text]
) -> tuple[list[Poll], list[Resolution]]:
    polls: dict[uuid.UUID, ev.PollOpened] = {}
    closed: list[ev.PollClosed] = []
    drafts: dict[uuid.UUID, ev.ResolutionDrafted | ev.ResolutionAmended] = {}
    status: dict[uuid.UUID, str] = {}
    amendments: dict[uuid.UUID, ev.AmendmentProposed] = {}
    fate: dict[uuid.UUID, str] = {}
    adopted: dict[uuid.UUID, ev.ResolutionAdopted] = {}
    for e in events:
        match e:
            case ev.PollOpened():
                polls[e.poll_id] = e
            case ev.PollClosed():
                closed.append(e)
            case ev.ResolutionDrafted():
                drafts.setdefault(e.resolution_id, e)
                status.setdefault(e.resolution_id, "drafted")
            case ev.ResolutionAmended():
                current = drafts.get(e.resolution_id)
                if not isinstance(current, ev.ResolutionAmended) or current.version < e.version:
                    drafts[e.resolution_id] = e
            case ev.AmendmentProposed():
                amendments[e.amendment_id] = e
            case ev.AmendmentAccepted():
                fate[e.amendment_id] = "accepted"
            case ev.AmendmentRejected():
                fate[e.amendment_id] = "rejected"
            case ev.ResolutionAdopted():
                status[e.resolution_id] = "adopted"
                adopted[e.resolution_id] = e
            case ev.ResolutionRejected():
                status[e.resolution_id] = "rejected"
    poll_rows = []
    for c in sorted(closed, key=lambda c: (c.occurred_at, c.poll_id)):
        opened = polls.get(c.poll_id)
        r = c.result
        poll_rows.append(
            Poll(
                id=c.poll_id,
                question=_text(opened.question) if opened else Text(),
                secret=opened.secret if opened else False,
                closed_at=c.occurred_at,
                base=r.base,
                threshold=r.threshold,
                required_weight=r.required_weight,
                quorum_rule=r.quorum_rule,
                quorum_met=r.quorum_met,
                outcome=r.outcome,
                tallies=[Tally(option=t.option, count=t.count, weight=t.weight) for t in r.tallies],
                weights_differ=any(t.count != t.weight for t in r.tallies),
                eligible_count=r.eligible_count,
                eligible_weight=r.eligible_weight,
                present_count=r.present_count,
                participating_count=r.participating_count,
            )
        )
    resolutions = []
    for rid, d in drafts.items():
        directives = adopted[rid].directives if rid in adopted else d.directives
        title = adopted[rid].title if rid in adopted else d.title
        resolutions.append(
            Resolution(
                id=rid,
                title=_text(title),
                text=_text(d.text),
                status=status.get(rid, "drafted"),
                directives=[
                    Directive(
                        title=_text(x.title),
                        departments=[departments.get(i, Text(vi=str(i), en=str(i))) for i in x.department_ids],
                        due_date=x.due_date,
                    )
                    for x in directives
                ],
                amendments=[
                    Amendment(text=_text(a.text), proposer=names.get(a.proposer_id, ""), fate=fate.get(aid, "proposed"))
                    for aid, a in amendments.items()
                    if a.resolution_id == rid
                ],
            )
        )
    return poll_rows, resolutions


def draft(
    *,
    meeting: pg.RowLike,
    roster: Sequence[pg.RowLike],
    agenda: Sequence[pg.RowLike],
    reports: Sequence[pg.RowLike],
    events: list[ev.Event],
    summaries: Mapping[uuid.UUID, pg.RowLike],
    departments: Mapping[uuid.UUID, Text],
    times: Mapping[uuid.UUID, pg.RowLike] | None = None,
    speakers: Sequence[pg.RowLike] | None = None,
) -> Minutes:
    names = {p["id"]: p["name"] for p in roster}
    times = times or {}
    spoke: dict[uuid.UUID, list[str]] = {}
    for entry in speakers or []:
        spoke.setdefault(entry["item_id"], []).append(entry["name"])
    polls, resolutions = _decisions(events, names, departments)
    venue = ", ".join(x for x in (meeting["venue_name"], meeting["venue_address"]) if x)
    return Minutes(
        meeting=MeetingFacts(
            title=Text(vi=meeting["title_vi"], en=meeting["title_en"]),
            starts_at=meeting["starts_at"],
            ends_at=meeting["ends_at"],
            timezone=meeting["timezone"],
            venue=venue,
            online_url=meeting["online_url"] or "",
            status=meeting["status"],
            chairs=[p["name"] for p in roster if p["role"] == "chair"],
            secretaries=[p["name"] for p in roster if p["role"] == "secretary"],
        ),
        attendance=_attendance(roster),
        agenda=[
            Item(
                id=a["id"],
                position=a["position"],
                title=Text(vi=a["title_vi"], en=a["title_en"]),
                kind=a["kind"],
                presenter=a["presenter"] or "",
                summary=Text(
                    vi=summaries[a["id"]]["summary_vi"] if a["id"] in summaries else "",
                    en=summaries[a["id"]]["summary_en"] if a["id"] in summaries else "",
                ),
                started_at=times[a["id"]]["started_at"] if a["id"] in times else None,
                ended_at=times[a["id"]]["ended_at"] if a["id"] in times else None,
                speakers=spoke.get(a["id"], []),
            )
            for a in agenda
        ],
        reports=[
            Report(
                topic=Text(vi=r["topic_vi"], en=r["topic_en"]),
                department=Text(vi=r["department_vi"], en=r["department_en"]),
                title=r["title"],
                received_at=r["received_at"],
                deadline=r["deadline"],
                late=bool(r["late"]),
                revisions=r["revisions"],
            )
            for r in reports
        ],
        polls=polls,
        resolutions=resolutions,
    )
