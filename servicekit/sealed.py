"""Invite links sealed to the notifier's key (libsodium public-key boxes, X25519 + XSalsa20-Poly1305).

A personal invite link is a credential: whoever holds it signs in as that participant. meeting_svc
seals the link to the notifier's public key before it leaves meeting_svc, so a NATS reader, a webhook
receiver or a reader of any table sees only ciphertext. Only the notifier, holding the private half
(from its environment, never from a database), opens it, and only to put it into the email it sends.

Keys are 32 raw bytes, written as URL-safe base64 (`python -m devstack keys DIR` makes a pair).

The construction is libsodium's sealed box with the ephemeral key shared by the links of one
request: a `Sealer` draws an ephemeral key pair, and each link is a `crypto_box` from it to the
notifier's key under a fresh random nonce; the ephemeral private key is dropped with the Sealer. A
sealed link is `base64(ephemeral public key ‖ nonce ‖ MAC ‖ ciphertext)`. Sharing the ephemeral key
saves the two X25519 operations per link (about 0.1 ms each) that made a 10,000-row import pay
seconds, and changes nothing for a reader without the notifier's private key.
"""

from __future__ import annotations

import base64
from pathlib import Path

from nacl.exceptions import CryptoError
from nacl.public import Box, PrivateKey, PublicKey

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


class Sealer:
    """Seals texts to one public key, under one ephemeral key pair (see the module's note)."""

    def __init__(self, public_key: bytes) -> None:
        ephemeral = PrivateKey.generate()
        self._prefix = bytes(ephemeral.public_key)
        self._box = Box(ephemeral, PublicKey(public_key))

    def seal(self, text: str) -> str:
        return _b64(self._prefix + bytes(self._box.encrypt(text.encode())))  # a random nonce leads


def seal(public_key: bytes, text: str) -> str:
    return Sealer(public_key).seal(text)


class Opener:
    """Opens sealed texts with the private key, remembering the boxes of recent ephemeral keys (the
    links of one import share one)."""

    def __init__(self, private_key: bytes) -> None:
        self._key = PrivateKey(private_key)
        self._boxes: dict[bytes, Box] = {}

    def open(self, sealed: str) -> str:
        try:
            raw = base64.urlsafe_b64decode(sealed)
            if len(raw) < 32 + Box.NONCE_SIZE + 16:
                raise ValueError("too short")
            box = self._boxes.get(raw[:32])
            if box is None:
                if len(self._boxes) >= 64:
                    self._boxes.clear()
                box = self._boxes[raw[:32]] = Box(self._key, PublicKey(raw[:32]))
            return box.decrypt(raw[32:]).decode()
        except (CryptoError, ValueError, TypeError) as exc:
            raise Unsealable(str(exc) or "cannot open") from None


def unseal(private_key: bytes, sealed: str) -> str:
    return Opener(private_key).open(sealed)
