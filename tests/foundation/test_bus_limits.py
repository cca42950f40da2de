"""The bus is not an archive: streams keep events for a configured age, key-value entries expire,
and a deployment whose streams or bucket were made without those limits gets them at start."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import nats.js.errors
from aiohttp import web
from aiohttp.test_utils import TestClient
from nats.aio.client import Client as NATS
from nats.js import JetStreamContext
from nats.js.api import KeyValueConfig, StreamConfig

from meeting_svc.app import create_app
from meeting_svc.settings import Settings
from schemas.subjects import STREAMS, Subjects
from servicekit.revocations import bucket_name
from servicekit.runtime import RUNTIME
from tests.conftest import settings_of, wait_for


async def test_existing_streams_and_bucket_get_the_age_limits(
    env: dict[str, Any],
    namespace: str,
    js: tuple[NATS, JetStreamContext],
    start_service: Callable[[web.Application], Awaitable[TestClient[Any, Any]]],
) -> None:
    _, jsc = js
    subjects = Subjects(namespace)
    # What an older deployment made: no age limit anywhere.
    for stream in STREAMS:
        old = subjects.stream_config(stream)
        await jsc.add_stream(StreamConfig(name=old.name, subjects=old.subjects))
    bucket = f"{namespace}_REVOKED_TOKENS"
    await jsc.create_key_value(KeyValueConfig(bucket=bucket, history=1))
    assert (await jsc.stream_info(f"KV_{bucket}")).config.max_age in (None, 0)

    app = create_app(settings_of(Settings, env, stream_max_age_s=3600, kv_ttl_s=600))
    await start_service(app)
    assert bucket_name(app[RUNTIME]) == bucket
    for stream in STREAMS:
        info = await jsc.stream_info(subjects.stream_name(stream))
        assert info.config.max_age == 3600

    async def bucket_expires() -> bool:
        with_limit = await jsc.stream_info(f"KV_{bucket}")
        return with_limit.config.max_age == 600

    await wait_for(bucket_expires, what="the revocation bucket's TTL")


async def test_a_new_deployment_gets_the_documented_defaults(
    env: dict[str, Any],
    namespace: str,
    js: tuple[NATS, JetStreamContext],
    start_service: Callable[[web.Application], Awaitable[TestClient[Any, Any]]],
) -> None:
    _, jsc = js
    await start_service(create_app(settings_of(Settings, env)))
    subjects = Subjects(namespace)
    for stream in STREAMS:
        assert (await jsc.stream_info(subjects.stream_name(stream))).config.max_age == 14 * 86400

    async def bucket_made() -> bool:
        try:
            return (await jsc.stream_info(f"KV_{namespace}_REVOKED_TOKENS")).config.max_age == 86400
        except nats.js.errors.NotFoundError:
            return False

    await wait_for(bucket_made, what="the revocation bucket with its TTL")
