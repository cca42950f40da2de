"""Drive an HTTP endpoint with wrk (Debian's `wrk`): one ballot per token, a fixed number of connections,
and the latency distribution wrk measures."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shutil
import signal
from collections.abc import Awaitable, Callable
from pathlib import Path

WRK_SCRIPT = Path(__file__).resolve().parent / "wrk" / "ballots.lua"
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) a process has used: on a shared machine a steadier measure of what a
    request costs than the rate, which follows whatever else the machine is doing."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def require_wrk() -> str:
    wrk = shutil.which("wrk")
    if wrk is None:
        raise SystemExit("this benchmark drives load with wrk: apt-get install wrk")
    return wrk


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()  # type: ignore[union-attr]
    return float(value) * UNITS[unit]


async def ballots(
    base_url: str,
    path: str,
    tokens: list[str],
    workdir: Path,
    finished: Callable[[], Awaitable[bool]],
    connections: int = 64,
) -> dict[str, float]:
    """POST one ballot per token; answers requests, seconds, requests_per_s, p50_ms, p99_ms, non_2xx.

    wrk runs for a fixed duration even when its threads are done, so `finished` is polled and wrk is
    interrupted (it then reports what it measured up to that moment)."""
    token_file = workdir / f"tokens-{abs(hash(path))}.txt"
    token_file.write_text("\n".join(tokens) + "\n")
    threads = 2
    proc = await asyncio.create_subprocess_exec(
        require_wrk(), f"-t{threads}", f"-c{connections}", "-d120s", "--latency", "--timeout", "10s",
        "-s", str(WRK_SCRIPT), base_url, "--", path, str(threads), str(token_file),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip

    async def interrupt_when_finished() -> None:
        for _ in range(6000):  # bounded: 120 s
            if await finished():
                break
            await asyncio.sleep(0.02)
        with contextlib.suppress(ProcessLookupError):  # wrk may have ended on its own (its 120 s are up)
            proc.send_signal(signal.SIGINT)

    watcher = asyncio.create_task(interrupt_when_finished())
    out, _ = await asyncio.wait_for(proc.communicate(), timeout=180)
    await watcher
    return _summary(out.decode(), proc.returncode)


def _summary(text: str, returncode: int | None) -> dict[str, float]:
    done = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m)", text)
    if returncode != 0 or done is None:
        raise RuntimeError(f"wrk failed:\n{text}")
    seconds = _ms(done.group(2) + done.group(3)) / 1000
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    return {
        "requests": int(done.group(1)),
        "seconds": round(seconds, 3),
        "requests_per_s": round(int(done.group(1)) / seconds, 1),
        "p50_ms": _ms(re.search(r"^\s+50%\s+(\S+)", text, re.M).group(1)),  # type: ignore[union-attr]
        "p99_ms": _ms(re.search(r"^\s+99%\s+(\S+)", text, re.M).group(1)),  # type: ignore[union-attr]
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
    }


async def reads(url: str, headers: dict[str, str], connections: int, seconds: int) -> dict[str, float]:
    """GET `url` from `connections` concurrent connections for `seconds`; the rate and latency wrk measures."""
    args = [a for k, v in headers.items() for a in ("-H", f"{k}: {v}")]
    proc = await asyncio.create_subprocess_exec(
        require_wrk(), "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s", *args, url,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    out, _ = await asyncio.wait_for(proc.communicate(), timeout=seconds + 60)
    return _summary(out.decode(), proc.returncode)
