"""An address has one key whatever way it is typed, and two different addresses never share one: the
key is what sign-in limits, password resets and uniqueness count by."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from servicekit.identity import email_key


@pytest.mark.parametrize(
    ("typed", "same_as"),
    [
        ("Chu.Tich@Quatest2.vn", "chu.tich@quatest2.vn"),
        ("  chu.tich@quatest2.vn ", "chu.tich@quatest2.vn"),
        ("ｃｈｕ．ｔｉｃｈ＠ｑｕａｔｅｓｔ２．ｖｎ", "chu.tich@quatest2.vn"),  # full-width
        ("STRASSE@example.org", "straße@example.org"),  # full case folding
        ("nguyễn@example.vn", "nguye\u0302\u0303n@example.vn"),  # composed or decomposed
    ],
)
def test_one_key_however_an_address_is_typed(typed: str, same_as: str) -> None:
    assert email_key(typed) == email_key(same_as)


def test_a_dotted_capital_i_is_not_an_i() -> None:
    # The lockout bypass: "İ" folded two ways gave one account many counters. Here it has one key,
    # and that key is not the plain "i" address's (so it finds no account of that address either).
    assert email_key("İİİ@probe.example.org") == email_key("i̇i̇i̇@probe.example.org")
    assert email_key("İİİ@probe.example.org") != email_key("iii@probe.example.org")


VARIANTS = {"i": ["i", "I", "İ", "ｉ", "Ｉ"], "s": ["s", "S", "ſ", "ｓ"], "k": ["k", "K", "K", "ｋ"]}


@given(st.lists(st.sampled_from(sorted(VARIANTS)), min_size=1, max_size=12), st.data())
def test_every_variant_of_an_address_has_the_key_of_one_spelling(letters: list[str], data: st.DataObject) -> None:
    """However the letters of an address are varied (case, width, the Kelvin sign, the long s, the dotted
    capital I), its key is the key of one plain spelling, so a limit keyed by it cannot be multiplied."""
    typed = "".join(data.draw(st.sampled_from(VARIANTS[c])) for c in letters) + "@probe.example.org"
    key = email_key(typed)
    assert key == email_key(key)  # a key is its own key
    plain = key.replace("i\u0307", "i")
    assert plain == "".join(letters) + "@probe.example.org"


@given(st.text(min_size=1, max_size=30))
def test_a_key_is_stable_and_normal(text: str) -> None:
    key = email_key(text)
    assert email_key(key) == key
    assert unicodedata.is_normalized("NFKC", key)
