"""Where the word model's frequencies come from.

``wordfreq``'s "small" lists (words used at least once per million, from Wikipedia, subtitles, news,
books, the web and social media), which ship inside the package: nothing is downloaded. The seven
main languages keep their whole list, the others their most frequent words. A short hand-written
supplement (``slang.tsv``) adds French and English internet abbreviations that the lists under-count.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterator, Sequence
from importlib import resources

from wordfreq import get_frequency_dict, get_frequency_list

from enrich.langid.languages import MAIN_LANGUAGES, wordfreq_code
from enrich.langid.params import EXTRA_VOCABULARY

SLANG_FILE = "slang.tsv"


def word_frequencies(languages: Sequence[str]) -> Iterator[tuple[str, list[tuple[str, float]]]]:
    """``(language, [(word, frequency), …])`` for each language in order, one list in memory at a time.

    Raises whatever ``wordfreq`` raises for a language it lacks or a broken install, and ValueError for
    a malformed supplement line.
    """
    supplement = slang()
    for language in languages:
        frequencies = get_frequency_dict(wordfreq_code(language), wordlist="small")
        # wordfreq memoises every list it loads: drop each once read, or all stay (~250 MB).
        get_frequency_dict.cache_clear()
        get_frequency_list.cache_clear()
        if language in MAIN_LANGUAGES:
            pairs = list(frequencies.items())
        else:
            pairs = heapq.nlargest(EXTRA_VOCABULARY, frequencies.items(), key=lambda kv: kv[1])
        yield language, pairs + supplement.get(language, [])


def slang() -> dict[str, list[tuple[str, float]]]:
    """The hand-written supplement: language → [(word, frequency)]. ValueError on a malformed line."""
    table: dict[str, list[tuple[str, float]]] = defaultdict(list)
    text = resources.files("enrich.langid").joinpath(SLANG_FILE).read_text(encoding="utf-8")
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 3:
            raise ValueError(f"{SLANG_FILE}:{number}: expected word<TAB>lang<TAB>frequency")
        word, language, frequency = fields
        value = float(frequency)
        if not 0 < value < 1:
            raise ValueError(f"{SLANG_FILE}:{number}: frequency must be in (0, 1)")
        table[language].append((word, value))
    return dict(table)
