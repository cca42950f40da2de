from __future__ import annotations

from servicekit.settings import CommonSettings


class Settings(CommonSettings, frozen=True, kw_only=True):
    port: int = 8083
