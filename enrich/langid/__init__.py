"""Language identification for mentions: French first, English second, every other language by its
ISO 639-1 code, ``'und'`` when nothing is left to read.

A tiered detector (see :mod:`enrich.langid.detector`): script, then a word-frequency model that settles
nearly all sentences cheaply, then lingua restricted to the few languages still in the running.
"""

from enrich.langid.detector import detect_language, detect_languages, warm_up
from enrich.langid.evaluate import evaluate
from enrich.langid.guess import UNDETERMINED, LanguageGuess

__all__ = ["UNDETERMINED", "LanguageGuess", "detect_language", "detect_languages", "evaluate", "warm_up"]
