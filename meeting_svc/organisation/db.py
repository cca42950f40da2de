"""SQL of the organisation and its departments. Functions take a connection so callers decide
the transaction."""

from __future__ import annotations

import uuid
from typing import Any

from servicekit import pg


async def ensure_organisation(conn: pg.Connection, name: str) -> uuid.UUID:
    return await conn.fetchval(
        "insert into organisations (id, name) values ($1, $2)"
        " on conflict (name) do update set name = excluded.name returning id",
        uuid.uuid4(),
        name,
    )


async def departments(conn: pg.Executor, org: uuid.UUID) -> list[pg.Row]:
    return await conn.fetch(
        "select id, code, name_vi, name_en, parent_id from departments where organisation_id = $1"
        " order by parent_id nulls first, code, name_vi",
        org,
    )


async def department(conn: pg.Executor, org: uuid.UUID, dep: uuid.UUID) -> pg.Row | None:
    return await conn.fetchrow(
        "select id, code, name_vi, name_en, parent_id from departments where organisation_id = $1 and id = $2", org, dep
    )


async def insert_department(conn: pg.Connection, org: uuid.UUID, values: dict[str, Any]) -> pg.Row:
    row = await conn.fetchrow(
        "insert into departments (id, organisation_id, code, name_vi, name_en, parent_id, announced)"
        " values ($1, $2, $3, $4, $5, $6, true) returning id, code, name_vi, name_en, parent_id, version",
        uuid.uuid4(),
        org,
        values["code"],
        values["name_vi"],
        values["name_en"],
        values["parent_id"],
    )
    assert row is not None  # the statement returns the row it wrote
    return row


async def update_department(conn: pg.Connection, dep: uuid.UUID, values: dict[str, Any]) -> pg.Row:
    row = await conn.fetchrow(
        "update departments set code = $2, name_vi = $3, name_en = $4, version = version + 1 where id = $1"
        " returning id, code, name_vi, name_en, parent_id, version",
        dep,
        values["code"],
        values["name_vi"],
        values["name_en"],
    )
    assert row is not None  # the statement returns the row it wrote
    return row


async def take_unannounced_departments(conn: pg.Connection) -> list[pg.Row]:
    """Departments made before departments were announced, marked announced in the caller's transaction
    (which writes their events); another replica doing the same at once skips the rows taken here."""
    return await conn.fetch(
        "update departments set announced = true where id in"
        " (select id from departments where not announced for update skip locked)"
        " returning id, organisation_id, code, name_vi, name_en, parent_id, version"
    )
