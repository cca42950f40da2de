"""Run a service's app with uvloop; SIGINT/SIGTERM stop it gracefully (stop accepting, finish
in-flight requests, then the cleanup contexts: relay flush, NATS drain, pool close)."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Callable
from typing import TypeVar

import uvloop
from aiohttp import web

from servicekit import logs
from servicekit.runtime import RUNTIME
from servicekit.settings import CommonSettings, load

S = TypeVar("S", bound=CommonSettings)


def serve(service: str, settings_cls: type[S], create_app: Callable[[S], web.Application]) -> None:
    settings = load(settings_cls)
    logs.configure(service, settings.log_level)
    asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    app = create_app(settings)
    fatal: list[str] = []

    def stop_for_good(reason: str) -> None:
        fatal.append(reason)
        signal.raise_signal(signal.SIGTERM)

    app[RUNTIME].on_fatal = stop_for_good
    web.run_app(
        app,
        host=settings.host,
        port=settings.port,
        shutdown_timeout=settings.shutdown_timeout_s,
        access_log=None,
        print=lambda _: None,
    )
    if fatal:
        raise SystemExit(f"{service} stopped: {fatal[0]}")
