"""The emails no event triggers, checked every `REMINDER_INTERVAL_S`: reminders 24 h and 1 h before a
meeting, a contribution deadline that is near while a department has not submitted, and the daily
digests (digests.py). Each is queued once (a key in `notices`), in the same transaction as its emails."""

from __future__ import annotations

import asyncio
import datetime as dt

import asyncpg
import structlog

from notifier import read_model
from notifier.emails import db as emails
from notifier.emails.digests import send_digests
from notifier.emails.outbox import meeting_link, queue
from notifier.emails.render import Kind
from notifier.settings import Settings
from servicekit.runtime import Runtime

log = structlog.get_logger("notifier.mailer")  # its name from before the package split: log filters use it


async def schedule_reminders(runtime: Runtime, settings: Settings, now: dt.datetime | None = None) -> None:
    """Queue the reminders that have come due: 24 h and 1 h before a meeting, and a contribution
    deadline that is near while the department has not submitted. Moments are compared as moments
    (each carries its offset) at `now`, which tests give; the emails show them in the meeting's zone."""
    now = now or dt.datetime.now(dt.UTC)
    async with runtime.db().acquire() as conn, conn.transaction():
        for meeting in await emails.meetings_starting_within(conn, now, 24 * 3600):
            kind: Kind = "reminder_1h" if meeting["starts_at"] - now <= dt.timedelta(hours=1) else "reminder_24h"
            key = f"{kind}:{meeting['meeting_id']}:{meeting['starts_at'].isoformat()}"
            if await emails.add_notice(conn, key):
                people = await read_model.recipients(conn, meeting["meeting_id"])
                link = meeting_link(settings, meeting["meeting_id"])
                await queue(conn, kind, key, meeting, people, link=link, occurred_at=now)
        for request in await emails.contribution_deadlines_within(conn, now, settings.contribution_deadline_notice_s):
            its_meeting = await read_model.meeting(conn, request["meeting_id"])
            if its_meeting is None:
                continue
            for department in request["department_ids"]:
                if department in request["submitted"]:
                    continue
                key = f"contribution_deadline_near:{request['request_id']}:{department}"
                if not await emails.add_notice(conn, key):
                    continue
                people = await read_model.recipients(
                    conn, request["meeting_id"], departments=[department], role="department_representative"
                )
                await queue(
                    conn,
                    "contribution_deadline_near",
                    key,
                    its_meeting,
                    people,
                    link=meeting_link(settings, request["meeting_id"]),
                    topic=lambda lang, r=request: (
                        r["topic_vi"] if lang == "vi" and r["topic_vi"] else r["topic_en"] or r["topic_vi"]
                    ),
                    deadline=request["deadline"],
                    occurred_at=now,
                )


async def reminders(runtime: Runtime, settings: Settings) -> None:
    while True:
        try:
            await schedule_reminders(runtime, settings)
            await send_digests(runtime, settings, dt.datetime.now(dt.UTC))
        except (OSError, asyncpg.PostgresError) as exc:
            log.warning("reminder check failed", error=repr(exc))
        except Exception:  # a bug in one round must not end the reminders for everyone
            if runtime.pool is None or runtime.pool.is_closing():
                return  # shutting down
            log.exception("reminder check failed unexpectedly")
        await asyncio.sleep(settings.reminder_interval_s)
