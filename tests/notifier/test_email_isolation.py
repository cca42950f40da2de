"""Each email stands alone: one that cannot be built fails with its reason and the others go out,
and subjects made from people's text reach mail readers exactly as written, in every kind and language."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import typing
import uuid
from typing import Any

import asyncpg
import msgspec
import pytest

from notifier.app import create_app
from notifier.emails.message import build_message, outgoing
from notifier.emails.reminders import schedule_reminders
from notifier.emails.render import DirectiveLine, Facts, Kind, render
from schemas import events as ev
from schemas.codec import new_event
from servicekit.runtime import RUNTIME
from servicekit.settings import SettingsError
from tests.conftest import Inbox, wait_for
from tests.notifier.conftest import invite, meeting_created, notifier_settings, organiser


async def email_log(client: Any, org: Any, meeting_id: uuid.UUID, **query: str) -> list[dict[str, Any]]:
    response = await client.get(f"/api/v1/meetings/{meeting_id}/emails", headers=org.auth, params=query)
    assert response.status == 200, await response.text()
    return list((await response.json())["items"])


async def test_a_message_that_cannot_be_built_fails_alone_and_the_rest_go_out(
    notifier: Any, env: dict[str, Any], signer: Any, publish: Any, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    client = await notifier(smtp_port=port)
    org = organiser(signer)
    # online: a vote opening is emailed (a meeting in one room announces it there)
    meeting = await publish(msgspec.structs.replace(meeting_created(org.id), online_url="https://meet.example.org/r"))
    mid = meeting.meeting_id
    # Two addresses in one participant's email, and a header injection: neither may reach anyone.
    await invite(publish, env, mid, "an@example.org, binh@example.org")
    await invite(publish, env, mid, "cuong@example.org\r\nBcc: spy@example.org")
    await invite(publish, env, mid, "dung@example.org")
    await inbox.count(1)
    # A poll question of several lines becomes a one-line subject instead of crashing the mailer.
    await publish(
        new_event(
            ev.PollOpened,
            meeting_id=mid,
            poll_id=uuid.uuid4(),
            question=ev.Bilingual(vi="Thông qua\r\nNghị quyết?", en="Adopt\nthe resolution?"),
            options=["yes", "no", "abstain"],
            secret=True,
            eligible_count=3,
            eligible_weight=3,
        )
    )
    await inbox.count(2)
    await invite(publish, env, mid, "em@example.org", "en")  # the mailer is still alive
    await inbox.count(3)

    assert sorted(str(m["To"]) for m in inbox.messages) == ["dung@example.org", "dung@example.org", "em@example.org"]
    assert [m["Subject"] for m in inbox.to("dung@example.org")][-1] == "Mở biểu quyết: Thông qua Nghị quyết?"
    assert not inbox.to("spy@example.org") and not inbox.to("binh@example.org")

    async def settled() -> list[dict[str, Any]]:
        rows = await email_log(client, org, mid, status="failed")
        return rows if len(rows) == 4 else []

    failed = await wait_for(settled, what="four failed emails")
    assert all(r["last_error"].startswith("cannot be built:") and r["attempts"] == 1 for r in failed)
    assert {r["kind"] for r in failed} == {"invitation", "poll_opened"}
    assert any("not one email address" in r["last_error"] for r in failed)
    assert any("linefeed" in r["last_error"] for r in failed)
    sent = await email_log(client, org, mid, status="sent")
    assert sorted(r["to"] for r in sent) == ["dung@example.org", "dung@example.org", "em@example.org"]

    assert [r["to"] for r in await email_log(client, org, mid, limit="1")] == ["em@example.org"]
    for name, value in (("limit", "0"), ("limit", "501"), ("before", "9" * 20), ("status", "lost")):
        response = await client.get(f"/api/v1/meetings/{mid}/emails", headers=org.auth, params={name: value})
        assert (response.status, (await response.json())["field"]) == (400, name)
    stranger = organiser(signer)
    response = await client.get(f"/api/v1/meetings/{mid}/emails", headers=stranger.auth)
    assert response.status == 404  # another organisation's meeting does not exist for it


DIRECTIVE_SUBJECT = (
    "Nhiệm vụ được giao cho đơn vị: Hoàn thành vượt mức kế hoạch năm 2021 về doanh thu, đầu tư cơ sở hạ tầng"
)


async def test_rows_that_crashed_an_earlier_mailer_do_not_stop_this_one(
    notifier: Any, database_url: str, smtp: tuple[Inbox, int]
) -> None:
    """Rows queued before subjects were made one line, some claimed by a mailer that then died."""
    inbox, port = smtp
    conn = await asyncpg.connect(database_url, server_settings={"search_path": "notifier"})
    try:
        rows = [
            ("s1", "nobody@example.org\nBcc: spy@example.org", "Mời họp", "sending"),
            ("s2", "an@example.org", "Mở biểu quyết: Thông qua\r\nNghị quyết?", "sending"),
            ("s3", "binh@example.org", "Vote open: Adopt the resolution?", "pending"),
            ("s4", "chi@example.org", DIRECTIVE_SUBJECT, "pending"),
        ]
        for source, to_addr, subject, status in rows:
            await conn.execute(
                """insert into emails (source, kind, to_addr, language, subject, text_body, html_body, status,
                                       attempts, lease_until)
                   values ($1, 'poll_opened', $2, 'vi', $3, 'Kính gửi', '<p>Kính gửi</p>', $4,
                           case when $4 = 'sending' then 1 else 0 end,
                           case when $4 = 'sending' then now() - interval '1 minute' end)""",
                source,
                to_addr,
                subject,
                status,
            )
        await notifier(smtp_port=port)
        await inbox.count(3)
        # Over a real SMTP connection the space after the colon survives (the header is not refolded).
        assert [m["Subject"] for m in inbox.to("chi@example.org")] == [DIRECTIVE_SUBJECT]
        assert [m["Subject"] for m in inbox.to("an@example.org")] == ["Mở biểu quyết: Thông qua Nghị quyết?"]
        assert len(inbox.to("binh@example.org")) == 1

        async def given_up() -> str | None:
            return await conn.fetchval(  # type: ignore[no-any-return]
                "select last_error from emails where source = 's1' and status = 'failed'"
            )

        assert (await wait_for(given_up, what="the unbuildable row failed")).startswith("cannot be built:")
        assert len(inbox.messages) == 3
    finally:
        await conn.close()


# --- every kind, every language: the subject a mail reader decodes is the one we wrote ------------

TOPIC = {
    "vi": "Hoàn thành vượt mức kế hoạch năm 2021 về doanh thu, đầu tư cơ sở hạ tầng, trang thiết bị"
    " và số hóa công tác quản lý của Trung tâm Kỹ thuật Tiêu chuẩn Đo lường Chất lượng 2",
    "en": "Exceed the 2021 plan: revenue, investment in infrastructure and equipment, and the digitisation"
    " of management across the Quality Assurance and Testing Centre 2",
}
TITLE = {"vi": "Hội nghị tổng kết năm 2020 của Trung tâm Kỹ thuật 2", "en": "2020 year-end review conference"}


def facts(language: str, topic: str) -> Facts:
    return Facts(
        name="Nguyễn Văn An",
        meeting_title=TITLE[language],
        starts_at=dt.datetime(2021, 1, 14, 6, 30, tzinfo=dt.UTC),
        timezone="Asia/Ho_Chi_Minh",
        venue="Khách sạn Mường Thanh, Đà Nẵng",
        link="https://meet.example.org/meetings/1",
        topic=topic,
        deadline=dt.datetime(2021, 1, 10, 10, tzinfo=dt.UTC),
        directives=[DirectiveLine(topic, dt.date(2021, 3, 31))],
    )


def decoded_subject(subject: str, language: str) -> str:
    """What a mail reader shows: the bytes we hand the SMTP server, parsed by the standard library."""
    message = build_message(
        sender="Hội nghị <noreply@example.org>",
        to_addr="an@example.org",
        subject=subject,
        text="Kính gửi",
        html_body="<p>Kính gửi</p>",
        message_id="<1@hoinghi>",
        language=language,
    )
    parsed = email.message_from_bytes(outgoing(message).data, policy=email.policy.default)
    return str(parsed["Subject"])


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("kind", typing.get_args(Kind))
@pytest.mark.parametrize("length", [12, 60, len(TOPIC["en"])])
def test_every_kind_of_subject_reads_back_as_written(kind: Kind, language: str, length: int) -> None:
    topic = TOPIC[language][:length].rstrip()
    subject, _, _ = render(kind, language, facts(language, topic))
    assert decoded_subject(subject, language) == subject
    if kind == "directive_issued" and language == "vi":
        assert f"cho đơn vị: {topic}" in subject


@pytest.mark.parametrize(
    "subject",
    [
        "Nhiệm vụ được giao cho đơn vị: " + "Hoàn thành kế hoạch " * 20,  # longer than a subject may be
        "a ư " * 100,  # ASCII and Vietnamese words in turn
        "🗳️ " * 150,  # four UTF-8 bytes a character
        "Quá hạn:\tnộp\x0btham luận\u2028ngay",  # tabs and other line breaks from people's text
        "Vote open: =?utf-8?q?x?= or not",  # looks like an encoded word, is what someone typed
        "Mở biểu quyết: =?utf-8?b?eA==?= hay không",
    ],
)
def test_long_and_odd_subjects_stay_one_line_and_read_back(subject: str) -> None:
    read = decoded_subject(subject, "vi").replace("\u200b", "")  # the zero-width space is invisible
    assert "\n" not in read and "\t" not in read and len(read) <= 200
    expected = " ".join(subject.replace("\x0b", " ").replace("\u2028", " ").split())
    assert expected.startswith(read.removesuffix("…").rstrip())


# --- reminders at a given moment, shown on the meeting's calendar -------------------------------------

DA_NANG = dt.timezone(dt.timedelta(hours=7))
UTC = dt.UTC


async def test_reminders_come_due_at_the_given_moment_and_read_in_the_meetings_zone(
    notifier: Any, env: dict[str, Any], signer: Any, publish: Any, smtp: tuple[Inbox, int]
) -> None:
    """A meeting at 00:30 on 15 January in Da Nang (17:30 UTC on the 14th), reports due at midnight
    there: the reminders come from the moment passed in, not from the wall clock (it is long past)."""
    inbox, port = smtp
    client = await notifier(smtp_port=port)
    org = organiser(signer)
    starts = dt.datetime(2021, 1, 15, 0, 30, tzinfo=DA_NANG)
    meeting = await publish(
        new_event(
            ev.MeetingCreated,
            meeting_id=uuid.uuid4(),
            organisation_id=org.id,
            title=ev.Bilingual(vi="Hội nghị tổng kết", en="Year-end review"),
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=4),
            timezone="Asia/Ho_Chi_Minh",
            status="scheduled",
        )
    )
    mid, metrology = meeting.meeting_id, uuid.uuid4()
    await publish(
        new_event(
            ev.ParticipantUpdated,
            meeting_id=mid,
            participant_id=uuid.uuid4(),
            name="Nguyễn Văn An",
            email="an@example.org",
            role="department_representative",
            department_id=metrology,
            language="vi",
        )
    )
    await publish(
        new_event(
            ev.ContributionRequested,
            meeting_id=mid,
            request_id=uuid.uuid4(),
            department_ids=[metrology],
            topic=ev.Bilingual(vi="Báo cáo khối Đo lường", en="Metrology report"),
            deadline=dt.datetime(2021, 1, 15, 0, 0, tzinfo=DA_NANG),
        )
    )
    await inbox.count(1)  # the request itself
    runtime = client.server.app[RUNTIME]
    settings = notifier_settings(env, smtp_port=port)

    await schedule_reminders(runtime, settings, now=dt.datetime(2021, 1, 13, 17, 29, tzinfo=UTC))  # 25 h before
    await schedule_reminders(runtime, settings, now=dt.datetime(2021, 1, 13, 17, 31, tzinfo=UTC))  # 23:59 h before
    await inbox.count(3)
    subjects = {str(m["Subject"]) for m in inbox.to("an@example.org")[1:]}
    assert subjects == {
        "Nhắc lịch: Hội nghị tổng kết, 00:30, Thứ Sáu 15/01/2021, giờ Việt Nam (GMT+7)",
        "Sắp đến hạn nộp tham luận: Báo cáo khối Đo lường",
    }
    await schedule_reminders(runtime, settings, now=dt.datetime(2021, 1, 14, 16, 31, tzinfo=UTC))  # 59 min before
    await inbox.count(4)
    last = inbox.to("an@example.org")[-1]
    assert str(last["Subject"]).startswith("Nhắc lịch") and "00:30, Thứ Sáu 15/01/2021" in str(last["Subject"])
    await schedule_reminders(runtime, settings, now=dt.datetime(2021, 1, 14, 16, 40, tzinfo=UTC))
    assert len(inbox.to("an@example.org")) == 4  # each reminder once


def test_a_sender_that_is_not_one_address_stops_the_service_at_start(env: dict[str, Any]) -> None:
    # Otherwise every email would be failed for good as "cannot be built".
    for sender in ("not an address", "a@example.org, b@example.org", "Hội nghị <a@example.org>\r\nBcc: b@x.org"):
        with pytest.raises(SettingsError, match="SMTP_FROM"):
            create_app(notifier_settings(env, smtp_from=sender))
    create_app(notifier_settings(env, smtp_from="Hội nghị <no-reply@example.org>"))
