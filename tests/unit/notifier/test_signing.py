"""Webhook signatures are Standard Webhooks signatures: checked against a fixed vector computed by the
`standardwebhooks` reference library, and verified by it, also during a secret rotation."""

from __future__ import annotations

import base64
import datetime as dt

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from notifier.webhooks.signing import SECRET_PREFIX, new_secret, signature, webhook_headers

# A fixed secret, id, moment and body: the vector the reference library signs below.
SECRET = "whsec_" + base64.b64encode(bytes(range(24))).decode()
MSG_ID = "01931e7c-9a2b-7c3d-8e4f-5a6b7c8d9e0f"
TIMESTAMP = 1_700_000_000
BODY = b'{"event_type":"poll.closed","meeting_id":"0193"}'


def test_the_signature_is_the_reference_librarys_for_a_known_vector() -> None:
    reference = Webhook(SECRET).sign(MSG_ID, dt.datetime.fromtimestamp(TIMESTAMP, dt.UTC), BODY.decode())
    assert signature(SECRET, MSG_ID, TIMESTAMP, BODY) == reference
    # and it changes with each signed part
    assert signature(SECRET, MSG_ID + "x", TIMESTAMP, BODY) != reference
    assert signature(SECRET, MSG_ID, TIMESTAMP + 1, BODY) != reference
    assert signature(SECRET, MSG_ID, TIMESTAMP, BODY + b" ") != reference


def test_the_headers_of_an_attempt_verify_with_the_reference_library() -> None:
    now = int(dt.datetime.now(dt.UTC).timestamp())
    headers = webhook_headers([SECRET], MSG_ID, now, BODY)
    assert headers["webhook-id"] == MSG_ID and headers["webhook-timestamp"] == str(now)
    assert headers["content-type"] == "application/json"
    assert Webhook(SECRET).verify(BODY, headers) == {"event_type": "poll.closed", "meeting_id": "0193"}
    with pytest.raises(WebhookVerificationError):
        Webhook(new_secret()).verify(BODY, headers)


def test_during_a_rotation_both_secrets_sign_and_either_verifies() -> None:
    old, new = SECRET, new_secret()
    now = int(dt.datetime.now(dt.UTC).timestamp())
    headers = webhook_headers([new, old], MSG_ID, now, BODY)
    assert headers["webhook-signature"].count("v1,") == 2
    for secret in (old, new):
        assert Webhook(secret).verify(BODY, headers)


def test_a_new_secret_is_24_random_bytes_behind_the_prefix() -> None:
    a, b = new_secret(), new_secret()
    assert a.startswith(SECRET_PREFIX) and a != b
    assert len(base64.b64decode(a.removeprefix(SECRET_PREFIX))) == 24
