"""The value returned by sentiment scoring (the public contract other modules code against)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Label = Literal["negative", "neutral", "positive"]
LABELS: tuple[Label, Label, Label] = ("negative", "neutral", "positive")


@dataclass(frozen=True, slots=True)
class SentimentResult:
    """Sentiment of one text.

    Attributes:
        label: the predicted class.
        score: polarity in [-1, 1] (P(positive) - P(negative)); 0 for a text with no cue.
        confidence: in [0, 1], the probability of the predicted class.
        cues: the words, phrases, emojis and rules that drove the score, strongest first,
            each as ``"kind:surface"`` (e.g. ``"word:arnaque"``, ``"negation:pas top"``,
            ``"emoji:😡"``, ``"shouting:NUL"``); empty when nothing polar was found.
    """

    label: Label
    score: float
    confidence: float
    cues: tuple[str, ...]


NEUTRAL_EMPTY = SentimentResult(label="neutral", score=0.0, confidence=1.0, cues=())
