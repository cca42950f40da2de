"""The people of a meeting as rules: the participant CSV import, the proxy rule, who sees contact details,
who may check in, attendance as the export says it, and the page an invite link opens."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from meeting_svc.people.db import like_pattern
from meeting_svc.people.invitations import sends_at_once
from meeting_svc.people.join import invitation_page, pick, problem_page
from meeting_svc.people.rules import (
    CSV_COLUMNS,
    ParticipantRow,
    RowError,
    may_check_in,
    parse_participants,
    proxy_problem,
    sees_contact_details,
)
from meeting_svc.record.export_columns import ATTENDANCE_COLUMNS, attendance_cells, attendance_of
from servicekit.tokens import Claims, Kind

SALES, HR = uuid.uuid4(), uuid.uuid4()
DEPARTMENTS = {"sales": SALES, "phòng kinh doanh": SALES, "hr": HR}


def parse(text: str, departments: dict[str, uuid.UUID] | None = None) -> tuple[list[ParticipantRow], list[RowError]]:
    return parse_participants(text.encode(), DEPARTMENTS if departments is None else departments)


def only_error(text: str) -> RowError:
    _, errors = parse(text)
    assert len(errors) == 1, errors
    return errors[0]


# --- the participant CSV ----------------------------------------------------------------------------


def test_a_full_row_becomes_a_participant() -> None:
    rows, errors = parse(
        "name,email,department,role,weight,language\n"
        "Nguyễn Văn An,an@example.org,Sales,chair,3,en\n"
        "Trần Thị Bình,,,,,\n"
    )
    assert errors == []
    assert rows == [
        ParticipantRow("Nguyễn Văn An", "an@example.org", SALES, "chair", 3, "en", 1),
        # what is left empty takes the defaults: no email, no department, a voting member of weight 1, Vietnamese
        ParticipantRow("Trần Thị Bình", None, None, "voting_member", 1, "vi", 2),
    ]


def test_the_header_is_read_without_regard_to_case_spaces_order_or_a_byte_order_mark() -> None:
    data = "\ufeff Language , NAME ,Role\nen,An,observer\n".encode()
    rows, errors = parse_participants(data, DEPARTMENTS)
    assert errors == []
    assert [(r.name, r.role, r.language) for r in rows] == [("An", "observer", "en")]


def test_a_department_is_found_by_code_or_name_in_any_case() -> None:
    rows, errors = parse("name,department\nAn,SALES\nBình,Phòng Kinh Doanh\nChi,hr\n")
    assert errors == []
    assert [r.department_id for r in rows] == [SALES, SALES, HR]


@pytest.mark.parametrize(
    ("row", "field", "detail"),
    [
        ("An,an@example.org,,boss,,", "role", "'boss' is not one of chair, secretary, voting_member"),
        ("An,,,,,fr", "language", "'fr' is not one of vi, en"),
        ("An,,Legal,,,", "department", "no department with code or name 'Legal'"),
        ("An,,,,heavy,", "weight", "'heavy' is not a whole number from 0 to 1000000"),
        ("An,,,,-1,", "weight", "'-1' is not a whole number from 0 to 1000000"),
        ("An,,,,1000001,", "weight", "'1000001' is not a whole number"),
        ("An,,,,2.5,", "weight", "'2.5' is not a whole number"),
        ("An,,,,99999999999,", "weight", "'99999999999' is not a whole number"),
        ("An,not-an-address,,,,", "email", "'not-an-address' is not exactly one email address"),
        ("An,a@example.org; b@example.org,,,,", "email", "is not exactly one email address"),
        (",an@example.org,,,,", "name", "required"),
        ("A" * 301 + ",,,,,", "name", "at most 300 characters"),
    ],
)
def test_a_bad_cell_is_refused_naming_its_row_and_field(row: str, field: str, detail: str) -> None:
    error = only_error(f"{','.join(CSV_COLUMNS)}\nBình,,,,,\n{row}\n")
    assert (error.row, error.field) == (2, field)
    assert detail in error.detail


def test_weights_at_the_bounds_are_kept() -> None:
    rows, errors = parse("name,weight\nAn,0\nBình,1000000\nChi, 7 \n")
    assert errors == []
    assert [r.weight for r in rows] == [0, 1_000_000, 7]


def test_every_row_is_checked_and_a_wrong_row_is_left_out() -> None:
    """The caller imports nothing while the error list is not empty; the good rows are its preview."""
    rows, errors = parse("name,role,language\nAn,,\n,boss,fr\nChi,,\n")
    assert [(r.name, r.row) for r in rows] == [("An", 1), ("Chi", 3)]
    # all of a row's problems are reported at once, each naming its field
    assert [(e.row, e.field) for e in errors] == [(2, "name"), (2, "role"), (2, "language")]


def test_an_email_twice_in_the_file_names_the_first_row() -> None:
    error = only_error("name,email\nAn,an@example.org\nAn again,AN@Example.org\n")
    assert (error.row, error.field) == (2, "email")
    assert error.detail == "AN@Example.org already on row 1"


@pytest.mark.parametrize("again", ["ＡＮ@ｅｘａｍｐｌｅ.org", "\u212aIM@example.org", "an@example.org "])
def test_an_email_twice_in_the_file_is_found_however_it_is_typed(again: str) -> None:
    first = "kim@example.org" if "\u212a" in again else "an@example.org"
    error = only_error(f"name,email\nAn,{first}\nAn again,{again}\n")
    assert (error.row, error.field) == (2, "email")
    assert error.detail == f"{again.strip()} already on row 1"


def test_a_control_character_in_a_cell_is_refused_naming_the_column() -> None:
    rows, errors = parse("name,email\nAn\x07,an@example.org\n")
    assert rows == []
    assert [(e.row, e.field) for e in errors] == [(1, "name")]


def test_a_row_with_more_cells_than_columns_is_refused() -> None:
    error = only_error("name,email\nAn,an@example.org,extra\n")
    assert (error.row, error.field, error.detail) == (1, "row", "more cells than columns")


def test_a_row_with_fewer_cells_takes_the_defaults() -> None:
    rows, errors = parse("name,email,role\nAn\n")
    assert errors == []
    assert rows == [ParticipantRow("An", None, None, "voting_member", 1, "vi", 1)]


@pytest.mark.parametrize(
    ("data", "field", "detail"),
    [
        (b"", "header", "a 'name' column is required"),
        (b"email,role\nan@example.org,chair\n", "header", "a 'name' column is required"),
        (b"name,phone\nAn,0901\n", "header", "unknown column(s) ['phone']"),
        (b"name,email\n", "file", "no participant rows"),
        (b"name\n\n\n", "file", "no participant rows"),
        ("name\nAn\n".encode("utf-16"), "file", "not UTF-8"),
        (b"name\n\xff\xfeAn\n", "file", "not UTF-8"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_as_a_whole(data: bytes, field: str, detail: str) -> None:
    rows, errors = parse_participants(data, DEPARTMENTS)
    assert rows == []
    assert len(errors) == 1
    assert (errors[0].row, errors[0].field) == (0, field)
    assert detail in errors[0].detail


def test_blank_lines_are_skipped_but_rows_keep_their_number_in_the_file() -> None:
    rows, errors = parse("name\nAn\n\nBình\n")
    assert errors == []
    assert [(r.name, r.row) for r in rows] == [("An", 1), ("Bình", 2)]


NAMES = st.text(alphabet="aAăâđêôơưỹẠ Nguyễn", min_size=1, max_size=20).filter(lambda s: s.strip() != "")


@settings(max_examples=50)
@given(st.lists(NAMES, min_size=1, max_size=6))
def test_any_list_of_names_imports_in_order_with_their_row_numbers(names: list[str]) -> None:
    data = "name\n" + "".join(f'"{n}"\n' for n in names)
    rows, errors = parse(data)
    assert errors == []
    assert [(r.name, r.row) for r in rows] == [(n.strip(), i) for i, n in enumerate(names, start=1)]


# --- proxies ------------------------------------------------------------------------------------------

OK: dict[str, Any] = {
    "principal_role": "voting_member",
    "holder_role": "voting_member",
    "same": False,
    "holder_gives": False,
    "principal_holds": 0,
    "held": 0,
    "limit": 1,
}


def refusal(**change: Any) -> str | None:
    return proxy_problem(**{**OK, **change})


def test_a_voting_member_may_hand_its_vote_to_another() -> None:
    assert refusal() is None


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"same": True}, "a participant cannot hold its own proxy"),
        ({"principal_role": "observer"}, "a observer has no vote to hand on"),
        ({"principal_role": "secretary"}, "a secretary has no vote to hand on"),
        ({"holder_role": "observer"}, "a observer cannot hold a proxy"),
        ({"holder_role": "secretary"}, "a secretary cannot hold a proxy"),
        ({"holder_gives": True}, "the holder has handed its own vote on (no chains)"),
        ({"principal_holds": 1}, "the principal holds proxies of others (no chains)"),
        ({"held": 1}, "the holder already holds 1 proxy (limit 1)"),
        ({"held": 2, "limit": 2}, "the holder already holds 2 proxies (limit 2)"),
    ],
)
def test_a_proxy_is_refused_with_its_reason(change: dict[str, Any], reason: str) -> None:
    assert refusal(**change) == reason


@pytest.mark.parametrize("role", ["chair", "voting_member", "department_representative"])
def test_every_voting_role_may_give_and_hold_a_proxy(role: str) -> None:
    assert refusal(principal_role=role, holder_role=role) is None


def test_a_holder_under_its_limit_may_take_one_more() -> None:
    assert refusal(held=2, limit=3) is None
    assert refusal(held=3, limit=3) is not None


def test_a_limit_of_zero_allows_no_proxy_at_all() -> None:
    assert refusal(limit=0) == "the holder already holds 0 proxies (limit 0)"


# --- who sees contact details -------------------------------------------------------------------------

ORG, MEETING = uuid.uuid4(), uuid.uuid4()


def claims(kind: Kind, role: str | None = None, sub: uuid.UUID | None = None) -> Claims:
    return Claims(
        sub=sub or uuid.uuid4(),
        kind=kind,
        org=ORG,
        jti=uuid.uuid4(),
        exp=0,
        meeting=MEETING,
        role=role,
    )


@pytest.mark.parametrize(
    ("viewer", "sees"),
    [
        (claims("organiser"), True),
        (claims("participant", "chair"), True),
        (claims("participant", "secretary"), True),
        (claims("participant", "voting_member"), False),
        (claims("participant", "department_representative"), False),
        (claims("participant", "observer"), False),
        (claims("participant", None), False),
    ],
)
def test_contact_details_are_for_the_desk_and_organisers(viewer: Claims, sees: bool) -> None:
    assert sees_contact_details(viewer, uuid.uuid4()) is sees


@pytest.mark.parametrize("role", ["voting_member", "observer"])
def test_everyone_sees_their_own_contact_details(role: str) -> None:
    me = uuid.uuid4()
    assert sees_contact_details(claims("participant", role, sub=me), me)


# --- check-in ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("self_check_in", "by_self", "allowed"),
    [
        (True, True, True),  # the meeting lets participants check themselves in
        (False, True, False),  # it does not: only the desk may
        (True, False, True),  # the desk always may
        (False, False, True),
    ],
)
def test_checking_in_is_the_participants_own_act_only_where_the_meeting_allows(
    self_check_in: bool, by_self: bool, allowed: bool
) -> None:
    assert may_check_in(self_check_in, by_self=by_self) is allowed


@pytest.mark.parametrize(
    ("status", "record_only", "at_once"),
    [
        ("draft", False, False),
        ("scheduled", False, True),
        ("in_progress", False, True),
        ("scheduled", True, False),
        ("in_progress", True, False),
        ("ended", False, False),
        ("cancelled", False, False),
    ],
)
def test_a_participant_added_now_is_invited_at_once_only_to_a_meeting_announced_and_not_over(
    status: str, record_only: bool, at_once: bool
) -> None:
    assert sends_at_once({"status": status, "record_only": record_only}) is at_once


# --- attendance as exported ---------------------------------------------------------------------------


def person(**kw: object) -> dict[str, object]:
    return {
        "id": uuid.UUID(int=7),
        "name": "An",
        "department_vi": "Phòng Kinh doanh",
        "department_en": "Sales",
        "role": "voting_member",
        "weight": 2,
        "rsvp": None,
        "present": False,
        "proxy_holder": None,
        **kw,
    }


@pytest.mark.parametrize(
    ("facts", "state"),
    [
        ({"present": True}, "present"),
        ({"present": True, "proxy_holder": "Bình", "rsvp": "declined"}, "present"),  # there after all
        ({"proxy_holder": "Bình"}, "by_proxy"),
        ({"proxy_holder": "Bình", "rsvp": "declined"}, "by_proxy"),
        ({"rsvp": "declined"}, "excused"),
        ({"rsvp": "accepted"}, "absent"),
        ({}, "absent"),
    ],
)
def test_attendance_is_present_then_by_proxy_then_excused_then_absent(facts: dict[str, object], state: str) -> None:
    assert attendance_of(person(**facts)) == state


def test_an_attendance_row_has_a_cell_per_column_in_the_readers_language() -> None:
    vi = attendance_cells(person(proxy_holder="Bình"), "vi")
    en = attendance_cells(person(proxy_holder="Bình"), "en")
    assert len(vi) == len(en) == len(ATTENDANCE_COLUMNS)
    assert vi == [str(uuid.UUID(int=7)), "An", "Phòng Kinh doanh", "voting_member", 2, "", "ủy quyền", "Bình"]
    assert en[2] == "Sales"
    assert en[6] == "by proxy"


def test_a_department_named_in_one_language_only_shows_in_both() -> None:
    row = person(department_vi="", department_en="Sales")
    assert attendance_cells(row, "vi")[2] == "Sales"
    assert attendance_cells(person(department_vi=None, department_en=None), "en")[2] == ""


# --- searching the roster -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "pattern"),
    [("an", "%an%"), ("50%", "%50\\%%"), ("a_b", "%a\\_b%"), ("c:\\x", "%c:\\\\x%")],
)
def test_a_search_matches_what_was_typed_literally(typed: str, pattern: str) -> None:
    assert like_pattern(typed) == pattern


# --- the invite link's page -----------------------------------------------------------------------------

MEETING_ROW = {
    "title_vi": "Hội nghị tổng kết",
    "title_en": "Annual review",
    "starts_at": dt.datetime(2026, 1, 14, 6, 30, tzinfo=dt.UTC),
    "ends_at": dt.datetime(2026, 1, 14, 10, 30, tzinfo=dt.UTC),
    "timezone": "Asia/Ho_Chi_Minh",
    "venue_name": "Hội trường A",
    "venue_address": "",
    "online_url": None,
}
AGENDA = [
    {"title_vi": "Khai mạc", "title_en": "", "kind": "report", "presenter": "Chủ trì", "planned_minutes": 10},
    {"title_vi": "Biểu quyết", "title_en": "Vote", "kind": "vote", "presenter": None, "planned_minutes": None},
]


def page(language: str, **participant: object) -> str:
    who = {"name": "An", "role": "voting_member", "language": language, **participant}
    return invitation_page(who, MEETING_ROW, AGENDA, "https://h.example/app#t=x", "/join/abc")


def test_the_invite_page_speaks_the_participants_language_on_the_meetings_clock() -> None:
    vi, en = page("vi"), page("en")
    assert '<html lang="vi">' in vi
    assert "Kính gửi An" in vi
    assert "đại biểu biểu quyết" in vi
    assert "14/01/2026 13:30–17:30" in vi
    assert '<html lang="en">' in en
    assert "Dear An" in en
    assert "voting member" in en
    assert "<title>Annual review</title>" in en
    assert "Khai mạc" in en  # an item named in Vietnamese only keeps its name
    assert "Vote" in en


def test_a_participant_in_any_other_language_gets_the_vietnamese_page() -> None:
    assert '<html lang="vi">' in page("fr")


def test_the_invite_page_escapes_what_people_typed() -> None:
    html = page("en", name="<script>alert(1)</script>")
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_invite_page_offers_its_files_under_the_links_own_path() -> None:
    html = page("en")
    assert 'href="https://h.example/app#t=x"' in html
    assert 'src="/join/abc/qr.svg"' in html
    assert 'href="/join/abc/meeting.ics"' in html


def test_a_bad_link_is_explained_in_both_languages() -> None:
    html = problem_page("expired")
    assert "Hội nghị đã kết thúc" in html
    assert "The meeting is over" in html


def test_pick_falls_back_to_the_other_language_then_to_nothing() -> None:
    assert pick({"title_vi": "Một", "title_en": "One"}, "title", "en") == "One"
    assert pick({"title_vi": "Một", "title_en": ""}, "title", "en") == "Một"
    assert pick({"title_vi": None, "title_en": None}, "title", "vi") == ""
