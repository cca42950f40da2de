"""`python -m bench <scenario>|all`: run benchmark scenarios and write `bench/results/<scenario>.json`.

A scenario is `bench/scenarios/<name>.py` with `async def run(stack) -> dict[str, float | int]`; it gets a
running `bench.stack.Stack` unless it sets `NEEDS_STACK = False` (then it gets None), or
`SERVICES = (...)` to start only some services.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import importlib
import json
import os
import platform
import sys
from pathlib import Path
from typing import Any

import uvloop

from bench.stack import ALL_SERVICES, Stack

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"


def machine() -> dict[str, Any]:
    """The machine as the run found it: shared machines vary, so every result says how busy it was."""
    return {
        "cpus": os.cpu_count(),
        "load_average_before": [round(x, 2) for x in os.getloadavg()],
        "platform": platform.platform(),
        "python": platform.python_version(),
        "processor": platform.machine(),
    }


def scenarios() -> list[str]:
    return sorted(p.stem for p in (HERE / "scenarios").glob("*.py") if not p.stem.startswith("_"))


async def run_one(name: str) -> dict[str, Any]:
    module = importlib.import_module(f"bench.scenarios.{name}")
    started = dt.datetime.now(dt.UTC).isoformat()
    found = machine()
    print(f"{name}: {found['cpus']} cores, load average before the run {found['load_average_before']}", flush=True)
    if getattr(module, "NEEDS_STACK", True):
        async with Stack(getattr(module, "SERVICES", ALL_SERVICES)) as stack:
            metrics = await module.run(stack)
    else:
        metrics = await module.run(None)
    result = {"scenario": name, "machine": found, "started_at": started, "metrics": metrics}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    return result


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("scenario", nargs="?", default="all", help=f"one of {scenarios()} or all")
    args = parser.parse_args()
    names = scenarios() if args.scenario == "all" else [args.scenario]
    unknown = [n for n in names if n not in scenarios()]
    if unknown:
        print(f"unknown scenario(s) {unknown}; known: {scenarios()}", file=sys.stderr)
        return 2
    asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    for name in names:
        result = asyncio.run(run_one(name))
        print(json.dumps(result["metrics"], indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
