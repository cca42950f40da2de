"""One PostgreSQL role per service, owning its own schema and nothing else.

Each service keeps its tables (its own and its bus tables: outbox, processed events, dead letters,
idempotency keys) in the schema named after it. Its role owns that schema, so it can migrate and use
it, and has no privilege on any other schema: a leaked service password, or a bug, reads one
service's data at most, and resolution_svc's ballots are out of reach of the other two.

An administrator (a superuser, or a role with CREATEROLE that owns the database) runs
`prepare_service` once per service and database: `make run` and the tests do, and operations.md
shows the SQL for a production database.
"""

from __future__ import annotations

import urllib.parse

import asyncpg

from servicekit import pg

SERVICES = ("meeting", "resolution", "notifier")


def role_of(service: str) -> str:
    return f"hoinghi_{service}"


def with_role(url: str, role: str, password: str | None = None) -> str:
    """`url` connecting as `role` instead of its user (host, port, database and options kept)."""
    parts = urllib.parse.urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    user = urllib.parse.quote(role, safe="")
    if password:
        user += ":" + urllib.parse.quote(password, safe="")
    return urllib.parse.urlunsplit(parts._replace(netloc=f"{user}@{host}"))


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


async def ensure_role(admin: pg.Connection, role: str, password: str | None = None) -> None:
    """A login role with no other power; roles are cluster-wide, so several databases (or test runs)
    may race to create it: the loser finds it made."""
    exists = await admin.fetchval("select true from pg_roles where rolname = $1", role)
    if not exists:
        try:
            await admin.execute(
                f"create role {_ident(role)} login nosuperuser nocreatedb nocreaterole noinherit noreplication"
            )
        except (asyncpg.DuplicateObjectError, asyncpg.UniqueViolationError):
            pass
    if password is not None:
        literal = "'" + password.replace("'", "''") + "'"
        await admin.execute(f"alter role {_ident(role)} password {literal}")


async def own_schema(conn: pg.Connection, schema: str, role: str) -> None:
    """`schema` in `conn`'s database, owned by `role` with everything in it. A schema made by an older
    version as the administrator is handed over, tables, sequences, views and functions included."""
    owner = await conn.fetchval("select pg_get_userbyid(nspowner) from pg_namespace where nspname = $1", schema)
    if owner is None:
        await conn.execute(f"create schema {_ident(schema)} authorization {_ident(role)}")
        return
    if owner != role:
        await conn.execute(f"alter schema {_ident(schema)} owner to {_ident(role)}")
    objects = await conn.fetch(
        """select c.relname as name, case c.relkind when 'S' then 'sequence' when 'v' then 'view'
                  when 'm' then 'materialized view' else 'table' end as kind
           from pg_class c join pg_namespace n on n.oid = c.relnamespace
           where n.nspname = $1 and c.relkind in ('r', 'p', 'v', 'm', 'S', 'f')
             and pg_get_userbyid(c.relowner) <> $2
             and not (c.relkind = 'S' and exists (
                 select 1 from pg_depend d where d.objid = c.oid and d.deptype in ('a', 'i')))""",
        schema,
        role,
    )
    for o in objects:
        await conn.execute(f"alter {o['kind']} {_ident(schema)}.{_ident(o['name'])} owner to {_ident(role)}")
    functions = await conn.fetch(
        """select p.oid::regprocedure::text as signature from pg_proc p join pg_namespace n on n.oid = p.pronamespace
           where n.nspname = $1 and pg_get_userbyid(p.proowner) <> $2""",
        schema,
        role,
    )
    for f in functions:
        await conn.execute(f"alter function {f['signature']} owner to {_ident(role)}")


async def prepare_service(
    admin: pg.Connection, service: str, role: str | None = None, password: str | None = None
) -> str:
    """The service's role and its schema in `admin`'s database; returns the role's name."""
    role = role or role_of(service)
    await ensure_role(admin, role, password)
    await own_schema(admin, service, role)
    return role
