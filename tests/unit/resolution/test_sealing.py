"""The cryptography of secret ballots, without a server: sealed ballots of one length that open only with
their poll's key, receipts that repeat for the same ballot and nonce only, and the BALLOT_KEY setting."""

from __future__ import annotations

import base64
import os
import uuid
from pathlib import Path

import pytest

from resolution_svc.sealing import (
    SEALED_LENGTH,
    BallotKeys,
    SealError,
    new_ballot_key,
    open_ballot,
    open_poll_ballots,
    read_ballot_key,
    seal_ballot,
)
from servicekit.settings import SettingsError

POLL, VOTER = uuid.uuid4(), uuid.uuid4()


def test_sealed_ballots_have_one_length_and_open_only_with_their_poll_key() -> None:
    keys = BallotKeys(read_ballot_key(new_ballot_key()))
    sealed_key = keys.new_poll_key()
    poll_key = keys.open_poll_key(sealed_key)
    assert len(poll_key) == 32 and poll_key not in sealed_key
    boxes = [seal_ballot(poll_key, choice, "K7QM-2XHP-9RTA-B4NE") for choice in ("yes", "no", "abstain", "x" * 100)]
    assert {len(b) for b in boxes} == {SEALED_LENGTH}
    assert len(set(boxes)) == len(boxes)  # randomised: the same choice never seals to the same bytes
    assert seal_ballot(poll_key, "yes", "R") != seal_ballot(poll_key, "yes", "R")
    assert open_ballot(poll_key, boxes[2]) == ("abstain", "K7QM-2XHP-9RTA-B4NE")
    with pytest.raises(SealError):
        open_ballot(os.urandom(32), boxes[0])
    with pytest.raises(SealError):  # another service key cannot open the poll's key
        BallotKeys(read_ballot_key(new_ballot_key())).open_poll_key(sealed_key)
    assert open_poll_ballots(keys, sealed_key, [(boxes[0], 7), (boxes[1], 1)]) == [
        ("yes", 7, "K7QM-2XHP-9RTA-B4NE"),
        ("no", 1, "K7QM-2XHP-9RTA-B4NE"),
    ]


def test_receipt_repeats_for_the_same_ballot_and_nonce_only() -> None:
    keys = BallotKeys(read_ballot_key(new_ballot_key()))
    receipt = keys.receipt(POLL, VOTER, "n" * 22, "yes")
    assert receipt == keys.receipt(POLL, VOTER, "n" * 22, "yes")
    assert len(receipt) == 19 and receipt.count("-") == 3
    others = {
        keys.receipt(POLL, VOTER, "m" * 22, "yes"),
        keys.receipt(POLL, VOTER, "n" * 22, "no"),
        keys.receipt(POLL, uuid.uuid4(), "n" * 22, "yes"),
        keys.receipt(uuid.uuid4(), VOTER, "n" * 22, "yes"),
        BallotKeys(read_ballot_key(new_ballot_key())).receipt(POLL, VOTER, "n" * 22, "yes"),
    }
    assert receipt not in others and len(others) == 5
    tag = keys.tag(POLL, VOTER, "n" * 22, "yes")
    assert keys.same_tag(tag, keys.tag(POLL, VOTER, "n" * 22, "yes"))
    assert not keys.same_tag(tag, keys.tag(POLL, VOTER, "n" * 22, "no")) and not keys.same_tag(None, tag)
    # the tag stored in the database is not the receipt's bytes
    assert base64.b32encode(tag[:10]).decode() != receipt.replace("-", "")


def test_ballot_key_setting(tmp_path: Path) -> None:
    key = new_ballot_key()
    path = tmp_path / "ballot.key"
    path.write_text(key + "\n")
    assert read_ballot_key(key) == read_ballot_key(str(path)) == base64.b64decode(key)
    for bad in ("", "  ", base64.b64encode(b"short").decode(), str(tmp_path / "missing.key")):
        with pytest.raises(SettingsError, match="BALLOT_KEY"):
            read_ballot_key(bad)
