"""The client's address behind our proxies: X-Forwarded-For is believed only as far as the hops are
proxies we trust, so a client cannot name an address of its choosing and escape a per-address limit."""

from __future__ import annotations

import re

import pytest

from servicekit.clients import client_address, limit_key, trusted_networks

OURS = trusted_networks("127.0.0.1, 10.0.0.0/8, ::1")


@pytest.mark.parametrize(
    ("remote", "forwarded", "client"),
    [
        ("203.0.113.7", [], "203.0.113.7"),  # no proxy
        ("203.0.113.7", ["198.51.100.1"], "203.0.113.7"),  # a client naming an address is not believed
        ("127.0.0.1", ["203.0.113.7"], "203.0.113.7"),  # behind HAProxy
        ("127.0.0.1", ["198.51.100.1, 203.0.113.7"], "203.0.113.7"),  # the client's own header, then HAProxy's hop
        ("127.0.0.1", ["198.51.100.1", "203.0.113.7"], "203.0.113.7"),  # the same in two header lines
        ("10.1.2.3", ["203.0.113.7, 127.0.0.1"], "203.0.113.7"),  # HAProxy, then meeting_svc's forwarding
        ("127.0.0.1", ["not-an-address, 203.0.113.7"], "203.0.113.7"),
        ("127.0.0.1", ["203.0.113.7, not-an-address"], "not-an-address"),  # garbage a trusted hop passed on
        ("127.0.0.1", [], "127.0.0.1"),  # a proxy asking for itself
        ("::ffff:203.0.113.7", [], "203.0.113.7"),
        ("::1", ["2001:db8::1"], "2001:db8::1"),
        ("127.0.0.1", ["[2001:db8::1]"], "2001:db8::1"),
    ],
)
def test_the_client_is_the_nearest_hop_that_is_not_ours(remote: str, forwarded: list[str], client: str) -> None:
    assert client_address(remote, forwarded, OURS) == client


def test_without_trusted_proxies_the_header_is_ignored() -> None:
    assert client_address("127.0.0.1", ["203.0.113.7"], ()) == "127.0.0.1"


def test_a_bad_setting_is_named() -> None:
    with pytest.raises(ValueError, match=re.escape("'10.0.0.300'")):
        trusted_networks("127.0.0.1, 10.0.0.300")


def test_an_ipv6_host_counts_as_its_whole_slash_64() -> None:
    assert limit_key("2001:db8:1:2::1") == limit_key("2001:db8:1:2:ffff::9") == "2001:db8:1:2::/64"
    assert limit_key("2001:db8:1:3::1") != limit_key("2001:db8:1:2::1")
    assert limit_key("203.0.113.7") == "203.0.113.7"
