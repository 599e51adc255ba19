"""Canonical forms of the metadata fields (``author:``, ``site:``, ``lang:``, ``source:``).

The same functions build the query-side value (``canonical_value``) and the document-side keys
(``doc_*_keys``); a ``name:value`` term matches when the canonical value is one of the document's keys.

* ``author``: normalised (see :func:`ecoute.query.normalize`) with everything but letters and digits
  removed, so ``author:lemonde`` matches ``@LeMonde``, ``@le_monde``, ``Le Monde`` and ``le-monde``
  (whole value, never a part of it). Truncated to 256 characters.
* ``site``: the document key set is the URL host and all its parent domains (``www.lemonde.fr`` →
  ``www.lemonde.fr``, ``lemonde.fr``, ``fr``), so ``site:lemonde.fr`` matches ``lemonde.fr`` and every
  subdomain but not ``notlemonde.fr``. The query value may be a URL (its host is taken), may start with
  ``*.`` or ``.``; hosts are lower-cased, IDNA-encoded, without port or trailing dot.
* ``lang``: lower-case BCP 47-ish tag with ``_`` read as ``-``; a document in ``fr-CA`` has keys
  ``fr-ca`` and ``fr``, so ``lang:fr`` matches it and ``lang:fr-ca`` matches only that region.
* ``source``: the ingest source identifier ``<type>`` or ``<type>:<id>`` (e.g. ``rss:lemonde-une``,
  ``mastodon:mastodon.social``), lower-cased; keys are the whole identifier and the type before the first
  ``:``, so ``source:rss`` matches every RSS source and ``source:rss:lemonde-une`` only that one.
"""

from __future__ import annotations

import re
from typing import Final
from urllib.parse import urlsplit

from ecoute.query.nodes import FieldName
from ecoute.query.normalize import normalize
from schemas.urls import url_host as absolute_url_host

MAX_AUTHOR_KEY: Final = 256
_LABEL_RE: Final = re.compile(r"^[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?$")
_RESERVED: Final = frozenset('()"“”«»{}')
_LANG_RE: Final = re.compile(r"^[a-z]{2,3}(?:-[a-z0-9]{1,8})*$")
_WEB_SCHEMES: Final = ("https://", "http://", "HTTPS://", "HTTP://")
_SLOW_PATH_CHARS: Final = ("\t", "\n", "\r", "[")


def author_key(value: str) -> str:
    """Return the comparison key of an author handle or display name ("" if it has no letter/digit)."""
    return "".join(c for c in normalize(value) if c.isalnum())[:MAX_AUTHOR_KEY]


def _idna(host: str) -> str:
    """Lower-case ``host`` and IDNA-encode it when it is not ASCII (kept as is if encoding fails)."""
    host = host.strip().rstrip(".").lower()
    if host.isascii():
        return host
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host


def url_host(url: str) -> str | None:
    """Return the canonical host of ``url`` (scheme optional), or None if there is none."""
    text = url.strip()
    if not text:
        return None
    host = None
    if text.startswith(_WEB_SCHEMES) and not any(c in text for c in _SLOW_PATH_CHARS):
        # urlsplit's hostname at a fifth of its cost (every indexed mention has a URL); urlsplit
        # drops tabs and newlines first and checks bracketed (IPv6) hosts: those take the slow path
        host = absolute_url_host(text)
    if host is None:
        if "//" not in text:
            text = "//" + text
        try:
            host = urlsplit(text).hostname
        except ValueError:
            return None
    if not host:
        return None
    host = _idna(host)
    return host or None


def doc_site_keys(url: str | None) -> tuple[str, ...]:
    """Return the host of ``url`` and all its parent domains (empty when there is no host)."""
    if url is None:
        return ()
    host = url_host(url)
    if host is None:
        return ()
    labels = host.split(".")
    return tuple(".".join(labels[i:]) for i in range(len(labels)) if labels[i])


def doc_lang_keys(lang: str | None) -> tuple[str, ...]:
    """Return the full lower-case tag and its primary subtag (empty when ``lang`` is None/blank)."""
    if lang is None:
        return ()
    tag = lang.strip().lower().replace("_", "-")
    if not tag:
        return ()
    primary = tag.split("-", 1)[0]
    return (tag,) if primary == tag or not primary else (tag, primary)


def doc_source_keys(source: str | None) -> tuple[str, ...]:
    """Return the full lower-case source identifier and its type (empty when None/blank)."""
    if source is None:
        return ()
    full = source.strip().lower()
    if not full:
        return ()
    kind = full.split(":", 1)[0]
    return (full,) if kind == full or not kind else (full, kind)


def doc_author_keys(author: str | None) -> tuple[str, ...]:
    """Return the author key as a 0/1-tuple."""
    if author is None:
        return ()
    key = author_key(author)
    return (key,) if key else ()


def canonical_value(name: FieldName, raw: str) -> str:
    """Return the canonical query value of ``name:raw``.

    Raises ValueError with a human-readable reason when the value is empty or malformed.
    """
    if name == "author":
        key = author_key(raw.strip().lstrip("@"))
        if not key:
            raise ValueError("author: needs a name with letters or digits")
        return key
    if name == "site":
        return _canonical_site(raw)
    if name == "lang":
        tag = raw.strip().lower().replace("_", "-")
        if not _LANG_RE.match(tag):
            raise ValueError(f"lang: expects a language code like fr or fr-CA, not {raw!r}")
        return tag
    value = raw.strip().lower()
    if not value or any(c.isspace() or c in _RESERVED for c in value):
        raise ValueError(
            "source: expects a source type or id without spaces, quotes, parentheses or braces, like rss"
        )
    return value


def _canonical_site(raw: str) -> str:
    """Return the canonical host of a ``site:`` value (raises ValueError if it is not a domain)."""
    text = raw.strip()
    if "://" in text:
        host = url_host(text) or ""
    else:
        host = text.split("/", 1)[0]
        if host.startswith("*."):
            host = host[2:]
        host = host.lstrip(".")
        if ":" in host:
            host = host.split(":", 1)[0]
        host = _idna(host)
    labels = host.split(".")
    if not host or not all(_LABEL_RE.match(label) for label in labels):
        raise ValueError(f"site: expects a domain like lemonde.fr, not {raw!r}")
    return host
