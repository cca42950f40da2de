"""Emails read in the recipient's language: an invitation, and a day's digest, in Vietnamese and English,
with the meeting's time in its own zone, the personal link, and the notice settings link."""

from __future__ import annotations

import datetime as dt

import pytest

from notifier.emails.render import (
    LINK_PLACEHOLDER,
    QR_CID,
    SETTINGS_PLACEHOLDER,
    Facts,
    digest,
    pick,
    render,
    with_link,
)

FACTS = Facts(
    name="Nguyễn Văn An",
    meeting_title="Hội nghị tổng kết",
    starts_at=dt.datetime(2021, 1, 14, 1, 30, tzinfo=dt.UTC),  # 08:30 in Hà Nội
    timezone="Asia/Ho_Chi_Minh",
    venue="Hội trường A",
    link="https://meet.example.org/meetings/1",
)


@pytest.mark.parametrize(
    ("language", "subject", "greeting", "when", "where"),
    [
        (
            "vi",
            "Thư mời: Hội nghị tổng kết",
            "Kính gửi Nguyễn Văn An,",
            "08:30, Thứ Năm 14/01/2021, giờ Việt Nam (GMT+7)",
            "Địa điểm: Hội trường A",
        ),
        (
            "en",
            "Invitation: Hội nghị tổng kết",
            "Dear Nguyễn Văn An,",
            "Thursday 14 January 2021, 08:30, Vietnam time (GMT+7)",
            "Venue: Hội trường A",
        ),
    ],
)
def test_an_invitation_in_the_participants_language(
    language: str, subject: str, greeting: str, when: str, where: str
) -> None:
    got_subject, text, html = render("invitation", language, FACTS)
    assert got_subject == subject
    for part in (greeting, when, where, FACTS.link, SETTINGS_PLACEHOLDER):
        assert part in text
    assert f'<html lang="{language}">' in html and greeting in html and f'href="{FACTS.link}"' in html
    assert f'href="{SETTINGS_PLACEHOLDER}"' in html  # every email links to the notice settings


def test_a_language_other_than_vietnamese_reads_english() -> None:
    assert render("invitation", "fr", FACTS) == render("invitation", "en", FACTS)


def test_a_personal_link_is_a_placeholder_with_its_qr_code_until_sent() -> None:
    sealed = Facts(**{**FACTS.__dict__, "link": LINK_PLACEHOLDER})
    _, text, html = render("invitation", "vi", sealed)
    assert f'src="cid:{QR_CID}"' in html
    personal = "https://meet.example.org/join/abc?x=1&y=2"
    text, html = with_link(text, html, personal)
    assert personal in text and LINK_PLACEHOLDER not in text + html
    assert "join/abc?x=1&amp;y=2" in html
    _, _, plain = render("invitation", "vi", FACTS)
    assert "cid:" not in plain  # a meeting link, not a personal one: no QR code


def test_what_people_typed_is_escaped_in_html_and_kept_to_one_line_in_the_subject() -> None:
    facts = Facts(**{**FACTS.__dict__, "name": "<b>An</b>", "meeting_title": "Họp\nbất thường =?utf-8?"})
    subject, text, html = render("invitation", "en", facts)
    assert "\n" not in subject and "=?" not in subject
    assert "&lt;b&gt;An&lt;/b&gt;" in html and "<b>An</b>" not in html
    assert "Dear <b>An</b>," in text


@pytest.mark.parametrize(
    ("language", "subject", "intro"),
    [
        ("vi", "Tin tổng hợp trong ngày: Hội nghị", "Các thông báo về Hội nghị từ lần tổng hợp trước (2):"),
        ("en", "Daily digest: Hội nghị", "Notices about Hội nghị since the last digest (2):"),
    ],
)
def test_a_digest_in_the_participants_language_carries_each_held_notice_without_its_footer(
    language: str, subject: str, intro: str
) -> None:
    held = [
        {"subject": "Poll opened", "text_body": "Vote now.\n\n--\nfooter of the held email"},
        {"subject": "Resolution adopted", "text_body": "Adopted."},
    ]
    got_subject, text, html = digest(language, "Hội nghị", held)
    assert got_subject == subject and text.startswith(intro)
    assert "== Poll opened ==\nVote now." in text and "== Resolution adopted ==\nAdopted." in text
    assert "footer of the held email" not in text
    assert text.count(SETTINGS_PLACEHOLDER) == 1 and f'<html lang="{language}">' in html


def test_a_bilingual_text_in_the_readers_language_else_the_other() -> None:
    assert pick("Nghị quyết", "Resolution", "vi") == "Nghị quyết"
    assert pick("Nghị quyết", "Resolution", "en") == "Resolution"
    assert pick("Nghị quyết", "", "en") == "Nghị quyết"
    assert pick("", "Resolution", "vi") == "Resolution"
