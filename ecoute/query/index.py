"""QueryIndex: many compiled queries, matched against each document through an Aho-Corasick prefilter.

For every query, :func:`ecoute.query.anchors.anchors` gives clauses of literals; each clause is
registered under one *trigger* literal (the one shared by the fewest clauses of all queries, a proxy
for rarity). For a document, one
Aho-Corasick pass over its haystack finds the literals present; a query is a *candidate* when all
literals of one of its clauses are present. Only candidates, plus the queries without anchors (pure
negations, field-only queries), are evaluated. Because anchors are necessary conditions, the results
are exactly those of :func:`naive_match` (checked by a property test).

Queries may be added, replaced and removed at any time; the automaton and trigger table are rebuilt lazily on
the next match after a change. Not thread-safe. Results are sorted by ``(tenant, query_id)``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import ahocorasick

from ecoute.query.anchors import anchors
from ecoute.query.doc import MatchableDoc, PreparedDoc, prepare
from ecoute.query.explain import QueryMatchResult
from ecoute.query.matcher import CompiledQuery

Key = tuple[str, str]


class QueryIndex:
    """A mutable set of compiled queries keyed by ``(tenant, query_id)`` (see module docstring)."""

    def __init__(self, queries: Iterable[CompiledQuery] = ()) -> None:
        self._queries: dict[Key, CompiledQuery] = {}
        self._clauses: dict[Key, tuple[frozenset[int], ...]] = {}
        self._always: dict[Key, CompiledQuery] = {}
        self._literal_ids: dict[str, int] = {}
        self._literal_refs: dict[int, int] = {}
        self._literal_texts: dict[int, str] = {}
        self._next_literal = 0
        self._triggers: dict[int, list[tuple[Key, frozenset[int]]]] = {}
        self._automaton = ahocorasick.Automaton()
        self._automaton_dirty = False
        self._triggers_dirty = False
        for query in queries:
            self.add(query)

    def __len__(self) -> int:
        return len(self._queries)

    def __contains__(self, key: object) -> bool:
        return key in self._queries

    def __iter__(self) -> Iterator[CompiledQuery]:
        return iter(list(self._queries.values()))

    def get(self, tenant: str, query_id: str) -> CompiledQuery | None:
        """The query stored under ``(tenant, query_id)``, if any."""
        return self._queries.get((tenant, query_id))

    def add(self, query: CompiledQuery) -> None:
        """Add ``query``, replacing any query with the same ``(tenant, query_id)``."""
        key = query.key
        if key in self._queries:
            self.remove(*key)
        self._queries[key] = query
        clauses = anchors(query.node)
        if clauses is None:
            self._always[key] = query
            return
        self._clauses[key] = tuple(frozenset(self._ref_literal(lit) for lit in clause) for clause in clauses)
        self._triggers_dirty = True

    def remove(self, tenant: str, query_id: str) -> bool:
        """Remove the query ``(tenant, query_id)``; return False if it was not there."""
        key = (tenant, query_id)
        if self._queries.pop(key, None) is None:
            return False
        if self._always.pop(key, None) is not None:
            return True
        for clause in self._clauses.pop(key):
            for lit_id in clause:
                self._unref_literal(lit_id)
        self._triggers_dirty = True
        return True

    def _ref_literal(self, literal: str) -> int:
        lit_id = self._literal_ids.get(literal)
        if lit_id is None:
            lit_id = self._next_literal
            self._next_literal += 1
            self._literal_ids[literal] = lit_id
            self._literal_texts[lit_id] = literal
            self._literal_refs[lit_id] = 0
            self._automaton.add_word(literal, lit_id)
            self._automaton_dirty = True
        self._literal_refs[lit_id] += 1
        return lit_id

    def _unref_literal(self, lit_id: int) -> None:
        self._literal_refs[lit_id] -= 1
        if self._literal_refs[lit_id] == 0:
            del self._literal_refs[lit_id]
            literal = self._literal_texts.pop(lit_id)
            del self._literal_ids[literal]
            self._automaton.remove_word(literal)
            self._automaton_dirty = True

    def _refresh(self) -> None:
        """Rebuild the automaton and the trigger table after changes.

        Each clause is registered under its least shared literal (fewest clauses referencing it, then
        longest), so a common word does not wake up every query that mentions it.
        """
        if self._automaton_dirty:
            if self._literal_ids:
                self._automaton.make_automaton()
            self._automaton_dirty = False
        if self._triggers_dirty:
            refs = self._literal_refs
            texts = self._literal_texts
            triggers: dict[int, list[tuple[Key, frozenset[int]]]] = {}
            for key, clauses in self._clauses.items():
                for clause in clauses:
                    trigger = min(clause, key=lambda lit: (refs[lit], -len(texts[lit]), texts[lit]))
                    triggers.setdefault(trigger, []).append((key, clause - {trigger}))
            self._triggers = triggers
            self._triggers_dirty = False

    def candidates(self, d: PreparedDoc) -> set[Key]:
        """Keys of the anchored queries whose anchors occur in ``d`` (excludes always-evaluated ones)."""
        if not self._literal_ids:
            return set()
        self._refresh()
        found = {lit_id for _, lit_id in self._automaton.iter(d.haystack)}
        out: set[Key] = set()
        triggers = self._triggers
        for lit_id in found:
            registered = triggers.get(lit_id)
            if registered is None:
                continue
            for key, others in registered:
                if others <= found:
                    out.add(key)
        return out

    def match_prepared(self, d: PreparedDoc) -> list[QueryMatchResult]:
        """Match an already prepared document."""
        results: list[QueryMatchResult] = []
        queries = self._queries
        for key in self.candidates(d):
            query = queries[key]
            if query.test_prepared(d):
                results.append(QueryMatchResult(query.tenant, query.query_id, query.explain_prepared(d)))
        for query in self._always.values():
            if query.test_prepared(d):
                results.append(QueryMatchResult(query.tenant, query.query_id, query.explain_prepared(d)))
        results.sort(key=lambda r: (r.tenant, r.query_id))
        return results

    def match(self, doc: MatchableDoc) -> list[QueryMatchResult]:
        """All queries matching ``doc`` (tokenised once), sorted by (tenant, query_id)."""
        return self.match_prepared(prepare(doc))

    def match_many(self, docs: Iterable[MatchableDoc]) -> list[list[QueryMatchResult]]:
        """``match`` for each document, in order."""
        return [self.match_prepared(prepare(doc)) for doc in docs]


def naive_match(queries: Iterable[CompiledQuery], doc: MatchableDoc) -> list[QueryMatchResult]:
    """Evaluate every query on ``doc`` without prefilter (reference for tests and benchmarks).

    The document is tokenised once; results are sorted by (tenant, query_id).
    """
    d = prepare(doc)
    results = [
        QueryMatchResult(q.tenant, q.query_id, q.explain_prepared(d)) for q in queries if q.test_prepared(d)
    ]
    results.sort(key=lambda r: (r.tenant, r.query_id))
    return results
