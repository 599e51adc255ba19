"""French and English sentiment for social-media mentions (lexicon + rules + tiny learned combination).

Public contract (other modules code against exactly these names):

* ``SentimentResult(label, score, confidence, cues)`` — see ``result.py``;
* ``score_sentiment(text, lang)`` and ``score_sentiments(texts, langs)`` — see ``scorer.py``;
* ``evaluate(path, lang)`` — metrics, throughput and a naive baseline, see ``evaluate.py``.

Nothing is downloaded at run time: lexicons ship in ``data/`` (ours, plus a vendored MIT
French VADER translation) or come from the installed ``vaderSentiment`` package (English).
"""

from enrich.sentiment.evaluate import evaluate
from enrich.sentiment.result import SentimentResult
from enrich.sentiment.scorer import score_sentiment, score_sentiments

__all__ = ["SentimentResult", "evaluate", "score_sentiment", "score_sentiments"]
