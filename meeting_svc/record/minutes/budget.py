"""How much people's text a minutes document may hold and still be typeset in a few seconds: pure, no I/O.

Typst's cost grows faster than the text's length and depends on the script: a line may break between any
two Chinese, Japanese or Korean characters, and each such opportunity costs the line breaker (measured,
one paragraph: 10,000 / 20,000 / 40,000 CJK characters took 0.5 / 1.4 / 3.9 s; Vietnamese text 40,000
characters 0.3 s). The budget counts characters, whatever the script, so the worst script sets it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import msgspec

from meeting_svc.record.minutes.draft import Item, Minutes, Text
from meeting_svc.record.minutes.texts import pick

LANGS = ("vi", "en")


class Overflow(msgspec.Struct, frozen=True, kw_only=True):
    """The document in `lang` would hold `size` characters of people's text, over `budget`; `field` is the
    biggest text in it (and `item_id` its agenda item when it is a summary), the one to shorten."""

    lang: str
    size: int
    budget: int
    field: str
    field_size: int
    item_id: uuid.UUID | None = None

    def detail(self) -> str:
        return (
            f"the minutes in {self.lang} would hold {self.size} characters of text, more than the {self.budget}"
            f" that can be typeset; the longest is {self.field} ({self.field_size} characters)"
        )


def texts(m: Minutes) -> Iterator[tuple[str, Text, uuid.UUID | None]]:
    """Every text people wrote that the document shows, with the field that holds it."""
    yield "meeting.title", m.meeting.title, None
    for item in m.agenda:
        yield f"agenda[{item.position}].title", item.title, item.id
        yield f"agenda[{item.position}].summary", item.summary, item.id
    for i, r in enumerate(m.reports):
        yield f"reports[{i}].topic", r.topic, None
        yield f"reports[{i}].title", Text(vi=r.title), None
    for i, p in enumerate(m.polls):
        yield f"polls[{i}].question", p.question, None
    for i, res in enumerate(m.resolutions):
        yield f"resolutions[{i}].title", res.title, None
        yield f"resolutions[{i}].text", res.text, None
        for j, d in enumerate(res.directives):
            yield f"resolutions[{i}].directives[{j}].title", d.title, None
        for j, am in enumerate(res.amendments):
            yield f"resolutions[{i}].amendments[{j}].text", am.text, None


def overflow(m: Minutes, budget: int) -> Overflow | None:
    """Why the minutes are too big to typeset (in the first language that is), or None."""
    for lang in LANGS:
        sizes = [(len(pick(text, lang)), field, item_id) for field, text, item_id in texts(m)]
        size = sum(n for n, _, _ in sizes)
        if size > budget:
            n, field, item_id = max(sizes, key=lambda s: s[0])
            return Overflow(lang=lang, size=size, budget=budget, field=field, field_size=n, item_id=item_id)
    return None


def with_summary(m: Minutes, item_id: uuid.UUID, summary: Text) -> Minutes:
    """The minutes with this agenda item's summary replaced: what saving it would make them."""
    agenda: list[Item] = [msgspec.structs.replace(i, summary=summary) if i.id == item_id else i for i in m.agenda]
    return msgspec.structs.replace(m, agenda=agenda)
