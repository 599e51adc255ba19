"""Stream matcher: compile an AST once into plain Python objects evaluated against a PreparedDoc.

Semantics (identical to the Elasticsearch translation in :mod:`ecoute.query.es_dsl`):

* ``Word``: some token of title or text (any kind) has this normalised form;
  ``Phrase``: consecutive tokens within one field; ``Prefix``: some token starts with the prefix;
  ``Hashtag``/``Handle``: a token of that kind with this normalised body;
  ``CaseSensitive``: exact (NFKC, case and accents kept) token(s), consecutive within one field;
* ``Field``: the canonical value is one of the document's keys (:mod:`ecoute.query.fields`);
* ``Near``: Lucene span semantics (:mod:`ecoute.query.spans`) in the combined title+text position
  space of :mod:`ecoute.query.doc`, so never across title/text;
* ``And``/``Or``/``Not``: boolean.

The hot path (``CompiledQuery.test_prepared``) only evaluates booleans on precomputed sets and position
lists; hits for the explanation are collected only once a query has matched.
"""

from __future__ import annotations

from typing import Protocol

from ecoute.query.describe import describe
from ecoute.query.doc import MatchableDoc, PreparedDoc, TextView, prepare
from ecoute.query.errors import QuerySyntaxError
from ecoute.query.explain import Explanation, Hit
from ecoute.query.nodes import (
    And,
    CaseSensitive,
    Field,
    Handle,
    Hashtag,
    Near,
    Or,
    Phrase,
    Prefix,
    QueryNode,
    Word,
    is_near_operand,
)
from ecoute.query.normalize import TokenKind, tokenize
from ecoute.query.spans import Span, ordered_near, phrase_starts, span_or, unordered_near


class _M:
    """A compiled node: ``test`` is the hot path, ``collect`` appends hits (only called if test is True)."""

    __slots__ = ()

    def test(self, d: PreparedDoc) -> bool:
        raise NotImplementedError

    def collect(self, d: PreparedDoc, out: list[Hit]) -> None:
        raise NotImplementedError


class _SpanM(_M):
    """A compiled node usable inside NEAR: also yields its spans in the combined position space."""

    __slots__ = ("label",)

    def __init__(self, label: str) -> None:
        self.label = label

    def spans(self, d: PreparedDoc) -> list[Span]:
        raise NotImplementedError

    def collect(self, d: PreparedDoc, out: list[Hit]) -> None:
        for first, end in self.spans(d):
            view = d.locate(first)
            _text_hit(out, self.label, view, first - view.offset, end - view.offset)


def _text_hit(out: list[Hit], label: str, v: TextView, first: int, end: int) -> None:
    """Append the hit of (field-local) token positions ``[first, end)`` of view ``v``."""
    start, stop = v.char_span(first, end)
    out.append(Hit(label, v.name, v.value[start:stop], (first, end), (start, stop)))


class _WordM(_SpanM):
    __slots__ = ("token",)

    def __init__(self, token: str, label: str) -> None:
        super().__init__(label)
        self.token = token

    def test(self, d: PreparedDoc) -> bool:
        return self.token in d.norm_set

    def spans(self, d: PreparedDoc) -> list[Span]:
        token = self.token
        out: list[Span] = []
        for v in d.views:
            found = v.pos.get(token)
            if found:
                o = v.offset
                out.extend([(p + o, p + o + 1) for p in found])
        return out


class _PhraseM(_SpanM):
    __slots__ = ("tokens",)

    def __init__(self, tokens: tuple[str, ...], label: str) -> None:
        super().__init__(label)
        self.tokens = tokens

    def test(self, d: PreparedDoc) -> bool:
        norm_set = d.norm_set
        for t in self.tokens:
            if t not in norm_set:
                return False
        return any(phrase_starts(v.norms, v.pos, self.tokens) for v in d.views)

    def spans(self, d: PreparedDoc) -> list[Span]:
        n = len(self.tokens)
        out: list[Span] = []
        for v in d.views:
            o = v.offset
            out.extend([(p + o, p + o + n) for p in phrase_starts(v.norms, v.pos, self.tokens)])
        return out


class _PrefixM(_SpanM):
    __slots__ = ("prefix",)

    def __init__(self, prefix: str, label: str) -> None:
        super().__init__(label)
        self.prefix = prefix

    def test(self, d: PreparedDoc) -> bool:
        return d.has_prefix(self.prefix)

    def spans(self, d: PreparedDoc) -> list[Span]:
        prefix = self.prefix
        out: list[Span] = []
        for v in d.views:
            o = v.offset
            out.extend([(i + o, i + o + 1) for i, n in enumerate(v.norms) if n.startswith(prefix)])
        return out


class _KindM(_M):
    """Hashtag or handle."""

    __slots__ = ("kind", "label", "token")

    def __init__(self, token: str, kind: TokenKind, label: str) -> None:
        self.token = token
        self.kind = kind
        self.label = label

    def test(self, d: PreparedDoc) -> bool:
        return self.token in (d.tag_set if self.kind == "hashtag" else d.handle_set)

    def collect(self, d: PreparedDoc, out: list[Hit]) -> None:
        for v in d.views:
            for t in v.tokens:
                if t.kind == self.kind and t.norm == self.token:
                    _text_hit(out, self.label, v, t.position, t.position + 1)


class _CaseM(_M):
    __slots__ = ("exacts", "label", "norms")

    def __init__(self, exacts: tuple[str, ...], label: str) -> None:
        self.exacts = exacts
        self.label = label
        self.norms = tuple(t.norm for e in exacts for t in tokenize(e))

    def _starts(self, v: TextView) -> list[int]:
        return phrase_starts(v.exacts, v.exact_pos, self.exacts)

    def test(self, d: PreparedDoc) -> bool:
        norm_set = d.norm_set
        for n in self.norms:  # cheap rejection before building the exact-form index
            if n not in norm_set:
                return False
        return any(self._starts(v) for v in d.views)

    def collect(self, d: PreparedDoc, out: list[Hit]) -> None:
        n = len(self.exacts)
        for v in d.views:
            for p in self._starts(v):
                _text_hit(out, self.label, v, p, p + n)


class _FieldM(_M):
    __slots__ = ("label", "name", "value")

    def __init__(self, node: Field, label: str) -> None:
        self.name = node.name
        self.value = node.value
        self.label = label

    def _keys(self, d: PreparedDoc) -> tuple[str, ...]:
        name = self.name
        if name == "author":
            return d.author_keys
        if name == "site":
            return d.site_keys
        if name == "lang":
            return d.lang_keys
        return d.source_keys

    def test(self, d: PreparedDoc) -> bool:
        return self.value in self._keys(d)

    def collect(self, d: PreparedDoc, out: list[Hit]) -> None:
        doc = d.doc
        raw = {"author": doc.author, "site": doc.url, "lang": doc.lang, "source": doc.source}[self.name]
        out.append(Hit(self.label, self.name, raw or ""))


class _NearM(_SpanM):
    __slots__ = ("distance", "left", "ordered", "right")

    def __init__(self, left: _SpanM, right: _SpanM, distance: int, ordered: bool, label: str) -> None:
        super().__init__(label)
        self.left = left
        self.right = right
        self.distance = distance
        self.ordered = ordered

    def test(self, d: PreparedDoc) -> bool:
        if not (self.left.test(d) and self.right.test(d)):
            return False
        return bool(self.spans(d))

    def spans(self, d: PreparedDoc) -> list[Span]:
        left = self.left.spans(d)
        if not left:
            return []
        right = self.right.spans(d)
        if not right:
            return []
        if self.ordered:
            return ordered_near(left, right, self.distance)
        return unordered_near(left, right, self.distance)


class _AndM(_M):
    __slots__ = ("children",)

    def __init__(self, children: tuple[_M, ...]) -> None:
        self.children = children

    def test(self, d: PreparedDoc) -> bool:
        for c in self.children:  # noqa: SIM110 - explicit loop: hot path, no generator overhead
            if not c.test(d):
                return False
        return True

    def collect(self, d: PreparedDoc, out: list[Hit]) -> None:
        for c in self.children:
            c.collect(d, out)


class _OrM(_SpanM):
    """OR; plain-word children are tested with one set operation. Spans only if all children have them."""

    __slots__ = ("children", "words")

    def __init__(self, children: tuple[_M, ...], label: str) -> None:
        super().__init__(label)
        self.children = children
        self.words = frozenset(c.token for c in children if isinstance(c, _WordM))

    def test(self, d: PreparedDoc) -> bool:
        if not self.words.isdisjoint(d.norm_set):
            return True
        for c in self.children:  # noqa: SIM110 - explicit loop: hot path, no generator overhead
            if not isinstance(c, _WordM) and c.test(d):
                return True
        return False

    def collect(self, d: PreparedDoc, out: list[Hit]) -> None:
        for c in self.children:
            if c.test(d):
                c.collect(d, out)

    def spans(self, d: PreparedDoc) -> list[Span]:
        return span_or([c.spans(d) for c in self.children if isinstance(c, _SpanM)])


class _NotM(_M):
    __slots__ = ("child",)

    def __init__(self, child: _M) -> None:
        self.child = child

    def test(self, d: PreparedDoc) -> bool:
        return not self.child.test(d)

    def collect(self, d: PreparedDoc, out: list[Hit]) -> None:
        return None


def _compile(node: QueryNode) -> _M:
    """Compile one node (raises QuerySyntaxError at position 0 for an invalid NEAR operand)."""
    if isinstance(node, Word):
        return _WordM(node.token, describe(node))
    if isinstance(node, Phrase):
        return _PhraseM(node.tokens, describe(node))
    if isinstance(node, Prefix):
        return _PrefixM(node.prefix, describe(node))
    if isinstance(node, Hashtag):
        return _KindM(node.tag, "hashtag", describe(node))
    if isinstance(node, Handle):
        return _KindM(node.handle, "handle", describe(node))
    if isinstance(node, CaseSensitive):
        return _CaseM(node.tokens, describe(node))
    if isinstance(node, Field):
        return _FieldM(node, describe(node))
    if isinstance(node, Near):
        if not (is_near_operand(node.left) and is_near_operand(node.right)):
            raise QuerySyntaxError("NEAR operands must be words, phrases, wildcards or (… OR …) groups", 0)
        left = _compile(node.left)
        right = _compile(node.right)
        if not isinstance(left, _SpanM) or not isinstance(right, _SpanM):  # unreachable after the check
            raise QuerySyntaxError("invalid NEAR operand", 0)
        return _NearM(left, right, node.distance, node.ordered, describe(node))
    if isinstance(node, And):
        return _AndM(tuple(_compile(c) for c in node.children))
    if isinstance(node, Or):
        return _OrM(tuple(_compile(c) for c in node.children), describe(node))
    return _NotM(_compile(node.child))


class QueryMatcher(Protocol):
    """Anything that can match one document (``CompiledQuery`` is the implementation)."""

    def match(self, doc: MatchableDoc) -> Explanation | None: ...


class CompiledQuery:
    """A query of a tenant compiled for the stream matcher (immutable after construction)."""

    __slots__ = ("_root", "node", "query_id", "tenant")

    def __init__(self, query_id: str, tenant: str, node: QueryNode) -> None:
        self.query_id = query_id
        self.tenant = tenant
        self.node = node
        self._root = _compile(node)

    @property
    def key(self) -> tuple[str, str]:
        """``(tenant, query_id)``."""
        return (self.tenant, self.query_id)

    def test_prepared(self, d: PreparedDoc) -> bool:
        """True if the query matches the prepared document (no explanation; the fast path)."""
        return self._root.test(d)

    def explain_prepared(self, d: PreparedDoc) -> Explanation:
        """Hits of the query in ``d``; only meaningful if :meth:`test_prepared` is True."""
        hits: list[Hit] = []
        self._root.collect(d, hits)
        return Explanation(tuple(dict.fromkeys(hits)))

    def match_prepared(self, d: PreparedDoc) -> Explanation | None:
        """The explanation if the query matches ``d``, else None."""
        if not self._root.test(d):
            return None
        return self.explain_prepared(d)

    def match(self, doc: MatchableDoc) -> Explanation | None:
        """Tokenise ``doc`` and match it (use QueryIndex to share the tokenisation across queries)."""
        return self.match_prepared(prepare(doc))

    def __repr__(self) -> str:
        return f"CompiledQuery({self.tenant!r}, {self.query_id!r}, {describe(self.node)!r})"


def compile_query(query_id: str, tenant: str, node: QueryNode) -> CompiledQuery:
    """Compile ``node`` for matching; raises QuerySyntaxError (position 0) on an invalid hand-built AST."""
    return CompiledQuery(query_id, tenant, node)
