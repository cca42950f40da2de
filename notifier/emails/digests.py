"""The daily digest: the notices a meeting's policy holds for a digest go out once a day, one email per
participant, at `DIGEST_HOUR` in the meeting's time zone. The email and the marking of what it carries
commit together, so a crash or a second replica sends nothing twice and loses nothing."""

from __future__ import annotations

import datetime as dt
import itertools
import operator

from notifier.emails import db
from notifier.emails.policy import ALL_KINDS, digest_cutoff
from notifier.emails.render import digest, pick
from notifier.settings import Settings
from servicekit.runtime import Runtime


async def send_digests(runtime: Runtime, settings: Settings, now: dt.datetime) -> int:
    """Queue the digests due at `now` (tests give it); how many."""
    queued = 0
    async with runtime.db().acquire() as conn, conn.transaction():
        items = await db.pending_digests(conn)
        for participant_id, group in itertools.groupby(items, key=operator.itemgetter("participant_id")):
            held = list(group)
            cutoff = digest_cutoff(now, held[0]["timezone"], settings.digest_hour)
            due = [i for i in held if i["occurred_at"] < cutoff]
            if not due:
                continue
            first = due[0]
            lang = first["language"]
            subject, text, html = digest(lang, pick(first["title_vi"], first["title_en"], lang), due)
            # named by its first item: a later digest of the same day (an item held late) is another email
            source = f"digest:{participant_id}:{first['id']}"
            row = (source, "digest", first["meeting_id"], participant_id, first["to_addr"], lang, subject, text, html)
            await db.add_emails(conn, [(*row, None, ALL_KINDS, None, None)])
            await db.mark_digested(conn, [i["id"] for i in due], source)
            queued += 1
    return queued
