"""Recognising a lay story over the whole civil 案由 catalogue, and whether it belongs in this court at all.

:class:`CauseRecogniser` combines four kinds of evidence, each in [0, 1], into one score per catalogue cause
(parameters in knowledge/data/catalogue_cues.yaml ``params``):

1. **cues** — the lay vocabulary of each cause (catalogue_cues.yaml ``causes``): weighted patterns, summed and
   squashed as ``raw / (raw + cue_k)``; ``requires`` / ``unless`` groups gate them;
2. **name** — a core term of the cause's own name found in the story (定作合同纠纷 → 定作);
3. **deep** — the existing 18-cause classifier (:class:`knowledge.classifier.CauseClassifier`, reused as it is):
   its softmax share for each of the 18 deep causes. A catalogue cause near a deep cause inherits part of that
   share (a descendant all of it, a cousin under the same third-level group most, under the same second-level group
   half, under the same part a little), so that a specific cause wins over its deep neighbour only on its own cues;
4. **neighbours** — the causes of the nearest judgments, from an injected ``neighbours(text) -> [(cause, score)]``
   (best first; the server passes its similar-judgment search, see :func:`searcher_neighbours`), as rank-weighted
   votes. Without it the recogniser works on the first three (it degrades, it does not fail).

``score = Σ weight × signal``. Beside the causes, each out-of-scope kind (catalogue_cues.yaml ``scope``: criminal,
administrative, maritime, foreign, ip_court, not_legal) scores from its own cues; a cause of the maritime or
special-IP families puts the story out of scope too. Confidence is the softmax share of the top score (low means
"ask"); ``alternatives`` are the next civil causes.

The result's ``deep`` says whether the cause is one of the 18 causes with slot tables (causes.yaml);
``deep_table`` names the table that applies to it (its own, or a deep ancestor's: 确认劳动关系纠纷 → 劳动争议).
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import Field, field_validator, model_validator

from knowledge._base import DATA_DIR, DataModel, Tag, load_model
from knowledge.catalogue import Catalogue, load_catalogue
from knowledge.causes import OTHER, load_causes
from knowledge.classifier import CauseClassifier, Classification, Embedder, load_classifier_config, load_examples
from knowledge.cues import check_patterns
from knowledge.errors import DataFileError, InputError
from retrieval.text import default_tokenizer

if TYPE_CHECKING:
    from retrieval.types import Searcher

OutKind = Literal["criminal", "administrative", "maritime", "foreign", "ip_court", "not_legal"]
ScopeKind = Literal["civil", "criminal", "administrative", "maritime", "foreign", "ip_court", "not_legal"]
OUT_KINDS: tuple[OutKind, ...] = ("criminal", "administrative", "maritime", "foreign", "ip_court", "not_legal")
# Out-of-scope kinds that leave no civil cause to name (the others are civil matters heard elsewhere).
NO_CIVIL_CAUSE: frozenset[str] = frozenset({"criminal", "administrative", "not_legal"})
OUT_BY_LABEL: dict[str, OutKind] = {f"OUT:{k}": k for k in OUT_KINDS}

Neighbours = Callable[[str], Sequence[tuple[str, float]]]


# --- data -------------------------------------------------------------------------------------------------------
class CueSpec(DataModel):
    cues: dict[str, float]
    requires: list[str] = Field(default_factory=list)
    unless: list[str] = Field(default_factory=list)

    @field_validator("cues")
    @classmethod
    def _compile(cls, cues: dict[str, float]) -> dict[str, float]:
        check_patterns(list(cues))
        return cues


class ScopeSpec(DataModel):
    reason: str
    source: str
    tag: Tag
    examples: list[str] = Field(default_factory=list)
    cues: dict[str, float]

    @field_validator("cues")
    @classmethod
    def _compile(cls, cues: dict[str, float]) -> dict[str, float]:
        check_patterns(list(cues))
        return cues


class Weights(DataModel):
    cues: float
    name: float
    deep: float
    neighbours: float
    scope: float
    examples: float


class Related(DataModel):
    """Share of a deep cause's classifier score inherited by a catalogue cause, by their nearest common ancestor."""

    ancestor: float
    level3: float
    level2: float
    part: float


class Served(DataModel):
    """How :meth:`knowledge.service.Knowledge.recognise` weighs this recogniser against the 18-cause classifier."""

    out_of_scope_from: float  # a criminal / administrative / maritime … reading this confident wins outright
    specific_from: float  # a cause beyond the 18 this confident wins …
    classifier_below: float  # … over a classifier no more confident than this (sure or not)


class Params(DataModel):
    cue_k: float
    scope_k: float
    weights: Weights
    related: Related
    neighbour_depth: int
    example_floor: float  # a labelled example counts only above this cosine (rescaled to [0, 1] above it)
    neighbour_rank_offset: float
    temperature: float
    deep_temperature: float  # softmax temperature over the 18-cause classifier's scores
    unsure_below: float
    max_alternatives: int
    not_legal_floor: float  # below this best civil evidence, a story with no dispute reads as not legal
    not_legal_bonus: float
    no_dispute_bonus: float  # added to not_legal when the message has none of the ``dispute`` group's words
    scope_margin: float  # an out-of-scope kind wins when its score exceeds the best civil score by this much
    served: Served


class CueTable(DataModel):
    params: Params
    groups: dict[str, str]
    extra_groups: dict[str, str] = Field(default_factory=dict)
    causes: dict[str, CueSpec]
    scope: dict[OutKind, ScopeSpec]
    examples: dict[str, list[str]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _groups_known(self) -> CueTable:
        known = set(self.groups) | set(self.extra_groups)
        if "dispute" not in self.groups:
            raise ValueError("groups must define 'dispute' (the words of any dispute)")
        check_patterns([*self.groups.values(), *self.extra_groups.values()])
        missing = sorted({g for spec in self.causes.values() for g in (*spec.requires, *spec.unless)} - known)
        if missing:
            raise ValueError(f"unknown cue groups: {missing}")
        absent = [k for k in OUT_KINDS if k not in self.scope]
        if absent:
            raise ValueError(f"scope kinds without cues: {absent}")
        return self


@functools.cache
def load_cue_table(path: Path = DATA_DIR / "catalogue_cues.yaml") -> CueTable:
    return load_model(CueTable, path)


# --- result -----------------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Scope:
    """Whether the story is a civil suit for this court; if not, which kind of matter and why (with the article)."""

    kind: ScopeKind
    reason: str | None = None
    source: str | None = None

    @property
    def civil(self) -> bool:
        return self.kind == "civil"


@dataclass(frozen=True, slots=True)
class Alternative:
    cause: str
    score: float  # the softmax share among the ranked labels (causes and out-of-scope kinds)


@dataclass(frozen=True, slots=True)
class Signals:
    """The evidence behind one label's score."""

    label: str  # a catalogue cause, or "OUT:<kind>"
    score: float
    cues: float = 0.0
    name: float = 0.0
    deep: float = 0.0
    neighbours: float = 0.0
    matched: tuple[str, ...] = ()
    examples: float = 0.0


@dataclass(frozen=True, slots=True)
class Evidence:
    """What one story shows, before weighting (:meth:`CauseRecogniser.read`)."""

    cues: dict[str, tuple[float, tuple[str, ...]]]  # cause → raw cue sum (> 0) and the words matched
    named: frozenset[str]  # causes whose name's core term is in the story
    deep_scores: dict[str, float]  # the 18-cause classifier's fused scores (其他 included)
    votes: dict[str, float]  # catalogue cause → share of the rank-weighted judgment votes
    scope: dict[OutKind, tuple[float, tuple[str, ...]]]  # out-of-scope kind → raw cue sum and words
    dispute: bool = True  # whether the message has a word of any dispute (catalogue_cues.yaml groups.dispute)
    examples: dict[str, float] = field(default_factory=dict)  # label → best cosine to its labelled examples


@dataclass(frozen=True, slots=True)
class Recognition:
    """The recogniser's answer.

    ``cause`` is a catalogue name (2020 where it has one; ``current_name`` gives the 2025 name for a complaint
    filed now), or None when the story is not a civil matter at all (criminal, administrative, not legal).
    ``confidence`` is the share of the top label; below ``unsure`` threshold the chat should ask with
    ``alternatives``. ``ranking`` holds every scored label with its signals (labels "OUT:<kind>" for the scope).
    """

    cause: str | None
    family: str | None
    confidence: float
    alternatives: tuple[Alternative, ...]
    deep: bool
    deep_table: str | None
    scope: Scope
    unsure: bool
    current_name: str | None = None
    ranking: tuple[Signals, ...] = field(default=(), repr=False)

    @property
    def label(self) -> str:
        """The top label as the evaluation names it: the cause, or "OUT:<kind>" when out of scope."""
        return self.cause if self.scope.civil and self.cause else f"OUT:{self.scope.kind}"

    def top_labels(self, n: int = 3) -> list[str]:
        """The ``n`` best labels (causes and "OUT:<kind>"), the decided one first."""
        out = [self.label]
        for s in self.ranking:
            if len(out) >= n:
                break
            if s.label not in out:
                out.append(s.label)
        return out

    def explain(self) -> str:
        top = next((s for s in self.ranking if s.label == self.label), None)
        if top is None:
            return self.label
        parts = [
            f"{self.label}: {top.score:.2f}（线索{top.cues:.2f}，名称{top.name:.2f}，"
            f"常见案由分类{top.deep:.2f}，相似判决{top.neighbours:.2f}）"
        ]
        if top.matched:
            parts.append("；命中：" + "、".join(top.matched[:6]))
        return "".join(parts)


# --- the recogniser ---------------------------------------------------------------------------------------------
_WS = re.compile(r"\s+")
# words of cause names too general to tell one cause from another in a story
_GENERIC = frozenset(
    {
        *("合同", "责任", "损害", "纠纷", "买卖", "服务", "租赁", "借款", "保险", "侵权", "申请", "确认", "人身"),
        *("财产", "其他", "权属", "关系", "协议", "案件", "程序", "保护", "公司", "股东", "劳动", "管理"),
    }
)
_STRIP = ("损害责任", "责任", "合同", "纠纷", "之诉", "案件")


def normalize(text: str) -> str:
    """NFKC (full-width → half-width); whitespace runs become a comma (they separate clauses in chat)."""
    return _WS.sub("，", unicodedata.normalize("NFKC", text)).strip("，")


def name_terms(name: str) -> tuple[str, ...]:
    """Core terms of a cause's name that a lay story might use (定作合同纠纷 → 定作; 高空抛物、坠物损害责任纠纷 →
    高空抛物, 坠物). Generic words (合同, 买卖, 服务 …) are dropped."""
    terms: list[str] = []
    for piece in re.split(r"[、和与及]", name):
        term = piece
        for prefix in ("申请", "因申请", "确认", "侵害", "请求"):
            if term.startswith(prefix):
                term = term[len(prefix) :]
        changed = True
        while changed:
            changed = False
            for suffix in _STRIP:
                if term.endswith(suffix) and len(term) > len(suffix):
                    term = term[: -len(suffix)]
                    changed = True
        if len(term) >= 2 and term not in _GENERIC:
            terms.append(term)
    return tuple(terms)


@dataclass(frozen=True, slots=True)
class _Compiled:
    cues: tuple[tuple[re.Pattern[str], str, float], ...]
    requires: tuple[re.Pattern[str], ...]
    unless: tuple[re.Pattern[str], ...]


def _compile(cues: dict[str, float]) -> tuple[tuple[re.Pattern[str], str, float], ...]:
    return tuple((re.compile(p, re.IGNORECASE), p, w) for p, w in cues.items())


class ExampleIndex:
    """Nearest labelled example: TF-IDF over the project's jieba words (retrieval.text, stop words removed) and
    character bigrams; :meth:`best` gives each label its best cosine."""

    def __init__(self, examples: Sequence[tuple[str, str]]) -> None:
        self._tokenizer = default_tokenizer()
        self._labels = [label for label, _ in examples]
        docs = [self._features(text) for _, text in examples]
        df: Counter[str] = Counter(f for d in docs for f in d)
        n = len(docs)
        self._idf = {f: math.log((n + 1) / (c + 1)) + 1.0 for f, c in df.items()}
        self._vectors = [self._vector(d) for d in docs]

    def _features(self, text: str) -> Counter[str]:
        t = normalize(text)
        grams = [t[i : i + 2] for i in range(len(t) - 1) if "，" not in t[i : i + 2]]
        return Counter([f"w:{w}" for w in self._tokenizer.tokenize(t) if len(w) > 1] + [f"c:{g}" for g in grams])

    def _vector(self, feats: Counter[str]) -> dict[str, float]:
        vec = {f: (1.0 + math.log(c)) * self._idf[f] for f, c in feats.items() if f in self._idf}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        return {f: v / norm for f, v in vec.items()}

    def best(self, text: str) -> dict[str, float]:
        q = self._vector(self._features(text))
        out: dict[str, float] = {}
        for label, vec in zip(self._labels, self._vectors, strict=True):
            sim = sum(q.get(f, 0.0) * v for f, v in vec.items())
            if sim > out.get(label, 0.0):
                out[label] = sim
        return out


class CauseRecogniser:
    """Build once (it compiles the cue tables and relates every cause to the 18 deep causes), then call
    :meth:`recognise`. ``classifier`` is the 18-cause classifier the server already holds (built here without an
    embedder when not given); ``neighbours`` is the default source of judgment votes (None: none)."""

    def __init__(
        self,
        catalogue: Catalogue,
        cues: CueTable,
        classifier: CauseClassifier,
        neighbours: Neighbours | None = None,
    ) -> None:
        self.catalogue = catalogue
        self.table = cues
        self.params = cues.params
        self.classifier = classifier
        self.neighbours = neighbours
        self.deep_names = [c for c in classifier.causes if c != OTHER]
        unknown = [c for c in [*self.deep_names, *cues.causes] if c not in catalogue]
        if unknown:
            raise DataFileError(f"causes the catalogue does not know: {unknown}")
        groups = {**cues.groups, **cues.extra_groups}
        self._groups = {k: re.compile(v, re.IGNORECASE) for k, v in groups.items()}
        self._specs = {
            name: _Compiled(
                _compile(spec.cues),
                tuple(self._groups[g] for g in spec.requires),
                tuple(self._groups[g] for g in spec.unless),
            )
            for name, spec in cues.causes.items()
        }
        self._scope = {kind: _compile(spec.cues) for kind, spec in cues.scope.items()}
        self._candidates = [
            n for n, e in catalogue.causes.items() if e.level >= 3 or n in cues.causes or n in self.deep_names
        ]
        self._terms = {n: name_terms(n) for n in self._candidates}
        self._related = {n: self._relate(n) for n in self._candidates}
        self._related_cache: dict[Related, dict[str, tuple[tuple[str, float], ...]]] = {}
        unknown_examples = [c for c in cues.examples if c not in catalogue]
        if unknown_examples:
            raise DataFileError(f"examples for causes the catalogue does not know: {unknown_examples}")
        labelled = [(c, t) for c, texts in cues.examples.items() for t in texts]
        labelled += [(f"OUT:{k}", t) for k, spec in cues.scope.items() for t in spec.examples]
        self._examples = ExampleIndex(labelled) if labelled else None
        self._deep_set = frozenset(load_causes().names) - {OTHER}

    def _relate(self, name: str, rel: Related | None = None) -> tuple[tuple[str, float], ...]:
        """(deep cause, share) pairs: how much of each deep cause's classifier score this cause inherits."""
        if name in self.deep_names:
            return ((name, 1.0),)
        chain = self.catalogue.chain(name)
        levels = {n: (self.catalogue.causes[n].level if n in self.catalogue.causes else 1) for n in chain}
        rel = rel or self.params.related
        out: list[tuple[str, float]] = []
        for deep in self.deep_names:
            if deep in chain:
                out.append((deep, rel.ancestor))
                continue
            common = next((n for n in self.catalogue.chain(deep) if n in levels), None)
            if common is None:
                continue
            share = {3: rel.level3, 2: rel.level2}.get(levels[common], rel.part if levels[common] <= 1 else rel.level3)
            if share > 0:
                out.append((deep, share))
        return tuple(out)

    def _related_for(self, rel: Related) -> dict[str, tuple[tuple[str, float], ...]]:
        cached = self._related_cache.get(rel)
        if cached is None:
            cached = {n: self._relate(n, rel) for n in self._candidates}
            self._related_cache[rel] = cached
        return cached

    # -- reading the story ---------------------------------------------------------------------------------------
    def _cue_raw(self, spec: _Compiled, text: str) -> tuple[float, tuple[str, ...]]:
        if any(not g.search(text) for g in spec.requires) or any(g.search(text) for g in spec.unless):
            return 0.0, ()
        raw = 0.0
        matched: list[str] = []
        for pattern, _source, weight in spec.cues:
            m = pattern.search(text)
            if m:
                raw += weight
                if weight > 0:
                    matched.append(m.group(0))
        return (raw, tuple(matched)) if raw > 0 else (0.0, ())

    @staticmethod
    def _softmax(scores: dict[str, float], tau: float) -> dict[str, float]:
        top = max(scores.values())
        exps = {c: math.exp((v - top) / tau) for c, v in scores.items()}
        z = sum(exps.values())
        return {c: v / z for c, v in exps.items()}

    def _votes(self, text: str, neighbours: Neighbours | None) -> dict[str, float]:
        if neighbours is None:
            return {}
        hits = list(neighbours(text))[: self.params.neighbour_depth]
        votes: dict[str, float] = {}
        total = 0.0
        for rank, (cause, _score) in enumerate(hits):
            weight = 1.0 / (rank + self.params.neighbour_rank_offset)
            total += weight
            resolved = self.catalogue.resolve(cause)
            if resolved is not None:
                votes[resolved] = votes.get(resolved, 0.0) + weight
        return {c: v / total for c, v in votes.items()} if total else {}

    def read(
        self, text: str, *, neighbours: Neighbours | None = None, classified: Classification | None = None
    ) -> Evidence:
        """Everything the story shows, before weighting: raw cue sums, name terms found, the classifier's shares,
        the judgment votes, the raw out-of-scope sums. ``neighbours`` overrides the default for this call;
        ``classified`` is the 18-cause classifier's reading of this same text when the caller already has it."""
        t = normalize(text)
        if not t:
            raise InputError("empty text", "请用几句话说说发生了什么事，比如“朋友借钱不还”。")
        cues: dict[str, tuple[float, tuple[str, ...]]] = {}
        for name, spec in self._specs.items():
            raw, matched = self._cue_raw(spec, t)
            if raw > 0:
                cues[name] = (raw, matched)
        named = frozenset(n for n in self._candidates if any(term in t for term in self._terms[n]))
        scope: dict[OutKind, tuple[float, tuple[str, ...]]] = {}
        for kind, patterns in self._scope.items():
            raw = 0.0
            hits: list[str] = []
            for pattern, _source, weight in patterns:
                m = pattern.search(t)
                if m:
                    raw += weight
                    if weight > 0:
                        hits.append(m.group(0))
            scope[kind] = (max(raw, 0.0), tuple(hits))
        votes = self._votes(text, neighbours if neighbours is not None else self.neighbours)
        ranking = (classified or self.classifier.classify(text)).ranking
        dispute = bool(self._groups["dispute"].search(t))
        examples = self._examples.best(text) if self._examples else {}
        return Evidence(cues, named, {r.cause: r.score for r in ranking}, votes, scope, dispute, examples)

    # -- deciding ------------------------------------------------------------------------------------------------
    def _civil_rows(self, ev: Evidence, p: Params, deep: dict[str, float]) -> list[Signals]:
        """Every catalogue cause with evidence of its own (and the 18 deep causes), scored, best first."""
        w = p.weights
        related = self._related if p.related == self.params.related else self._related_for(p.related)
        rows: list[Signals] = []
        for name in self._candidates:
            raw, matched = ev.cues.get(name, (0.0, ()))
            cue = raw / (raw + p.cue_k) if raw > 0 else 0.0
            named = 1.0 if name in ev.named else 0.0
            vote = ev.votes.get(name, 0.0)
            example = self._above_floor(ev.examples.get(name, 0.0), p.example_floor)
            if cue == 0 and named == 0 and vote == 0 and example == 0 and name not in self.deep_names:
                continue  # no evidence of its own: it may not borrow its deep neighbour's score alone
            inherited = max((deep.get(d, 0.0) * share for d, share in related[name]), default=0.0)
            score = w.cues * cue + w.name * named + w.deep * inherited + w.neighbours * vote + w.examples * example
            rows.append(Signals(name, score, cue, named, inherited, vote, matched, example))
        rows.sort(key=lambda s: s.score, reverse=True)
        return rows

    def _scope_rows(self, ev: Evidence, p: Params, deep: dict[str, float], evidence: float) -> list[Signals]:
        """The out-of-scope kinds with a positive score; ``evidence`` is the best civil cause's own evidence."""
        w = p.weights
        out: list[Signals] = []
        for out_kind, (raw, matched) in ev.scope.items():
            value = raw / (raw + p.scope_k) if raw > 0 else 0.0
            example = self._above_floor(ev.examples.get(f"OUT:{out_kind}", 0.0), p.example_floor)
            score = w.scope * value + w.examples * example
            if out_kind == "not_legal" and evidence < p.not_legal_floor:
                score += p.not_legal_bonus * deep.get(OTHER, 0.0) + (0.0 if ev.dispute else p.no_dispute_bonus)
            if score > 0:
                out.append(Signals(f"OUT:{out_kind}", score, value, matched=matched, examples=example))
        return out

    def decide(self, ev: Evidence, params: Params | None = None) -> Recognition:
        """Weigh the evidence (with ``params``, default the table's) into a :class:`Recognition`."""
        p = params or self.params
        deep = self._softmax(ev.deep_scores, p.deep_temperature)
        rows = self._civil_rows(ev, p, deep)
        best_civil = rows[0].score if rows else 0.0
        evidence = max((r.cues + r.name + r.neighbours + r.examples for r in rows), default=0.0)
        scope_rows = self._scope_rows(ev, p, deep, evidence)
        top_scope = max(scope_rows, key=lambda s: s.score, default=None)
        kind: ScopeKind = "civil"
        if top_scope is not None and top_scope.score > best_civil + p.scope_margin:
            kind = OUT_BY_LABEL[top_scope.label]
        cause = rows[0].label if rows else None
        if kind == "civil" and cause is not None:
            kind = self.catalogue.rule_keys(cause).scope
        if kind in NO_CIVIL_CAUSE:
            cause = None
        ranking = sorted([*rows, *scope_rows], key=lambda s: s.score, reverse=True)
        if not ranking:
            ranking = [Signals("OUT:not_legal", 0.0)]
            kind, cause = "not_legal", None
        label = cause if kind == "civil" and cause else f"OUT:{kind}"
        # the decided label first, the rest by score
        ranking = sorted(ranking, key=lambda s: (s.label != label, -s.score))
        if ranking[0].label != label:  # a cause's family put it out of scope (maritime, special IP)
            ranking.insert(0, Signals(label, ranking[0].score))
        top = ranking[0].score
        z = sum(math.exp((s.score - top) / p.temperature) for s in ranking)
        confidence = 1.0 / z
        alternatives = tuple(
            Alternative(s.label, round(math.exp((s.score - top) / p.temperature) / z, 4))
            for s in [r for r in rows if r.label != cause][: p.max_alternatives]
        )
        scope = Scope("civil")
        if kind != "civil":
            spec = self.table.scope[kind]
            scope = Scope(kind, spec.reason, spec.source)
        return Recognition(
            cause=cause,
            family=self.catalogue.get(cause).family if cause else None,
            confidence=round(confidence, 4),
            alternatives=alternatives,
            deep=cause in self._deep_set if cause else False,
            deep_table=self.catalogue.deep_table(cause) if cause else None,
            scope=scope,
            unsure=confidence < p.unsure_below,
            current_name=self.catalogue.current_name(cause) if cause else None,
            ranking=tuple(ranking),
        )

    @staticmethod
    def _above_floor(sim: float, floor: float) -> float:
        return max(0.0, (sim - floor) / (1.0 - floor))

    def recognise(
        self, text: str, *, neighbours: Neighbours | None = None, classified: Classification | None = None
    ) -> Recognition:
        """Recognise the cause of ``text`` (see the module docstring). ``neighbours`` overrides the default
        judgment votes for this call; raises :class:`~knowledge.errors.InputError` on an empty text."""
        return self.decide(self.read(text, neighbours=neighbours, classified=classified))


def searcher_neighbours(searcher: Searcher, k: int = 10) -> Neighbours:
    """The server's similar-judgment search as a ``neighbours`` callable: the causes of the ``k`` nearest
    judgments, best first (judgments without a cause are skipped)."""

    def neighbours(text: str) -> list[tuple[str, float]]:
        return [(h.cause, h.score) for h in searcher.search(text, k=k).hits if h.cause]

    return neighbours


def build_recogniser(
    *,
    classifier: CauseClassifier | None = None,
    embedder: Embedder | None = None,
    neighbours: Neighbours | None = None,
) -> CauseRecogniser:
    """The recogniser over the shipped tables. Pass the server's ``classifier`` to share it (else one is built,
    with ``embedder`` when given) and ``neighbours`` for judgment votes."""
    if classifier is None:
        classifier = CauseClassifier(
            load_causes().names, config=load_classifier_config(), examples=load_examples(), embedder=embedder
        )
    return CauseRecogniser(load_catalogue(), load_cue_table(), classifier, neighbours)
