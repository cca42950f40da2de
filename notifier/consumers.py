"""What the notifier does with each event, inside the consumer's transaction: keep the read model,
log the event (credentials stripped), number it for the live stream, fan it out to matching webhook
subscriptions, and queue the emails it causes. Sending happens later, from the committed rows."""

from __future__ import annotations

import uuid
from typing import Any

import asyncpg
import structlog

from notifier.db import emails, read_model, webhooks
from notifier.mail import LINK_PLACEHOLDER, DirectiveLine, Facts, Kind, pick, render
from notifier.service import LIVE_TYPES, public_payload
from notifier.settings import Settings
from schemas import events as ev
from schemas.bus import NotYet, PoisonEvent, positions
from schemas.events import Event
from schemas.validation import event_problem

log = structlog.get_logger("notifier.consumers")


def meeting_link(settings: Settings, meeting_id: uuid.UUID) -> str:
    return f"{settings.web_url.rstrip('/')}/meetings/{meeting_id}"


def directive_lines(directives: list[ev.Directive], language: str) -> list[DirectiveLine]:
    return [DirectiveLine(pick(d.title.vi, d.title.en, language), d.due_date, d.description) for d in directives]


class EventHandler:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    async def __call__(self, conn: asyncpg.Connection, event: Event) -> None:
        problem = event_problem(event)
        if problem:
            raise PoisonEvent(problem)
        if await webhooks.event_known(conn, event.id):
            await self.settle(conn, event)
            return
        # Two streams, two consumers, no order between them: an event of a meeting not known yet, or a poll
        # event whose roster counted meeting events not applied here yet, waits for them (docs/consistency.md).
        if not isinstance(event, ev.MeetingFacts) and await read_model.meeting(conn, event.meeting_id) is None:
            raise NotYet("the meeting's facts")
        # the order to email an invitation can overtake the participant's facts: emailing nobody would lose it
        if isinstance(event, ev.InvitationSent) and not await read_model.participant_known(conn, event.participant_id):
            raise NotYet(f"participant {event.participant_id}")
        if isinstance(event, ev.PollOpened | ev.PollClosed) and event.meeting_position:
            applied = await positions.position(conn, event.meeting_id)
            if applied < event.meeting_position:
                raise NotYet(f"meeting events {applied + 1}..{event.meeting_position}")
        await self.update_read_model(conn, event)
        await self.settle(conn, event)
        live_seq = await webhooks.next_live_seq(conn, event.meeting_id) if event.event_type in LIVE_TYPES else None
        await webhooks.record_event(
            conn, event.id, event.event_type, event.meeting_id, event.occurred_at, public_payload(event), live_seq
        )
        meeting = await read_model.meeting(conn, event.meeting_id)
        assert meeting is not None
        await webhooks.fan_out(conn, event.id, event.event_type, event.meeting_id, meeting["organisation_id"])
        await self.queue_emails(conn, event, meeting)

    @staticmethod
    async def settle(conn: asyncpg.Connection, event: Event) -> None:
        """Count a meeting event as passed (applied, known already, or dead-lettered)."""
        if event.meeting_seq is not None:
            await positions.record(conn, event.meeting_id, event.meeting_seq)

    async def update_read_model(self, conn: asyncpg.Connection, event: Event) -> None:
        v = event.meeting_seq
        match event:
            case ev.MeetingFacts():
                await read_model.upsert_meeting(
                    conn,
                    {
                        "meeting_id": event.meeting_id,
                        "organisation_id": event.organisation_id,
                        "title_vi": event.title.vi,
                        "title_en": event.title.en,
                        "starts_at": event.starts_at,
                        "ends_at": event.ends_at,
                        "timezone": event.timezone,
                        "status": event.status,
                        "venue": ", ".join(x for x in (event.venue.name, event.venue.address) if x)
                        if event.venue
                        else None,
                        "online_url": event.online_url,
                        "record_only": event.record_only,
                    },
                    v,
                )
            case ev.MeetingCancelled():
                await read_model.set_meeting_status(conn, event.meeting_id, "cancelled", v)
            case ev.MeetingStarted():
                await read_model.set_meeting_status(conn, event.meeting_id, "started", v)
            case ev.MeetingEnded():
                await read_model.set_meeting_status(conn, event.meeting_id, "ended", v)
            case ev.ParticipantFacts():
                await read_model.upsert_participant(
                    conn,
                    {
                        "participant_id": event.participant_id,
                        "meeting_id": event.meeting_id,
                        "name": event.name,
                        "email": event.email,
                        "role": event.role,
                        "weight": event.weight,
                        "department_id": event.department_id,
                        "block_id": event.block_id,
                        "language": event.language,
                    },
                    v,
                )
            case ev.ParticipantRemoved():
                await read_model.remove_participant(conn, event.participant_id, event.meeting_id)
            case ev.ParticipantSessionsEnded():
                await read_model.end_sessions(conn, event.participant_id, event.meeting_id, event.epoch)
            case ev.ContributionRequested():
                await read_model.add_contribution_request(
                    conn,
                    event.request_id,
                    event.meeting_id,
                    event.department_ids,
                    event.topic.vi,
                    event.topic.en,
                    event.deadline,
                )
            case ev.ContributionSubmitted():
                await read_model.mark_contribution_submitted(conn, event.request_id, event.department_id)

    async def queue_emails(self, conn: asyncpg.Connection, event: Event, meeting: asyncpg.Record) -> None:
        if meeting["record_only"]:
            return  # a meeting recorded after the fact: nobody is emailed about it
        link = meeting_link(self.settings, event.meeting_id)
        source = str(event.id)
        match event:
            case ev.InvitationSent():
                people = await read_model.recipients(conn, event.meeting_id, participant_id=event.participant_id)
                if event.sealed_link:
                    # the bodies keep a placeholder: the link is opened only when the email is built
                    await queue(
                        conn, "invitation", source, meeting, people, link=LINK_PLACEHOLDER, sealed=event.sealed_link
                    )
                else:
                    await queue(conn, "invitation", source, meeting, people, link=link)
            case ev.ContributionRequested():
                people = await read_model.recipients(
                    conn, event.meeting_id, departments=event.department_ids, role="department_representative"
                )
                await queue(
                    conn,
                    "contribution_requested",
                    source,
                    meeting,
                    people,
                    link=link,
                    topic=lambda lang, e=event: pick(e.topic.vi, e.topic.en, lang),
                    deadline=event.deadline,
                )
            case ev.ContributionOverdue():
                request = await read_model.contribution_request(conn, event.request_id)
                people = await read_model.recipients(
                    conn, event.meeting_id, departments=[event.department_id], role="department_representative"
                )
                await queue(
                    conn,
                    "contribution_overdue",
                    source,
                    meeting,
                    people,
                    link=link,
                    topic=lambda lang, r=request: pick(r["topic_vi"], r["topic_en"], lang) if r else "",
                    deadline=event.deadline,
                )
            case ev.PollOpened():
                people = await read_model.recipients(conn, event.meeting_id)
                people = [p for p in people if p["role"] != "observer"]
                await queue(
                    conn,
                    "poll_opened",
                    source,
                    meeting,
                    people,
                    link=link,
                    topic=lambda lang, e=event: pick(e.question.vi, e.question.en, lang),
                )
            case ev.ResolutionAdopted():
                people = await read_model.recipients(conn, event.meeting_id)
                await queue(
                    conn,
                    "resolution_adopted",
                    source,
                    meeting,
                    people,
                    link=link,
                    topic=lambda lang, e=event: pick(e.title.vi, e.title.en, lang),
                    directives=lambda lang, e=event: directive_lines(e.directives, lang),
                )
            case ev.DirectiveIssued():
                people = await read_model.recipients(
                    conn, event.meeting_id, departments=event.directive.department_ids, within_blocks=True
                )
                await queue(
                    conn,
                    "directive_issued",
                    source,
                    meeting,
                    people,
                    link=link,
                    topic=lambda lang, e=event: pick(e.directive.title.vi, e.directive.title.en, lang),
                    directives=lambda lang, e=event: directive_lines([e.directive], lang),
                )


async def queue(
    conn: asyncpg.Connection,
    kind: Kind,
    source: str,
    meeting: asyncpg.Record,
    people: list[asyncpg.Record],
    *,
    link: str,
    topic: Any = None,
    deadline: Any = None,
    directives: Any = None,
    sealed: str | None = None,
) -> None:
    """Render one email per recipient address, in each recipient's language, into the email outbox."""
    rows = []
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
        rows.append(
            (
                source,
                kind,
                meeting["meeting_id"],
                person["participant_id"],
                person["email"],
                lang,
                subject,
                text,
                html,
                sealed,
            )
        )
    await emails.add_emails(conn, rows)
