"""Ordered SQL migrations per service schema, applied at start under an advisory lock.

A service's schema is built from components, each a folder of `NNN_name.sql` files: first the bus
tables shared by every service, then the service's own. Applied versions are recorded; a database
that has a version this code does not know stops the service (it was migrated by newer code).
"""

from __future__ import annotations

import re
from pathlib import Path

import structlog

from servicekit import pg

log = structlog.get_logger("migrations")

BUS_SQL = Path(__file__).resolve().parent.parent / "schemas" / "sql"
_NAME = re.compile(r"^(\d{3})_[\w-]+\.sql$")


class SchemaTooNew(RuntimeError):
    pass


def _files(folder: Path) -> list[tuple[int, Path]]:
    found = []
    for path in sorted(folder.glob("*.sql")):
        m = _NAME.match(path.name)
        if not m:
            raise ValueError(f"migration file name must look like 001_name.sql: {path.name}")
        found.append((int(m.group(1)), path))
    return found


async def migrate(conn: pg.Connection, schema: str, components: dict[str, Path]) -> list[str]:
    """Apply what is missing; return the names applied. `conn` must not be in a transaction."""
    applied_now: list[str] = []
    await conn.execute("select pg_advisory_lock(hashtext($1))", f"migrate:{schema}")
    try:
        # A service role owns its schema but may not create schemas (servicekit.db_roles): only create it
        # when it is missing (`create schema if not exists` would need that privilege anyway).
        if not await conn.fetchval("select true from pg_namespace where nspname = $1", schema):
            await conn.execute(f'create schema "{schema}"')
        await conn.execute(f'set search_path to "{schema}"')
        await conn.execute(
            "create table if not exists schema_migrations ("
            " component text not null, version int not null, name text not null,"
            " applied_at timestamptz not null default now(), primary key (component, version))"
        )
        rows = await conn.fetch("select component, version from schema_migrations")
        done = {(r["component"], r["version"]) for r in rows}
        for component, folder in components.items():
            files = _files(folder)
            known = {v for v, _ in files}
            unknown = sorted(v for c, v in done if c == component and v not in known)
            if unknown:
                raise SchemaTooNew(
                    f"schema {schema!r} has {component} migration(s) {unknown} this version does not know;"
                    " refusing to start against a newer database"
                )
            for version, path in files:
                if (component, version) in done:
                    continue
                async with conn.transaction():
                    await conn.execute(path.read_text(encoding="utf-8"))
                    await conn.execute(
                        "insert into schema_migrations (component, version, name) values ($1, $2, $3)",
                        component,
                        version,
                        path.name,
                    )
                applied_now.append(f"{component}/{path.name}")
                log.info("migration applied", schema=schema, component=component, file=path.name)
    finally:
        await conn.execute("select pg_advisory_unlock(hashtext($1))", f"migrate:{schema}")
    return applied_now
