"""The host and the site of a URL, as every stage names them (alert samples, the documents' ``site``
field, domain entities): one definition, cheap enough for the hot path. Pure."""

from __future__ import annotations


def url_host(url: str) -> str | None:
    """The host of an absolute URL, lower-cased (what ``urlsplit(url).hostname`` gives, without its
    cost on the hot path); None when there is none (no scheme, empty host)."""
    sep = url.find("://")
    if sep <= 0:
        return None
    rest = url[sep + 3 :]
    end = len(rest)
    for ch in "/?#":
        i = rest.find(ch)
        if 0 <= i < end:
            end = i
    netloc = rest[:end].rpartition("@")[2]
    if netloc.startswith("["):
        close = netloc.find("]")
        host = netloc[1:close] if close > 0 else ""
    else:
        host = netloc.partition(":")[0]
    return host.lower() or None


def site_host(url: str | None) -> str | None:
    """The site of a URL: its host without a trailing dot or a leading ``www.``; None when there is
    none."""
    host = url_host(url) if url else None
    if not host:
        return None
    host = host.rstrip(".")
    return (host[4:] if host.startswith("www.") else host) or None
