from __future__ import annotations

from enrich.entities import extract_entities
from schemas.matches import site_of
from schemas.urls import site_host


def test_hashtags_handles_links_domains() -> None:
    text = (
        "Merci @Ferralis et @bob@mastodon.social ! #grève #Été #2024 "
        "https://www.ferralis.example/info?x=1. écrivez à a@b.fr &#39;"
    )
    got = [(e.kind, e.text) for e in extract_entities(text, "https://news.example.org/a")]
    assert got == [
        ("hashtag", "#grève"),
        ("hashtag", "#Été"),
        ("handle", "@Ferralis"),
        ("handle", "@bob@mastodon.social"),
        ("link", "https://www.ferralis.example/info?x=1"),
        ("domain", "ferralis.example"),
        ("domain", "news.example.org"),
    ]


def test_duplicates_are_merged_case_insensitively() -> None:
    got = extract_entities("#SNCF #sncf @Bob @bob")
    assert [e.text for e in got] == ["#SNCF", "@Bob"]


def test_nothing_to_find() -> None:
    assert extract_entities("") == []
    assert extract_entities("prix 10 # 3 et mail x@y.fr") == []


def test_domains_name_the_site_as_alert_samples_and_documents_do() -> None:
    url = "https://WWW.Conso-Hebdo.example./articles/1"
    assert site_of(url, "s") == site_host(url) == "conso-hebdo.example"
    assert ("domain", "conso-hebdo.example") in [(e.kind, e.text) for e in extract_entities("", url)]
