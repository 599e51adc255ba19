"""QueryIndex: many compiled queries, matched against each document through an Aho-Corasick prefilter.

For every query, :func:`ecoute.query.anchors.anchors` gives clauses of literals; each clause is
registered under one *trigger* literal (the one shared by the fewest clauses of all queries, a proxy
for rarity). For a document, one Aho-Corasick pass (pyahocorasick) over its haystack finds the trigger
literals present; a query is a *candidate* when, for one of its clauses, the trigger occurs and the
other literals of the clause hold too (checked directly: token in the document's token set, phrase in
the haystack, prefix of some token). Only candidates, plus the queries without anchors (pure
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


_TOKEN, _PHRASE, _PREFIX = 0, 1, 2
_Check = tuple[int, str]


def _check_of(literal: str) -> _Check:
    """How to test a literal directly on a PreparedDoc (equivalent to finding it in the haystack)."""
    if not literal.endswith(" "):
        return (_PREFIX, literal[1:])
    inner = literal[1:-1]
    return (_PHRASE, literal) if " " in inner else (_TOKEN, inner)


def _holds(d: PreparedDoc, check: _Check) -> bool:
    kind, value = check
    if kind == _TOKEN:
        return value in d.norm_set
    if kind == _PHRASE:
        return value in d.haystack
    return d.has_prefix(value)


class QueryIndex:
    """A mutable set of compiled queries keyed by ``(tenant, query_id)`` (see module docstring)."""

    def __init__(self, queries: Iterable[CompiledQuery] = ()) -> None:
        self._queries: dict[Key, CompiledQuery] = {}
        self._clauses: dict[Key, tuple[frozenset[str], ...]] = {}
        self._always: dict[Key, CompiledQuery] = {}
        self._literal_refs: dict[str, int] = {}
        self._triggers: dict[str, list[tuple[Key, tuple[_Check, ...]]]] = {}
        self._automaton: ahocorasick.Automaton | None = None
        self._dirty = False
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
        refs = self._literal_refs
        for clause in clauses:
            for literal in clause:
                refs[literal] = refs.get(literal, 0) + 1
        self._clauses[key] = clauses
        self._dirty = True

    def remove(self, tenant: str, query_id: str) -> bool:
        """Remove the query ``(tenant, query_id)``; return False if it was not there."""
        key = (tenant, query_id)
        if self._queries.pop(key, None) is None:
            return False
        if self._always.pop(key, None) is not None:
            return True
        refs = self._literal_refs
        for clause in self._clauses.pop(key):
            for literal in clause:
                refs[literal] -= 1
                if refs[literal] == 0:
                    del refs[literal]
        self._dirty = True
        return True

    def _refresh(self) -> None:
        """Rebuild the trigger table and the automaton after changes.

        Each clause is registered under its least shared literal (fewest clauses referencing it, then
        longest), so a common word does not wake up every query that mentions it. Only trigger literals
        go into the automaton; the other literals of a clause are checked directly on the document.
        """
        refs = self._literal_refs
        triggers: dict[str, list[tuple[Key, tuple[_Check, ...]]]] = {}
        for key, clauses in self._clauses.items():
            for clause in clauses:
                trigger = min(clause, key=lambda lit: (refs[lit], -len(lit), lit))
                others = tuple(_check_of(lit) for lit in sorted(clause) if lit != trigger)
                triggers.setdefault(trigger, []).append((key, others))
        automaton = None
        if triggers:
            automaton = ahocorasick.Automaton()
            for trigger in triggers:
                automaton.add_word(trigger, trigger)
            automaton.make_automaton()
        self._triggers = triggers
        self._automaton = automaton
        self._dirty = False

    def candidates(self, d: PreparedDoc) -> set[Key]:
        """Keys of the anchored queries whose anchors occur in ``d`` (excludes always-evaluated ones)."""
        if self._dirty:
            self._refresh()
        out: set[Key] = set()
        if self._automaton is None:
            return out
        triggers = self._triggers
        for trigger in {found for _, found in self._automaton.iter(d.haystack)}:
            for key, others in triggers[trigger]:
                if key in out:
                    continue
                for check in others:
                    if not _holds(d, check):
                        break
                else:
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
