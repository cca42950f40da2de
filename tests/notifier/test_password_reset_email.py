"""The password reset email: sent to the organiser in their language with the link opened only when sent,
once however often the event is delivered, and kept out of webhooks and the event log."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import asyncpg

from schemas import events as ev
from schemas.codec import new_event
from servicekit.sealed import read_seal_key, seal
from tests.conftest import Inbox, wait_for
from tests.notifier.test_email import html_of, text_of

LINK = "https://meet.example.org/login#reset=aBcD_eFgH-0123456789"


def reset_requested(env: dict[str, Any], language: str) -> ev.PasswordResetRequested:
    return new_event(
        ev.PasswordResetRequested,
        meeting_id=ev.NO_MEETING,
        organisation_id=uuid.uuid4(),
        organiser_id=uuid.uuid4(),
        name="Ban tổ chức",
        email=f"btc-{language}@quatest2.example",
        language=language,
        sealed_link=seal(read_seal_key(env["invite_seal_public_key"], "key"), LINK),
        expires_at=dt.datetime(2030, 1, 14, 7, 0, tzinfo=dt.UTC),
    )


async def test_the_reset_email_carries_the_link_once_and_nothing_else_keeps_it(
    notifier: Any, publish: Any, smtp: tuple[Inbox, int], env: dict[str, Any]
) -> None:
    inbox, port = smtp
    await notifier(smtp_port=port)
    vi, en = reset_requested(env, "vi"), reset_requested(env, "en")
    for event in (vi, en):
        await publish(event)
    await publish(vi, msg_id=f"again-{vi.id}")  # a redelivery past JetStream's dedupe
    await inbox.count(2)
    [vi_mail] = inbox.to(vi.email)
    [en_mail] = inbox.to(en.email)
    assert vi_mail["Subject"] == "Đặt lại mật khẩu Hội nghị"
    assert en_mail["Subject"] == "Reset your Hội nghị password"
    assert LINK in text_of(vi_mail) and "Kính gửi Ban tổ chức" in text_of(vi_mail)
    assert f'href="{LINK}"' in html_of(en_mail)
    assert "until Monday 14 January 2030, 07:00, UTC;" in text_of(en_mail)

    conn = await asyncpg.connect(env["database_url"], server_settings={"search_path": "notifier"})
    try:

        async def sent() -> bool:
            return bool(await conn.fetchval("select count(*) = 2 from emails where status = 'sent'"))

        await wait_for(sent, what="both emails marked sent")
        kept = await conn.fetch("select text_body, html_body, sealed_link from emails")
        logged = await conn.fetchval("select count(*) from events")
    finally:
        await conn.close()
    assert all(LINK not in r["text_body"] + r["html_body"] and r["sealed_link"] is None for r in kept)
    assert logged == 0  # never in the event log, so never on a webhook or a live stream
    assert len(inbox.messages) == 2
