"""Credentials at rest: invite codes, calendar feed and display link codes, session ids, tokens and
sign-in states are kept only as their SHA-256, so a reader of the tables holds nothing that signs in."""

from __future__ import annotations

import hashlib


def sha256(text: str) -> bytes:
    return hashlib.sha256(text.encode()).digest()
