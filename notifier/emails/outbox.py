"""Emails into the outbox: one per recipient address, rendered in each recipient's language, as the
meeting's notification policy and each recipient's own settings allow (some now, some held for the
day's digest), with the meeting's calendar entry where the email carries one. The rows commit with
the handling of the event that caused them; send.py sends them later."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from notifier.emails import db as emails
from notifier.emails.policy import NOTICE_OF, audience, meeting_policy
from notifier.emails.render import LINK_PLACEHOLDER, DirectiveLine, Facts, Kind, pick, render
from notifier.settings import Settings
from schemas import events as ev
from schemas.events import Event
from servicekit import pg
from servicekit.calendar import Entry, Method
from servicekit.calendar import invitation as invitation_ics


def meeting_link(settings: Settings, meeting_id: uuid.UUID) -> str:
    return f"{settings.web_url.rstrip('/')}/meetings/{meeting_id}"


def directive_lines(directives: list[ev.Directive], language: str) -> list[DirectiveLine]:
    return [DirectiveLine(pick(d.title.vi, d.title.en, language), d.due_date, d.description) for d in directives]


def calendar_entry(settings: Settings, meeting: pg.Row, event: Event, language: str, description: str = "") -> Entry:
    """The meeting as a calendar entry; the sequence is the causing event's number in the meeting
    (or the meeting's facts' version, for events without one), which only grows."""
    return Entry(
        meeting_id=meeting["meeting_id"],
        title=pick(meeting["title_vi"], meeting["title_en"], language),
        starts_at=meeting["starts_at"],
        ends_at=meeting["ends_at"],
        timezone=meeting["timezone"],
        sequence=max(event.meeting_seq or 0, meeting["facts_version"] or 0),
        stamp=event.occurred_at,
        venue=meeting["venue"] or "",
        online_url=meeting["online_url"] or "",
        page_url=meeting_link(settings, meeting["meeting_id"]),
        description=description,
    )


async def queue(
    conn: pg.Connection,
    kind: Kind,
    source: str,
    meeting: pg.Row,
    people: list[pg.Row],
    *,
    link: str,
    topic: Any = None,
    deadline: Any = None,
    directives: Any = None,
    sealed: str | None = None,
    responsible: frozenset[uuid.UUID] | None = None,
    occurred_at: dt.datetime | None = None,
    entry: Any = None,
    method: Method = "REQUEST",
    organiser: str = "",
) -> None:
    """Render one email per recipient address, in each recipient's language, into the email outbox, as the
    meeting's notification policy and each recipient's own settings allow: some now, some held for the
    day's digest. `responsible` (a directive's representatives) always get theirs, whatever they turned off.
    `entry(language)` gives the meeting's calendar entry the email carries, addressed to its recipient."""
    notice = NOTICE_OF.get(kind)
    digest = False
    if notice is not None:
        rule = meeting_policy(meeting)[notice]
        people = list(audience(rule, people, responsible))
        off = await emails.opted_out(conn, [p["participant_id"] for p in people], notice)
        people = [p for p in people if p["participant_id"] not in off or p["participant_id"] in (responsible or ())]
        digest = rule.delivery == "digest"
    rows, held = [], []
    for person in people:
        lang = person["language"]
        facts = Facts(
            name=person["name"],
            meeting_title=pick(meeting["title_vi"], meeting["title_en"], lang),
            starts_at=meeting["starts_at"],
            timezone=meeting["timezone"],
            venue=meeting["venue"] or "",
            link=link,
            topic=topic(lang) if topic else "",
            deadline=deadline,
            directives=directives(lang) if directives else [],
        )
        subject, text, html = render(kind, lang, facts)
        pid = person["participant_id"]
        if digest:
            when = occurred_at or dt.datetime.now(dt.UTC)
            held.append((source, meeting["meeting_id"], pid, kind, person["email"], lang, subject, text, when))
            continue
        # one-click unsubscribe from this kind, except where the email always goes
        always = notice is None or pid in (responsible or ())
        one_click = None if always else notice
        ics = (
            invitation_ics(
                entry(lang),
                method=method,
                organiser=organiser,
                attendee=person["email"],
                attendee_name=person["name"],
            )
            if entry
            else None
        )
        rows.append(
            (
                source,
                kind,
                meeting["meeting_id"],
                pid,
                person["email"],
                lang,
                subject,
                text,
                html,
                sealed,
                one_click,
                ics,
                method if ics else None,
            )
        )
    await emails.add_emails(conn, rows)
    await emails.hold_for_digest(conn, held)


async def queue_password_reset(conn: pg.Connection, event: ev.PasswordResetRequested) -> None:
    """The reset email, its link opened only when it is sent (as an invitation's). The expiry is shown in
    UTC: an organiser belongs to no meeting whose zone it could borrow."""
    facts = Facts(
        name=event.name,
        meeting_title="",
        starts_at=event.occurred_at,
        timezone="UTC",
        link=LINK_PLACEHOLDER,
        deadline=event.expires_at,
    )
    subject, text, html = render("password_reset", event.language, facts)
    row = (str(event.id), "password_reset", None, None, event.email, event.language, subject, text, html)
    await emails.add_emails(conn, [(*row, event.sealed_link, None, None, None)])  # always goes: no unsubscribe
