"""`python -m resolution_svc.openapi` writes docs/openapi-resolution.yaml from the routes' Structs."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml

from resolution_svc.routes import OPERATIONS
from servicekit.openapi import build

DOC = Path(__file__).resolve().parent.parent / "docs" / "openapi-resolution.yaml"


def document() -> dict[str, Any]:
    return build(
        "Hội nghị resolution_svc",
        "1.0.0",
        "Resolutions with directives and amendments, polls under exact voting rules (base, threshold, quorum,"
        " weights, proxies, secret or named), ballots with receipts, results, and directive follow-up. Organisers"
        " use their API token; participants the session token from their invite link.",
        [op for op, _ in OPERATIONS],
    )


def render() -> str:
    return yaml.safe_dump(document(), sort_keys=False, allow_unicode=True, width=110)


if __name__ == "__main__":
    DOC.write_text(render(), encoding="utf-8")
    sys.stdout.write(f"wrote {DOC}\n")
