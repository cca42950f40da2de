"""The PostgreSQL types that queries are written against.

A connection taken from a pool is a proxy, not an `asyncpg.Connection`, though it answers the same calls;
annotating with these aliases lets the type checker accept both and still check every call."""

from __future__ import annotations

from typing import TypeAlias

import asyncpg
from asyncpg.pool import PoolConnectionProxy

Row: TypeAlias = asyncpg.Record
Connection: TypeAlias = "asyncpg.Connection[asyncpg.Record] | PoolConnectionProxy[asyncpg.Record]"
Pool: TypeAlias = "asyncpg.Pool[asyncpg.Record]"
# where a single statement may run on the pool or on a connection the caller already holds
Executor: TypeAlias = "Connection | Pool"
