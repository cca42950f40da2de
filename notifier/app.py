from __future__ import annotations

from pathlib import Path

from aiohttp import web

from notifier.settings import Settings
from servicekit.runtime import Runtime, create_base_app

SERVICE = "notifier"
SQL = Path(__file__).parent / "sql"


def create_app(settings: Settings) -> web.Application:
    runtime = Runtime(settings=settings, service=SERVICE, sql=SQL)
    return create_base_app(runtime)
