"""Emails against a real SMTP server (aiosmtpd): recipients, language, links, once per recipient."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import asyncpg
import msgspec
from aiosmtpd.controller import Controller

import notifier.app
from devstack.infra import free_port
from notifier import read_model
from schemas import events as ev
from schemas.bus.consumer import WAITING
from schemas.codec import new_event
from servicekit.runtime import RUNTIME
from servicekit.sealed import generate_seal_keypair
from tests.conftest import Inbox, wait_for
from tests.notifier.conftest import invitation_sent, invite, meeting_created, organiser


def waiting() -> float:
    """Events the notifier's consumers put back to wait for a related one (this process, all tests)."""
    return sum(s.value for m in WAITING.collect() for s in m.samples if s.name.endswith("_total"))


def text_of(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content())


def html_of(message: EmailMessage) -> str:
    part = message.get_body(("html",))
    assert part is not None
    return str(part.get_content())


async def test_emails_reach_the_right_people_in_their_language_once(
    notifier: Any, signer: Any, publish: Any, smtp: tuple[Inbox, int], env: dict[str, Any]
) -> None:
    inbox, port = smtp
    await notifier(smtp_port=port)
    org = organiser(signer)
    metrology, testing = uuid.uuid4(), uuid.uuid4()
    meeting = await publish(meeting_created(org.id))
    mid = meeting.meeting_id
    people = {
        "an@example.org": ("Nguyễn Văn An", "vi", "department_representative", metrology),
        "beth@example.org": ("Beth Jones", "en", "voting_member", metrology),
        "cuong@example.org": ("Lê Cường", "vi", "department_representative", testing),
    }
    for address, (name, language, role, department) in people.items():
        invited = await publish(
            new_event(
                ev.ParticipantInvited,
                meeting_id=mid,
                participant_id=uuid.uuid4(),
                name=name,
                email=address,
                role=role,
                department_id=department,
                language=language,
            )
        )
        await publish(invitation_sent(env, invited, f"https://meet.example.org/join/{address.split('@')[0]}-code"))
    await publish(
        new_event(ev.ParticipantInvited, meeting_id=mid, participant_id=uuid.uuid4(), name="Observer", role="observer")
    )
    await inbox.count(3)
    [an] = inbox.to("an@example.org")
    [beth] = inbox.to("beth@example.org")
    assert an["Subject"] == "Thư mời: Hội nghị tổng kết năm 2020"
    assert "https://meet.example.org/join/an-code" in text_of(an) and "Kính gửi Nguyễn Văn An" in text_of(an)
    assert 'href="https://meet.example.org/join/an-code"' in html_of(an)
    assert beth["Subject"] == "Invitation: 2020 year-end review conference"
    assert "https://meet.example.org/join/beth-code" in text_of(beth) and "an-code" not in text_of(beth)
    assert "Vietnam time (GMT+7)" in text_of(beth)  # the meeting's time zone

    # the notifier's tables keep no personal link, not even sealed, once the invitations are sent
    conn = await asyncpg.connect(env["database_url"])
    try:

        async def forgotten() -> bool:
            rows = await conn.fetch("select sealed_link, status from notifier.emails where kind = 'invitation'")
            return len(rows) == 3 and all(r["sealed_link"] is None and r["status"] == "sent" for r in rows)

        await wait_for(forgotten, what="sent invitations without their sealed links")
        stored = await conn.fetch("select text_body || html_body as body from notifier.emails")
        assert stored and all("/join/" not in r["body"] for r in stored)
        logged = await conn.fetch("select payload from notifier.events")
        assert all(b"sealed_link" not in r["payload"] and b"/join/" not in r["payload"] for r in logged)
    finally:
        await conn.close()

    await publish(
        new_event(
            ev.ContributionRequested,
            meeting_id=mid,
            request_id=uuid.uuid4(),
            department_ids=[metrology],
            topic=ev.Bilingual(vi="Báo cáo tham luận khối Đo lường", en="Metrology block report"),
            deadline=dt.datetime.now(dt.UTC) + dt.timedelta(days=3),
        )
    )
    await inbox.count(4)
    assert [m["Subject"] for m in inbox.to("an@example.org")][-1].startswith("Đề nghị gửi báo cáo tham luận")
    assert len(inbox.to("beth@example.org")) == 1  # not a representative

    directive = ev.Directive(
        id=uuid.uuid4(),
        title=ev.Bilingual(vi="Số hóa công tác quản lý", en="Digitise management"),
        department_ids=[metrology],
    )
    await publish(
        new_event(
            ev.ResolutionAdopted,
            meeting_id=mid,
            resolution_id=uuid.uuid4(),
            poll_id=uuid.uuid4(),
            title=ev.Bilingual(vi="Nghị quyết Hội nghị", en="Conference resolution"),
            directives=[directive],
        )
    )
    issued = new_event(ev.DirectiveIssued, meeting_id=mid, directive=directive, resolution_id=uuid.uuid4())
    await publish(issued)
    await publish(issued, msg_id=f"{issued.id}-again")  # redelivered under another message id
    await inbox.count(4 + 3 + 1)  # by default a directive goes to the representatives responsible only
    # Held in one room, the meeting emailed nobody about a vote opening; with an online link it does.
    await publish(msgspec.structs.replace(meeting, id=uuid.uuid4(), online_url="https://meet.example.org/room"))
    conn = await asyncpg.connect(env["database_url"])
    try:
        query = "select online_url is not null from notifier.meetings where meeting_id = $1"
        await wait_for(lambda: conn.fetchval(query, mid), what="the online link in the read model")
    finally:
        await conn.close()
    # a later event on the same stream shows the redelivery has been handled
    await publish(
        new_event(
            ev.PollOpened,
            meeting_id=mid,
            poll_id=uuid.uuid4(),
            question=ev.Bilingual(vi="Thông qua Nghị quyết?", en="Adopt the resolution?"),
            options=["yes", "no", "abstain"],
            secret=True,
            eligible_count=3,
            eligible_weight=3,
        )
    )
    await inbox.count(4 + 3 + 1 + 3)
    adopted = [m for m in inbox.to("beth@example.org") if m["Subject"].startswith("Resolution adopted")]
    assert len(adopted) == 1 and "Digitise management" in text_of(adopted[0])
    directed = [
        m for m in inbox.messages if "Directive for your department" in m["Subject"] or "Nhiệm vụ" in m["Subject"]
    ]
    assert sorted(m["To"] for m in directed) == ["an@example.org"]
    assert len(inbox.messages) == 11
    assert all(m.get_body(("html",)) is not None for m in inbox.messages)


async def test_an_invitation_sealed_to_another_key_fails_alone(
    notifier: Any, signer: Any, publish: Any, smtp: tuple[Inbox, int], env: dict[str, Any]
) -> None:
    inbox, port = smtp
    await notifier(smtp_port=port)
    meeting = await publish(meeting_created(organiser(signer).id))
    people = []
    for address in ("wrong@example.org", "right@example.org"):
        people.append(
            await publish(
                new_event(
                    ev.ParticipantInvited,
                    meeting_id=meeting.meeting_id,
                    participant_id=uuid.uuid4(),
                    name=address,
                    email=address,
                    role="voting_member",
                )
            )
        )
    other_key = {"invite_seal_public_key": generate_seal_keypair()[1]}
    await publish(invitation_sent(other_key, people[0], "https://meet.example.org/join/lost"))
    await publish(invitation_sent(env, people[1], "https://meet.example.org/join/kept"))
    await inbox.count(1)
    assert "https://meet.example.org/join/kept" in text_of(inbox.to("right@example.org")[0])
    conn = await asyncpg.connect(env["database_url"])
    try:

        async def given_up() -> asyncpg.Record | None:
            return await conn.fetchrow(
                "select status, last_error, sealed_link from notifier.emails"
                " where to_addr = 'wrong@example.org' and status = 'failed'"
            )

        failed = await wait_for(given_up, what="the unopenable invitation marked failed")
        assert "cannot be opened" in failed["last_error"] and failed["sealed_link"] is None
    finally:
        await conn.close()
    assert inbox.to("wrong@example.org") == []


async def test_nobody_is_emailed_about_a_meeting_recorded_after_the_fact(
    notifier: Any, signer: Any, publish: Any, smtp: tuple[Inbox, int], env: dict[str, Any]
) -> None:
    inbox, port = smtp
    await notifier(smtp_port=port)
    org = organiser(signer)
    past = msgspec.structs.replace(meeting_created(org.id, starts_in=-dt.timedelta(days=30)), record_only=True)
    await publish(past)
    current = await publish(meeting_created(org.id))
    for meeting, address in ((past, "then@example.org"), (current, "now@example.org")):
        await invite(publish, env, meeting.meeting_id, address)
    await inbox.count(1)  # the later meeting's invitation: the recorded one's events were handled before it
    conn = await asyncpg.connect(env["database_url"])
    try:
        queued = await conn.fetch("select to_addr from notifier.emails")
    finally:
        await conn.close()
    assert [r["to_addr"] for r in queued] == ["now@example.org"]
    assert [str(m["To"]) for m in inbox.messages] == ["now@example.org"]


async def test_reminder_before_the_meeting(notifier: Any, signer: Any, publish: Any, smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    await notifier(smtp_port=port)
    org = organiser(signer)
    meeting = await publish(meeting_created(org.id, starts_in=dt.timedelta(minutes=30)))
    await publish(
        new_event(
            ev.ParticipantUpdated,
            meeting_id=meeting.meeting_id,
            participant_id=uuid.uuid4(),
            name="Chair",
            email="chair@example.org",
            role="chair",
            language="en",
        )
    )
    await inbox.count(1)
    [reminder] = inbox.to("chair@example.org")
    assert reminder["Subject"].startswith("Reminder: 2020 year-end review conference")


class SlowServer(Inbox):
    """An SMTP server that takes a while over each message and records how many it is handed at once."""

    def __init__(self) -> None:
        super().__init__()
        self.in_flight = 0
        self.peak = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        try:
            await asyncio.sleep(0.05)
            return await super().handle_DATA(server, session, envelope)
        finally:
            self.in_flight -= 1


async def test_a_slow_smtp_server_is_fed_over_several_connections_and_no_more(
    notifier: Any, signer: Any, publish: Any, env: dict[str, Any]
) -> None:
    inbox = SlowServer()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        await notifier(smtp_port=port, smtp_connections=3)
        meeting = await publish(meeting_created(organiser(signer).id))
        addresses = [f"member{i:02}@example.org" for i in range(40)]
        for address in addresses:
            await invite(publish, env, meeting.meeting_id, address)
        await inbox.count(len(addresses))
        assert sorted(str(m["To"]) for m in inbox.messages) == addresses
        assert 2 <= inbox.peak <= 3
    finally:
        controller.stop()


FORGET_LINKS = (Path(notifier.app.SQL) / "004_forget_sent_invite_links.sql").read_text(encoding="utf-8")


async def test_invitations_sent_before_links_were_sealed_forget_them(database_url: str) -> None:
    migration = FORGET_LINKS
    conn = await asyncpg.connect(database_url)
    try:
        link = "https://meet.example.org/join/Xy_9-abcDEF"
        rows = [
            ("sent", f"Đường dẫn:\n\n{link}\n", f'<p><a href="{link}">{link}</a></p>'),
            ("pending", f"{link}\n", f'<a href="{link}">{link}</a>'),
        ]
        for n, (status, text, html) in enumerate(rows):
            await conn.execute(
                "insert into notifier.emails (source, kind, to_addr, language, subject, text_body, html_body, status)"
                " values ($1, 'invitation', 'an@example.org', 'vi', 'Thư mời', $2, $3, $4)",
                f"legacy-{n}",
                text,
                html,
                status,
            )
        await conn.execute(f"set search_path to notifier; {migration}")
        kept = {
            r["status"]: r["body"]
            for r in await conn.fetch("select status, text_body || html_body as body from notifier.emails")
        }
    finally:
        await conn.close()
    assert "/join/" not in kept["sent"] and "Đường dẫn" in kept["sent"] and "<a href=" in kept["sent"]
    assert link in kept["pending"]  # still to be sent: the link is what it is for


async def test_an_invitation_ordered_before_the_participant_is_known_waits_for_them(
    notifier: Any, signer: Any, publish: Any, smtp: tuple[Inbox, int], env: dict[str, Any]
) -> None:
    """The order to email an invitation can arrive ahead of the participant's facts (a batch published
    concurrently, a redelivery after a crash): it waits for them instead of emailing nobody."""
    inbox, port = smtp
    client = await notifier(smtp_port=port)
    meeting = await publish(meeting_created(organiser(signer).id))
    invited = new_event(
        ev.ParticipantInvited,
        meeting_id=meeting.meeting_id,
        participant_id=uuid.uuid4(),
        name="Trần Thị Bình",
        email="binh@example.org",
        role="voting_member",
    )
    db = client.app[RUNTIME].db()
    await wait_for(lambda: read_model.meeting(db, meeting.meeting_id), what="the meeting known")
    waited = waiting()
    order = await publish(invitation_sent(env, invited, "https://meet.example.org/join/code"))

    async def tried() -> bool:
        # handled (and so lost, with nobody to email) or put back to wait
        return bool(await db.fetchval("select count(*) from events where event_id = $1", order.id)) or (
            waiting() > waited
        )

    await wait_for(tried, what="the order handled once")
    await publish(invited)
    await inbox.count(1)
    [invitation] = inbox.to("binh@example.org")
    assert invitation["Subject"].startswith("Thư mời")
