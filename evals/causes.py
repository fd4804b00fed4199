"""Evaluate cause recognition on knowledge/eval/lay_descriptions.jsonl.

    python -m evals.causes [--embedder auto|none] [--set main|holdout|holdout2|holdout3|holdout4]
                                    [--errors] [--loo]
    python -m evals.causes --catalogue [--split dev|holdout] [--neighbours bm25|dense|none] [--embedder …]
                                    [--errors] [--tune]
    python -m evals.causes --judgments [--neighbours bm25|dense|none] [--embedder …]

Prints top-1 and top-3 accuracy, the share flagged unsure, per-cause accuracy and a confusion list
(true → predicted, count). ``--loo`` instead scores leave-one-out on the labelled training examples (the
only data used to set the classifier's weights). ``--embedder auto`` uses the retrieval engineer's packaged
model (retrieval.embedder.make_embedder); ``none`` runs keywords + lexical example matching only.

Five evaluation sets, all disjoint from the training examples:

- ``main`` (lay_descriptions.jsonl, 332 items): written before the classifier tables were tuned. Its error
  categories were looked at once while revising the keyword tables and examples, so its figures after that
  revision are optimistic.
- ``holdout`` (lay_descriptions_holdout.jsonl, 105 items): written after that revision; its errors were then
  looked at once before a second vocabulary pass, so it is no longer clean either.
- ``holdout2`` (lay_descriptions_holdout2.jsonl, 105 items): written after that, measured once clean
  (keywords 79.0% / 95.2%, embedder 88.6% / 98.1% top-1 / top-3), then its errors were studied for a third pass
  (gating rules, vocabulary), so it is no longer clean.
- ``holdout3`` (lay_descriptions_holdout3.jsonl, 126 items): written after that, measured once clean
  (keywords 79.4% / 93.7%, embedder 85.7% / 96.8% top-1 / top-3), then its errors were studied for a fourth
  pass (871 examples instead of 448, ``discounts`` rules, vocabulary), so it is no longer clean either: after
  that pass it reads 92.9% / 99.2% (keywords) and 98.4% / 100% (embedder), optimistic figures.

- ``holdout4`` (lay_descriptions_holdout4.jsonl, 210 items, 10 per cause): written after the fourth pass by
  someone who had not seen the classifier's tables or examples; measured once: embedder 92.9% / 98.1%, keywords
  90.0% / 98.6% (89.5% / 98.6% after two colliding old training examples were rephrased). Its errors have not been
  studied: it is the clean set, and the honest figure. Since the one stop-word set (retrieval.text.STOPWORDS):
  embedder 92.4% / 98.1%, keywords unchanged.

The whole catalogue (knowledge.recognition.CauseRecogniser, issue 12):

- ``--catalogue``: top-1 / top-3 over the catalogue on knowledge/eval/catalogue/lay_stories.jsonl (676 lay stories,
  137 labels including the out-of-scope kinds OUT:*), written by someone who had not seen the code. Its ``split``
  field: ``dev`` (451) is the only part the cue tables and weights were tuned on; ``holdout`` (225) is run once,
  after all tuning, as the clean figure (``--errors`` and ``--tune`` are refused on it: its stories are never
  printed). A cause counts at its exact name; "near" adds a prediction that is the label's parent or child. An
  out-of-scope story counts when the scope kind matches; "recognised as out of scope" counts any kind.
  ``--tune`` grid-searches the weights in catalogue_cues.yaml ``params`` on dev and prints the best settings.
- ``--judgments``: leave-one-out over the shipped judgments' own facts (shared/data c3rd-mini + cjrc-civil-dev):
  each record's text is the query, every other record a neighbour; its cause (older names read through
  families.yaml ``aliases``) is the label.

Measured once on the holdout after all tuning (2026-12-07, shipped setup: ``--embedder auto --neighbours bm25``):
top-1 73.8% / top-3 87.6% (225 stories); the 18 common causes 80.8% / 100% (26), beyond them 72.7% / 86.4% (176),
out of scope 73.9% (23, any kind and the exact kind alike); 24.9% flagged unsure, 84.0% right among the rest.
Without the embedder 72.4% / 86.2%; without the embedder and the judgment votes 72.4% / 88.0%. The dev split reads
98.0% / 100% (tuned on it: optimistic). Judgments' leave-one-out (1,510): 31.4% / 47.7%, near 43.8%
(c3rd-mini 37.7% / 54.7%; cjrc-civil-dev's 500 paragraphs 18.6% / 33.6%, against 3% exact before).

``--neighbours`` builds the judgment votes the server would pass (its similar-judgment search) from the same
shipped judgments: ``bm25`` is the project's jieba BM25 (retrieval.bm25, lexical, the default); ``dense`` the
packaged embedder (retrieval.embedder.make_embedder("auto"), slow to build on two cores); ``none`` runs without.
``--embedder`` applies to the 18-cause classifier inside the recogniser, as in the old modes.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from knowledge.causes import OTHER, load_causes
from knowledge.classifier import CauseClassifier, Embedder, load_classifier_config, load_examples
from knowledge.recognition import CauseRecogniser, Evidence, Neighbours, Params, Recognition, build_recogniser

EVAL_DIR = Path(__file__).resolve().parent.parent / "knowledge" / "eval"
EVAL_PATH = EVAL_DIR / "lay_descriptions.jsonl"
EVAL_SETS = {
    "main": EVAL_PATH,
    "holdout": EVAL_DIR / "lay_descriptions_holdout.jsonl",
    "holdout2": EVAL_DIR / "lay_descriptions_holdout2.jsonl",
    "holdout3": EVAL_DIR / "lay_descriptions_holdout3.jsonl",
    "holdout4": EVAL_DIR / "lay_descriptions_holdout4.jsonl",
}
CATALOGUE_PATH = EVAL_DIR / "catalogue" / "lay_stories.jsonl"
CORPUS_DIR = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
CORPUS_FILES = ("c3rd-mini/judgments.jsonl", "cjrc-civil-dev/facts.jsonl")


@dataclass(frozen=True, slots=True)
class EvalItem:
    text: str
    cause: str


def load_eval(path: Path = EVAL_PATH) -> list[EvalItem]:
    items = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            items.append(EvalItem(row["text"], row["cause"]))
    return items


@dataclass(frozen=True, slots=True)
class EvalReport:
    n: int
    top1: float
    top3: float
    unsure: float
    confident_top1: float  # top-1 accuracy on the items NOT flagged unsure
    per_cause: dict[str, tuple[int, int]]
    confusion: Counter[tuple[str, str]]
    errors: list[tuple[str, str, list[str]]]


def evaluate(classifier: CauseClassifier, items: list[tuple[str, str, int | None]]) -> EvalReport:
    top1 = top3 = unsure = confident_ok = 0
    per: dict[str, list[int]] = {}
    confusion: Counter[tuple[str, str]] = Counter()
    errors: list[tuple[str, str, list[str]]] = []
    for text, cause, exclude in items:
        result = classifier.classify(text, exclude_example=exclude)
        ranked = [s.cause for s in result.ranking]
        hit1 = ranked[0] == cause
        top1 += hit1
        top3 += cause in ranked[:3]
        unsure += result.unsure
        confident_ok += hit1 and not result.unsure
        stats = per.setdefault(cause, [0, 0])
        stats[0] += hit1
        stats[1] += 1
        if not hit1:
            confusion[(cause, ranked[0])] += 1
            errors.append((text, cause, ranked[:3]))
    n = len(items)
    confident = n - unsure
    per_cause = {c: (a, b) for c, (a, b) in per.items()}
    confident_top1 = confident_ok / confident if confident else 0.0
    return EvalReport(n, top1 / n, top3 / n, unsure / n, confident_top1, per_cause, confusion, errors)


def make_embedder(kind: str) -> Embedder | None:
    if kind == "none":
        return None
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        from retrieval.embedder import make_embedder as retrieval_make_embedder
    except ImportError as exc:
        raise SystemExit(f"--embedder {kind}: retrieval.embedder is not available ({exc})") from exc
    embedder: Embedder = retrieval_make_embedder(kind)
    return embedder


def _print_report(title: str, report: EvalReport, show_errors: bool) -> None:
    out = sys.stdout
    out.write(f"{title}\n")
    out.write(f"items: {report.n}\n")
    out.write(f"top-1 accuracy: {report.top1:.1%}\n")
    out.write(f"top-3 accuracy: {report.top3:.1%}\n")
    out.write(f"flagged unsure: {report.unsure:.1%}\n")
    out.write(f"top-1 accuracy when not flagged unsure: {report.confident_top1:.1%}\n")
    out.write("\nper cause (correct/total):\n")
    for cause, (ok, total) in sorted(report.per_cause.items(), key=lambda kv: kv[1][0] / kv[1][1]):
        out.write(f"  {ok:>3}/{total:<3} {cause}\n")
    out.write("\nconfusion (true -> predicted: count):\n")
    for (true, pred), count in report.confusion.most_common():
        out.write(f"  {true} -> {pred}: {count}\n")
    if show_errors:
        out.write("\nerrors:\n")
        for text, cause, ranked in report.errors:
            out.write(f"  [{cause}] {text}  => {ranked}\n")


# --- the whole catalogue -----------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Story:
    id: str
    label: str  # a catalogue name, or "OUT:<kind>"
    text: str


def load_stories(split: str, path: Path = CATALOGUE_PATH) -> list[Story]:
    """The lay stories of one split. Holdout stories are read only to be scored, never printed."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            if row["split"] == split:
                out.append(Story(row["id"], row["label"], row["story"]))
    return out


@dataclass(frozen=True, slots=True)
class Judgment:
    id: str
    cause: str
    text: str


def load_judgments(folder: Path = CORPUS_DIR) -> list[Judgment]:
    out: list[Judgment] = []
    for name in CORPUS_FILES:
        path = folder / name
        if not path.is_file():
            raise SystemExit(f"the shipped judgments are missing: {path} (pass --corpus)")
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                out.append(Judgment(row["id"], row["cause"], row["text"]))
    return out


class CorpusNeighbours:
    """The nearest shipped judgments' causes, as the server's similar-judgment search would give them:
    ``bm25`` (the project's jieba BM25) or ``dense`` (the packaged embedder, exact cosine). ``exclude`` drops one
    judgment (leave-one-out)."""

    def __init__(self, judgments: Sequence[Judgment], kind: str, depth: int = 10) -> None:
        import numpy as np

        from retrieval.bm25 import Bm25Doc, Bm25Index
        from retrieval.text import default_tokenizer

        self.judgments = list(judgments)
        self.kind = kind
        self.depth = depth
        self._cause = {j.id: j.cause for j in self.judgments}
        self._tok = default_tokenizer()
        self._np = np
        if kind == "bm25":
            self._bm25 = Bm25Index.build(Bm25Doc(j.id, self._tok.tokenize(j.text), j.cause) for j in self.judgments)
        elif kind == "dense":
            from retrieval.embedder import make_embedder as retrieval_make_embedder

            self._embedder = retrieval_make_embedder("auto")
            self._matrix = self._embedder.embed_documents([j.text for j in self.judgments])
        else:
            raise SystemExit(f"--neighbours {kind}: use bm25, dense or none")

    def __call__(self, text: str, exclude: str | None = None) -> list[tuple[str, float]]:
        if self.kind == "bm25":
            hits = self._bm25.search(self._tok.tokenize(text), self.depth + 1)
        else:
            scores = self._matrix @ self._embedder.embed_query(text)
            order = self._np.argsort(-scores)[: self.depth + 1]
            hits = [(self.judgments[i].id, float(scores[i])) for i in order]
        return [(self._cause[i], score) for i, score in hits if i != exclude][: self.depth]

    def without(self, judgment_id: str) -> Neighbours:
        return lambda text: self(text, exclude=judgment_id)


@dataclass
class CatalogueReport:
    title: str
    n: int = 0
    top1: int = 0
    top3: int = 0
    near: int = 0
    unsure: int = 0
    confident_ok: int = 0
    groups: dict[str, list[int]] = field(default_factory=dict)  # group → [items, top-1, top-3]
    out_any: list[int] = field(default_factory=lambda: [0, 0])  # out-of-scope items, recognised as out
    per_label: dict[str, list[int]] = field(default_factory=dict)
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)
    errors: list[tuple[str, str, list[str], float]] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    skipped: int = 0

    def add(self, label: str, group: str, result: Recognition, text: str, *, near: bool, seconds: float) -> None:
        top = result.top_labels(3)
        hit1 = top[0] == label
        self.n += 1
        self.top1 += hit1
        self.top3 += label in top
        self.near += hit1 or near
        self.unsure += result.unsure
        self.confident_ok += hit1 and not result.unsure
        g = self.groups.setdefault(group, [0, 0, 0])
        g[0] += 1
        g[1] += hit1
        g[2] += label in top
        if label.startswith("OUT:"):
            self.out_any[0] += 1
            self.out_any[1] += not result.scope.civil
        stats = self.per_label.setdefault(label, [0, 0])
        stats[0] += hit1
        stats[1] += 1
        if not hit1:
            self.confusion[(label, top[0])] += 1
            self.errors.append((text, label, top, result.confidence))
        self.seconds.append(seconds)


def _pct(a: int, b: int) -> str:
    return f"{a / b:.1%}" if b else "n/a"


def _group(label: str, deep: frozenset[str]) -> str:
    if label.startswith("OUT:"):
        return "out of scope"
    return "the 18 common causes" if label in deep else "beyond the 18"


def print_catalogue_report(report: CatalogueReport, show: bool) -> None:
    out = sys.stdout
    out.write(f"{report.title}\n")
    out.write(f"items: {report.n}\n")
    out.write(f"top-1: {_pct(report.top1, report.n)}   top-3: {_pct(report.top3, report.n)}   ")
    out.write(f"top-1 or its parent/child (near): {_pct(report.near, report.n)}\n")
    for group in (
        "the 18 common causes",
        "beyond the 18",
        "out of scope",
        *sorted(g for g in report.groups if g.startswith("judgments")),
    ):
        if group in report.groups:
            n, a, b = report.groups[group]
            out.write(f"  {group}: {n} items, top-1 {_pct(a, n)}, top-3 {_pct(b, n)}\n")
    if report.out_any[0]:
        out.write(
            f"  out of scope recognised as out of scope (any kind): {_pct(report.out_any[1], report.out_any[0])}\n"
        )
    confident = report.n - report.unsure
    out.write(f"flagged unsure: {_pct(report.unsure, report.n)}; top-1 when not unsure: ")
    out.write(f"{_pct(report.confident_ok, confident)}\n")
    if report.skipped:
        out.write(f"skipped (label not in the catalogue): {report.skipped}\n")
    if report.seconds:
        ms = sorted(s * 1000 for s in report.seconds)
        p95 = ms[min(len(ms) - 1, int(len(ms) * 0.95))]
        out.write(f"time per story: mean {statistics.mean(ms):.1f} ms, p95 {p95:.1f} ms\n")
    if not show:
        return
    out.write("\nper label (correct/total), worst first:\n")
    for label, (ok, total) in sorted(report.per_label.items(), key=lambda kv: kv[1][0] / kv[1][1])[:40]:
        out.write(f"  {ok:>3}/{total:<3} {label}\n")
    out.write("\nconfusion (true -> predicted: count):\n")
    for (true, pred), count in report.confusion.most_common(40):
        out.write(f"  {true} -> {pred}: {count}\n")
    out.write("\nerrors:\n")
    for text, label, top, conf in report.errors:
        out.write(f"  [{label}] {text}  => {top} ({conf:.2f})\n")


def make_recogniser(embedder_kind: str) -> CauseRecogniser:
    return build_recogniser(embedder=make_embedder(embedder_kind))


def evaluate_catalogue(
    recogniser: CauseRecogniser, stories: Sequence[Story], neighbours: Neighbours | None, title: str
) -> CatalogueReport:
    catalogue = recogniser.catalogue
    deep = frozenset(load_causes().names) - {OTHER}
    report = CatalogueReport(title)
    for story in stories:
        start = time.perf_counter()
        result = recogniser.recognise(story.text, neighbours=neighbours)
        elapsed = time.perf_counter() - start
        near = result.cause is not None and catalogue.is_near(result.cause, story.label)
        report.add(story.label, _group(story.label, deep), result, story.text, near=near, seconds=elapsed)
    return report


def evaluate_judgments(recogniser: CauseRecogniser, judgments: Sequence[Judgment], kind: str) -> CatalogueReport:
    catalogue = recogniser.catalogue
    source = CorpusNeighbours(judgments, kind) if kind != "none" else None
    report = CatalogueReport(f"leave-one-out over {len(judgments)} shipped judgments, neighbours={kind}")
    for j in judgments:
        label = catalogue.resolve(j.cause)
        if label is None:
            report.skipped += 1
            continue
        start = time.perf_counter()
        result = recogniser.recognise(j.text, neighbours=source.without(j.id) if source else None)
        elapsed = time.perf_counter() - start
        near = result.cause is not None and catalogue.is_near(result.cause, label)
        group = "judgments: cjrc-civil-dev" if j.id.startswith("cjrc-") else "judgments: c3rd-mini"
        report.add(label, group, result, j.text[:60], near=near, seconds=elapsed)
    return report


def _score(recogniser: CauseRecogniser, evidence: Sequence[tuple[str, Evidence]], params: Params) -> dict[str, float]:
    deep = frozenset(load_causes().names) - {OTHER}
    hits: Counter[str] = Counter()
    totals: Counter[str] = Counter()
    for label, ev in evidence:
        group = _group(label, deep)
        totals[group] += 1
        hits[group] += recogniser.decide(ev, params).label == label
    rates = {g: hits[g] / totals[g] for g in totals}
    targets = {"the 18 common causes": 0.9, "beyond the 18": 0.7, "out of scope": 0.95}
    rates["worst share of target"] = min(rates[g] / t for g, t in targets.items() if g in rates)
    rates["all"] = sum(hits.values()) / sum(totals.values())
    return rates


def tune(recogniser: CauseRecogniser, stories: Sequence[Story], neighbours: Neighbours | None) -> None:
    """Grid search over the weights on the dev split; prints the settings that best meet every target."""
    evidence = [(s.label, recogniser.read(s.text, neighbours=neighbours)) for s in stories]
    base = recogniser.params
    grid = {
        "cues": [1.0, 1.3, 1.6],
        "deep": [0.7, 1.0],
        "neighbours": [0.0, 0.2, 0.4, 0.8],
        "level3": [0.5, 0.8],
        "level2": [0.3, 0.5],
        "scope": [1.1, 1.5],
    }
    rows = []
    for values in itertools.product(*grid.values()):
        g = dict(zip(grid, values, strict=True))
        params = base.model_copy(
            update={
                "weights": base.weights.model_copy(
                    update={"cues": g["cues"], "deep": g["deep"], "neighbours": g["neighbours"], "scope": g["scope"]}
                ),
                "related": base.related.model_copy(update={"level3": g["level3"], "level2": g["level2"]}),
            }
        )
        rows.append((_score(recogniser, evidence, params), g))
    rows.sort(key=lambda r: (min(r[0]["worst share of target"], 1.0), r[0]["all"]), reverse=True)
    sys.stdout.write(f"current: {_score(recogniser, evidence, base)}\n")
    for rates, g in rows[:10]:
        sys.stdout.write(f"{g}: " + ", ".join(f"{k} {v:.3f}" for k, v in rates.items()) + "\n")


def run_catalogue(args: argparse.Namespace) -> int:
    if args.split == "holdout" and (args.errors or args.tune):
        raise SystemExit("--errors and --tune read the stories: dev only (the holdout is scored, never shown)")
    recogniser = make_recogniser(args.embedder)
    stories = load_stories(args.split)
    neighbours: Neighbours | None = None
    if args.neighbours != "none":
        neighbours = CorpusNeighbours(load_judgments(args.corpus), args.neighbours)
    if args.tune:
        tune(recogniser, stories, neighbours)
        return 0
    title = (
        f"catalogue lay stories, split={args.split}, neighbours={args.neighbours} (over the shipped judgments), "
        f"classifier embedder={args.embedder}"
    )
    print_catalogue_report(evaluate_catalogue(recogniser, stories, neighbours, title), args.errors)
    return 0


def run_served(args: argparse.Namespace) -> int:
    """Top-1 of what the chat and /api/assess use (``Knowledge.recognise``: the 18-cause classifier when it is sure
    of one of its causes, the catalogue recogniser otherwise) on the catalogue lay stories, per group. A story
    counts as right at its label, or — for a label whose deep table is one of the 18 — at that deep cause."""
    from core.settings import Settings
    from knowledge.service import build_knowledge

    if args.errors:
        raise SystemExit("--served prints figures only")
    knowledge = build_knowledge(Settings(), make_embedder(args.embedder))
    deep = frozenset(load_causes().names) - {OTHER}
    groups: dict[str, list[int]] = {}
    for story in load_stories(args.split):
        reading = knowledge.recognise(story.text)
        got = reading.catalogue_name if reading.scope == "civil" else f"OUT:{reading.scope}"
        ok = got == story.label or (
            not story.label.startswith("OUT:") and knowledge.assessed_name(story.label) == reading.name != OTHER
            and story.label in knowledge.catalogue and knowledge.catalogue.deep_table(story.label) is not None
        )
        for g in (_group(story.label, deep), "all"):
            groups.setdefault(g, [0, 0])
            groups[g][0] += ok
            groups[g][1] += 1
    sys.stdout.write(f"served recognition (Knowledge.recognise), split={args.split}, embedder={args.embedder}\n")
    for g, (right, n) in sorted(groups.items()):
        sys.stdout.write(f"  {g:<10} top-1 {_pct(right, n)}  ({right}/{n})\n")
    return 0


def run_judgments(args: argparse.Namespace) -> int:
    recogniser = make_recogniser(args.embedder)
    report = evaluate_judgments(recogniser, load_judgments(args.corpus), args.neighbours)
    print_catalogue_report(report, args.errors)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--embedder", default="none", help="auto | none (default: none)")
    parser.add_argument("--errors", action="store_true", help="list every misclassified item")
    parser.add_argument("--set", dest="eval_set", default="main", choices=sorted(EVAL_SETS))
    parser.add_argument("--loo", action="store_true", help="leave-one-out on the training examples instead")
    parser.add_argument("--catalogue", action="store_true", help="the whole catalogue on the lay stories")
    parser.add_argument("--judgments", action="store_true", help="leave-one-out over the shipped judgments")
    parser.add_argument("--split", default="dev", choices=["dev", "holdout"], help="--catalogue: which split")
    parser.add_argument("--neighbours", default="bm25", help="bm25 | dense | none (default: bm25)")
    parser.add_argument("--corpus", type=Path, default=CORPUS_DIR, help="folder holding the shipped judgments")
    parser.add_argument("--tune", action="store_true", help="--catalogue: grid-search the weights on dev")
    parser.add_argument("--served", action="store_true", help="--catalogue: score Knowledge.recognise (what ships)")
    args = parser.parse_args(argv)
    if args.catalogue and args.served:
        return run_served(args)
    if args.catalogue:
        return run_catalogue(args)
    if args.judgments:
        return run_judgments(args)
    classifier = CauseClassifier(
        load_causes().names,
        config=load_classifier_config(),
        examples=load_examples(),
        embedder=make_embedder(args.embedder),
    )
    items: list[tuple[str, str, int | None]]
    if args.loo:
        items = [(*classifier.example(i), i) for i in range(classifier.example_count)]
        title = f"leave-one-out on training examples, embedder={args.embedder}"
    else:
        path = EVAL_SETS[args.eval_set]
        items = [(it.text, it.cause, None) for it in load_eval(path)]
        title = f"evaluation set {path.name}, embedder={args.embedder}"
    _print_report(title, evaluate(classifier, items), args.errors)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
