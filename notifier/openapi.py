"""`python -m notifier.openapi` writes docs/openapi-notifier.yaml from the routes' Structs."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml

from notifier.routes import OPERATIONS
from servicekit.openapi import build

DOC = Path(__file__).resolve().parent.parent / "docs" / "openapi-notifier.yaml"


def document() -> dict[str, Any]:
    return build(
        "Hội nghị notifier",
        "1.0.0",
        "Webhook subscriptions (Standard Webhooks signatures), delivery log and replay, and the live meeting"
        " stream (Server-Sent Events). Organiser API tokens manage subscriptions; participants of a meeting and"
        " organisers of its organisation may open its stream.",
        [op for op, _ in OPERATIONS],
    )


def render() -> str:
    return yaml.safe_dump(document(), sort_keys=False, allow_unicode=True, width=110)


if __name__ == "__main__":
    DOC.write_text(render(), encoding="utf-8")
    sys.stdout.write(f"wrote {DOC}\n")
