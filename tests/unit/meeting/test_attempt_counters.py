"""The keys an unauthenticated attempt (sign-in, password reset) is counted under: one per address however
it is typed, one per account, one per client address (IPv6 by its /64)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from meeting_svc.accounts.rules import RESET_LINK, RESET_REQUEST, SIGN_IN
from tests.identities import spelling


@settings(max_examples=300)
@given(st.text("iks.-", min_size=1, max_size=20).filter(lambda t: t[0] not in ".-"), st.data())
def test_every_spelling_of_an_address_counts_under_its_one_key(letters: str, data: st.DataObject) -> None:
    plain = letters + "@probe.example.org"
    typed = data.draw(spelling(letters))
    for counters in (SIGN_IN, RESET_REQUEST, RESET_LINK):
        assert counters.email(typed) == counters.email(plain)
    dotted = data.draw(spelling(letters, dotted=True))
    if "İ" in dotted:  # another address: it may have counters of its own, never the plain one's
        assert SIGN_IN.email(dotted) != SIGN_IN.email(plain)
        assert SIGN_IN.email(dotted) == SIGN_IN.email(dotted.replace("İ", "i\u0307"))


def test_the_kinds_of_counters_and_their_keys_are_apart() -> None:
    keys = {c.address("2001:db8::1") for c in (SIGN_IN, RESET_REQUEST, RESET_LINK)} | {
        c.email("an@example.org") for c in (SIGN_IN, RESET_REQUEST, RESET_LINK)
    }
    assert len(keys) == 6
    assert SIGN_IN.email("An@Example.org") == "email:an@example.org"  # sign-in's keys as before
    assert SIGN_IN.address("192.0.2.7") == "addr:192.0.2.7"
    # one host's IPv6 /64 is one client address
    assert SIGN_IN.address("2001:db8::1") == SIGN_IN.address("2001:db8::ffff") == "addr:2001:db8::/64"
    assert SIGN_IN.account("o1") != RESET_REQUEST.account("o1")
