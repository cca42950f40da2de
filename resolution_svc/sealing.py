"""The cryptography of secret ballots, with libsodium (PyNaCl) and nothing home-made.

- The service key (BALLOT_KEY, 32 random bytes from the environment, never in the database) yields three
  independent keys by keyed BLAKE2b with distinct personalisations: a Curve25519 key that seals each poll's
  private key, a key for receipts, and a key for ballot tags.
- Each secret poll gets its own random key when it opens, stored only sealed (libsodium sealed box) to the
  service key. Each ballot (choice and receipt) is encrypted under it with libsodium's secretbox
  (XSalsa20-Poly1305, a random nonce per ballot); when the poll closes the ballots are opened and the key is
  deleted, so the ballots left in old row versions, WAL and backups can no longer be opened by anyone.
  (A sealed box per ballot costs fourteen times the CPU on the ballot path and protects nothing more: the
  service that holds the service key can open the poll's key whenever it runs.)
- A receipt is derived from (poll, voter, ballot nonce, choice) under the receipt key: the voter's browser
  keeps the nonce, so a retry with it yields the same receipt while the database keeps no voter-receipt link.
  A tag derived the same way under the tag key (stored with the participation) recognises that retry; without
  the key and the nonce it says nothing about the receipt or the choice.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import secrets
import uuid
from pathlib import Path

from nacl.encoding import RawEncoder
from nacl.exceptions import CryptoError
from nacl.hash import blake2b
from nacl.public import PrivateKey, SealedBox
from nacl.secret import SecretBox
from nacl.utils import random

from servicekit.settings import SettingsError

# Every sealed ballot has the same length whatever the choice, so the length of a row says nothing.
SEALED_PLAINTEXT = 256
SEALED_LENGTH = SEALED_PLAINTEXT + 40  # secretbox adds its nonce (24) and a MAC (16)


class SealError(Exception):
    """A sealed ballot or poll key that cannot be opened with the keys at hand."""


def read_ballot_key(value: str) -> bytes:
    """BALLOT_KEY holds base64 of 32 random bytes, or the path of a file holding it (`python -m devstack keys`)."""
    text = value.strip()
    if not text:
        raise SettingsError("invalid setting BALLOT_KEY: required (base64 of 32 random bytes, or a file holding it)")
    key = _b64(text)
    if key is None:  # not the key itself: the path of a file holding it
        try:
            key = _b64(Path(text).read_text().strip())
        except OSError as exc:
            raise SettingsError(f"invalid setting BALLOT_KEY: cannot read {value!r} ({exc.strerror})") from None
    if key is None:
        raise SettingsError("invalid setting BALLOT_KEY: not base64 of 32 bytes")
    return key


def _b64(text: str) -> bytes | None:
    try:
        key = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None
    return key if len(key) == 32 else None


def new_ballot_key() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode()


def _derive(key: bytes, purpose: bytes) -> bytes:
    return blake2b(b"", digest_size=32, key=key, person=purpose, encoder=RawEncoder)


def _code(digest: bytes) -> str:
    raw = base64.b32encode(digest).decode()
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:12]}-{raw[12:]}"


class BallotKeys:
    """The service's keys for secret ballots, derived from BALLOT_KEY."""

    def __init__(self, service_key: bytes) -> None:
        self._sealing = PrivateKey(_derive(service_key, b"hoinghi-pollkeys"))
        self._receipts = _derive(service_key, b"hoinghi-receipts")
        self._tags = _derive(service_key, b"hoinghi-ballotag")

    def new_poll_key(self) -> bytes:
        """A new poll's key, sealed to the service key: the only form in which it is stored."""
        return SealedBox(self._sealing.public_key).encrypt(random(SecretBox.KEY_SIZE))

    def open_poll_key(self, sealed: bytes) -> bytes:
        try:
            return SealedBox(self._sealing).decrypt(sealed)
        except CryptoError:
            raise SealError("the poll's key was sealed under another BALLOT_KEY") from None

    def _mac(self, key: bytes, poll_id: uuid.UUID, voter: uuid.UUID, nonce: str, choice: str) -> bytes:
        message = poll_id.bytes + voter.bytes + nonce.encode() + b"\0" + choice.encode()
        return blake2b(message, digest_size=16, key=key, encoder=RawEncoder)

    def receipt(self, poll_id: uuid.UUID, voter: uuid.UUID, nonce: str, choice: str) -> str:
        """80 bits, e.g. `K7QM-2XHP-9RTA-B4NE`, the same for the same ballot and nonce, unguessable without both."""
        return _code(self._mac(self._receipts, poll_id, voter, nonce, choice)[:10])

    def tag(self, poll_id: uuid.UUID, voter: uuid.UUID, nonce: str, choice: str) -> bytes:
        return self._mac(self._tags, poll_id, voter, nonce, choice)

    @staticmethod
    def same_tag(a: bytes | None, b: bytes) -> bool:
        return a is not None and hmac.compare_digest(a, b)


def new_nonce() -> str:
    """For a client that sent none: its receipt cannot be asked for again."""
    return secrets.token_urlsafe(16)


def seal_ballot(poll_key: bytes, choice: str, receipt: str) -> bytes:
    text = f"{receipt}\n{choice}".encode()
    if len(text) > SEALED_PLAINTEXT:
        raise ValueError("choice too long to seal")
    return bytes(SecretBox(poll_key).encrypt(text.ljust(SEALED_PLAINTEXT, b"\0")))


def open_ballot(poll_key: bytes, sealed: bytes) -> tuple[str, str]:
    """(choice, receipt) of a sealed ballot."""
    try:
        text = SecretBox(poll_key).decrypt(sealed).rstrip(b"\0").decode()
    except (CryptoError, UnicodeDecodeError):
        raise SealError("a sealed ballot does not open with its poll's key") from None
    receipt, _, choice = text.partition("\n")
    return choice, receipt


def open_poll_ballots(
    keys: BallotKeys, sealed_poll_key: bytes, sealed: list[tuple[bytes, int]]
) -> list[tuple[str, int, str]]:
    """(choice, weight, receipt) of each sealed ballot of a closing poll."""
    poll_key = keys.open_poll_key(sealed_poll_key)
    opened = [(*open_ballot(poll_key, box), weight) for box, weight in sealed]
    return [(choice, weight, receipt) for choice, receipt, weight in opened]
