"""Typesetting in a bounded pool of its own: each compile is a short-lived process of `typeset_worker.py`
(Python and Typst start in about 50 ms, nothing next to a compile), at most `workers` at once and at most
`waiting` more queued for one; past that a request is refused at once (503 + Retry-After) rather than
queued without end. A compile past `timeout_s`, or whose request is cancelled, has its process killed:
a thread could only be abandoned, still burning a core. Nothing here shares the event loop's default
executor, so password hashing and exports never wait behind a document."""

from __future__ import annotations

import asyncio
import contextlib
import sys
from pathlib import Path

from servicekit.http import Problem

WORKER = Path(__file__).with_name("typeset_worker.py")


class TypesettingFailed(Exception):
    """The compiler refused the source, or took too long."""


class Typesetter:
    def __init__(self, workers: int, waiting: int, timeout_s: float) -> None:
        self.workers = workers
        self.waiting = waiting
        self.timeout_s = timeout_s
        self._slots = asyncio.Semaphore(workers)
        self._queued = 0  # compiles waiting for a slot or running
        self.compiles = 0  # compiles started, for the metrics and the tests

    def busy(self) -> Problem:
        return Problem(
            503,
            "Typesetting busy",
            f"{self.workers} documents are being typeset and {self.waiting} more wait; retry shortly",
            headers={"Retry-After": "5"},
        )

    async def pdf(self, src: str, timestamp: int) -> bytes:
        """The PDF of this Typst source; `busy()` raised when the pool and its queue are full,
        TypesettingFailed when the compiler fails or outlasts the timeout."""
        if self._queued >= self.workers + self.waiting:
            raise self.busy()
        self._queued += 1
        try:
            async with self._slots:
                return await self._compile(src.encode(), timestamp)
        finally:
            self._queued -= 1

    async def _compile(self, src: bytes, timestamp: int) -> bytes:
        self.compiles += 1
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-I",
            str(WORKER),
            str(timestamp),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            out, err = await asyncio.wait_for(proc.communicate(src), self.timeout_s)
        except TimeoutError:
            raise TypesettingFailed(f"typesetting took longer than {self.timeout_s:g} s") from None
        finally:
            if proc.returncode is None:  # timed out or cancelled: the compile stops with its request
                with contextlib.suppress(ProcessLookupError):
                    proc.kill()
                await asyncio.shield(proc.wait())
        if proc.returncode != 0:
            raise TypesettingFailed(err.decode(errors="replace").strip() or f"exit status {proc.returncode}")
        return out
