"""Invite links sealed to the notifier's key (libsodium sealed boxes, X25519 + XSalsa20-Poly1305).

A personal invite link is a credential: whoever holds it signs in as that participant. meeting_svc
seals the link to the notifier's public key before it leaves meeting_svc, so a NATS reader, a webhook
receiver or a reader of any table sees only ciphertext. Only the notifier, holding the private half
(from its environment, never from a database), opens it, and only to put it into the email it sends.

Keys are 32 raw bytes, written as URL-safe base64 (`python -m devstack keys DIR` makes a pair).
"""

from __future__ import annotations

import base64
from pathlib import Path

from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, PublicKey, SealedBox

from servicekit.settings import SettingsError


class Unsealable(ValueError):
    """The sealed text is damaged or was sealed to another key."""


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode()


def generate_seal_keypair() -> tuple[str, str]:
    """(private, public) as base64 text."""
    private = PrivateKey.generate()
    return _b64(bytes(private)), _b64(bytes(private.public_key))


def read_seal_key(value: str, setting: str) -> bytes:
    """A key setting holds the base64 key itself or the path of a file holding it."""
    text = value.strip()
    if not text:
        raise SettingsError(f"invalid setting {setting}: required (base64 key or the path of a file holding it)")
    if "/" in text or "." in text or Path(text).is_file():  # URL-safe base64 has no "/" or ".": a path
        try:
            text = Path(text).read_text(encoding="ascii").strip()
        except OSError as exc:
            raise SettingsError(f"invalid setting {setting}: cannot read {value!r} ({exc.strerror})") from None
    try:
        raw = base64.urlsafe_b64decode(text)
    except ValueError:
        raw = b""
    if len(raw) != 32:
        raise SettingsError(f"invalid setting {setting}: not a 32-byte key in base64")
    return raw


def seal(public_key: bytes, text: str) -> str:
    return _b64(SealedBox(PublicKey(public_key)).encrypt(text.encode()))


def unseal(private_key: bytes, sealed: str) -> str:
    try:
        return SealedBox(PrivateKey(private_key)).decrypt(base64.urlsafe_b64decode(sealed)).decode()
    except (CryptoError, ValueError, TypeError) as exc:
        raise Unsealable(str(exc) or "cannot open") from None
