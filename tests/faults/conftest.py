"""The fault suite: real service processes killed on purpose, faults between them and PostgreSQL/NATS.

Run with `make faults` (`make test` leaves these out: they carry the `faults` mark). Sizes are small by
default so CI stays within its budget; FAULTS_FULL=1 runs the sizes of the issue (2,000 voters...).
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Inbox
from tests.faults.stack import FaultStack

FULL = os.environ.get("FAULTS_FULL", "") not in ("", "0")


def size(ci: int, full: int) -> int:
    return full if FULL else ci


@pytest.fixture
async def fault_stack(
    pg_admin_url: str, tmp_path: Path, smtp: tuple[Inbox, int]
) -> AsyncIterator[Callable[..., AbstractAsyncContextManager[FaultStack]]]:
    """Makes a stack: `async with fault_stack(replicas=2) as stack: ...`; each is stopped at exit."""

    def make(**options: Any) -> AbstractAsyncContextManager[FaultStack]:
        directory = tmp_path / f"stack{len(list(tmp_path.iterdir()))}"
        directory.mkdir()
        return FaultStack(pg_admin_url, directory, smtp_port=smtp[1], **options)

    yield make
