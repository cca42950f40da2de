"""The service's clock: opens and closes polls when their time comes, publishes turnout coalesced to a few
events per second per poll, and announces overdue directives."""

from __future__ import annotations

import asyncio

import structlog

from resolution_svc import barrier, db, deciding, directives_db
from schemas import events as ev
from schemas.codec import new_event
from schemas.events import Event
from servicekit.clock import Clock, utc_now
from servicekit.http import Problem
from servicekit.runtime import Runtime

log = structlog.get_logger("resolution.schedule")


async def run_schedule(runtime: Runtime, interval_s: float, wait_s: float, clock: Clock = utc_now) -> None:
    """Open and close polls whose time has come; emit coalesced turnout and overdue directives. Time is
    read from `clock` (tests move it forward instead of waiting on the wall clock)."""
    while True:
        try:
            async with runtime.db().acquire() as conn:
                for due in await db.due_polls(conn, clock()):
                    try:
                        # the same barrier as the chair's open and close (docs/consistency.md); a short
                        # wait, so one lagging meeting does not hold up the round: the next round retries
                        position = await barrier.caught_up(runtime, due["meeting_id"], min(wait_s, 1.0))
                        async with conn.transaction():
                            poll = await db.poll(conn, due["id"], lock=True)
                            if poll is None:
                                continue
                            if poll["status"] == "draft":
                                await deciding.open_poll(runtime, conn, poll, None, position=position)
                            elif poll["status"] == "open":
                                await deciding.close_poll(
                                    runtime, conn, poll, None, position=position, reason="schedule"
                                )
                    except Problem as exc:  # e.g. the meeting has not started yet: try again next round
                        log.info("scheduled poll not changed", poll_id=str(due["id"]), reason=exc.detail)
                async with conn.transaction():
                    events: list[Event] = [
                        new_event(
                            ev.TurnoutChanged,
                            meeting_id=r["meeting_id"],
                            poll_id=r["id"],
                            voted_count=r["voted_count"],
                            voted_weight=r["voted_weight"],
                            eligible_count=r["eligible_count"],
                            eligible_weight=r["eligible_weight"],
                        )
                        for r in await db.turnout_changes(conn)
                    ]
                    events += [
                        new_event(
                            ev.DirectiveOverdue,
                            meeting_id=r["meeting_id"],
                            directive_id=r["id"],
                            department_ids=list(r["department_ids"]),
                            due_date=r["due_date"],
                        )
                        for r in await directives_db.newly_overdue_directives(conn, clock())
                    ]
                    await deciding.publish(runtime, conn, *events)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a passing outage must not end the schedule
            log.warning("schedule round failed", error=repr(exc))
        await asyncio.sleep(interval_s)
