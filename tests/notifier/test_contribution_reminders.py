"""A secretariat's reminder about a contribution request reaches the representatives of the departments
it names (no one else), worded by whether the deadline has passed."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from schemas import events as ev
from schemas.codec import new_event
from tests.conftest import Inbox
from tests.notifier.conftest import meeting_created, organiser


async def test_a_reminder_reaches_the_named_departments_representatives(
    notifier: Any, signer: Any, publish: Any, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    await notifier(smtp_port=port)
    mid = (await publish(meeting_created(organiser(signer).id))).meeting_id
    metrology, testing = uuid.uuid4(), uuid.uuid4()
    for address, role, department in (
        ("an@example.org", "department_representative", metrology),
        ("beth@example.org", "voting_member", metrology),
        ("cuong@example.org", "department_representative", testing),
    ):
        await publish(
            new_event(
                ev.ParticipantInvited,
                meeting_id=mid,
                participant_id=uuid.uuid4(),
                name=address.split("@")[0],
                email=address,
                role=role,
                department_id=department,
                language="vi",
            )
        )
    request_id = uuid.uuid4()
    topic = ev.Bilingual(vi="Báo cáo tham luận", en="Position report")
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=2)
    await publish(
        new_event(
            ev.ContributionRequested,
            meeting_id=mid,
            request_id=request_id,
            department_ids=[metrology, testing],
            topic=topic,
            deadline=later,
        )
    )
    await inbox.count(2)  # the request, to both representatives
    await publish(
        new_event(
            ev.ContributionReminded, meeting_id=mid, request_id=request_id, department_ids=[metrology], deadline=later
        )
    )
    await inbox.count(3)
    assert inbox.to("an@example.org")[-1]["Subject"] == "Sắp đến hạn nộp tham luận: Báo cáo tham luận"
    earlier = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    await publish(
        new_event(
            ev.ContributionReminded, meeting_id=mid, request_id=request_id, department_ids=[testing], deadline=earlier
        )
    )
    await inbox.count(4)
    assert inbox.to("cuong@example.org")[-1]["Subject"] == "Quá hạn nộp tham luận: Báo cáo tham luận"
    assert len(inbox.to("an@example.org")) == 2 and inbox.to("beth@example.org") == []
