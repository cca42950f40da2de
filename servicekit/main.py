"""Run a service's app with uvloop. SIGTERM drains first: `/readyz` answers 503 for `shutdown_drain_s`
while requests are still served, so a load balancer takes the replica out of rotation before its
listener closes; then the graceful stop (stop accepting, finish in-flight requests and consumer
batches, then the cleanup contexts: relay flush, NATS drain, pool close). SIGINT, or a second signal
during the drain, skips what is left of the drain."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Callable
from typing import TypeVar

import structlog
import uvloop
from aiohttp import web

from servicekit import logs
from servicekit.runtime import RUNTIME
from servicekit.settings import CommonSettings, load

S = TypeVar("S", bound=CommonSettings)

log = structlog.get_logger("runtime")


def server_runner(app: web.Application, settings: CommonSettings) -> web.AppRunner:
    """The HTTP server as every service runs it: no access log (the JSON logs say enough), a graceful stop
    bounded by `shutdown_timeout_s`, and an idle connection, or one whose request head is still
    incomplete, closed after `http_idle_timeout_s` (aiohttp's keep-alive timer runs from a connection's
    start and from each answer, and only a whole head stops it)."""
    return web.AppRunner(
        app,
        access_log=None,
        shutdown_timeout=settings.shutdown_timeout_s,
        keepalive_timeout=settings.http_idle_timeout_s,
    )


async def run(app: web.Application, settings: CommonSettings) -> str | None:
    """Serve `app` until a signal (or a fatal start) and stop it; the fatal reason, if any."""
    runtime = app[RUNTIME]
    loop = asyncio.get_running_loop()
    stop, skip_drain = asyncio.Event(), asyncio.Event()
    fatal: list[str] = []
    signals: list[signal.Signals] = []

    def on_signal(sig: signal.Signals) -> None:
        signals.append(sig)
        if sig == signal.SIGINT or len(signals) > 1:
            skip_drain.set()
        stop.set()

    def stop_for_good(reason: str) -> None:
        fatal.append(reason)
        skip_drain.set()  # never ready: nothing to drain
        stop.set()

    runtime.on_fatal = stop_for_good
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, on_signal, sig)
    runner = server_runner(app, settings)
    await runner.setup()
    try:
        await web.TCPSite(runner, settings.host, settings.port).start()
        await stop.wait()
        if not skip_drain.is_set() and settings.shutdown_drain_s > 0:
            runtime.draining = True
            log.info("draining: not ready, still serving", seconds=settings.shutdown_drain_s)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(skip_drain.wait(), settings.shutdown_drain_s)
    finally:
        await runner.cleanup()
    return fatal[0] if fatal else None


def serve(service: str, settings_cls: type[S], create_app: Callable[[S], web.Application]) -> None:
    settings = load(settings_cls)
    logs.configure(service, settings.log_level)
    asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    fatal = asyncio.run(run(create_app(settings), settings))
    if fatal:
        raise SystemExit(f"{service} stopped: {fatal}")
