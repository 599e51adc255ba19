"""One host and one site per URL for every stage (alert samples, the documents' ``site`` field,
domain entities)."""

from __future__ import annotations

from urllib.parse import urlsplit

from schemas.matches import site_of
from schemas.urls import site_host, url_host


def test_url_host_agrees_with_urlsplit() -> None:
    urls = [
        "https://www.Conso-Hebdo.example/articles/1?x=y#z",
        "http://user:pw@forum.example:8080/t/1",
        "https://[2001:db8::1]:443/p",
        "https://news.example",
        "https://news.example?q=1",
        "https://news.example#frag",
        "HTTPS://UPPER.EXAMPLE./x",
    ]
    for url in urls:
        assert url_host(url) == urlsplit(url).hostname, url
    assert url_host("not a url") is None
    assert url_host("https:///path") is None


def test_site_host_drops_www_and_the_trailing_dot() -> None:
    assert site_host("https://www.LeMonde.fr/x") == "lemonde.fr"
    assert site_host("https://blog.example.org") == "blog.example.org"
    assert site_host("https://upper.example./x") == "upper.example"
    assert site_host("https://www./x") == "www"  # "www." is the whole host: nothing to drop
    assert site_host(None) is None and site_host("not a url") is None and site_host("") is None
    assert site_of(None, "forum-rouages") == "source:forum-rouages"  # an alert's site without a URL
