"""How many live streams may be open at once: per caller credential (the participant session or organiser
token a stream is opened with), per client address, and in all, counted by this process. A stream takes a
slot before it starts and gives it back when it ends; one over a limit is refused. Pure: no I/O.

Counting is this process's own (a replica counts the streams it holds): a stream is a connection held by
one process for as long as it is open, not a rate, so there is nothing to share between replicas."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Literal

# Which limit refused a stream: for the log, never for the client (it would tell about other sessions).
Limit = Literal["per session", "per address", "total"]


@dataclass(frozen=True)
class StreamLimits:
    per_session: int  # streams at once; 0: not limited
    per_address: int
    total: int


@dataclass(eq=False)
class Slot:
    """One open stream's place: under its session's key and, unless its address is not counted, its address's."""

    session: str
    address: str | None


@dataclass
class StreamSlots:
    limits: StreamLimits
    _held: set[Slot] = field(default_factory=set)
    _sessions: Counter[str] = field(default_factory=Counter)
    _addresses: Counter[str] = field(default_factory=Counter)

    @property
    def open(self) -> int:
        return len(self._held)

    def by_session(self, session: str) -> int:
        return self._sessions[session]

    def by_address(self, address: str) -> int:
        return self._addresses[address]

    def acquire(self, session: str, address: str | None) -> Slot | Limit:
        """A slot for one more stream of `session` from `address` (None: an address not counted), or the
        limit it would go over (and nothing taken)."""
        if _full(self.open, self.limits.total):
            return "total"
        if _full(self._sessions[session], self.limits.per_session):
            return "per session"
        if address is not None and _full(self._addresses[address], self.limits.per_address):
            return "per address"
        slot = Slot(session, address)
        self._held.add(slot)
        self._sessions[session] += 1
        if address is not None:
            self._addresses[address] += 1
        return slot

    def release(self, slot: Slot) -> None:
        """Give `slot` back; a slot already given back is ignored, so every way out may release it."""
        if slot not in self._held:
            return
        self._held.discard(slot)
        _take_one(self._sessions, slot.session)
        if slot.address is not None:
            _take_one(self._addresses, slot.address)


def _full(count: int, limit: int) -> bool:
    return limit > 0 and count >= limit


def _take_one(counts: Counter[str], key: str) -> None:
    counts[key] -= 1
    if counts[key] <= 0:
        del counts[key]  # no key kept for a session or an address with nothing open
