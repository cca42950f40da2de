"""The PostgreSQL types that queries are written against.

A connection taken from a pool is a proxy, not an `asyncpg.Connection`, though it answers the same calls;
annotating with these aliases lets the type checker accept both and still check every call."""

from __future__ import annotations

from typing import Any, Protocol, TypeAlias

import asyncpg
from asyncpg.pool import PoolConnectionProxy

Row: TypeAlias = asyncpg.Record
Connection: TypeAlias = "asyncpg.Connection[asyncpg.Record] | PoolConnectionProxy[asyncpg.Record]"
Pool: TypeAlias = "asyncpg.Pool[asyncpg.Record]"
# where a single statement may run on the pool or on a connection the caller already holds
Executor: TypeAlias = "Connection | Pool"


class RowLike(Protocol):
    """A row read by column name, as pure rules read one: an asyncpg `Row` (which is no `Mapping`: it
    iterates over values) or a dict, so a rule runs on query results and is unit-tested with dicts."""

    def __getitem__(self, key: str, /) -> Any: ...
