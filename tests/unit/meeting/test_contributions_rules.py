"""Position reports as rules: what a department's report may show (its Markdown made safe), the state of
each department's answer to a request, who may answer and when it is too late."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from meeting_svc.contributions.rules import contribution_state, render_markdown
from meeting_svc.contributions.views import lateness, representative_of
from servicekit.http import Problem
from servicekit.tokens import Claims, Kind

# --- the report's Markdown --------------------------------------------------------------------------


def test_markdown_is_rendered_with_tables() -> None:
    html = render_markdown("# Kết quả\n\n**Đạt** 95%\n\n| a | b |\n|---|---|\n| 1 | 2 |\n")
    assert "<h1>Kết quả</h1>" in html
    assert "<strong>Đạt</strong> 95%" in html
    assert "<table>" in html
    assert "<td>1</td>" in html


@pytest.mark.parametrize(
    "typed",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        '<a href="https://x.example" onclick="steal()">x</a>',
        "<iframe src=https://x.example></iframe>",
        "<style>body{display:none}</style>",
    ],
)
def test_html_in_a_report_is_shown_as_text_never_run(typed: str) -> None:
    html = render_markdown(typed)
    assert "<script" not in html
    assert "<img" not in html
    assert "<iframe" not in html
    assert "<style" not in html
    assert "<a " not in html
    assert "&lt;" in html  # shown as the text that was typed


@pytest.mark.parametrize(
    "link",
    ["[x](javascript:alert(1))", "[x](data:text/html,hi)", "[x](vbscript:msgbox)", "[x](ftp://files.example/a)"],
)
def test_a_link_goes_only_to_the_web_or_an_email_address(link: str) -> None:
    html = render_markdown(link)
    assert "href" not in html


@pytest.mark.parametrize("link", ["https://a.example/p", "http://a.example/p", "mailto:an@example.org"])
def test_web_and_email_links_are_kept(link: str) -> None:
    assert f'href="{link}"' in render_markdown(f"[x]({link})")


def test_an_image_from_elsewhere_becomes_a_link_so_no_reader_fetches_a_tracking_pixel() -> None:
    html = render_markdown("![the chart](https://tracker.example/p.gif)")
    assert "<img" not in html
    assert '<a href="https://tracker.example/p.gif"' in html
    assert ">the chart</a>" in html


def test_an_inline_data_image_is_shown() -> None:
    html = render_markdown("![dot](data:image/png;base64,iVBORw0KGgo=)")
    assert '<img src="data:image/png;base64,iVBORw0KGgo=" alt="dot">' in html


def test_an_image_address_cannot_break_out_of_its_attribute() -> None:
    html = render_markdown('![a"b](https://x.example/"onerror="alert(1))')
    assert "onerror=" not in html.replace("%22onerror=%22", "")


@settings(max_examples=80)
@given(st.text(alphabet="<>\"'&=/ abcimgscrptonerorhf:()[]!", max_size=60))
def test_no_typed_text_yields_a_script_or_an_event_handler(typed: str) -> None:
    html = render_markdown(typed).lower()
    assert "<script" not in html
    assert "<img" not in html  # only data images are shown, and this alphabet cannot make one
    assert " onerror=" not in html


# --- each department's answer ---------------------------------------------------------------------------

DEADLINE = dt.datetime(2026, 1, 10, 17, 0, tzinfo=dt.UTC)
BEFORE, AFTER = DEADLINE - dt.timedelta(minutes=1), DEADLINE + dt.timedelta(minutes=1)


@pytest.mark.parametrize(
    ("revisions", "late", "now", "state"),
    [
        (0, False, BEFORE, "missing"),
        (0, False, DEADLINE, "missing"),  # due at the deadline, not yet overdue
        (0, False, AFTER, "overdue"),
        (1, False, AFTER, "submitted"),  # on time, whenever one looks
        (2, False, AFTER, "revised"),
        (1, True, AFTER, "late"),
        (3, True, AFTER, "late"),  # lateness outweighs revisions
    ],
)
def test_a_departments_answer_has_one_state(revisions: int, late: bool, now: dt.datetime, state: str) -> None:
    assert contribution_state(revisions=revisions, late=late, deadline=DEADLINE, now=now) == state


def test_lateness_is_recorded_where_the_request_allows_it_and_refused_where_not() -> None:
    open_late = {"deadline": DEADLINE, "allow_late": True}
    strict = {"deadline": DEADLINE, "allow_late": False}
    assert lateness(strict, BEFORE) is False
    assert lateness(strict, DEADLINE) is False
    assert lateness(open_late, AFTER) is True
    with pytest.raises(Problem) as refused:
        lateness(strict, AFTER)
    assert (refused.value.status, refused.value.field) == (409, "deadline")
    assert DEADLINE.isoformat() in str(refused.value.detail)


# --- who answers ----------------------------------------------------------------------------------------

SALES, HR = uuid.uuid4(), uuid.uuid4()
REQUEST = {"department_ids": [SALES]}


def claims(kind: Kind, role: str | None, department: uuid.UUID | None) -> Claims:
    return Claims(
        sub=uuid.uuid4(), kind=kind, org=uuid.uuid4(), jti=uuid.uuid4(), exp=0, role=role, department=department
    )


def test_the_representative_of_an_addressed_department_answers_for_it() -> None:
    assert representative_of(claims("participant", "department_representative", SALES), REQUEST) == SALES


@pytest.mark.parametrize(
    "who",
    [
        claims("participant", "department_representative", HR),  # not addressed
        claims("participant", "department_representative", None),
        claims("participant", "voting_member", SALES),  # of the department, but not its representative
        claims("participant", "chair", SALES),
        claims("organiser", None, None),
    ],
)
def test_no_one_else_answers_a_request(who: Claims) -> None:
    with pytest.raises(Problem) as refused:
        representative_of(who, REQUEST)
    assert refused.value.status == 403
