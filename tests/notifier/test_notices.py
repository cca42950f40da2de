"""Notifications people do not mute: the meeting's policy (who gets which email, now or in a digest), the
participant's own settings from the signed link in every email, and RFC 8058 one-click unsubscribe."""

from __future__ import annotations

import asyncio
import datetime as dt
import secrets
import uuid
from email.message import EmailMessage
from typing import Any
from urllib.parse import urlsplit

import msgspec
import pytest

from notifier.emails.digests import send_digests
from notifier.emails.policy import digest_cutoff, settings_token
from schemas import events as ev
from schemas.codec import new_event
from schemas.notices import Notice
from servicekit.runtime import RUNTIME
from tests.conftest import Inbox, wait_for
from tests.notifier.conftest import meeting_created, organiser

KEY = secrets.token_bytes(32)


def text_of(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content())


# --- through the notifier ---------------------------------------------------------------------------------


async def roster(publish: Any, mid: uuid.UUID, people: dict[str, tuple[str, uuid.UUID | None, str]]) -> dict[str, Any]:
    """Invite people (address -> role, department, language); their ids by address."""
    ids = {}
    for address, (role, department, language) in people.items():
        pid = uuid.uuid4()
        ids[address] = pid
        await publish(
            new_event(
                ev.ParticipantInvited,
                meeting_id=mid,
                participant_id=pid,
                name=address.split("@")[0],
                email=address,
                role=role,
                department_id=department,
                language=language,
            )
        )
    return ids


async def known(client: Any, ids: list[uuid.UUID]) -> None:
    db = client.app[RUNTIME].db()
    query = "select count(*) from participants where participant_id = any($1::uuid[])"
    await wait_for(lambda: _at_least(db.fetchval(query, ids), len(ids)), what="the roster in the read model")


async def _at_least(value: Any, n: int) -> bool:
    return bool(await value >= n)


def poll_opened(mid: uuid.UUID, question: str = "Thông qua Nghị quyết?") -> ev.Event:
    return new_event(
        ev.PollOpened,
        meeting_id=mid,
        poll_id=uuid.uuid4(),
        question=ev.Bilingual(vi=question, en=question),
        options=["yes", "no", "abstain"],
        secret=True,
        eligible_count=3,
        eligible_weight=3,
    )


def adopted(mid: uuid.UUID, title: str) -> ev.Event:
    return new_event(
        ev.ResolutionAdopted,
        meeting_id=mid,
        resolution_id=uuid.uuid4(),
        poll_id=uuid.uuid4(),
        title=ev.Bilingual(vi=title, en=title),
        directives=[],
    )


async def test_one_click_unsubscribe_and_the_settings_page(
    notifier: Any, signer: Any, publish: Any, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    client = await notifier(smtp_port=port)
    metrology = uuid.uuid4()
    online = msgspec.structs.replace(meeting_created(organiser(signer).id), online_url="https://meet.example.org/r")
    meeting = await publish(online)
    mid = meeting.meeting_id
    ids = await roster(
        publish,
        mid,
        {
            "an@example.org": ("department_representative", metrology, "vi"),
            "beth@example.org": ("voting_member", metrology, "en"),
        },
    )
    await known(client, list(ids.values()))
    await publish(poll_opened(mid, "Câu hỏi một"))
    await inbox.count(2)
    [first] = inbox.to("beth@example.org")
    assert first["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = str(first["List-Unsubscribe"]).strip("<>")
    assert url.startswith("http") and url.endswith("?kind=poll_opened")
    link = urlsplit(url)
    assert link.path in text_of(first)  # the settings link is in the body too

    # The mail provider posts the one-click body; the page it answers says what changed, accessibly.
    posted = await client.post(
        f"{link.path}?{link.query}",
        data=b"List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    page = await posted.text()
    assert posted.status == 200 and 'role="status"' in page and "Turned off: Votes opening" in page
    assert posted.headers["Referrer-Policy"] == "no-referrer" and "no-store" in posted.headers["Cache-Control"]
    again = await client.post(f"{link.path}?{link.query}", data=b"List-Unsubscribe=One-Click")
    assert again.status == 200  # twice is the same as once

    await publish(poll_opened(mid, "Câu hỏi hai"))
    await publish(adopted(mid, "Nghị quyết"))  # another kind still goes to both
    await inbox.count(2 + 1 + 2)
    assert [m["Subject"] for m in inbox.to("beth@example.org")][1:] == ["Resolution adopted: Nghị quyết"]
    assert len(inbox.to("an@example.org")) == 3

    # The page (a GET changes nothing, so a link scanner cannot unsubscribe anyone) turns it back on.
    shown = await client.get(link.path, params={"kind": "poll_opened"})
    assert shown.status == 200 and '<html lang="en">' in await shown.text()
    assert len(inbox.to("beth@example.org")) == 2
    back = await client.post(link.path, data={"kind": "poll_opened", "on": "1"})
    assert "Turned back on: Votes opening" in await back.text()
    await publish(poll_opened(mid, "Câu hỏi ba"))
    await inbox.count(2 + 1 + 2 + 2)
    assert [m["Subject"] for m in inbox.to("beth@example.org")][-1] == "Vote open: Câu hỏi ba"


@pytest.mark.parametrize(
    ("query", "form", "status", "field"),
    [
        ({"kind": "everything"}, None, 422, "kind"),
        ({}, {"kind": "poll_opened", "on": "2"}, 422, "on"),
        ({}, {"kind": "minutes", "on": "0"}, 422, "kind"),
        ({}, {"kind": "", "on": "0"}, 422, "kind"),
    ],
)
async def test_bad_changes_are_problems_naming_the_field(
    notifier: Any,
    signer: Any,
    publish: Any,
    query: dict[str, str],
    form: dict[str, str] | None,
    status: int,
    field: str,
) -> None:
    client = await notifier()
    meeting = await publish(meeting_created(organiser(signer).id))
    ids = await roster(publish, meeting.meeting_id, {"an@example.org": ("voting_member", None, "vi")})
    await known(client, list(ids.values()))
    key = await client.app[RUNTIME].db().fetchval("select key from own_keys where name = 'notice_links'")
    if key is None:  # made when the first email is sent or the first link is opened
        await client.get(f"/notices/{'A' * 43}")
        key = await client.app[RUNTIME].db().fetchval("select key from own_keys where name = 'notice_links'")
    path = f"/notices/{settings_token(bytes(key), ids['an@example.org'])}"
    answer = await client.post(path, params=query, data=form or b"List-Unsubscribe=One-Click")
    problem = await answer.json()
    assert (answer.status, problem["field"]) == (status, field)
    assert answer.content_type == "application/problem+json"
    off = await client.app[RUNTIME].db().fetchval("select count(*) from notice_optouts")
    assert off == 0  # nothing half-done


async def test_a_forged_or_unknown_link_is_not_found(notifier: Any) -> None:
    client = await notifier()
    for token in ("A" * 43, "nope", settings_token(KEY, uuid.uuid4())):
        for method in ("GET", "POST"):
            answer = await client.request(method, f"/notices/{token}", data=b"List-Unsubscribe=One-Click")
            assert answer.status == 404, (method, token)
            assert answer.content_type == "application/problem+json"


async def test_the_responsible_representative_gets_their_directive_whatever_they_turned_off(
    notifier: Any, signer: Any, publish: Any, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    client = await notifier(smtp_port=port)
    block, department = uuid.uuid4(), uuid.uuid4()
    meeting = await publish(meeting_created(organiser(signer).id))
    mid = meeting.meeting_id
    ids = await roster(
        publish,
        mid,
        {
            "block.rep@example.org": ("department_representative", block, "vi"),
            "dept.rep@example.org": ("department_representative", department, "vi"),
            "staff@example.org": ("voting_member", department, "vi"),
            "other.rep@example.org": ("department_representative", uuid.uuid4(), "vi"),
        },
    )
    # the department lies in the block (meeting_svc says so with each participant's block)
    for address in ("dept.rep@example.org", "staff@example.org"):
        await publish(
            new_event(
                ev.ParticipantUpdated,
                meeting_id=mid,
                participant_id=ids[address],
                name=address.split("@")[0],
                email=address,
                role="department_representative" if address.startswith("dept") else "voting_member",
                department_id=department,
                block_id=block,
                language="vi",
            )
        )
    db = client.app[RUNTIME].db()
    await wait_for(
        lambda: _at_least(db.fetchval("select count(*) from participants where block_id is not null"), 2),
        what="the blocks",
    )
    await db.execute(
        "insert into notice_optouts (participant_id, kind) values ($1, 'directive')", ids["dept.rep@example.org"]
    )
    directive = ev.Directive(
        id=uuid.uuid4(), title=ev.Bilingual(vi="Số hóa quản lý", en="Digitise"), department_ids=[department]
    )
    issued = new_event(ev.DirectiveIssued, meeting_id=mid, directive=directive, resolution_id=uuid.uuid4())
    await publish(issued)
    await publish(issued, msg_id=f"{issued.id}-again")  # redelivered: nobody gets it twice
    await inbox.count(2)
    await publish(adopted(mid, "Nghị quyết"))  # a later event: the redelivery was handled before it
    await inbox.count(2 + 4)
    directed = sorted(str(m["To"]) for m in inbox.messages if "Số hóa quản lý" in str(m["Subject"]))
    assert directed == ["block.rep@example.org", "dept.rep@example.org"]  # not staff, not another department
    for message in inbox.messages:
        if "Số hóa quản lý" in str(message["Subject"]):
            assert message["List-Unsubscribe"] is None  # it always goes: nothing to unsubscribe from


async def test_policy_from_the_meeting_facts_and_the_daily_digest(
    notifier: Any, signer: Any, publish: Any, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    client = await notifier(smtp_port=port, digest_hour=17, reminder_interval_s=3600)
    policy = {
        "result": Notice(delivery="digest"),
        "poll_opened": Notice(audience="representatives"),
    }
    meeting = await publish(msgspec.structs.replace(meeting_created(organiser(signer).id), notification_policy=policy))
    mid = meeting.meeting_id
    ids = await roster(
        publish,
        mid,
        {
            "chair@example.org": ("chair", None, "vi"),
            "rep@example.org": ("department_representative", uuid.uuid4(), "en"),
            "member@example.org": ("voting_member", None, "vi"),
        },
    )
    await known(client, list(ids.values()))
    await publish(poll_opened(mid))
    await inbox.count(2)
    assert sorted(str(m["To"]) for m in inbox.messages) == ["chair@example.org", "rep@example.org"]

    first = adopted(mid, "Nghị quyết một")
    await publish(first)
    await publish(first, msg_id=f"{first.id}-again")
    await publish(adopted(mid, "Nghị quyết hai"))
    db = client.app[RUNTIME].db()
    await wait_for(lambda: _at_least(db.fetchval("select count(*) from digest_items"), 6), what="held notices")
    assert await db.fetchval("select count(*) from digest_items") == 6  # 2 notices x 3 people, once each
    settings = client.app[RUNTIME].settings
    held_at = await db.fetchval("select max(occurred_at) from digest_items")
    before = digest_cutoff(held_at, "Asia/Ho_Chi_Minh", 17)  # the digest moment before they were held
    assert await send_digests(client.app[RUNTIME], settings, before) == 0
    after = before + dt.timedelta(days=1, minutes=1)
    # two replicas at once, then a restart's round: one digest each, no more
    sent = await asyncio.gather(*(send_digests(client.app[RUNTIME], settings, after) for _ in range(2)))
    assert sum(sent) == 3
    assert await send_digests(client.app[RUNTIME], settings, after + dt.timedelta(days=1)) == 0
    await inbox.count(2 + 3)
    [digest] = [
        m for m in inbox.to("member@example.org") if "digest" in str(m["Subject"]) or "Tin" in str(m["Subject"])
    ]
    assert str(digest["Subject"]).startswith("Tin tổng hợp trong ngày")
    body = text_of(digest)
    assert body.count("Nghị quyết một") >= 1 and "Nghị quyết hai" in body
    assert body.count("== ") == 2  # two notices, the redelivered one once
    assert digest["List-Unsubscribe"] is not None and "?kind=" not in str(digest["List-Unsubscribe"])
    assert len(inbox.messages) == 5


async def test_the_policy_follows_meeting_events_in_their_order_not_their_arrival(
    notifier: Any, signer: Any, publish: Any
) -> None:
    client = await notifier()
    created = msgspec.structs.replace(meeting_created(organiser(signer).id), meeting_seq=1)
    mid = created.meeting_id
    digest_all = {"poll_opened": Notice(delivery="digest")}
    nobody = {"poll_opened": Notice(audience="nobody"), "result": Notice(audience="representatives")}

    envelope = set(ev.Event.__struct_fields__) - {"meeting_id"}

    def updated(seq: int, policy: dict[str, Notice] | None) -> ev.Event:
        fields = {f: getattr(created, f) for f in ev.MeetingFacts.__struct_fields__ if f not in envelope}
        return new_event(ev.MeetingUpdated, **{**fields, "notification_policy": policy}, meeting_seq=seq)

    latest = updated(3, nobody)
    await publish(created)
    await publish(latest)
    await publish(updated(2, digest_all))  # older, arriving late: changes nothing
    await publish(latest, msg_id=f"{latest.id}-again")  # redelivered
    # a later event of the same stream: once it is applied, so are those before it
    ids = await roster(publish, mid, {"an@example.org": ("voting_member", None, "vi")})
    await known(client, list(ids.values()))
    db = client.app[RUNTIME].db()
    raw = await db.fetchval("select notification_policy from meetings where meeting_id = $1", mid)
    assert msgspec.json.decode(raw, type=dict[str, Notice]) == nobody
