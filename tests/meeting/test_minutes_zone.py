"""The minutes say the meeting's time zone as the participant page does ("giờ Việt Nam (GMT+7)",
"Vietnam time (GMT+7)"), in the HTML and in the PDF parsed back; a moment past a summer-time change
says its own offset."""

from __future__ import annotations

import datetime as dt
import io
import uuid

import pypdf

from meeting_svc.record.minutes.draft import Attendance, MeetingFacts, Minutes, Poll, Report, Tally, Text
from meeting_svc.record.minutes.pdf import render_pdf
from meeting_svc.record.minutes.render import render_html

STARTS = dt.datetime(2021, 1, 14, 6, 30, tzinfo=dt.UTC)  # 13:30 in Da Nang, 07:30 in Berlin


def minutes(zone: str) -> Minutes:
    return Minutes(
        meeting=MeetingFacts(
            title=Text(vi="Hội nghị tổng kết năm 2020", en="2020 review conference"),
            starts_at=STARTS,
            ends_at=STARTS + dt.timedelta(hours=4),
            timezone=zone,
            venue="Đà Nẵng",
            online_url="",
            status="ended",
            chairs=["Nguyễn Văn A"],
            secretaries=["Trần Thị B"],
        ),
        attendance=Attendance(
            on_roster=3,
            voting_members=3,
            voting_weight=3,
            present=3,
            present_voting=3,
            present_weight=3,
            by_proxy=0,
            excused=0,
            absent=0,
            departments=[],
        ),
        agenda=[],
        reports=[
            Report(
                topic=Text(vi="Tham luận", en="Position report"),
                department=Text(vi="Phòng Đo lường", en="Metrology"),
                title="Báo cáo",
                received_at=STARTS - dt.timedelta(days=2),
                deadline=STARTS - dt.timedelta(days=1),
                late=False,
                revisions=0,
            )
        ],
        polls=[
            Poll(
                id=uuid.uuid4(),
                question=Text(vi="Thông qua Nghị quyết", en="Adopt the resolution"),
                secret=False,
                closed_at=STARTS + dt.timedelta(hours=3, minutes=45),
                base="cast",
                threshold="simple",
                required_weight="2",
                quorum_rule=None,
                quorum_met=True,
                outcome="adopted",
                tallies=[Tally(option="yes", count=3, weight=3)],
                weights_differ=False,
                eligible_count=3,
                eligible_weight=3,
                present_count=3,
                participating_count=3,
            )
        ],
        resolutions=[],
    )


def pdf_words(data: bytes) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def test_the_minutes_say_the_zone_as_the_participant_page_does() -> None:
    m = minutes("Asia/Ho_Chi_Minh")
    approved = STARTS + dt.timedelta(days=1)
    vi = render_html(m, "vi", "abc", version=1, approved_at=approved)
    en = render_html(m, "en", "abc", version=1, approved_at=approved)
    assert "<dd>13:30 14/01/2021 – 17:30 14/01/2021, giờ Việt Nam (GMT+7)</dd>" in vi
    assert "<dd>13:30 14/01/2021 – 17:30 14/01/2021, Vietnam time (GMT+7)</dd>" in en
    for html in (vi, en):
        assert "UTC+07:00" not in html and "Asia/Ho_Chi_Minh" not in html
    # the other moments on the same clock, the zone said once
    assert "phê duyệt lúc 13:30 15/01/2021</small>" in vi and "nhận lúc 13:30 12/01/2021;" in vi
    assert "(biểu quyết công khai, 17:15 14/01/2021)" in vi

    words = pdf_words(render_pdf(m, "vi", "abc", version=1, approved_at=approved))
    assert "13:30 14/01/2021 – 17:30 14/01/2021, giờ Việt Nam (GMT+7)" in words
    assert "phê duyệt lúc 13:30 15/01/2021" in words and "UTC" not in words and "Asia/" not in words
    words = pdf_words(render_pdf(m, "en", "abc"))
    assert "13:30 14/01/2021 – 17:30 14/01/2021, Vietnam time (GMT+7)" in words and "Asia/" not in words


def test_a_moment_past_a_summer_time_change_says_its_own_offset() -> None:
    m = minutes("Europe/Berlin")
    approved = dt.datetime(2021, 7, 1, 8, 0, tzinfo=dt.UTC)  # 10:00 summer time
    html = render_html(m, "en", "abc", version=2, approved_at=approved)
    assert "<dd>07:30 14/01/2021 – 11:30 14/01/2021, Berlin (GMT+1)</dd>" in html
    assert "Version 2, approved at 10:00 01/07/2021 (GMT+2)" in html
    assert "received 07:30 12/01/2021;" in html  # winter, as the meeting: no offset of its own
    words = pdf_words(render_pdf(m, "en", "abc", version=2, approved_at=approved))
    assert "Berlin (GMT+1)" in words and "approved at 10:00 01/07/2021 (GMT+2)" in words
