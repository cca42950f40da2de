"""`python -m meeting_svc.openapi` writes docs/openapi-meeting.yaml from the routes' Structs."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml

from meeting_svc.routes import OPERATIONS
from servicekit.openapi import build

DOC = Path(__file__).resolve().parent.parent / "docs" / "openapi-meeting.yaml"


def document() -> dict[str, Any]:
    return build(
        "Hội nghị meeting_svc",
        "1.0.0",
        "Meetings, agenda, departments, participants and their invitations, attendance, proxies and department"
        " position reports. Organisers use API tokens scoped to their organisation; participants use the session"
        " token their personal invite link yields (POST /api/v1/sessions).",
        [op for op, _ in OPERATIONS],
    )


def render() -> str:
    return yaml.safe_dump(document(), sort_keys=False, allow_unicode=True, width=110)


if __name__ == "__main__":
    DOC.write_text(render(), encoding="utf-8")
    sys.stdout.write(f"wrote {DOC}\n")
