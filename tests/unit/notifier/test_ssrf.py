"""The SSRF guard's pure decisions: which addresses a webhook may reach, and which URLs are well formed."""

from __future__ import annotations

import pytest

from notifier.webhooks.ssrf import Guard, RefusedTarget, parse_cidrs, split_url


def test_a_zone_index_does_not_hide_a_link_local_address() -> None:
    assert "link-local" in (Guard().refusal("fe80::1%eth0") or "")


def test_multicast_and_metadata_stay_refused_when_private_targets_are_allowed() -> None:
    private = Guard(allow_private=True)
    assert "multicast" in (private.refusal("239.1.2.3") or "")
    assert "metadata" in (private.refusal("::ffff:169.254.169.254") or "")
    assert private.refusal("192.168.1.10") is None


def test_an_allowed_cidr_is_matched_by_its_own_ip_version_only() -> None:
    guard = Guard(allow_cidrs=parse_cidrs("10.0.0.0/8"))
    assert guard.refusal("10.1.2.3") is None
    assert guard.refusal("::ffff:10.1.2.3") is None  # judged as the IPv4 address it carries
    assert guard.refusal("fd00::1") is not None


def test_check_address_raises_with_the_reason() -> None:
    with pytest.raises(RefusedTarget, match="loopback"):
        Guard().check_address("127.0.0.1")
    Guard().check_address("93.184.216.34")


@pytest.mark.parametrize(
    ("url", "host", "port"),
    [
        ("https://hooks.example.org/in", "hooks.example.org", 443),
        ("http://hooks.example.org/in", "hooks.example.org", 80),
        ("https://hooks.example.org:8443/in?x=1", "hooks.example.org", 8443),
        ("https://[2606:2800:220:1::1]/in", "2606:2800:220:1::1", 443),
    ],
)
def test_host_and_port_of_a_well_formed_url(url: str, host: str, port: int) -> None:
    assert split_url(url) == (host, port)


def test_an_overlong_url_is_refused() -> None:
    with pytest.raises(ValueError, match="2048"):
        split_url("https://example.org/" + "a" * 2048)
