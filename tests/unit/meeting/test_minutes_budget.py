"""How much text a minutes document may hold to be typeset in seconds, and which field to shorten."""

from __future__ import annotations

from meeting_svc.record.minutes.budget import overflow, texts, with_summary
from meeting_svc.record.minutes.draft import Text
from meeting_svc.record.minutes.texts import pick
from tests.unit.meeting.test_record_rules import ITEM_1, ITEM_2, drafted


def size(lang: str) -> int:
    return sum(len(pick(t, lang)) for _, t, _ in texts(drafted()))


def test_minutes_within_the_budget_fit() -> None:
    m = drafted()
    assert overflow(m, max(size("vi"), size("en"))) is None


def test_over_the_budget_the_longest_text_is_named_with_its_agenda_item() -> None:
    m = with_summary(drafted(), ITEM_2, Text(vi="chữ " * 1000))
    over = overflow(m, 1000)
    assert over is not None
    assert (over.lang, over.field, over.item_id, over.field_size) == ("vi", "agenda[2].summary", ITEM_2, 4000)
    assert over.size > 4000 and over.budget == 1000 and "agenda[2].summary" in over.detail()


def test_a_text_given_in_one_language_counts_in_both_documents() -> None:
    # the English document shows the Vietnamese text where no English is given
    over = overflow(with_summary(drafted(), ITEM_1, Text(vi="", en="x" * 5000)), 4000)
    assert over is not None and over.lang == "vi" and over.field == "agenda[1].summary"


def test_every_text_people_wrote_counts() -> None:
    fields = {field for field, _, _ in texts(drafted())}
    assert {"meeting.title", "agenda[1].summary", "reports[0].topic", "polls[0].question"} <= fields
    assert {"resolutions[0].text", "resolutions[0].amendments[0].text", "resolutions[0].directives[0].title"} <= fields


def test_replacing_a_summary_leaves_the_other_items() -> None:
    m = with_summary(drafted(), ITEM_2, Text(vi="mới"))
    assert [i.summary for i in m.agenda] == [drafted().agenda[0].summary, Text(vi="mới")]
