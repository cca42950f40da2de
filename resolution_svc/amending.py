"""An amendment is a change of a part of a resolution's text: the part as it stood in the version it was
written against, and its replacement. Accepting one merges that part only, wherever it now stands; if the
part itself has changed since, the amendment conflicts instead of overwriting someone else's edit.
Pure functions, no I/O."""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

import msgspec

from schemas.events import Language, PassageChange

LANGUAGES: tuple[Language, ...] = ("vi", "en")


def texts_of(row: Any) -> dict[str, str]:
    """A resolution's (or amendment's) text in each language, from its `text_vi` / `text_en` fields."""
    return {lang: row[f"text_{lang}"] for lang in LANGUAGES}


def changes_of(row: Any) -> list[PassageChange]:
    """An amendment's changes, from its `changes` field (JSON)."""
    return msgspec.json.decode(row["changes"], type=list[PassageChange])


# Paragraphs are separated by a blank line (spaces or tabs allowed on it).
_SEPARATOR = re.compile(r"\n[ \t]*\n\s*")


class Problem(NamedTuple):
    field: str
    detail: str


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-blank paragraph."""
    spans, pos = [], 0
    for sep in _SEPARATOR.finditer(text):
        if text[pos : sep.start()].strip():
            spans.append((pos, sep.start()))
        pos = sep.end()
    if text[pos:].strip():
        spans.append((pos, len(text)))
    return spans


def resolve_quote(text: str, quote: str, where: str) -> tuple[int, int] | Problem:
    found = text.count(quote)
    if found == 0:
        return Problem(f"{where}.quote", "this passage is not in the text of the version given")
    if found > 1:
        return Problem(f"{where}.quote", f"this passage appears {found} times: quote enough to make it unique")
    start = text.index(quote)
    return start, start + len(quote)


def resolve_paragraphs(text: str, first: int, last: int, where: str) -> tuple[int, int] | Problem:
    spans = paragraph_spans(text)
    if not 1 <= first <= last <= len(spans):
        return Problem(f"{where}.paragraphs", f"the text has paragraphs 1 to {len(spans)}; give first <= last in it")
    return spans[first - 1][0], spans[last - 1][1]


def overlap(changes: Sequence[PassageChange]) -> int | None:
    """The index of a change overlapping an earlier one in the same language, or None."""
    for i, change in enumerate(changes):
        for other in changes[:i]:
            if other.language == change.language and change.start < other.end and other.start < change.end:
                return i
    return None


class Merge(NamedTuple):
    texts: dict[str, str]  # the texts with every change merged (where it could be)
    conflicts: list[int]  # the changes whose part has changed since the base version


def merge(current: Mapping[str, str], changes: Sequence[PassageChange], same_version: bool) -> Merge:
    """Merge `changes` into `current`. In the version they were written against, each applies where it was;
    after other edits, where its original part now stands, if it stands there exactly once and untouched."""
    placed: list[tuple[str, int, int, str]] = []
    conflicts: list[int] = []
    for i, change in enumerate(changes):
        text = current.get(change.language, "")
        if same_version and text[change.start : change.end] == change.original:
            placed.append((change.language, change.start, change.end, change.replacement))
        elif change.original and text.count(change.original) == 1:
            start = text.index(change.original)
            placed.append((change.language, start, start + len(change.original), change.replacement))
        elif not change.original and not text:  # a text that was empty, and still is
            placed.append((change.language, 0, 0, change.replacement))
        else:
            conflicts.append(i)
    texts = dict(current)
    # from the end of each text backwards, so the offsets of the parts still to merge stay true
    for language, start, end, replacement in sorted(placed, key=lambda p: (p[0], p[1]), reverse=True):
        texts[language] = texts[language][:start] + replacement + texts[language][end:]
    return Merge(texts, conflicts)


def unified_diff(before: str, after: str, label: str) -> str:
    """The change as a unified diff of lines (empty when nothing changes)."""
    if before == after:
        return ""
    lines = difflib.unified_diff(
        before.splitlines(keepends=True),
        after.splitlines(keepends=True),
        fromfile=f"{label} (current)",
        tofile=f"{label} (amended)",
    )
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)


def resolve(
    texts: Mapping[str, str],
    language: Language,
    quote: str | None,
    paragraphs: tuple[int, int] | None,
    replacement: str,
    where: str,
) -> PassageChange | Problem:
    """A part named by quote or paragraphs, pinned to its place in `texts` (the base version)."""
    if (quote is None) == (paragraphs is None):
        return Problem(where, "name the part by `quote` or by `paragraphs`, one of the two")
    text = texts.get(language, "")
    if quote is not None:
        span = resolve_quote(text, quote, where)
    else:
        assert paragraphs is not None
        span = resolve_paragraphs(text, paragraphs[0], paragraphs[1], where)
    if isinstance(span, Problem):
        return span
    start, end = span
    if text[start:end] == replacement:
        return Problem(f"{where}.replacement", "the replacement is the same as the part: nothing would change")
    return PassageChange(language=language, start=start, end=end, original=text[start:end], replacement=replacement)


def whole(texts: Mapping[str, str], proposed: Mapping[Language, str]) -> list[PassageChange]:
    """The whole text anew, as changes of each language's whole text that differs."""
    changes = []
    for lang, new in proposed.items():
        old = texts.get(lang, "")
        if new != old:
            changes.append(PassageChange(language=lang, start=0, end=len(old), original=old, replacement=new))
    return changes


def merged(amendment: Any, resolution: Any) -> Merge:
    """The amendment's changes merged into the resolution's current text (conflicting where a part changed)."""
    same = resolution["version"] == amendment["base_version"]
    return merge(texts_of(resolution), changes_of(amendment), same)
