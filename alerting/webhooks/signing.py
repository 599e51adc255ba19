"""Standard Webhooks signatures (pure).

``webhook-signature`` is ``v1,<base64 HMAC-SHA256(key, "<webhook-id>.<webhook-timestamp>.<body>")>``
where ``key`` is the base64-decoded part of the ``whsec_`` secret. Several space-separated signatures
may be sent (secret rotation); a receiver accepts the request if any ``v1`` one matches.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from collections.abc import Mapping

from schemas.webhooks import SECRET_PREFIX, decode_secret

USER_AGENT = "ecoute-webhooks/1"
DEFAULT_TOLERANCE_S = 300


class SignatureError(ValueError):
    """The request is not signed by the expected secret, or too old/new."""


def new_secret() -> str:
    """A fresh ``whsec_`` secret (24 random bytes)."""
    return SECRET_PREFIX + base64.b64encode(os.urandom(24)).decode("ascii")


def delivery_id(alert_id: str, subscription_key: str) -> str:
    """``webhook-id`` of an alert sent to a subscription: the same on every retry and replay."""
    return "msg_" + hashlib.sha256(f"{alert_id}\x1f{subscription_key}".encode()).hexdigest()[:32]


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` value for one attempt."""
    key = decode_secret(secret)
    mac = hmac.new(key, f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode("ascii")


def signed_headers(secret: str, msg_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """Request headers of one attempt."""
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(secret, msg_id, timestamp, body),
        "content-type": "application/json",
        "user-agent": USER_AGENT,
    }


def verify(
    secret: str,
    headers: Mapping[str, str],
    body: bytes,
    *,
    now: float,
    tolerance_s: float = DEFAULT_TOLERANCE_S,
) -> str:
    """Check a received request; returns the ``webhook-id``. Raises :class:`SignatureError`.

    Header names are matched case-insensitively; the timestamp must be within ``tolerance_s`` of ``now``
    (replay protection).
    """
    lower = {k.lower(): v for k, v in headers.items()}
    msg_id = lower.get("webhook-id")
    stamp = lower.get("webhook-timestamp")
    signatures = lower.get("webhook-signature")
    if not msg_id or not stamp or not signatures:
        raise SignatureError("missing webhook-id, webhook-timestamp or webhook-signature")
    try:
        timestamp = int(stamp)
    except ValueError as exc:
        raise SignatureError("webhook-timestamp is not an integer") from exc
    if abs(now - timestamp) > tolerance_s:
        raise SignatureError("webhook-timestamp outside the tolerance")
    expected = sign(secret, msg_id, timestamp, body).split(",", 1)[1]
    for candidate in signatures.split():
        version, _, value = candidate.partition(",")
        if version == "v1" and hmac.compare_digest(value, expected):
            return msg_id
    raise SignatureError("no matching v1 signature")
