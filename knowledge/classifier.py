"""Recognising the cause of action (案由) from a lay description.

A scored fusion of three explainable signals, each in [0, 1] (parameters in knowledge/data/classifier.yaml):

1. **keywords** — weighted phrases per cause found in the text ("借条" 3, "房租" 4 …; negative weights for
   words that speak against the cause); the raw sum is squashed as ``raw / (raw + k)`` so that more evidence
   means more score but never more than 1. A cause may ``require`` cue groups (e.g. injury to a person
   providing labour needs both a work cue and an injury cue); without them its keyword signal is 0. A
   ``discount`` rule scales some causes' raw sum down when a cue of another story is present (family words
   are weak evidence in a story with a loan cue, unless the text names the family cause itself);
2. **lexical** — cosine similarity of TF-IDF vectors over jieba tokens and character bigrams to the labelled
   examples (knowledge/data/cause_examples.yaml), averaged over the cause's best ``top_examples``;
3. **embedding** (optional) — the same nearest-example idea with an injected sentence embedder
   (``embed_documents`` / ``embed_query`` returning normalised vectors), cosine rescaled above a floor.

``score = Σ weight × signal`` ("其他" also gets a small prior, so a text with no signal falls to it).
Confidence is the softmax share of the top score; ``unsure`` when it is low or the runner-up is close, and
``alternatives`` then offers the closest 2–3 for the person to choose. :meth:`Classification.explain` says
which words and examples drove the decision.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import jieba
import numpy as np
import numpy.typing as npt
from pydantic import Field

from knowledge._base import DATA_DIR, DataModel, load_model
from knowledge.causes import OTHER
from knowledge.errors import DataFileError, InputError
from retrieval.text import STOPWORDS


class Embedder(Protocol):
    """Anything with these two methods returning normalised vectors (lists or numpy arrays)."""

    def embed_documents(self, texts: list[str]) -> npt.ArrayLike: ...

    def embed_query(self, text: str) -> npt.ArrayLike: ...


class Weights(DataModel):
    keywords: float
    lexical: float
    embedding: float = 0.0


class Discount(DataModel):
    """Scale the raw keyword sum of ``causes`` by ``factor`` when the text has a ``when_any`` cue and no
    ``unless_any`` cue (e.g. family words in a story about a loan)."""

    why: str
    causes: list[str]
    when_any: list[str]
    unless_any: list[str] = Field(default_factory=list)
    factor: float = Field(ge=0.0, le=1.0)


class ClassifierConfig(DataModel):
    weights_with_embedder: Weights
    weights_without_embedder: Weights
    keyword_k: float
    top_examples: int
    embedding_floor: float
    other_prior: float
    temperature: float
    unsure_below: float
    min_margin: float
    max_alternatives: int
    keywords: dict[str, dict[str, float]]
    # cause → groups of cues; the cause's keyword signal counts only when every group has a cue in the text
    requires: dict[str, list[list[str]]] = Field(default_factory=dict)
    discounts: list[Discount] = Field(default_factory=list)


class ExampleSet(DataModel):
    examples: dict[str, list[str]]


@functools.cache
def load_classifier_config(path: Path = DATA_DIR / "classifier.yaml") -> ClassifierConfig:
    return load_model(ClassifierConfig, path)


@functools.cache
def load_examples(path: Path = DATA_DIR / "cause_examples.yaml") -> ExampleSet:
    return load_model(ExampleSet, path)


def normalize(text: str) -> str:
    """NFKC (full-width → half-width), lower case, whitespace removed."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()


@dataclass(frozen=True, slots=True)
class CauseScore:
    cause: str
    score: float
    keywords: float
    lexical: float
    embedding: float | None
    matched: tuple[str, ...]
    nearest: tuple[tuple[str, float], ...]
    discounted_by: tuple[str, ...] = ()  # the cues of the discount rules applied to the keyword signal


@dataclass(frozen=True, slots=True)
class KeywordSignal:
    score: float
    matched: tuple[str, ...] = ()
    discounted_by: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Classification:
    cause: str
    confidence: float
    unsure: bool
    alternatives: list[str]
    ranking: list[CauseScore] = field(repr=False)

    @property
    def name(self) -> str:
        """The recognised cause (alias of ``cause``)."""
        return self.cause

    def top_names(self, n: int = 3) -> list[str]:
        """The ``n`` highest-scoring causes, best first."""
        return [s.cause for s in self.ranking[:n]]

    def explain(self) -> str:
        top = self.ranking[0]
        parts = [f"{top.cause}: 总分{top.score:.2f}（关键词{top.keywords:.2f}，相似例句{top.lexical:.2f}"]
        if top.embedding is not None:
            parts.append(f"，语义{top.embedding:.2f}")
        parts.append("）")
        if top.matched:
            parts.append("；命中词：" + "、".join(top.matched[:6]))
        if top.discounted_by:
            parts.append("（因“" + "、".join(top.discounted_by) + "”减权）")
        if top.nearest:
            parts.append(f"；最像的例句：“{top.nearest[0][0]}”")
        return "".join(parts)


_TOKEN_SKIP = re.compile(r"^[\W\d_]+$")


class CauseClassifier:
    """Build once (it tokenises and, with an embedder, embeds the examples), then call :meth:`classify`.

    ``config`` and ``examples`` are the loaded tables (:func:`load_classifier_config`, :func:`load_examples`).
    """

    def __init__(
        self,
        causes: Sequence[str],
        *,
        config: ClassifierConfig,
        examples: ExampleSet,
        embedder: Embedder | None = None,
    ) -> None:
        self.config = config
        self.examples = examples
        self.causes = list(causes)
        named = set(self.config.keywords) | set(self.examples.examples) | set(self.config.requires)
        named |= {c for d in self.config.discounts for c in d.causes}
        unknown = named - set(self.causes)
        if unknown:
            raise DataFileError(f"classifier data names unknown causes: {sorted(unknown)}")
        if OTHER not in self.causes:
            raise DataFileError(f"the causes must include {OTHER!r}")
        self.embedder = embedder
        self.weights = self.config.weights_with_embedder if embedder else self.config.weights_without_embedder
        self._tokenizer = jieba.Tokenizer()
        for phrases in self.config.keywords.values():
            for phrase in phrases:
                self._tokenizer.add_word(phrase, freq=2000)
        self._keywords = {c: {normalize(p): w for p, w in kws.items()} for c, kws in self.config.keywords.items()}
        self._ex_cause: list[str] = []
        self._ex_text: list[str] = []
        for cause, texts in self.examples.examples.items():
            for text in texts:
                self._ex_cause.append(cause)
                self._ex_text.append(text)
        docs = [self._features(t) for t in self._ex_text]
        df: Counter[str] = Counter(f for d in docs for f in d)
        n = len(docs)
        self._idf = {f: math.log((n + 1) / (c + 1)) + 1.0 for f, c in df.items()}
        self._ex_vecs = [self._tfidf(d) for d in docs]
        self._ex_emb: np.ndarray | None = None
        if embedder is not None:
            self._ex_emb = np.asarray(embedder.embed_documents(self._ex_text), dtype=np.float32)

    # -- signals -------------------------------------------------------------------------------------
    def _features(self, text: str) -> Counter[str]:
        t = normalize(text)
        tokens = [w for w in self._tokenizer.lcut(t) if not _TOKEN_SKIP.match(w) and w not in STOPWORDS]
        grams = [t[i : i + 2] for i in range(len(t) - 1) if not _TOKEN_SKIP.match(t[i : i + 2])]
        return Counter([f"w:{w}" for w in tokens] + [f"c:{g}" for g in grams])

    def _tfidf(self, feats: Counter[str]) -> dict[str, float]:
        vec = {f: (1.0 + math.log(c)) * self._idf[f] for f, c in feats.items() if f in self._idf}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        return {f: v / norm for f, v in vec.items()}

    def keyword_signal(self, text: str) -> dict[str, KeywordSignal]:
        t = normalize(text)
        out: dict[str, KeywordSignal] = {}
        k = self.config.keyword_k
        factors: dict[str, float] = {}
        cues: dict[str, list[str]] = {}
        for rule in self.config.discounts:
            found = [c for c in rule.when_any if normalize(c) in t]
            if found and not any(normalize(c) in t for c in rule.unless_any):
                for cause in rule.causes:
                    factors[cause] = factors.get(cause, 1.0) * rule.factor
                    cues.setdefault(cause, []).append(found[0])
        for cause, phrases in self._keywords.items():
            groups = self.config.requires.get(cause, [])
            if not all(any(normalize(cue) in t for cue in group) for group in groups):
                out[cause] = KeywordSignal(0.0)
                continue
            hits = [p for p in phrases if p in t]
            # a phrase inside a longer matched phrase of the same cause counts once (借条 within 打借条)
            hits = [p for p in hits if not any(p != q and p in q for q in hits)]
            raw = sum(phrases[p] for p in hits)
            applied: tuple[str, ...] = ()
            if raw > 0 and cause in factors:
                raw *= factors[cause]
                applied = tuple(cues[cause])
            score = raw / (raw + k) if raw > 0 else 0.0
            out[cause] = KeywordSignal(score, tuple(sorted(hits, key=lambda p: -phrases[p])), applied)
        return out

    def _per_cause(self, sims: Sequence[float], exclude: int | None = None) -> dict[str, list[tuple[float, int]]]:
        by: dict[str, list[tuple[float, int]]] = {}
        for i, s in enumerate(sims):
            if i == exclude:
                continue
            by.setdefault(self._ex_cause[i], []).append((s, i))
        for lst in by.values():
            lst.sort(reverse=True)
        return by

    def _top_mean(self, lst: list[tuple[float, int]]) -> float:
        top = lst[: self.config.top_examples]
        return sum(s for s, _ in top) / len(top) if top else 0.0

    # -- decision ------------------------------------------------------------------------------------
    def classify(self, text: str, *, exclude_example: int | None = None) -> Classification:
        """Rank the causes for ``text``. ``exclude_example`` (an example index) supports leave-one-out."""
        if not normalize(text):
            raise InputError("empty text", "请用几句话说说发生了什么事，比如“朋友借钱不还”。")
        kw = self.keyword_signal(text)
        q = self._tfidf(self._features(text))
        lex_sims = [sum(q.get(f, 0.0) * v for f, v in ex.items()) for ex in self._ex_vecs]
        lex = self._per_cause(lex_sims, exclude_example)
        emb: dict[str, list[tuple[float, int]]] | None = None
        if self.embedder is not None and self._ex_emb is not None:
            qv = np.asarray(self.embedder.embed_query(text), dtype=np.float32)
            emb = self._per_cause([float(x) for x in self._ex_emb @ qv], exclude_example)
        w = self.weights
        floor = self.config.embedding_floor
        scores: list[CauseScore] = []
        for cause in self.causes:
            k_sig = kw.get(cause, KeywordSignal(0.0))
            k_score, matched = k_sig.score, k_sig.matched
            l_list = lex.get(cause, [])
            l_score = self._top_mean(l_list)
            e_score: float | None = None
            if emb is not None:
                e_raw = self._top_mean(emb.get(cause, []))
                e_score = max(0.0, (e_raw - floor) / (1.0 - floor))
            total = w.keywords * k_score + w.lexical * l_score + w.embedding * (e_score or 0.0)
            if cause == OTHER:
                total += self.config.other_prior
            nearest = tuple((self._ex_text[i], round(s, 3)) for s, i in l_list[:2])
            scores.append(CauseScore(cause, total, k_score, l_score, e_score, matched, nearest, k_sig.discounted_by))
        scores.sort(key=lambda s: s.score, reverse=True)
        tau = self.config.temperature
        exps = [math.exp((s.score - scores[0].score) / tau) for s in scores]
        z = sum(exps)
        probs = [e / z for e in exps]
        confidence = probs[0]
        margin = scores[0].score - scores[1].score if len(scores) > 1 else 1.0
        unsure = confidence < self.config.unsure_below or margin < self.config.min_margin
        alternatives = [s.cause for s in scores[1 : 1 + self.config.max_alternatives] if s.cause != scores[0].cause]
        if not unsure:
            alternatives = [c for c, p in zip([s.cause for s in scores[1:]], probs[1:], strict=False) if p >= 0.05][
                : self.config.max_alternatives
            ]
        return Classification(scores[0].cause, round(confidence, 4), unsure, alternatives, scores)

    @property
    def example_count(self) -> int:
        return len(self._ex_text)

    def example(self, index: int) -> tuple[str, str]:
        return self._ex_text[index], self._ex_cause[index]
