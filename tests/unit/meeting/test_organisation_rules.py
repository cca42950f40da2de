"""The organisation's departments as events: what a department's announcement says."""

from __future__ import annotations

import uuid

import pytest

from meeting_svc.organisation.announce import department_event
from schemas import events as ev

ORG, DEPARTMENT, BLOCK = uuid.UUID(int=1), uuid.UUID(int=2), uuid.UUID(int=3)
ROW = {
    "id": DEPARTMENT,
    "code": "KD",
    "name_vi": "Phòng Kinh doanh",
    "name_en": "Sales",
    "parent_id": BLOCK,
    "version": 4,
}


@pytest.mark.parametrize("kind", [ev.DepartmentDefined, ev.DepartmentRenamed])
def test_a_department_is_announced_as_it_now_stands_about_no_meeting(kind: type[ev.DepartmentFacts]) -> None:
    event = department_event(kind, ORG, ROW, actor="organiser:x")
    assert isinstance(event, kind)
    # not numbered among a meeting's events: its own version orders it
    assert (event.meeting_id, event.meeting_seq, event.version) == (ev.NO_MEETING, None, 4)
    assert (event.organisation_id, event.department_id, event.code, event.parent_id) == (ORG, DEPARTMENT, "KD", BLOCK)
    assert event.name == ev.Bilingual(vi="Phòng Kinh doanh", en="Sales")
    assert event.actor == "organiser:x"


def test_a_block_has_no_parent() -> None:
    assert department_event(ev.DepartmentDefined, ORG, {**ROW, "parent_id": None}).parent_id is None
