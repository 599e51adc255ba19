"""API key tokens: generation and hashing. Pure (apart from the system's random source).

A tenant token is ``ek_<key id>_<secret>`` where the secret is 32 bytes from :mod:`secrets`
(256 bits, base64url). Only ``sha256:<hex of SHA-256(token)>`` is stored. A fast hash is enough here —
and deliberate: slow password hashes (scrypt, argon2) exist to make guessing *low-entropy* secrets
expensive, but nobody can enumerate 2^256 random tokens whatever the hash costs, and a fast hash lets
every request be authenticated by one dictionary lookup in microseconds (a 50 ms scrypt per request
would dominate the search latency budget). The key id inside the token names the key in logs and in
the revocation endpoint without revealing anything usable.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

TOKEN_PREFIX = "ek_"


def new_key_id() -> str:
    return secrets.token_hex(6)


def new_token(key_id: str) -> str:
    return f"{TOKEN_PREFIX}{key_id}_{secrets.token_urlsafe(32)}"


def hash_token(token: str) -> str:
    return "sha256:" + hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def same_secret(token: str, expected_hash: str) -> bool:
    """Constant-time comparison of a presented token with a stored hash."""
    return hmac.compare_digest(hash_token(token), expected_hash)
