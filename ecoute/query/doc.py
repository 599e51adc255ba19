"""The document side of matching: what a mention exposes (``MatchableDoc``) and its one-time analysis
(``PreparedDoc``: tokens, position lists and metadata keys, shared by every query evaluated on it).

Text fields are ``title`` then ``text``; each is tokenised on its own (token positions restart at 0).
For NEAR, both live in one *combined* position space, like the two values of the Elasticsearch field:
the text starts at ``offset`` = title length + ``POSITION_GAP`` (larger than any NEAR distance), so
nothing matches across them but the span algorithms see the same sequence of positions as Lucene.
Preparation is pure and never raises.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ecoute.query.fields import doc_author_keys, doc_lang_keys, doc_site_keys, doc_source_keys
from ecoute.query.normalize import Token, analyze, tokenize

TextFieldName = Literal["title", "text"]
POSITION_GAP = 1000
"""Positions between the title and the text in the combined position space (and the ES mapping)."""
FIELD_SEPARATOR = "\x00"
"""Separates the title and text in the prefilter haystack (never inside a token)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class MatchableDoc:
    """The fields of a mention that queries look at.

    ``text``: body; ``title``: optional headline; ``author``: handle or display name (compared through
    :func:`ecoute.query.fields.author_key`); ``url``: its host feeds ``site:``; ``lang``: language tag;
    ``source``: source identifier ``<type>`` or ``<type>:<id>`` (see :mod:`ecoute.query.fields`).
    """

    text: str
    title: str | None = None
    author: str | None = None
    url: str | None = None
    lang: str | None = None
    source: str | None = None


class TextView:
    """One analysed text field. ``norms`` (normalised forms by position) and the hashtag/handle sets are
    computed eagerly with the fast :func:`analyze`; tokens, positions by form and exact forms on first
    use (only phrases, NEAR, ``{Case}`` terms and explanations need them)."""

    __slots__ = (
        "_exact_pos",
        "_exacts",
        "_pos",
        "_tokens",
        "handles",
        "name",
        "norms",
        "offset",
        "tags",
        "value",
    )

    def __init__(self, name: TextFieldName, value: str, offset: int, *, tokenized: bool = False) -> None:
        """``tokenized``: compute the full tokens now and the norms from them (for a caller that needs
        the tokens anyway, e.g. the index sink: one pass over the text instead of two)."""
        self.name: TextFieldName = name
        self.value = value
        self.offset = offset
        """First position of this field in the combined position space."""
        self._tokens: list[Token] | None = None
        if tokenized:
            tokens = self._tokens = tokenize(value)
            self.norms: list[str] = [t.norm for t in tokens]
            self.tags = [t.norm for t in tokens if t.kind == "hashtag"]
            self.handles = [t.norm for t in tokens if t.kind == "handle"]
        else:
            self.norms, self.tags, self.handles = analyze(value)
        self._pos: dict[str, list[int]] | None = None
        self._exacts: list[str] | None = None
        self._exact_pos: dict[str, list[int]] | None = None

    @property
    def tokens(self) -> list[Token]:
        """Full tokens (same norms as ``norms``), computed on first use."""
        if self._tokens is None:
            self._tokens = tokenize(self.value)
        return self._tokens

    @property
    def pos(self) -> dict[str, list[int]]:
        """Positions by normalised form (computed on first use)."""
        if self._pos is None:
            self._pos = _positions(self.norms)
        return self._pos

    @property
    def exacts(self) -> list[str]:
        """Exact (case/accent-preserving) forms by position (computed on first use)."""
        if self._exacts is None:
            self._exacts = [t.exact for t in self.tokens]
        return self._exacts

    @property
    def exact_pos(self) -> dict[str, list[int]]:
        """Positions by exact form (computed on first use)."""
        if self._exact_pos is None:
            self._exact_pos = _positions(self.exacts)
        return self._exact_pos

    def char_span(self, first: int, end: int) -> tuple[int, int]:
        """Char offsets in ``value`` covering token positions ``[first, end)``."""
        tokens = self.tokens
        return tokens[first].start, tokens[end - 1].end


def _positions(forms: list[str]) -> dict[str, list[int]]:
    """Positions of each form in ``forms``."""
    pos: dict[str, list[int]] = {}
    for i, form in enumerate(forms):
        found = pos.get(form)
        if found is None:
            pos[form] = [i]
        else:
            found.append(i)
    return pos


class PreparedDoc:
    """A document analysed once for matching many queries (see module docstring)."""

    __slots__ = (
        "_author_keys",
        "_haystack",
        "_lang_keys",
        "_prefix_cache",
        "_site_keys",
        "_source_keys",
        "doc",
        "handle_set",
        "norm_set",
        "tag_set",
        "views",
    )

    def __init__(self, doc: MatchableDoc, *, tokenized: bool = False) -> None:
        """``tokenized``: see :class:`TextView` (same document either way)."""
        self.doc = doc
        text = TextView("text", doc.text, 0, tokenized=tokenized)
        if doc.title:
            title = TextView("title", doc.title, 0, tokenized=tokenized)
            text.offset = len(title.norms) + POSITION_GAP
            self.views: tuple[TextView, ...] = (title, text)
            self.norm_set: set[str] = set(title.norms)
            self.norm_set.update(text.norms)
            self.tag_set: set[str] = set(title.tags)
            self.tag_set.update(text.tags)
            self.handle_set: set[str] = set(title.handles)
            self.handle_set.update(text.handles)
        else:
            self.views = (text,)
            self.norm_set = set(text.norms)
            self.tag_set = set(text.tags)
            self.handle_set = set(text.handles)
        self._haystack: str | None = None
        self._prefix_cache: dict[str, bool] = {}
        self._author_keys: tuple[str, ...] | None = None
        self._site_keys: tuple[str, ...] | None = None
        self._lang_keys: tuple[str, ...] | None = None
        self._source_keys: tuple[str, ...] | None = None

    @property
    def author_keys(self) -> tuple[str, ...]:
        """``author:`` keys of the document (computed on first use)."""
        if self._author_keys is None:
            self._author_keys = doc_author_keys(self.doc.author)
        return self._author_keys

    @property
    def site_keys(self) -> tuple[str, ...]:
        """``site:`` keys: host of the URL and its parent domains (computed on first use)."""
        if self._site_keys is None:
            self._site_keys = doc_site_keys(self.doc.url)
        return self._site_keys

    @property
    def lang_keys(self) -> tuple[str, ...]:
        """``lang:`` keys (computed on first use)."""
        if self._lang_keys is None:
            self._lang_keys = doc_lang_keys(self.doc.lang)
        return self._lang_keys

    @property
    def source_keys(self) -> tuple[str, ...]:
        """``source:`` keys (computed on first use)."""
        if self._source_keys is None:
            self._source_keys = doc_source_keys(self.doc.source)
        return self._source_keys

    @property
    def haystack(self) -> str:
        """Normalised tokens of each text field, space-separated and space-padded (prefilter input)."""
        if self._haystack is None:
            parts = [" " + " ".join(v.norms) + " " for v in self.views]
            self._haystack = FIELD_SEPARATOR.join(parts)
        return self._haystack

    def has_prefix(self, prefix: str) -> bool:
        """True if some token (any field, any kind) starts with ``prefix`` (cached per document)."""
        cached = self._prefix_cache.get(prefix)
        if cached is None:
            cached = any(n.startswith(prefix) for n in self.norm_set)
            self._prefix_cache[prefix] = cached
        return cached

    def locate(self, position: int) -> TextView:
        """The text field holding combined ``position``."""
        for view in reversed(self.views):
            if position >= view.offset:
                return view
        return self.views[0]

    def exact_present(self, exact: str) -> bool:
        """True if some token's exact form equals ``exact``."""
        return any(exact in v.exact_pos for v in self.views)


def prepare(doc: MatchableDoc, *, tokenized: bool = False) -> PreparedDoc:
    """Analyse ``doc`` once for matching (pure, never raises). ``tokenized``: also compute every text
    field's full tokens now (see :class:`TextView`)."""
    return PreparedDoc(doc, tokenized=tokenized)
