"""Who is asking, by network address: the client's address as the nearest proxy we do not trust saw it.

Behind HAProxy (or meeting_svc's same-origin forwarding) every request comes from a proxy's address, and
the client's is in `X-Forwarded-For`, which each proxy appends to. Anyone can send that header, so it is
read from the right, one hop at a time, only as far as the hops are proxies named in `TRUSTED_PROXIES`:
the first address that is not one of ours is the client. Pure: no I/O."""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def trusted_networks(text: str) -> tuple[Network, ...]:
    """`TRUSTED_PROXIES`: comma-separated addresses or networks ("127.0.0.1, 10.0.0.0/8"); ValueError
    names the first that is neither."""
    networks = []
    for part in text.split(","):
        if part := part.strip():
            try:
                networks.append(ipaddress.ip_network(part, strict=False))
            except ValueError:
                raise ValueError(f"TRUSTED_PROXIES: {part!r} is not an address or a network") from None
    return tuple(networks)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        address = ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def client_address(remote: str | None, forwarded_for: Sequence[str], trusted: Sequence[Network]) -> str:
    """The client's address: `remote` (the peer of the connection) unless it is a trusted proxy, else
    the nearest hop of `forwarded_for` (every X-Forwarded-For header's entries, in order) that is not."""
    hops = [hop.strip() for header in forwarded_for for hop in header.split(",") if hop.strip()]
    chain = [*hops, remote or ""]
    for hop in reversed(chain):
        address = _address(hop)
        if address is None or not any(address in network for network in trusted):
            return str(address) if address is not None else hop
    return str(_address(chain[0]))


@dataclass(frozen=True)
class Clients:
    """How a service tells who is asking: the proxies it believes (`TRUSTED_PROXIES`) and the clients no
    limit counts (`RATE_LIMIT_EXEMPT`), read once from the settings."""

    trusted: tuple[Network, ...] = ()
    exempt: tuple[Network, ...] = ()

    @classmethod
    def of(cls, trusted_proxies: str, rate_limit_exempt: str) -> Clients:
        return cls(trusted_networks(trusted_proxies), trusted_networks(rate_limit_exempt))

    def address(self, remote: str | None, forwarded_for: Sequence[str]) -> str:
        return client_address(remote, forwarded_for, self.trusted)

    def is_exempt(self, address: str) -> bool:
        parsed = _address(address)
        return parsed is not None and any(parsed in network for network in self.exempt)


def limit_key(address: str) -> str:
    """The key a per-address limit counts under: an IPv4 address, or an IPv6 address's /64, since one
    host is commonly handed a whole /64 and could otherwise take a fresh address for every try."""
    parsed = _address(address)
    if isinstance(parsed, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network((parsed, 64), strict=False))
    return str(parsed) if parsed is not None else address
