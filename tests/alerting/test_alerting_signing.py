"""Our Standard Webhooks signatures, checked against the official test vector and the
``standardwebhooks`` reference library."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from alerting.webhooks.signing import (
    SignatureError,
    delivery_id,
    new_secret,
    sign,
    signed_headers,
    verify,
)
from ecoute.evaldata import eval_dir

VECTOR = eval_dir() / "webhooks" / "standard-webhooks-vector.json"


@pytest.mark.skipif(
    not VECTOR.is_file(), reason=f"official vector not found at {VECTOR} (shared/eval absent)"
)
def test_official_vector() -> None:
    vector = json.loads(VECTOR.read_text())
    got = sign(vector["secret"], vector["msg_id"], vector["timestamp"], vector["payload"].encode())
    assert got == vector["expected_signature"]
    lib = Webhook(vector["secret"]).sign(
        vector["msg_id"], datetime.fromtimestamp(vector["timestamp"], UTC), vector["payload"]
    )
    assert lib == got


@given(
    st.binary(max_size=2000),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789_", min_size=1, max_size=40),
)
def test_the_reference_library_accepts_our_signatures(body: bytes, msg_id: str) -> None:
    # the library verifies str bodies: keep to valid UTF-8
    secret = new_secret()
    text = body.decode("utf-8", "replace").encode()
    headers = signed_headers(secret, msg_id, int(time.time()), text)
    Webhook(secret).verify(text, headers, json_parse=False)  # raises if wrong
    assert verify(secret, headers, text, now=time.time()) == msg_id


def test_tampering_and_wrong_secret_and_stale_timestamp_are_refused() -> None:
    secret = new_secret()
    body = b'{"type":"alert.spike"}'
    now = int(time.time())
    headers = signed_headers(secret, "msg_1", now, body)
    with pytest.raises(SignatureError):
        verify(secret, headers, body + b" ", now=now)
    with pytest.raises(SignatureError):
        verify(new_secret(), headers, body, now=now)
    with pytest.raises(SignatureError, match="tolerance"):
        verify(secret, headers, body, now=now + 3600)
    with pytest.raises(WebhookVerificationError):
        Webhook(new_secret()).verify(body, headers)
    rotated = {**headers, "webhook-signature": "v1,AAAA " + headers["webhook-signature"]}
    assert verify(secret, rotated, body, now=now) == "msg_1"


def test_delivery_ids_are_stable_per_alert_and_subscription() -> None:
    a = delivery_id("a" * 32, "acme:hook")
    assert a == delivery_id("a" * 32, "acme:hook") and a.startswith("msg_") and len(a) == 36
    assert a != delivery_id("a" * 32, "acme:other") != delivery_id("b" * 32, "acme:hook")
