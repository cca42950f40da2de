"""What the notifier does with each event, inside the consumer's transaction: keep the read model,
log the event (credentials stripped), number it for the live stream, fan it out to matching webhook
subscriptions, and queue the emails it causes. Sending happens later, from the committed rows."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from email.utils import parseaddr
from typing import Any

import msgspec
import structlog

from notifier import event_log, read_model
from notifier.emails.outbox import calendar_entry, directive_lines, meeting_link, queue, queue_password_reset
from notifier.emails.render import LINK_PLACEHOLDER, pick
from notifier.event_log import public_payload
from notifier.live import db as live
from notifier.live.frames import LIVE_TYPES
from notifier.settings import Settings
from notifier.webhooks import db as webhooks
from schemas import events as ev
from schemas import validation
from schemas.bus import Bulk, NotYet, PoisonEvent, positions
from schemas.bus.consumer import distinct_runs
from schemas.events import Event
from schemas.validation import event_problem
from servicekit import pg

log = structlog.get_logger("notifier.consumers")


def participant_row(event: ev.ParticipantFacts) -> tuple[Any, ...]:
    return (
        event.participant_id,
        event.meeting_id,
        event.name,
        event.email,
        event.role,
        event.weight,
        event.department_id,
        event.language,
        event.block_id,
        event.meeting_seq,
    )


async def log_and_fan_out(conn: pg.Connection, events: Sequence[Event], meetings: dict[uuid.UUID, pg.Row]) -> None:
    """Log the events (credentials stripped) in order, numbering those the live stream shows, and queue
    their webhook deliveries."""
    logged = [
        event_log.LoggedEvent(
            e.id,
            e.event_type,
            e.meeting_id,
            e.occurred_at,
            public_payload(e),
            await live.next_live_seq(conn, e.meeting_id) if e.event_type in LIVE_TYPES else None,
        )
        for e in events
    ]
    await event_log.record_events(conn, logged)
    await webhooks.fan_out(
        conn, [(e.id, e.event_type, e.meeting_id, meetings[e.meeting_id]["organisation_id"]) for e in events]
    )


class EventHandler:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        # the calendar entries' organiser: the address invitations come from
        self.organiser = parseaddr(settings.smtp_from)[1]
        # a roster import's thousands of participant facts, a fetched batch at a time
        self.bulk = Bulk((ev.ParticipantFacts,), self.participant_facts)

    async def __call__(self, conn: pg.Connection, event: Event) -> None:
        problem = event_problem(event)
        if problem:
            raise PoisonEvent(problem)
        if isinstance(event, ev.PasswordResetRequested):
            # about no meeting: no read model, no event log, no webhooks, no live stream; just the email
            await queue_password_reset(conn, event)
            return
        if isinstance(event, ev.DepartmentFacts):
            return  # the organisation's departments, about no meeting: nobody is told of them
        if await event_log.events_known(conn, [event.id]):
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
        meeting = await read_model.meeting(conn, event.meeting_id)
        assert meeting is not None
        await log_and_fan_out(conn, [event], {event.meeting_id: meeting})
        await self.queue_emails(conn, event, meeting)

    async def participant_facts(self, conn: pg.Connection, events: Sequence[Event]) -> None:
        """A run of participant facts (a roster import) set-based, leaving what `__call__` of each in turn
        would: the read model, the meetings' positions, the event log and webhook deliveries (no emails)."""
        facts = validation.participant_facts(events)
        known = await event_log.events_known(conn, [e.id for e in facts])
        todo = [e for e in facts if e.id not in known]
        meetings: dict[uuid.UUID, pg.Row] = {}
        for meeting_id in dict.fromkeys(e.meeting_id for e in todo):
            meeting = await read_model.meeting(conn, meeting_id)
            if meeting is None:
                raise NotYet("the meeting's facts")
            meetings[meeting_id] = meeting
        for run in distinct_runs(todo, lambda e: e.participant_id):
            await read_model.upsert_participants(conn, [participant_row(e) for e in run])
        await positions.record_events(conn, facts)
        if todo:
            await log_and_fan_out(conn, todo, meetings)
        for event in todo:
            await self.queue_emails(conn, event, meetings[event.meeting_id])

    def entry_maker(self, meeting: pg.Row, event: Event) -> Any:
        return lambda lang: calendar_entry(self.settings, meeting, event, lang)

    @staticmethod
    async def settle(conn: pg.Connection, event: Event) -> None:
        """Count a meeting event as passed (applied, known already, or dead-lettered)."""
        if event.meeting_seq is not None:
            await positions.record(conn, event.meeting_id, event.meeting_seq)

    async def update_read_model(self, conn: pg.Connection, event: Event) -> None:
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
                        "notification_policy": None
                        if event.notification_policy is None
                        else msgspec.json.encode(event.notification_policy).decode(),
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
                await read_model.upsert_participants(conn, [participant_row(event)])
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

    async def queue_emails(self, conn: pg.Connection, event: Event, meeting: pg.Row) -> None:
        if meeting["record_only"]:
            return  # a meeting recorded after the fact: nobody is emailed about it
        link = meeting_link(self.settings, event.meeting_id)
        source = str(event.id)
        match event:
            case ev.InvitationSent():
                people = await read_model.recipients(conn, event.meeting_id, participant_id=event.participant_id)
                entry = self.entry_maker(meeting, event)
                if event.sealed_link:
                    # the bodies keep a placeholder: the link is opened only when the email is built
                    await queue(
                        conn,
                        "invitation",
                        source,
                        meeting,
                        people,
                        link=LINK_PLACEHOLDER,
                        sealed=event.sealed_link,
                        entry=entry,
                        organiser=self.organiser,
                    )
                else:
                    await queue(
                        conn, "invitation", source, meeting, people, link=link, entry=entry, organiser=self.organiser
                    )
            case ev.MeetingRescheduled():
                people = await read_model.recipients(conn, event.meeting_id)
                await queue(
                    conn,
                    "meeting_rescheduled",
                    source,
                    meeting,
                    people,
                    link=link,
                    entry=self.entry_maker(meeting, event),
                    organiser=self.organiser,
                )
            case ev.MeetingCancelled():
                people = await read_model.recipients(conn, event.meeting_id)
                await queue(
                    conn,
                    "meeting_cancelled",
                    source,
                    meeting,
                    people,
                    link=link,
                    topic=lambda lang, e=event: e.reason,
                    entry=self.entry_maker(meeting, event),
                    organiser=self.organiser,
                    method="CANCEL",
                )
            case ev.MinutesPublished():
                people = await read_model.recipients(conn, event.meeting_id)
                await queue(
                    conn,
                    "minutes_published",
                    source,
                    meeting,
                    people,
                    link=link,
                    topic=lambda _, e=event: str(e.version),
                )
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
                    occurred_at=event.occurred_at,
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
                    occurred_at=event.occurred_at,
                    topic=lambda lang, r=request: pick(r["topic_vi"], r["topic_en"], lang) if r else "",
                    deadline=event.deadline,
                )
            case ev.ContributionReminded():
                request = await read_model.contribution_request(conn, event.request_id)
                people = await read_model.recipients(
                    conn, event.meeting_id, departments=event.department_ids, role="department_representative"
                )
                # before the deadline the reminder says it is near; after it, that the report is overdue
                await queue(
                    conn,
                    "contribution_deadline_near" if event.occurred_at < event.deadline else "contribution_overdue",
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
                    occurred_at=event.occurred_at,
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
                    occurred_at=event.occurred_at,
                    topic=lambda lang, e=event: pick(e.title.vi, e.title.en, lang),
                    directives=lambda lang, e=event: directive_lines(e.directives, lang),
                )
            case ev.DirectiveIssued():
                departments = event.directive.department_ids
                heads = await read_model.responsible(conn, event.meeting_id, departments)
                team = await read_model.recipients(conn, event.meeting_id, departments=departments, within_blocks=True)
                people = list({p["participant_id"]: p for p in (*team, *heads)}.values())
                await queue(
                    conn,
                    "directive_issued",
                    source,
                    meeting,
                    people,
                    link=link,
                    occurred_at=event.occurred_at,
                    topic=lambda lang, e=event: pick(e.directive.title.vi, e.directive.title.en, lang),
                    directives=lambda lang, e=event: directive_lines([e.directive], lang),
                    responsible=frozenset(p["participant_id"] for p in heads),
                )
