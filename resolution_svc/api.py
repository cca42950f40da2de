"""Request and response bodies of resolution_svc's HTTP API."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Literal

import msgspec

from resolution_svc.voting import PollRules
from schemas.events import Bilingual, DirectiveStatus, Language, PassageChange, PollResult
from servicekit.fields import LINE_PATTERN, PROSE_PATTERN, BilingualBody, BilingualText, Prose, Request


class DirectiveIn(Request, kw_only=True):
    title: BilingualText
    description: Prose = ""
    department_ids: Annotated[list[uuid.UUID], msgspec.Meta(min_length=1)]
    due_date: dt.date | None = None
    priority: Literal["low", "normal", "high"] = "normal"


class ResolutionCreate(Request, kw_only=True):
    title: BilingualText
    text: BilingualBody
    directives: list[DirectiveIn] = msgspec.field(default_factory=list)


class ResolutionPatch(Request, kw_only=True, omit_defaults=True):
    title: BilingualText | msgspec.UnsetType = msgspec.UNSET
    text: BilingualBody | msgspec.UnsetType = msgspec.UNSET
    directives: list[DirectiveIn] | msgspec.UnsetType = msgspec.UNSET


class DirectiveOut(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    title: Bilingual
    description: str
    department_ids: list[uuid.UUID]
    due_date: dt.date | None
    priority: str


class Resolution(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    meeting_id: uuid.UUID
    title: Bilingual
    text: Bilingual
    directives: list[DirectiveOut]
    status: str
    version: int


class ResolutionList(msgspec.Struct, kw_only=True):
    items: list[Resolution]


class ParagraphRange(Request, kw_only=True):
    first: Annotated[int, msgspec.Meta(ge=1, le=100_000)]
    last: Annotated[int, msgspec.Meta(ge=1, le=100_000)]


class PartChange(Request, kw_only=True):
    """A part of the text in one language, by an exact passage (`quote`) or by paragraphs (1-based, separated
    by a blank line), and its replacement (empty: the part is struck out)."""

    language: Language
    quote: Annotated[str, msgspec.Meta(min_length=1, max_length=100_000, pattern=PROSE_PATTERN)] | None = None
    paragraphs: ParagraphRange | None = None
    replacement: Prose


class AmendmentCreate(Request, kw_only=True):
    # the resolution's version the changes were written against: its current one (409 otherwise)
    base_version: Annotated[int, msgspec.Meta(ge=1)] | None = None
    changes: Annotated[list[PartChange], msgspec.Meta(min_length=1, max_length=20)] | None = None
    text: BilingualBody | None = None  # instead of `changes`: the whole text anew
    directives: list[DirectiveIn] | None = None  # replaces the resolution's directives when accepted


class Amendment(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    resolution_id: uuid.UUID
    proposer_id: uuid.UUID
    text: Bilingual  # the whole text as the amendment makes it of its base version
    status: str  # proposed | voting | accepted | rejected | conflicting
    base_version: int | None
    changes: list[PassageChange]
    # while proposed: the change against the resolution's current text, as a unified diff per language
    # ("" where it changes nothing), and the changes whose part has changed since the base version
    diff: Bilingual
    conflicts: list[int]


class AmendmentList(msgspec.Struct, kw_only=True):
    items: list[Amendment]


class PollCreate(Request, kw_only=True):
    motion: Literal["resolution", "amendment", "procedural"]
    question: BilingualText
    resolution_id: uuid.UUID | None = None
    amendment_id: uuid.UUID | None = None
    # the rules, or a preset's id from GET /api/v1/poll-presets (not both); neither: a simple majority of votes cast
    rules: PollRules | None = None
    preset: Annotated[str, msgspec.Meta(max_length=64)] | None = None
    secret: bool = False
    allow_change: bool = False
    opens_at: dt.datetime | None = None
    closes_at: dt.datetime | None = None


class Poll(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    meeting_id: uuid.UUID
    motion: str
    resolution_id: uuid.UUID | None
    amendment_id: uuid.UUID | None
    question: Bilingual
    rules: PollRules
    rule_text: Bilingual  # the rules in words, written from the same objects the tally applies
    secret: bool
    allow_change: bool
    status: str
    opens_at: dt.datetime | None  # in the meeting's time zone
    closes_at: dt.datetime | None
    opened_at: dt.datetime | None
    closed_at: dt.datetime | None
    eligible_count: int | None
    eligible_weight: int | None
    # While open: voters who have voted, as last announced by `poll.turnout_changed` (a count only).
    # After close the result has the counts.
    voted_count: int | None = None


class PollList(msgspec.Struct, kw_only=True):
    items: list[Poll]


class PollPreset(msgspec.Struct, kw_only=True):
    id: str
    name: Bilingual
    rules: PollRules
    rule_text: Bilingual


class PollPresetList(msgspec.Struct, kw_only=True):
    items: list[PollPreset]


# At least 128 bits of the client's randomness, e.g. 16 random bytes in base64url.
BallotNonce = Annotated[str, msgspec.Meta(pattern=r"^[A-Za-z0-9_-]{22,64}$")]


class BallotCast(Request, kw_only=True):
    choice: Annotated[str, msgspec.Meta(max_length=100, pattern=LINE_PATTERN)]
    principal_id: uuid.UUID | None = None  # cast for this principal, as its proxy holder
    # Random, made by the client for this ballot and kept with it (the web client: in the tab). Sending the same
    # ballot again with the same nonce (e.g. after a lost answer, even after close) answers the same receipt
    # without counting it twice. Without a nonce the receipt is given once only.
    nonce: BallotNonce | None = None


class BallotReceipt(msgspec.Struct, kw_only=True, omit_defaults=True):
    receipt: str
    poll_id: uuid.UUID
    choice: str | None = None  # named polls only: a secret poll's answer does not repeat the choice
    replaced: bool = False  # a changed ballot (polls that allow a change until close)
    replayed: bool = False  # the same ballot and nonce again: the receipt given before, nothing counted anew


class Result(msgspec.Struct, kw_only=True):
    poll_id: uuid.UUID
    closed_at: dt.datetime
    eligible_count: int
    eligible_weight: int
    result: PollResult
    closed_by: str | None = None  # chair, schedule, meeting_ended or meeting_cancelled
    # presence was counted on every meeting_svc event of the meeting up to this meeting_seq
    meeting_position: int | None = None


class ResultList(msgspec.Struct, kw_only=True):
    items: list[Result]


class NamedBallot(msgspec.Struct, kw_only=True):
    voter_id: uuid.UUID
    choice: str
    weight: int


class NamedBallots(msgspec.Struct, kw_only=True):
    items: list[NamedBallot]


class CarriedVote(msgspec.Struct, kw_only=True):
    voter_id: uuid.UUID  # the caller's own id, or a principal's who handed the vote to the caller
    weight: int
    cast: bool


class VotesCarried(msgspec.Struct, kw_only=True):
    """The votes the caller casts in a poll: their own first, then those handed to them."""

    items: list[CarriedVote]


class Receipt(msgspec.Struct, kw_only=True):
    receipt: str
    choice: str


class Receipts(msgspec.Struct, kw_only=True):
    items: list[Receipt]


class DirectiveProgress(msgspec.Struct, kw_only=True):
    """One progress report on a directive: by which department, written by whom, when."""

    id: uuid.UUID
    department_id: uuid.UUID | None
    author_kind: Literal["participant", "organiser"] | None  # None: written before authors were kept
    author_id: uuid.UUID | None
    status: DirectiveStatus
    note: str
    recorded_at: dt.datetime


class DirectiveProgressList(msgspec.Struct, kw_only=True):
    items: list[DirectiveProgress]


class Directive(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    resolution_id: uuid.UUID
    meeting_id: uuid.UUID
    title: Bilingual
    description: str
    department_ids: list[uuid.UUID]
    due_date: dt.date | None
    priority: str
    status: DirectiveStatus
    note: str  # the latest note of any department
    # each responsible department's latest report (the history: GET /directives/{id}/progress)
    progress: list[DirectiveProgress]
    overdue: bool
    version: int


class DirectiveList(msgspec.Struct, kw_only=True):
    items: list[Directive]


class DirectivePatch(Request, kw_only=True):
    status: DirectiveStatus
    note: Annotated[str, msgspec.Meta(max_length=10_000, pattern=PROSE_PATTERN)] = ""
    # the department the report is for: a representative's own (default); an organiser may name one of
    # the directive's departments, or none for a note of their own
    department_id: uuid.UUID | None = None


class CalendarFeed(msgspec.Struct, kw_only=True):
    """A secret URL to subscribe to in a calendar program (iCalendar); keep it private."""

    url: str
