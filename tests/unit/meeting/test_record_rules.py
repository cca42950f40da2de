"""The meeting's record as rules: the minutes drafted from the recorded facts and events, their content hash,
the sentences they say in each language on the meeting's clock, and the HTML and Typst they are set in."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import msgspec
import pytest

from meeting_svc.record.minutes.draft import Minutes, Text, attendance_of, content_hash, draft
from meeting_svc.record.minutes.pdf import s, source
from meeting_svc.record.minutes.render import render_html
from meeting_svc.record.minutes.texts import Moments, Sentences, pick
from schemas import events as ev
from schemas.codec import new_event

MEETING_ID = uuid.UUID(int=1)
T0 = dt.datetime(2026, 1, 14, 6, 30, tzinfo=dt.UTC)  # 13:30 in Hanoi
SALES, HR = uuid.UUID(int=10), uuid.UUID(int=11)
ITEM_1, ITEM_2 = uuid.UUID(int=20), uuid.UUID(int=21)
AN, BINH, CHI, DUNG, EM, GIANG = (uuid.UUID(int=i) for i in range(30, 36))

MEETING = {
    "title_vi": "Hội nghị tổng kết",
    "title_en": "Annual review",
    "starts_at": T0,
    "ends_at": T0 + dt.timedelta(hours=4),
    "timezone": "Asia/Ho_Chi_Minh",
    "venue_name": "Hội trường A",
    "venue_address": "1 Lê Lợi",
    "online_url": None,
    "status": "ended",
}


def member(pid: uuid.UUID, name: str, role: str, **kw: Any) -> dict[str, Any]:
    return {
        "id": pid,
        "name": name,
        "role": role,
        "weight": 1,
        "present": False,
        "holder_id": None,
        "rsvp": None,
        "department_vi": "",
        "department_en": "",
        **kw,
    }


SALES_NAMES = {"department_vi": "Phòng Kinh doanh", "department_en": "Sales"}
HR_NAMES = {"department_vi": "Phòng Nhân sự", "department_en": "HR"}
ROSTER = [
    member(AN, "An", "chair", present=True, **SALES_NAMES),
    member(BINH, "Bình", "secretary", present=True),  # runs the room, has no vote
    member(CHI, "Chi", "voting_member", weight=3, present=True, **SALES_NAMES),
    member(DUNG, "Dũng", "voting_member", weight=2, holder_id=CHI, **HR_NAMES),
    member(EM, "Em", "department_representative", rsvp="declined", **HR_NAMES),
    member(GIANG, "Giang", "observer", present=True, **HR_NAMES),
]
AGENDA = [
    {"id": ITEM_1, "position": 1, "title_vi": "Khai mạc", "title_en": "Opening", "kind": "report", "presenter": "An"},
    {"id": ITEM_2, "position": 2, "title_vi": "Biểu quyết", "title_en": "", "kind": "vote", "presenter": None},
]
REPORTS = [
    {
        "topic_vi": "Kết quả năm",
        "topic_en": "The year",
        "department_vi": "Phòng Kinh doanh",
        "department_en": "Sales",
        "title": "Báo cáo",
        "received_at": T0 - dt.timedelta(days=1),
        "deadline": T0 - dt.timedelta(days=2),
        "late": 1,
        "revisions": 2,
    }
]


def event(cls: type[Any], at: dt.datetime = T0, **payload: Any) -> Any:
    return msgspec.structs.replace(new_event(cls, meeting_id=MEETING_ID, **payload), occurred_at=at)


def bi(vi: str, en: str = "") -> ev.Bilingual:
    return ev.Bilingual(vi=vi, en=en)


RES, OTHER_RES, POLL, EARLY_POLL = (uuid.UUID(int=i) for i in range(40, 44))
AM_1, AM_2, AM_3 = (uuid.UUID(int=i) for i in range(50, 53))
DIRECTIVE = ev.Directive(id=uuid.UUID(int=60), title=bi("Triển khai"), department_ids=[SALES, uuid.UUID(int=99)])


def result(outcome: str, tallies: list[tuple[str, int, int]]) -> ev.PollResult:
    return ev.PollResult(
        tallies=[ev.OptionTally(option=o, count=c, weight=w) for o, c, w in tallies],
        base="cast",
        base_weight=6,
        threshold="simple",
        required_weight="3/1",
        quorum_met=True,
        outcome=outcome,  # type: ignore[arg-type]
        eligible_count=4,
        eligible_weight=7,
        present_count=2,
        participating_count=2,
    )


EVENTS = [
    event(ev.ResolutionDrafted, resolution_id=RES, title=bi("Dự thảo 1"), text=bi("Văn bản 1")),
    event(ev.ResolutionAmended, resolution_id=RES, version=3, title=bi("Dự thảo 3"), text=bi("Văn bản 3")),
    event(ev.ResolutionAmended, resolution_id=RES, version=2, title=bi("Dự thảo 2"), text=bi("Văn bản 2")),  # late
    event(ev.AmendmentProposed, amendment_id=AM_1, resolution_id=RES, proposer_id=CHI, text=bi("Sửa 1")),
    event(ev.AmendmentProposed, amendment_id=AM_2, resolution_id=RES, proposer_id=DUNG, text=bi("Sửa 2")),
    event(ev.AmendmentProposed, amendment_id=AM_3, resolution_id=RES, proposer_id=uuid.uuid4(), text=bi("Sửa 3")),
    event(ev.AmendmentAccepted, amendment_id=AM_1, resolution_id=RES),
    event(ev.AmendmentRejected, amendment_id=AM_2, resolution_id=RES),
    event(
        ev.PollOpened,
        poll_id=POLL,
        question=bi("Thông qua?", "Adopt?"),
        options=["yes", "no", "abstain"],
        secret=True,
        eligible_count=4,
        eligible_weight=7,
    ),
    event(
        ev.PollClosed,
        T0 + dt.timedelta(hours=3),
        poll_id=POLL,
        result=result("adopted", [("yes", 2, 5), ("no", 0, 0), ("abstain", 0, 0)]),
    ),
    # a poll whose opening is not in the record: kept, without its question
    event(ev.PollClosed, T0 + dt.timedelta(hours=1), poll_id=EARLY_POLL, result=result("rejected", [("yes", 1, 1)])),
    event(ev.ResolutionAdopted, resolution_id=RES, poll_id=POLL, title=bi("Nghị quyết"), directives=[DIRECTIVE]),
    event(ev.ResolutionDrafted, resolution_id=OTHER_RES, title=bi("Khác"), text=bi("...")),
]


def drafted(**changes: Any) -> Minutes:
    facts: dict[str, Any] = {
        "meeting": MEETING,
        "roster": ROSTER,
        "agenda": AGENDA,
        "reports": REPORTS,
        "events": EVENTS,
        "summaries": {ITEM_1: {"summary_vi": "Đã khai mạc", "summary_en": "Opened"}},
        "departments": {SALES: Text(vi="Phòng Kinh doanh", en="Sales")},
        "times": {ITEM_1: {"started_at": T0, "ended_at": T0 + dt.timedelta(minutes=20)}},
        "speakers": [{"item_id": ITEM_1, "name": "Chi"}, {"item_id": ITEM_1, "name": "An"}],
        **changes,
    }
    return draft(**facts)


# --- the draft -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("facts", "state"),
    [
        ({"present": True, "holder_id": CHI}, "present"),
        ({"holder_id": CHI, "rsvp": "declined"}, "by_proxy"),
        ({"rsvp": "declined"}, "excused"),
        ({"rsvp": "accepted"}, "absent"),
        ({}, "absent"),
    ],
)
def test_a_persons_attendance_is_present_then_by_proxy_then_excused_then_absent(
    facts: dict[str, Any], state: str
) -> None:
    assert attendance_of(member(AN, "An", "voting_member", **facts)) == state


def test_the_minutes_state_the_meetings_facts() -> None:
    m = drafted().meeting
    assert m.title == Text(vi="Hội nghị tổng kết", en="Annual review")
    assert m.venue == "Hội trường A, 1 Lê Lợi"
    assert m.online_url == ""
    assert (m.chairs, m.secretaries) == (["An"], ["Bình"])


def test_attendance_counts_the_roster_and_weighs_only_voting_members() -> None:
    a = drafted().attendance
    assert (a.on_roster, a.present, a.by_proxy, a.excused, a.absent) == (6, 4, 1, 1, 0)
    # chair, two voting members and a representative vote; the secretary and the observer do not
    assert (a.voting_members, a.voting_weight) == (4, 7)
    assert (a.present_voting, a.present_weight) == (2, 4)


def test_attendance_per_department_is_in_the_order_of_their_vietnamese_names_those_without_one_last() -> None:
    rows = [(d.department.en, d.present, d.by_proxy, d.excused, d.absent) for d in drafted().attendance.departments]
    assert rows == [("Sales", 2, 0, 0, 0), ("HR", 1, 1, 1, 0), ("", 1, 0, 0, 0)]


def test_each_item_keeps_its_summary_times_and_speakers_in_order() -> None:
    first, second = drafted().agenda
    assert first.summary == Text(vi="Đã khai mạc", en="Opened")
    assert (first.started_at, first.ended_at) == (T0, T0 + dt.timedelta(minutes=20))
    assert first.speakers == ["Chi", "An"]
    assert (second.summary, second.started_at, second.speakers, second.presenter) == (Text(), None, [], "")


def test_a_report_says_whether_it_came_late() -> None:
    (report,) = drafted().reports
    assert (report.late, report.revisions, report.department.en) == (True, 2, "Sales")


def test_polls_are_listed_in_the_order_they_closed_with_their_results() -> None:
    early, adopted = drafted().polls
    assert early.id == EARLY_POLL
    assert (early.question, early.secret, early.outcome) == (Text(), False, "rejected")
    assert (adopted.question, adopted.secret, adopted.outcome) == (Text(vi="Thông qua?", en="Adopt?"), True, "adopted")
    assert adopted.weights_differ  # 2 votes weighing 5: the minutes show both
    assert not early.weights_differ


def test_a_resolution_reads_as_its_latest_version_and_is_adopted_under_its_adopted_title() -> None:
    resolution, other = drafted().resolutions
    assert resolution.status == "adopted"
    assert resolution.title == Text(vi="Nghị quyết")
    assert resolution.text == Text(vi="Văn bản 3")  # version 3, though version 2 arrived after it
    (directive,) = resolution.directives
    # a department the organisation no longer lists is named by its id rather than dropped
    assert directive.departments == [
        Text(vi="Phòng Kinh doanh", en="Sales"),
        Text(vi=str(uuid.UUID(int=99)), en=str(uuid.UUID(int=99))),
    ]
    assert (other.status, other.title) == ("drafted", Text(vi="Khác"))


def test_each_amendment_has_its_proposer_and_its_fate() -> None:
    resolution = drafted().resolutions[0]
    assert [(a.text.vi, a.proposer, a.fate) for a in resolution.amendments] == [
        ("Sửa 1", "Chi", "accepted"),
        ("Sửa 2", "Dũng", "rejected"),
        ("Sửa 3", "", "proposed"),  # proposed by someone no longer on the roster
    ]


def test_the_content_hash_is_the_same_for_the_same_facts_and_changes_with_any() -> None:
    first, again = drafted(), drafted()
    assert content_hash(first) == content_hash(again)
    assert len(content_hash(first)) == 64
    changed = drafted(summaries={ITEM_1: {"summary_vi": "Đã khai mạc.", "summary_en": "Opened"}})
    assert content_hash(changed) != content_hash(first)


# --- the sentences -------------------------------------------------------------------------------------


def test_a_text_is_picked_in_the_readers_language_or_else_the_other() -> None:
    assert pick(Text(vi="Một", en="One"), "en") == "One"
    assert pick(Text(vi="Một", en=""), "en") == "Một"
    assert pick(Text(vi="", en="One"), "vi") == "One"


def test_moments_are_on_the_meetings_clock_and_its_zone_is_said_once() -> None:
    moment = Moments(drafted(), "vi")
    assert moment(T0) == "13:30 14/01/2026"
    assert moment.span(T0, T0 + dt.timedelta(hours=4)) == "13:30 14/01/2026 – 17:30 14/01/2026, giờ Việt Nam (GMT+7)"


def test_a_moment_across_a_summer_time_change_says_its_own_offset() -> None:
    berlin = drafted(
        meeting={**MEETING, "timezone": "Europe/Berlin", "starts_at": dt.datetime(2026, 3, 28, 9, tzinfo=dt.UTC)}
    )
    moment = Moments(berlin, "en")
    assert moment(dt.datetime(2026, 3, 28, 9, tzinfo=dt.UTC)) == "10:00 28/03/2026"
    assert moment(dt.datetime(2026, 3, 29, 9, tzinfo=dt.UTC)) == "11:00 29/03/2026 (GMT+2)"


def test_the_sentences_say_the_figures_in_each_language() -> None:
    m = drafted()
    vi, en = Sentences(m, "vi"), Sentences(m, "en")
    assert en.roster() == "Convened: 6; present: 4; by proxy: 1; excused: 1; absent: 0."
    assert en.quorum() == "Voting members: 4 (total weight 7); present: 2 (weight 4)."
    assert vi.roster().startswith("Tổng số đại biểu triệu tập: 6; có mặt: 4;")
    assert en.status(None, None) == "DRAFT"
    assert en.status(2, T0) == "Version 2, approved at 13:30 14/01/2026"
    poll = m.polls[1]
    assert en.rule(poll) == "Rule: more than half of the votes cast (yes, no and abstain)."
    assert en.outcome(poll) == "Outcome: Adopted"
    assert vi.outcome(poll) == "Kết quả: Thông qua"
    assert en.tallies(poll) == (
        ["Option", "Votes", "Weight"],
        [["Yes", "2", "5"], ["No", "0", "0"], ["Abstain", "0", "0"]],
    )
    assert en.tallies(m.polls[0]) == (["Option", "Votes"], [["Yes", "1"]])  # no weight column where weights agree
    assert en.poll_note(poll) == "(secret ballot, 16:30 14/01/2026)"
    assert en.item_lines(m.agenda[0]) == ["Time: 13:30–13:50", "Speakers: Chi, An"]
    assert en.facts()[1:] == [("Venue", "Hội trường A, 1 Lê Lợi"), ("Chair", "An"), ("Secretary", "Bình")]


# --- the documents ---------------------------------------------------------------------------------------

HOSTILE = 'Nghị quyết "số 1"] #set page(fill: red) \\ <script>alert(1)</script>'


@pytest.mark.parametrize(
    ("text", "literal"),
    [
        ("plain", '#"plain"'),
        ('say "hi"', '#"say \\"hi\\""'),
        ("a\\b", '#"a\\\\b"'),
        ("line\nnext\r", '#"line\\nnext"'),
        ("#set page(fill: red)", '#"#set page(fill: red)"'),
    ],
)
def test_people_text_enters_typst_as_a_string_literal(text: str, literal: str) -> None:
    assert s(text) == literal


def test_no_title_can_change_the_typst_document() -> None:
    m = drafted(meeting={**MEETING, "title_vi": HOSTILE})
    typst = source(m, "vi", "ab" * 32)
    assert s(HOSTILE) in typst
    # outside the literal, the document is what it would be with any other title
    assert typst.replace(s(HOSTILE), s("x")) == source(drafted(meeting={**MEETING, "title_vi": "x"}), "vi", "ab" * 32)


def test_the_html_minutes_escape_what_people_typed() -> None:
    html = render_html(drafted(meeting={**MEETING, "title_en": HOSTILE}), "en", "ab" * 32)
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


@pytest.mark.parametrize("motto", [True, False])
def test_the_motto_heads_the_minutes_only_where_wanted(motto: bool) -> None:
    m = drafted()
    assert ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in render_html(m, "vi", "00", motto=motto)) is motto
    assert ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in source(m, "vi", "00", motto=motto)) is motto


def test_both_documents_end_with_the_signatures_and_the_content_hash() -> None:
    m = drafted()
    digest = content_hash(m)
    html, typst = render_html(m, "vi", digest), source(m, "en", digest)
    assert "CHỦ TRÌ" in html and "THƯ KÝ" in html and digest in html
    assert "CHAIR" in typst and "SECRETARY" in typst and digest in typst
