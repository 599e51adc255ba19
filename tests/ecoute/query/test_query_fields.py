"""Metadata fields: canonical query values and document keys."""

from __future__ import annotations

import pytest

from ecoute.query.fields import (
    author_key,
    canonical_value,
    doc_author_keys,
    doc_lang_keys,
    doc_site_keys,
    doc_source_keys,
    url_host,
)


@pytest.mark.parametrize(
    ("author", "key"),
    [
        ("@LeMonde", "lemonde"),
        ("Le Monde", "lemonde"),
        ("@le_monde", "lemonde"),
        ("le-monde", "lemonde"),
        ("Élodie Frégé", "elodiefrege"),
        ("😀", ""),
    ],
)
def test_author_key(author: str, key: str) -> None:
    assert author_key(author) == key


def test_doc_author_keys() -> None:
    assert doc_author_keys(None) == ()
    assert doc_author_keys("!!") == ()
    assert doc_author_keys("@SNCF") == ("sncf",)


@pytest.mark.parametrize(
    ("url", "keys"),
    [
        ("https://www.lemonde.fr/economie/x.html", ("www.lemonde.fr", "lemonde.fr", "fr")),
        ("http://LeMonde.FR:8080/", ("lemonde.fr", "fr")),
        ("lemonde.fr/path", ("lemonde.fr", "fr")),
        ("https://user:pw@blog.lemonde.fr./", ("blog.lemonde.fr", "lemonde.fr", "fr")),
        ("https://café.fr/", ("xn--caf-dma.fr", "fr")),
        ("https://notlemonde.fr", ("notlemonde.fr", "fr")),
        ("http://[::1", ()),
        ("", ()),
        (None, ()),
    ],
)
def test_doc_site_keys(url: str | None, keys: tuple[str, ...]) -> None:
    assert doc_site_keys(url) == keys


def test_site_value_matches_domain_and_subdomains_only() -> None:
    value = canonical_value("site", "lemonde.fr")
    assert value in doc_site_keys("https://www.lemonde.fr/a")
    assert value in doc_site_keys("https://lemonde.fr")
    assert value not in doc_site_keys("https://notlemonde.fr")
    assert value not in doc_site_keys("https://lemonde.fr.evil.com")


def test_url_host() -> None:
    assert url_host("HTTPS://WWW.X.FR/a?b") == "www.x.fr"
    assert url_host("   ") is None


@pytest.mark.parametrize(
    ("lang", "keys"),
    [
        ("fr", ("fr",)),
        ("FR", ("fr",)),
        ("fr-CA", ("fr-ca", "fr")),
        ("en_US", ("en-us", "en")),
        (None, ()),
        (" ", ()),
    ],
)
def test_doc_lang_keys(lang: str | None, keys: tuple[str, ...]) -> None:
    assert doc_lang_keys(lang) == keys


@pytest.mark.parametrize(
    ("source", "keys"),
    [
        ("rss", ("rss",)),
        ("RSS:LeMonde", ("rss:lemonde", "rss")),
        ("mastodon:m.social:x", ("mastodon:m.social:x", "mastodon")),
        (None, ()),
        ("", ()),
    ],
)
def test_doc_source_keys(source: str | None, keys: tuple[str, ...]) -> None:
    assert doc_source_keys(source) == keys


@pytest.mark.parametrize(
    ("name", "raw"),
    [
        ("author", "  "),
        ("site", "a b"),
        ("site", "-bad-.fr"),
        ("site", ""),
        ("lang", "f"),
        ("lang", "fr-"),
        ("source", "a b"),
        ("source", "rss(x)"),
    ],
)
def test_invalid_values(name: str, raw: str) -> None:
    with pytest.raises(ValueError, match=name):
        canonical_value(name, raw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "url",
    [
        "https://www.Conso-Hebdo.example/articles/1?x=y#z",
        "HTTP://user:pw@Forum.example:8080/t/1",
        "https://a@b@host.example/p",
        "https://news.example",
        "https://news.example?q=1",
        "https://news.example#frag",
        "https://news.example./x",
        "https://news.example:notaport/x",
        "https:///path",
        "https://[2001:db8::1]:443/p",
        "https://[not-an-ip]/p",
        "https://[::1",
        "https://exa\tmple.fr/",
        "https://example.fr/\npath",
        "https://café.fr/menu",
        "https://xn--caf-dma.fr/",
    ],
)
def test_url_host_of_web_urls_is_urlsplits_hostname(url: str) -> None:
    """Web URLs take a fast path; it must give what the general path (urlsplit) gives."""
    from urllib.parse import urlsplit

    try:
        expected = urlsplit(url).hostname
    except ValueError:
        expected = None
    expected = expected.rstrip(".").encode("idna").decode() if expected else None
    assert url_host(url) == (expected or None)
