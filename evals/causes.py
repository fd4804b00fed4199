"""Evaluate cause recognition on knowledge/eval/lay_descriptions.jsonl.

    python -m evals.causes [--embedder auto|none] [--set main|holdout|holdout2|holdout3|holdout4]
                                    [--errors] [--loo]

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
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from knowledge.causes import load_causes
from knowledge.classifier import CauseClassifier, Embedder, load_classifier_config, load_examples

EVAL_DIR = Path(__file__).resolve().parent.parent / "knowledge" / "eval"
EVAL_PATH = EVAL_DIR / "lay_descriptions.jsonl"
EVAL_SETS = {
    "main": EVAL_PATH,
    "holdout": EVAL_DIR / "lay_descriptions_holdout.jsonl",
    "holdout2": EVAL_DIR / "lay_descriptions_holdout2.jsonl",
    "holdout3": EVAL_DIR / "lay_descriptions_holdout3.jsonl",
    "holdout4": EVAL_DIR / "lay_descriptions_holdout4.jsonl",
}


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--embedder", default="none", help="auto | none (default: none)")
    parser.add_argument("--errors", action="store_true", help="list every misclassified item")
    parser.add_argument("--set", dest="eval_set", default="main", choices=sorted(EVAL_SETS))
    parser.add_argument("--loo", action="store_true", help="leave-one-out on the training examples instead")
    args = parser.parse_args(argv)
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
