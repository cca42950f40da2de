"""Hypothesis strategies: an email address typed the many ways that are the same address, for the tests of
the limits and lookups that go by its key (servicekit/identity.py)."""

from __future__ import annotations

from hypothesis import strategies as st

# How an address's letters may be typed: case, full width, the Kelvin sign, the long s, the dotted capital I
# (which is not an "i": its key keeps the dot, so it is another address, with counters of its own that
# guard no account of the plain one).
SPELLINGS = {"i": ["i", "I", "ｉ", "Ｉ"], "k": ["k", "K", "\u212a", "ｋ", "Ｋ"], "s": ["s", "S", "\u017f", "ｓ", "Ｓ"]}
DOTTED = {"i": ["İ"], "k": [], "s": []}


@st.composite
def spelling(draw: st.DrawFn, letters: str, dotted: bool = False) -> str:
    """`letters` (of "iks.-") and a domain, typed one of the ways that are the same address (or, `dotted`,
    also with İ for an i)."""
    domain = draw(st.sampled_from(["probe.example.org", "PROBE.Example.ORG", "ｐｒｏｂｅ.ｅｘａｍｐｌｅ.ｏｒｇ"]))
    typed = [
        draw(st.sampled_from(SPELLINGS[c] + (DOTTED[c] if dotted else []))) if c in SPELLINGS else c for c in letters
    ]
    return "".join(typed) + "@" + domain
