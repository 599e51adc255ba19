"""The bundled demo data: volume, languages, brands, labels and the alert scenario."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

import pytest

from deploy.demo import (
    BRAND_SLUGS,
    DemoItem,
    demo_authors,
    demo_brands,
    items_by_feed,
    load_demo_items,
    load_feeds,
)

INFLUENCER_FOLLOWERS = 50_000


def _fold(text: str) -> str:
    """Casefolded, accent-free text (for brand matching)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _text(item: DemoItem) -> str:
    return _fold(f"{item.title} {item.html} {item.content_html or ''}")


# A labelled item mentions the brand (hashtags and handles included: #GrèveFerralis, @NuviaTelecom).
_MENTION = {
    "ferralis": "ferralis",
    "bonval": "bonval",
    "doux-paturages": "douxpaturages",
    "nuvia": "nuvia",
}
# An unlabelled item mentions no brand as a word (the "rue Bonvalet" trap must stay unlabelled).
_WORD = {
    "ferralis": re.compile(r"\bferralis\b"),
    "bonval": re.compile(r"\bbonval\b"),
    "doux-paturages": re.compile(r"\bdoux\s*paturages\b"),
    "nuvia": re.compile(r"\bnuvia\b"),
}


@pytest.fixture(scope="module")
def items() -> list[DemoItem]:
    return load_demo_items()


def test_volume_and_feeds(items: list[DemoItem]) -> None:
    feeds = load_feeds()
    assert len(items) >= 360
    assert len(feeds) >= 6
    assert {feed.kind for feed in feeds} == {"rss", "atom"}
    assert len({feed.source_type for feed in feeds}) >= 6
    assert any(feed.encoding == "iso-8859-1" for feed in feeds)
    grouped = items_by_feed()
    assert set(grouped) == {feed.slug for feed in feeds}
    assert all(len(feed_items) >= 20 for feed_items in grouped.values())


def test_guids_unique_across_feeds(items: list[DemoItem]) -> None:
    guids = Counter(item.guid for item in items)
    assert [guid for guid, count in guids.items() if count > 1] == []


def test_languages_about_60_40(items: list[DemoItem]) -> None:
    langs = Counter(item.lang for item in items)
    assert set(langs) == {"fr", "en"}
    assert 0.55 <= langs["fr"] / len(items) <= 0.70
    feeds = {feed.slug: feed for feed in load_feeds()}
    assert all(item.lang == feeds[item.feed].language for item in items)


def test_every_brand_present_and_labels_match_text(items: list[DemoItem]) -> None:
    per_brand = Counter(brand for item in items for brand in item.brands)
    assert set(per_brand) == set(BRAND_SLUGS)
    assert per_brand["doux-paturages"] >= 10
    for item in items:
        text = _text(item)
        squashed = re.sub(r"[^a-z0-9]", "", text)
        for brand in BRAND_SLUGS:
            if brand in item.brands:
                assert _MENTION[brand] in squashed, (item.guid, brand)
            else:
                assert not _WORD[brand].search(text), (item.guid, brand)
    off_topic = [item for item in items if not item.brands]
    assert len(off_topic) >= 50
    assert any("bonvalet" in _text(item) for item in off_topic), "the Bonvalet look-alike trap is present"


def test_brands_file_consistent() -> None:
    brands = demo_brands()
    assert {brand.slug for brand in brands} == set(BRAND_SLUGS)
    assert {brand.name for brand in brands} >= {
        "Ferralis",
        "Laiterie Bonval",
        "Doux Pâturages",
        "Nuvia Télécom",
    }


def test_mix_of_sentiments(items: list[DemoItem]) -> None:
    sentiments = Counter(item.sentiment for item in items)
    assert min(sentiments[s] for s in ("negative", "neutral", "positive")) >= 50


def test_authors_and_influencers(items: list[DemoItem]) -> None:
    authors = demo_authors()
    assert all(isinstance(count, int) and count >= 0 for count in authors.values())
    item_authors = {item.author for item in items}
    assert set(authors) <= item_authors, "every listed author wrote something"
    influencers = {name for name, count in authors.items() if count >= INFLUENCER_FOLLOWERS}
    assert len(influencers) >= 4
    assert any(item.author is None or item.author not in authors for item in items)


def test_crisis_window(items: list[DemoItem]) -> None:
    """Laiterie Bonval: a recall that starts ~50 minutes ago, mostly negative and French."""
    crisis = [item for item in items if item.scenario == "crisis"]
    assert all("bonval" in item.brands for item in crisis)
    assert 45 <= max(item.minutes_ago for item in crisis) <= 55
    assert all(item.minutes_ago <= 50 for item in crisis)
    recent_bonval = [item for item in items if "bonval" in item.brands and item.minutes_ago <= 50]
    assert recent_bonval == [item for item in crisis if "bonval" in item.brands]
    assert len(crisis) >= 30
    assert sum(item.sentiment == "negative" for item in crisis) / len(crisis) >= 0.7
    assert sum(item.lang == "fr" for item in crisis) / len(crisis) >= 0.8
    texts = [_text(item) for item in crisis]
    for keyword in ("rappel", "intoxication", "listeria", "boycott", "arnaque"):
        assert any(keyword in text for text in texts), keyword
    authors = demo_authors()
    assert any(
        item.sentiment == "negative" and item.lang == "fr" and authors.get(item.author or "", 0) >= 100_000
        for item in crisis
    ), "an influencer joins the crisis"
    # Before the crisis, Laiterie Bonval is quiet: well under one item per hour on the previous day.
    before = [item for item in items if "bonval" in item.brands and 50 < item.minutes_ago <= 50 + 24 * 60]
    assert len(before) <= 24


def test_volume_spike_window(items: list[DemoItem]) -> None:
    """Ferralis: ~60 items in the last 15 minutes after a baseline of ~1 item per hour."""
    ferralis = [item for item in items if "ferralis" in item.brands]
    spike = [item for item in ferralis if item.minutes_ago < 15]
    assert 55 <= len(spike) <= 65
    assert all(item.scenario == "spike" for item in spike)
    assert [item for item in items if item.scenario == "spike"] == spike
    previous_day = [item for item in ferralis if 15 <= item.minutes_ago < 15 + 24 * 60]
    assert 20 <= len(previous_day) <= 28
    hourly = Counter(int((item.minutes_ago - 15) // 60) for item in previous_day)
    assert max(hourly.values()) <= 2
    assert all(item.scenario == "baseline" for item in previous_day)
    # The 15-minute rate is more than 20 times the baseline rate of the previous day.
    assert len(spike) / 15 > 20 * len(previous_day) / (24 * 60)


def test_background_spread_over_three_days(items: list[DemoItem]) -> None:
    assert max(item.minutes_ago for item in items) <= 72 * 60
    buckets = Counter(int(item.minutes_ago // (6 * 60)) for item in items if item.scenario == "background")
    assert set(buckets) == set(range(12)), "every 6-hour slot of the past 3 days has background items"
    ferralis_baseline = [item for item in items if item.scenario == "baseline"]
    assert len(ferralis_baseline) >= 60


def test_content_features_present(items: list[DemoItem]) -> None:
    """The corpus exercises the parsing edge cases the pipeline must handle."""
    htmls = [item.html + (item.content_html or "") for item in items]
    titles_and_html = [item.title + " " + html for item, html in zip(items, htmls, strict=True)]
    assert any("<img" in html for html in htmls)
    assert any("<a href=" in html for html in htmls)
    assert any("<b>" in html for html in htmls)
    assert any("&eacute;" in html for html in htmls)
    assert any("&amp;" in html for html in htmls)
    assert any(item.html == "" and not item.content_html for item in items), "title-only items"
    assert any("’" in text for text in titles_and_html)
    assert any("'" in text for text in titles_and_html)
    assert any(re.search(r"#\w+", item.title) for item in items)
    assert any(re.search(r"@\w+", item.title) for item in items)
    assert any(re.search("[\U0001f300-\U0001faff]", text) for text in titles_and_html), "emojis"
    assert any(item.title.split(" • ")[-1].startswith("Re: ") for item in items), "phpBB-style replies"
    assert any(not item.link.startswith("http") for item in items), "relative links"
    assert any(item.xml_base for item in items), "an entry-level xml:base"
    assert sum(item.content_html is not None for item in items) >= 10


def test_resolved_links_are_absolute(items: list[DemoItem]) -> None:
    feeds = {feed.slug: feed for feed in load_feeds()}
    for item in items:
        assert item.resolved_link(feeds[item.feed]).startswith("https://")
