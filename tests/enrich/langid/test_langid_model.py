"""The word model and the fusion arithmetic, on small hand-made data (no wordfreq, no lingua)."""

from __future__ import annotations

import math

import pytest

from enrich.langid.fusion import best_index, candidates, decisive_winner, fuse, ranking, share
from enrich.langid.lexicon import Lexicon, fold_accents, tokens
from enrich.langid.params import FOLDED_PENALTY, FREQUENCY_FLOOR, MAX_CANDIDATES, SCORE_QUANTUM
from enrich.langid.sources import slang


@pytest.fixture
def tiny() -> Lexicon:
    return Lexicon.from_frequencies(
        [
            ("fr", [("le", 0.02), ("école", 1e-4), ("aujourd'hui", 4e-4), ("l", 0.01), ("Été", 1e-4)]),
            ("en", [("the", 0.05), ("school", 1e-4), ("le", 1e-6), ("u.s", 1e-4), ("2024", 1e-3)]),
        ]
    )


def weight(freq: float) -> float:
    return round(math.log(freq / FREQUENCY_FLOOR) / SCORE_QUANTUM) * SCORE_QUANTUM


def test_entries_are_log_ratios_to_the_floor(tiny: Lexicon) -> None:
    assert tiny.entry("le") == ((0, weight(0.02)), (1, weight(1e-6)))
    assert tiny.entry("the") == ((1, weight(0.05)),)
    assert tiny.entry("inconnu") == ()


def test_words_are_case_folded_and_non_words_skipped(tiny: Lexicon) -> None:
    assert tiny.entry("été") == ((0, weight(1e-4)),)
    assert tiny.entry("u.s") == ()
    assert tiny.entry("2024") == ()


def test_accentless_spelling_scores_at_a_penalty(tiny: Lexicon) -> None:
    assert tiny.entry("ecole") == ((0, weight(1e-4 * FOLDED_PENALTY)),)
    assert tiny.entry("ete") == ((0, weight(1e-4 * FOLDED_PENALTY)),)


def test_score_splits_unknown_elisions(tiny: Lexicon) -> None:
    scores, words = tiny.score("L'école, aujourd'hui")
    assert words == 2
    assert scores[0] == weight(0.01) + weight(1e-4) + weight(4e-4)
    assert scores[1] == 0.0


def test_tokens_and_folding() -> None:
    assert tokens("L'Été 2024 à Paris-Plage") == ["l'été", "à", "paris", "plage"]
    assert fold_accents("Ça été") == "Ca ete"
    assert fold_accents("straße") == "straße"


def test_slang_supplement_is_well_formed() -> None:
    table = slang()
    assert {"fr", "en"} <= table.keys()
    assert ("mdr", 2e-4) in table["fr"]
    assert all(0 < freq < 1 for pairs in table.values() for _, freq in pairs)


def test_ranking_is_stable_on_ties() -> None:
    assert ranking([1.0, 3.0, 3.0, 0.0]) == [1, 2, 0, 3]
    assert best_index([2.0, 5.0, 5.0]) == 1


def test_decisive_margin() -> None:
    assert decisive_winner([6.0, 10.0, 0.0]) == 1
    assert decisive_winner([10.0, 8.0, 0.0]) is None
    assert decisive_winner([10.0, 10.0, 0.0]) is None
    assert decisive_winner([4.0]) == 0


def test_candidates_are_the_close_ones_in_priority_order() -> None:
    scores = [5.0, 9.0, 8.0, 1.0]
    assert candidates(scores, ranking(scores)) == [1, 2]


def test_candidates_fall_back_to_everything_without_evidence() -> None:
    scores = [0.0] * (MAX_CANDIDATES + 3)
    assert candidates(scores, ranking(scores)) == list(range(len(scores)))


def test_fuse_and_share() -> None:
    fused = fuse([2.0, 2.0], [0.9, 0.1])
    assert fused[0] > fused[1]
    assert share([0.0, 0.0], 0) == 0.5
    assert share([100.0, 0.0], 0) == 1.0
