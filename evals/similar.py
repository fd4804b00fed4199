"""What a litigant sees under 【类似案例】, per common cause, through the real assessment and the real index.

    python -m evals.similar            (make eval-similar)

For each of the deep-table causes (knowledge/data/causes.yaml, 其他 aside) it takes the lay stories of that cause
from ``knowledge/eval/lay_descriptions_holdout4.jsonl`` (written by someone who had not seen the code), runs
``Knowledge.assess`` with the searcher the server builds (``ensure_corpus`` on ``CORPUS_PATH``: the first run
ingests the default corpus, a few minutes with the packaged model), and prints:

- ``corpus``: judgments in the index whose cause is the cause, a sub-cause or an older name of it
  (``Knowledge.similar_names``), and how many of them carry an outcome;
- ``shown``: over the cause's stories, the mean number of similar judgments shown, and the share of stories
  where at least 3 are shown that are of that cause and carry an outcome (the issue's bar);
- ``other cause``: similar judgments shown whose cause is not among those names (must be 0).

A story recognised as another cause is still assessed under the recognised cause (what the person would see);
``recognised`` gives the share recognised as the labelled cause.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from datetime import date
from pathlib import Path

from core.settings import Settings
from knowledge.causes import OTHER
from knowledge.service import build_knowledge
from retrieval.bm25 import Bm25Index
from retrieval.search import SimilarCaseSearch
from retrieval.service import ensure_corpus, open_store, shared_embedder

ROOT = Path(__file__).resolve().parent.parent
STORIES = ROOT / "knowledge" / "eval" / "lay_descriptions_holdout4.jsonl"
TODAY = date(2026, 12, 7)
BAR = 3


def _say(line: str) -> None:
    sys.stdout.write(line + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=Path, default=STORIES)
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    settings = Settings()
    ensure_corpus(settings)
    store = open_store(settings)
    embedder = shared_embedder(settings.embedding_model, settings.embedding_threads)
    bm25 = Bm25Index.load(settings.bm25_path / settings.chroma_collection / "index")
    searcher = SimilarCaseSearch(store, bm25, embedder)
    knowledge = build_knowledge(settings, embedder)
    stored: Counter[str] = Counter()
    with_outcome: Counter[str] = Counter()
    for doc in store.iter_metadata():
        cause = doc.metadata.get("cause")
        if isinstance(cause, str):
            stored[cause] += 1
            if doc.metadata.get("outcome"):
                with_outcome[cause] += 1
    items = [json.loads(line) for line in args.stories.read_text(encoding="utf-8").splitlines() if line.strip()]
    _say(f"index: {store.count()} judgments; stories: {args.stories.name}; bar: ≥{BAR} of the cause with outcomes")
    _say(f"{'cause':<22}{'corpus':>8}{'w/ outcome':>11}{'stories':>8}{'recognised':>11}{'mean shown':>11}"
          f"{'≥3 w/ outcome':>14}{'other cause':>12}")
    met = 0
    causes = [c for c in knowledge.causes.names if c != OTHER]
    for cause in causes:
        names = knowledge.similar_names(cause)
        in_corpus = sum(stored[n] for n in names)
        outcomes = sum(with_outcome[n] for n in names)
        stories = [i["text"] for i in items if i.get("cause") == cause]
        shown = good = wrong = recognised = 0
        for text in stories:
            a = knowledge.assess(text, {"cause": cause}, TODAY, searcher=searcher)
            recognised += knowledge.recognise(text).name == cause
            shown += len(a.similar_cases)
            own = [c for c in a.similar_cases if c.cause in names]
            wrong += len(a.similar_cases) - len(own)
            good += sum(1 for c in own if c.outcome) >= BAR
        n = len(stories) or 1
        met += good == len(stories) and bool(stories)
        _say(f"{cause:<22}{in_corpus:>8}{outcomes:>11}{len(stories):>8}{recognised / n:>11.0%}{shown / n:>11.1f}"
              f"{good / n:>14.0%}{wrong:>12}")
    _say(f"causes where every story shows ≥{BAR} judgments of the cause with outcomes: {met}/{len(causes)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
