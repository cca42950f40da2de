"""A poll's rules are data: options, the base the threshold is measured against, the threshold, and an
optional quorum (DESIGN §5)."""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Literal

import msgspec

Base = Literal["cast", "yes_no", "present", "eligible"]
Threshold = Literal["simple", "two_thirds", "three_quarters", "unanimous"]


class QuorumRule(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    # weight checked in when the poll closes, or weight that cast a ballot
    of: Literal["present", "participating"] = "present"
    minimum_weight: int | None = None
    minimum_count: int | None = None  # by head count: how many voters (present, or who cast a ballot)
    fraction: str | None = None  # of eligible weight, exact, e.g. "1/2"


class PollRules(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    options: list[str] = msgspec.field(default_factory=lambda: ["yes", "no", "abstain"])
    base: Base = "cast"
    threshold: Threshold = "simple"
    quorum: QuorumRule | None = None


# `p/q` with small integers, or a decimal with few digits. Fraction() alone also takes exponents, and
# `1e-10000000` would take it seconds of the event loop to build (and again at every tally).
FRACTION = re.compile(r"[0-9]{1,6}/[0-9]{1,6}|[0-9]{1,6}(?:\.[0-9]{1,6})?|\.[0-9]{1,6}")


CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def parse_fraction(text: str) -> Fraction | None:
    """A share of the eligible weight in (0, 1], or None when `text` is outside the grammar or range."""
    text = text.strip()
    if len(text) > 20 or FRACTION.fullmatch(text) is None:
        return None
    try:
        value = Fraction(text)
    except (ValueError, ZeroDivisionError):
        return None
    return value if 0 < value <= 1 else None


def validate(rules: PollRules) -> tuple[str, str] | None:
    """(field, problem) of rules that cannot be applied, or None."""
    if "yes" not in rules.options or "no" not in rules.options:
        return "rules.options", "a motion needs the options yes and no"
    if len(set(rules.options)) != len(rules.options) or any(not o or len(o) > 100 for o in rules.options):
        return "rules.options", "options must be distinct, non-empty and short"
    if any(CONTROL.search(o) for o in rules.options) or len(rules.options) > 20:
        return "rules.options", "at most 20 options, each one line of text without control characters"
    quorum = rules.quorum
    if quorum is not None:
        if quorum.minimum_weight is None and quorum.minimum_count is None and quorum.fraction is None:
            return "rules.quorum", "give minimum_weight, minimum_count, fraction or several"
        if quorum.minimum_weight is not None and quorum.minimum_weight < 1:
            return "rules.quorum.minimum_weight", "must be at least 1"
        if quorum.minimum_count is not None and quorum.minimum_count < 1:
            return "rules.quorum.minimum_count", "must be at least 1"
        if quorum.fraction is not None and parse_fraction(quorum.fraction) is None:
            return "rules.quorum.fraction", "a share in (0, 1] as p/q or a short decimal, e.g. 1/2 or 0.5"
    return None
