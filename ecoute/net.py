"""SSRF guard for URLs we fetch (feeds, APIs) or call (webhooks).

Loopback, private, link-local, multicast, reserved and unspecified addresses are refused unless the
deployment allows private targets (the demo and tests do, for loopback servers). Only http(s) URLs pass.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit


class UnsafeUrlError(ValueError):
    """The URL is not allowed (bad scheme, no host, or resolves to a forbidden address)."""


def _forbidden(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )


def check_url(url: str, *, allow_private: bool, resolve: bool = True) -> str:
    """Return ``url`` if it is safe to request; raise :class:`UnsafeUrlError` with the reason otherwise.

    With ``resolve``, every address the host resolves to is checked (a name pointing at 127.0.0.1 is
    refused like the literal). DNS failures are reported as unsafe (the request would fail anyway).
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise UnsafeUrlError(f"only http and https URLs are allowed, not {parts.scheme!r}")
    host = parts.hostname
    if not host:
        raise UnsafeUrlError("URL has no host")
    if allow_private:
        return url
    try:
        literal = ipaddress.ip_address(host)
        addresses = [literal]
    except ValueError:
        if host.lower() in ("localhost", "localhost.localdomain") or host.lower().endswith(".localhost"):
            raise UnsafeUrlError(f"{host} is a loopback name") from None
        if not resolve:
            return url
        try:
            infos = socket.getaddrinfo(host, parts.port or 443, type=socket.SOCK_STREAM)
        except OSError as exc:
            raise UnsafeUrlError(f"cannot resolve {host}: {exc}") from exc
        addresses = [ipaddress.ip_address(info[4][0]) for info in infos]
    for address in addresses:
        if _forbidden(address):
            raise UnsafeUrlError(f"{host} resolves to {address}, a private/loopback/reserved address")
    return url
