"""The notification policy: the meeting's rules applied to the recipients of a notice, the signed link
to a participant's notice settings, and when the daily digest is due."""

from __future__ import annotations

import base64
import datetime as dt
import secrets
import uuid

from notifier.emails.policy import (
    ALL_KINDS,
    NOTICE_OF,
    _mac,
    audience,
    digest_cutoff,
    link_stands,
    meeting_policy,
    read_token,
    settings_token,
    settings_url,
    unsubscribe_headers,
)
from schemas.notices import NOTICE_KINDS, Notice, effective

KEY = secrets.token_bytes(32)


def test_defaults_spare_a_room_its_vote_emails_and_whole_departments_their_directives() -> None:
    room = effective(None, room=True)
    assert room["poll_opened"].audience == "nobody"
    assert room["directive"] == Notice(audience="representatives")
    assert effective(None, room=False)["poll_opened"] == Notice()
    chosen = effective({"poll_opened": Notice(delivery="digest"), "minutes": Notice()}, room=True)
    assert chosen["poll_opened"] == Notice(delivery="digest") and "minutes" not in chosen  # unknown kinds ignored


def test_audience_keeps_heads_or_those_responsible() -> None:
    rep, chair, member = (
        {"participant_id": uuid.uuid4(), "role": role}
        for role in ("department_representative", "chair", "voting_member")
    )
    people = [rep, chair, member]
    assert audience(Notice(), people, None) == people
    assert audience(Notice(audience="nobody"), people, None) == []
    assert audience(Notice(audience="representatives"), people, None) == [rep, chair]
    assert audience(Notice(audience="representatives"), people, frozenset({rep["participant_id"]})) == [rep]


def test_a_settings_token_names_its_participant_and_nothing_forged() -> None:
    pid = uuid.uuid4()
    token = settings_token(KEY, pid, 3)
    assert read_token(KEY, token) == (pid, 3)
    assert read_token(KEY, settings_token(KEY, pid)) == (pid, 0)
    assert read_token(secrets.token_bytes(32), token) is None  # another key
    other = settings_token(KEY, uuid.uuid4(), 3)
    assert read_token(KEY, token[:22] + other[22:]) is None  # another participant's MAC
    later = settings_token(KEY, pid, 4)
    assert read_token(KEY, token[:27] + later[27:]) is None  # another generation's MAC
    flipped = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
    assert read_token(KEY, flipped) is None
    for junk in ("", "x", "é" * 43, "=" * 43, token + "A", token[:-1], "../" * 14 + "a"):
        assert read_token(KEY, junk) is None


def test_a_link_made_before_links_named_a_generation_is_of_generation_0() -> None:
    pid = uuid.uuid4()
    legacy = base64.urlsafe_b64encode(pid.bytes + _mac(KEY, pid)).rstrip(b"=").decode()
    assert len(legacy) == 43 and read_token(KEY, legacy) == (pid, 0)
    assert read_token(secrets.token_bytes(32), legacy) is None


def test_a_link_ends_with_the_invite_it_was_made_under_or_the_participants_removal() -> None:
    assert link_stands(0, removed=False, current_epoch=0)
    assert link_stands(2, removed=False, current_epoch=2)
    assert link_stands(3, removed=False, current_epoch=2)  # the read model may lag behind the link's maker
    assert not link_stands(1, removed=False, current_epoch=2)  # the invite was revoked or reissued since
    assert not link_stands(2, removed=True, current_epoch=2)  # removed from the roster


def test_a_digest_carries_what_was_held_before_the_hour_in_the_meetings_zone() -> None:
    zone = "Asia/Ho_Chi_Minh"  # UTC+7: 17:00 there is 10:00 UTC
    morning = dt.datetime(2021, 1, 14, 9, 0, tzinfo=dt.UTC)
    evening = dt.datetime(2021, 1, 14, 11, 0, tzinfo=dt.UTC)
    assert digest_cutoff(morning, zone, 17) == dt.datetime(2021, 1, 13, 10, 0, tzinfo=dt.UTC)
    assert digest_cutoff(evening, zone, 17) == dt.datetime(2021, 1, 14, 10, 0, tzinfo=dt.UTC)
    assert digest_cutoff(evening, "Not/AZone", 17) == dt.datetime(2021, 1, 13, 17, 0, tzinfo=dt.UTC)  # UTC then


def test_a_meeting_in_one_room_gets_the_room_defaults_and_a_chosen_policy_wins() -> None:
    room = {"notification_policy": None, "venue": "Hội trường A", "online_url": None}
    assert meeting_policy(room) == effective(None, room=True)
    assert meeting_policy(room)["poll_opened"].audience == "nobody"
    online = {**room, "online_url": "https://meet.example.org/x"}
    assert meeting_policy(online)["poll_opened"] == Notice()
    chosen = {**room, "notification_policy": '{"poll_opened": {"delivery": "digest"}}'}
    assert meeting_policy(chosen)["poll_opened"] == Notice(delivery="digest")


def test_every_kind_of_notice_email_is_one_a_participant_can_turn_off_and_an_invitation_is_none() -> None:
    assert set(NOTICE_OF.values()) == set(NOTICE_KINDS)
    assert "invitation" not in NOTICE_OF and "password_reset" not in NOTICE_OF


def test_the_unsubscribe_headers_point_at_the_settings_page_for_one_click() -> None:
    token = settings_token(KEY, uuid.uuid4())
    page = settings_url("https://notify.example.org/", token)
    assert page == f"https://notify.example.org/notices/{token}"
    headers = unsubscribe_headers("https://notify.example.org", token, "poll_opened")
    assert headers == {
        "List-Unsubscribe": f"<{page}?kind=poll_opened>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    assert unsubscribe_headers("https://notify.example.org", token, ALL_KINDS)["List-Unsubscribe"] == f"<{page}>"


def test_the_digest_hour_is_the_meetings_even_across_midnight_utc() -> None:
    # 17:00 in Honolulu (UTC-10) is 03:00 UTC the next day
    late = dt.datetime(2021, 1, 15, 3, 30, tzinfo=dt.UTC)
    assert digest_cutoff(late, "Pacific/Honolulu", 17) == dt.datetime(2021, 1, 15, 3, 0, tzinfo=dt.UTC)
