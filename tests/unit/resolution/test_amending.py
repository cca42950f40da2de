"""Amendments as changes of a part (amending.py): paragraphs, a part pinned by a quote or by paragraphs,
merged where the part now stands, conflicting when the part itself changed, and the diff shown."""

from __future__ import annotations

from resolution_svc import amending
from schemas.events import PassageChange

TEXT_VI = "Điều 1. Thông qua báo cáo năm 2020.\n\nĐiều 2. Giao nhiệm vụ năm 2021.\n\nĐiều 3. Hiệu lực thi hành."
TEXT_EN = "Article 1. The 2020 report is adopted.\n\nArticle 2. Tasks for 2021.\n\nArticle 3. Entry into force."


def test_paragraphs_are_separated_by_a_blank_line() -> None:
    text = "  First.\nstill first\n \t\nSecond.\n\n\n\nThird.\n"
    assert [text[a:b] for a, b in amending.paragraph_spans(text)] == ["  First.\nstill first", "Second.", "Third.\n"]
    assert amending.paragraph_spans("\n\n  \n") == []


def test_a_part_is_pinned_by_a_unique_quote_or_by_paragraphs() -> None:
    texts = {"vi": TEXT_VI, "en": TEXT_EN}
    change = amending.resolve(texts, "en", "Tasks for 2021", None, "Ten key tasks for 2021", "changes[0]")
    assert isinstance(change, PassageChange) and TEXT_EN[change.start : change.end] == "Tasks for 2021"
    by_paragraph = amending.resolve(texts, "vi", None, (2, 3), "Điều 2. Mười nhiệm vụ.", "changes[1]")
    assert isinstance(by_paragraph, PassageChange)
    assert by_paragraph.original == "Điều 2. Giao nhiệm vụ năm 2021.\n\nĐiều 3. Hiệu lực thi hành."
    for args, field in (
        (("en", "Article", None), "changes[0].quote"),  # three times: not unique
        (("en", "Article 9", None), "changes[0].quote"),
        (("vi", None, (3, 4)), "changes[0].paragraphs"),
        (("vi", None, (2, 1)), "changes[0].paragraphs"),
        (("vi", "Điều 1", (1, 1)), "changes[0]"),
        (("en", "Tasks for 2021", None), "changes[0].replacement"),  # the same as the part
    ):
        language, quote, span = args
        replacement = "Tasks for 2021" if field.endswith("replacement") else "x"
        problem = amending.resolve(texts, language, quote, span, replacement, "changes[0]")  # type: ignore[arg-type]
        assert isinstance(problem, amending.Problem) and problem.field == field, (args, problem)


def test_a_change_merges_where_its_part_now_stands_and_conflicts_when_the_part_changed() -> None:
    change = amending.resolve({"en": TEXT_EN}, "en", "Tasks for 2021", None, "Ten key tasks", "c")
    assert isinstance(change, PassageChange)
    edited_elsewhere = {"en": "Preamble.\n\n" + TEXT_EN.replace("Entry into force", "In force at once"), "vi": ""}
    merge = amending.merge(edited_elsewhere, [change], same_version=False)
    assert merge.conflicts == []
    assert merge.texts["en"] == edited_elsewhere["en"].replace("Tasks for 2021", "Ten key tasks")
    part_edited = {"en": TEXT_EN.replace("Tasks for 2021", "Tasks for the year"), "vi": ""}
    assert amending.merge(part_edited, [change], same_version=False).conflicts == [0]
    twice = {"en": TEXT_EN + "\n\nTasks for 2021", "vi": ""}  # now ambiguous: not guessed
    assert amending.merge(twice, [change], same_version=False).conflicts == [0]


def test_overlapping_changes_and_the_diff() -> None:
    texts = {"en": TEXT_EN}
    a = amending.resolve(texts, "en", "Article 2. Tasks", None, "Article 2. Duties", "c")
    b = amending.resolve(texts, "en", "Tasks for 2021", None, "Work", "c")
    c = amending.resolve(texts, "en", "Entry into force", None, "Force", "c")
    assert isinstance(a, PassageChange) and isinstance(b, PassageChange) and isinstance(c, PassageChange)
    assert amending.overlap([a, c]) is None and amending.overlap([a, c, b]) == 2
    diff = amending.unified_diff(TEXT_EN, amending.merge(texts, [c], True).texts["en"], "en")
    assert "-Article 3. Entry into force." in diff and "+Article 3. Force." in diff
    assert " Article 2. Tasks for 2021." not in diff.splitlines()[0]
    assert amending.unified_diff("same", "same", "en") == ""


# --- through the API -------------------------------------------------------------------------------------
