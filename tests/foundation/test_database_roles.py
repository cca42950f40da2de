"""Each service connects as its own PostgreSQL role, which reads its own schema (its tables and its
bus tables) and nothing of the other services."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from meeting_svc.app import create_app
from meeting_svc.settings import Settings
from servicekit.db_roles import SERVICES, own_schema, role_of, with_role
from servicekit.runtime import RUNTIME
from tests.conftest import settings_of


async def tables(admin: asyncpg.Connection, schema: str) -> list[str]:
    rows = await admin.fetch("select tablename from pg_tables where schemaname = $1 order by 1", schema)
    return [r["tablename"] for r in rows]


@pytest.mark.parametrize("service", SERVICES)
async def test_a_service_role_cannot_select_another_services_tables(database_url: str, service: str) -> None:
    admin = await asyncpg.connect(database_url)
    conn = await asyncpg.connect(with_role(database_url, role_of(service)))
    try:
        assert await conn.fetchval("select current_user") == role_of(service)
        assert not await conn.fetchval("select rolsuper from pg_roles where rolname = current_user")
        own = await tables(admin, service)
        assert {"outbox", "processed_events", "dead_letters", "idempotency_keys"} <= set(own)
        for table in own:  # its own tables, bus tables included
            await conn.fetchval(f'select count(*) from "{service}"."{table}"')
        for other in SERVICES:
            if other == service:
                continue
            theirs = await tables(admin, other)
            assert theirs
            for table in theirs:
                with pytest.raises(asyncpg.InsufficientPrivilegeError):
                    await conn.fetch(f'select * from "{other}"."{table}" limit 1')
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await conn.execute('create schema "elsewhere"')
    finally:
        await conn.close()
        await admin.close()


async def test_the_running_service_connects_as_its_role(
    env: dict[str, Any], start_service: Callable[[web.Application], Awaitable[TestClient[Any, Any]]]
) -> None:
    app = create_app(settings_of(Settings, env))
    await start_service(app)
    pool = app[RUNTIME].pool
    assert pool is not None
    assert await pool.fetchval("select current_user") == role_of("meeting")
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await pool.fetch("select * from resolution.ballots limit 1")


async def test_a_schema_made_by_the_administrator_is_handed_to_the_role(database_url: str) -> None:
    """What an existing deployment has: every object created by the administrator."""
    admin = await asyncpg.connect(database_url)
    role = role_of("meeting")
    try:
        await admin.execute(
            """create schema legacy;
               create table legacy.rows (seq bigserial primary key, note text);
               create view legacy.notes as select note from legacy.rows;
               create function legacy.touch() returns trigger language plpgsql as $$ begin return null; end $$;"""
        )
        await own_schema(admin, "legacy", role)
        owners = await admin.fetch(
            """select pg_get_userbyid(c.relowner) as owner from pg_class c join pg_namespace n on n.oid = c.relnamespace
               where n.nspname = 'legacy'
               union all select pg_get_userbyid(nspowner) from pg_namespace where nspname = 'legacy'
               union all select pg_get_userbyid(p.proowner) from pg_proc p join pg_namespace n on n.oid = p.pronamespace
               where n.nspname = 'legacy'"""
        )
        assert len(owners) >= 5 and {r["owner"] for r in owners} == {role}
        conn = await asyncpg.connect(with_role(database_url, role))
        try:
            await conn.execute("insert into legacy.rows (note) values ('kept')")
            assert await conn.fetchval("select note from legacy.notes") == "kept"
        finally:
            await conn.close()
    finally:
        await admin.close()
