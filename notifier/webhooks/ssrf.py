"""The SSRF guard: webhook targets must be public addresses after DNS resolution.

Refused unless an allow-list permits them: loopback, private (RFC 1918, ULA), link-local, multicast,
unspecified, reserved, shared (CGNAT) and documentation ranges, and cloud metadata endpoints.
IPv4-mapped/compatible IPv6 addresses are judged as the IPv4 address they carry. The check runs
when a subscription is created or changed AND at every delivery: the connection goes only to the
addresses that were checked, so a DNS answer that changes between check and connect cannot
redirect a delivery (DNS rebinding).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import urllib.parse
from collections.abc import Iterable
from typing import Any

from aiohttp.abc import AbstractResolver, ResolveResult

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

# Metadata services reachable from inside clouds; refused even when private targets are allowed.
METADATA = (
    ipaddress.ip_network("169.254.169.254/32"),  # AWS, GCP, Azure, OpenStack, DigitalOcean
    ipaddress.ip_network("169.254.170.2/32"),  # AWS ECS task metadata
    ipaddress.ip_network("100.100.100.200/32"),  # Alibaba Cloud
    ipaddress.ip_network("fd00:ec2::254/128"),  # AWS over IPv6
)
METADATA_HOSTS = frozenset({"metadata.google.internal", "metadata", "instance-data", "instance-data.ec2.internal"})


class RefusedTarget(OSError):
    """A webhook target the guard refuses; the message says why."""


def parse_cidrs(text: str) -> list[Network]:
    return [ipaddress.ip_network(part.strip(), strict=False) for part in text.split(",") if part.strip()]


def _unmapped(ip: IPAddress) -> IPAddress:
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return ip.ipv4_mapped
        # IPv4-compatible (::a.b.c.d, deprecated) and NAT64 well-known prefix carry an IPv4 address too
        packed = ip.packed
        if packed[:12] == bytes(12) and int(ip) > 1:
            return ipaddress.IPv4Address(packed[12:])
        if ip in ipaddress.ip_network("64:ff9b::/96"):
            return ipaddress.IPv4Address(packed[12:])
    return ip


class Guard:
    def __init__(self, allow_private: bool = False, allow_cidrs: Iterable[Network] = ()) -> None:
        self.allow_private = allow_private
        self.allow_cidrs = list(allow_cidrs)

    def refusal(self, address: str) -> str | None:
        """None when a connection to `address` is permitted; else the reason it is not."""
        ip = _unmapped(ipaddress.ip_address(address.split("%", 1)[0]))
        if any(ip in net for net in self.allow_cidrs if net.version == ip.version):
            return None
        if any(ip in net for net in METADATA if net.version == ip.version):
            return f"{ip} is a cloud metadata address"
        if ip.is_multicast:
            return f"{ip} is a multicast address"
        if self.allow_private:
            return None
        for test, what in (
            (ip.is_loopback, "loopback"),
            (ip.is_link_local, "link-local"),
            (ip.is_unspecified, "unspecified"),
            (ip.is_private, "private"),
            (ip.is_reserved, "reserved"),
            (not ip.is_global, "non-public"),
        ):
            if test:
                return f"{ip} is a {what} address"
        return None

    def check_address(self, address: str) -> None:
        reason = self.refusal(address)
        if reason:
            raise RefusedTarget(reason)

    async def resolve(self, host: str, port: int) -> list[tuple[int, str]]:
        """(family, address) of every address `host` resolves to; refused if ANY of them is refused."""
        if host.lower().rstrip(".") in METADATA_HOSTS:
            raise RefusedTarget(f"{host} is a cloud metadata host")
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except socket.gaierror as exc:
            raise RefusedTarget(f"{host} does not resolve: {exc.strerror}") from None
        found: list[tuple[int, str]] = []
        for family, _, _, _, sockaddr in infos:
            address = str(sockaddr[0])
            self.check_address(address)
            if (family, address) not in found:
                found.append((family, address))
        if not found:
            raise RefusedTarget(f"{host} has no address")
        return found

    async def check_url(self, url: str) -> None:
        """Raise ValueError for a malformed URL, RefusedTarget for a refused target."""
        host, port = split_url(url)
        await self.resolve(host, port)


def split_url(url: str) -> tuple[str, int]:
    """Host and port of an absolute http(s) URL; ValueError says what is wrong."""
    if len(url) > 2048:
        raise ValueError("the URL is longer than 2048 characters")
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise ValueError(f"malformed URL: {exc}") from None
    if parts.scheme not in ("http", "https"):
        raise ValueError("the URL must start with http:// or https://")
    if not parts.hostname:
        raise ValueError("the URL has no host")
    if parts.username or parts.password:
        raise ValueError("credentials in the URL are not accepted; verify the signature instead")
    if any(c.isspace() for c in url):
        raise ValueError("the URL contains white space")
    return parts.hostname, port or (443 if parts.scheme == "https" else 80)


class GuardedResolver(AbstractResolver):
    """aiohttp resolver that only ever returns addresses the guard permits."""

    def __init__(self, guard: Guard) -> None:
        self._guard = guard

    async def resolve(self, host: str, port: int = 0, family: int = socket.AF_INET) -> list[ResolveResult]:
        results: list[ResolveResult] = []
        for fam, address in await self._guard.resolve(host, port):
            if family not in (socket.AF_UNSPEC, fam) and family != 0:
                continue
            results.append(
                ResolveResult(hostname=host, host=address, port=port, family=fam, proto=0, flags=socket.AI_NUMERICHOST)
            )
        if not results:
            raise RefusedTarget(f"{host} has no usable address")
        return results

    async def close(self) -> None:
        return None


def describe(exc: Any) -> str:
    return str(exc) or type(exc).__name__
