"""Credentials at rest and on their way out: invite codes, calendar feed and display link codes, session
ids, tokens and sign-in states are kept only as their SHA-256, so a reader of the tables holds nothing
that signs in; and a link that signs in (a personal invite link, a password reset link) is sealed to the
notifier's public key before it leaves the service (servicekit.sealed)."""

from __future__ import annotations

import hashlib

from aiohttp import web

from servicekit.sealed import Sealer


def sha256(text: str) -> bytes:
    return hashlib.sha256(text.encode()).digest()


INVITE_SEAL = web.AppKey("invite_seal", bytes)  # the notifier's public key, when configured


def sealer(request: web.Request) -> Sealer | None:
    """One per request: the links it makes share an ephemeral key (servicekit.sealed)."""
    key = request.app.get(INVITE_SEAL)
    return Sealer(key) if key else None
