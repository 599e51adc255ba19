"""Deterministic generator of realistic French and English mentions, and of tenants' queries.

Mentions mix complaints, praise, news, questions and off-topic chatter about brands, with hashtags,
@handles, links, emojis, accents and apostrophes; ``burst`` makes a brand suddenly frequent (for spike
alerts). Queries: one to a few per brand (brand OR variants, NEAR crisis terms, exclusions), spread over
tenants. Same seed → same output.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from schemas.common import Author, Engagement, SourceType
from schemas.config import QueryDefinition
from schemas.mention import RawMention, stable_mention_id

FR_TEMPLATES = (
    "Toujours pas de réponse du service client {brand} après 3 semaines {emoji_neg} #{tag}",
    "Colis jamais reçu, {brand} injoignable, c'est une arnaque {emoji_neg}",
    "Merci {handle} pour la réponse rapide, le SAV est vraiment au top {emoji_pos}",
    "Bravo à l'équipe {brand} : livraison en 24 h et produit impeccable ! {link}",
    "{brand} annonce l'ouverture d'un nouveau magasin à {city} en janvier {link}",
    "Quelqu'un sait si {brand} rembourse les commandes annulées ? #{tag}",
    "Panne générale chez {brand} depuis ce matin à {city}, impossible de se connecter {emoji_neg}",
    "Résultats trimestriels : {brand} progresse de 4 % selon l'AFP {link}",
    "Franchement pas terrible le nouveau produit de {brand}, je suis déçu",
    "Le marché de Noël de {city} ouvre samedi, vin chaud et crêpes au programme {emoji_pos}",
    "Grève annoncée jeudi : trains supprimés et retards à prévoir autour de {city}",
    "J'adore la nouvelle appli {brand}, super simple à utiliser {emoji_pos} #{tag}",
)
EN_TEMPLATES = (
    "Still waiting for my refund from {brand}, support never answers {emoji_neg} #{tag}",
    "Huge thanks to {handle} for the quick fix, great customer service {emoji_pos}",
    "{brand} outage again in {city}?? nothing works since this morning {emoji_neg}",
    "{brand} reports strong quarterly results, shares up 3% {link}",
    "Is {brand} worth it? Thinking about switching, any feedback? #{tag}",
    "Not bad at all, the new {brand} update actually fixed my battery issues",
    "Worst experience ever with {brand}, never again. #fail",
    "Lovely weather in {city} today, perfect for a walk {emoji_pos}",
    "Just ordered from {brand}, delivery promised for tomorrow {link}",
    "Scam alert: fake {brand} giveaway going around, don't click {emoji_neg}",
)
CITIES = ("Lyon", "Paris", "Marseille", "Lille", "Nantes", "Bordeaux", "London", "Montréal", "Bruxelles")
EMOJI_NEG = ("😡", "🙄", "👎", ":(", "😤", "")
EMOJI_POS = ("😍", "👍", "🙏", ":)", "🎉", "")
TAGS = ("fail", "merci", "SAV", "grève", "service", "help", "boycott", "promo", "news", "tech")
SITES = ("actu", "news", "blog", "forum")
CRISIS_TERMS = ("rappel*", "boycott*", "arnaque", "scam", "outage", "panne*", "intoxication")


@dataclass
class MentionGenerator:
    """Infinite stream of RawMentions for ``brands`` (French share ``fr_share``)."""

    brands: list[str]
    seed: int = 42
    fr_share: float = 0.6
    brand_share: float = 0.7
    start: datetime = field(default_factory=lambda: datetime.now(UTC))
    rate_per_s: float = 1000.0
    _rnd: random.Random = field(init=False)
    _n: int = field(init=False, default=0)

    def __post_init__(self) -> None:
        self._rnd = random.Random(self.seed)

    def _text(self, brand: str, french: bool, must_name_brand: bool) -> str:
        rnd = self._rnd
        templates: tuple[str, ...] = FR_TEMPLATES if french else EN_TEMPLATES
        if must_name_brand:
            templates = tuple(t for t in templates if "{brand}" in t)
        template = rnd.choice(templates)
        handle = "@" + "".join(c for c in brand if c.isalnum())
        return template.format(
            brand=brand,
            handle=handle,
            city=rnd.choice(CITIES),
            tag=rnd.choice(TAGS),
            emoji_neg=rnd.choice(EMOJI_NEG),
            emoji_pos=rnd.choice(EMOJI_POS),
            link=f"https://www.{rnd.choice(SITES)}{rnd.randint(1, 99)}.example/a/{self._n}",
        ).strip()

    def one(self, brand: str | None = None) -> RawMention:
        """The next mention (about ``brand`` if given, else a random brand or none)."""
        rnd = self._rnd
        self._n += 1
        french = rnd.random() < self.fr_share
        named = brand is not None
        if brand is None:
            brand = rnd.choice(self.brands) if rnd.random() < self.brand_share else rnd.choice(CITIES)
        text = self._text(brand, french, must_name_brand=named)
        when = self.start + timedelta(seconds=self._n / self.rate_per_s)
        native = f"bench-{self.seed}-{self._n}"
        followers = int(rnd.paretovariate(1.2) * 50)
        source = rnd.choice((SourceType.MASTODON, SourceType.BLUESKY, SourceType.REDDIT, SourceType.FEED))
        return RawMention(
            id=stable_mention_id(source, native),
            source_type=source,
            source_id=f"bench-{source.value}",
            native_id=native,
            url=f"https://{source.value}.example/p/{self._n}",
            text=text,
            author=Author(handle=f"@user{rnd.randint(1, 50_000)}", followers=followers),
            published_at=when,
            fetched_at=when,
            engagement=Engagement(likes=rnd.randint(0, 50)),
        )

    def __iter__(self) -> Iterator[RawMention]:
        while True:
            yield self.one()

    def take(self, n: int) -> list[RawMention]:
        return [self.one() for _ in range(n)]

    def burst(self, brand: str, n: int) -> list[RawMention]:
        """``n`` mentions of ``brand`` in a row (a volume spike)."""
        return [self.one(brand) for _ in range(n)]


def query_definitions(
    brands: list[str], *, tenants: int, per_brand: int = 1, seed: int = 7, now: datetime | None = None
) -> list[QueryDefinition]:
    """Realistic queries for ``brands`` spread over ``tenants`` tenants (``len(brands) * per_brand``)."""
    rnd = random.Random(seed)
    when = now or datetime.now(UTC)
    out = []
    for i, brand in enumerate(brands):
        tag = "".join(c for c in brand if c.isalnum())
        shapes = [
            f'"{brand}" OR #{tag} OR @{tag}',
            f"{brand} NEAR/5 ({' OR '.join(rnd.sample(CRISIS_TERMS, 3))})",
            f"({brand} OR {tag.lower()}app) NOT (promo OR concours) lang:fr",
        ]
        for j in range(per_brand):
            out.append(
                QueryDefinition(
                    tenant=f"tenant-{i % tenants:04d}",
                    id=f"q-{i}-{j}",
                    query=shapes[j % len(shapes)],
                    updated_at=when,
                )
            )
    return out
