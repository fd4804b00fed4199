"""The floor: the bare cost of one similar-case lookup, measured on the same index as the load run.

One lookup = one query embedding (the real model) + one ANN query (Chroma, 50 nearest, no metadata filter:
the bare HNSW search) + one BM25 query (jieba tokens, 50 best, with the cause filter the bot would use, a
cheap mask). No fusion, no metadata fetch, no HTTP, no database: what any product built on these parts must
pay at least once per assessment. ``ann_filtered_p50_ms`` is ``ChromaStore.query`` with the cause, whatever
the store does for it (until 2026-11-25 Chroma's metadata pre-filter, whose cost grows with the collection;
the full run of that date used it as the floor's ANN part). The queries
are the simulated litigants' stories (``bench.user.STORIES``), each with the cause the product's own
classifier gives it.

``python -m bench.floor --size 100000 [--model auto] [--repeats 30] [--chroma-host H --chroma-port P]`` prints
one JSON line (milliseconds). ``bench.load`` runs it in a child process before starting the server, so the
two never share an embedded Chroma client.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from bench.corpus import ensure_index
from bench.user import STORIES

DEPTH = 50  # what SimilarCaseSearch takes from each list before fusion


@dataclass(frozen=True)
class Floor:
    size: int
    queries: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    embed_p50_ms: float
    ann_p50_ms: float
    bm25_p50_ms: float
    ann_filtered_p50_ms: float = float("nan")  # ChromaStore.query with the cause filter, for comparison


def _pct(values: list[float], q: float) -> float:
    return round(float(np.percentile(np.asarray(values), q)), 2)


def causes_for(stories: tuple[str, ...], embedder: Any) -> list[str | None]:
    """The cause the product's classifier recognises for each story (the filter the bot searches with)."""
    import knowledge
    from core.settings import Settings

    kb = knowledge.build_knowledge(Settings(), embedder=embedder)
    out: list[str | None] = []
    for story in stories:
        name = kb.classifier.classify(story).name
        out.append(None if name == "其他" else str(name))
    return out


def measure(size: int, model: str, repeats: int, chroma_host: str | None, chroma_port: int) -> Floor:
    from retrieval.bm25 import Bm25Index
    from retrieval.embedder import make_embedder
    from retrieval.store import ChromaStore, make_client
    from retrieval.text import default_tokenizer, normalize

    index = ensure_index(size, model)
    embedder = make_embedder(model)
    client = make_client(index.chroma_path, chroma_host, chroma_port)
    store = ChromaStore(client, index.collection)
    bm25 = Bm25Index.load(index.bm25_path / index.collection / "index")
    tokenizer = default_tokenizer()
    causes = causes_for(STORIES, embedder)
    pairs = list(zip(STORIES, causes, strict=True))
    for story, cause in pairs:  # warm-up: first calls allocate
        store.query(embedder.embed_query(normalize(story)), DEPTH, None)
        store.query(embedder.embed_query(normalize(story)), DEPTH, cause)
        bm25.search(tokenizer.tokenize(story), DEPTH, cause)
    total: list[float] = []
    parts: dict[str, list[float]] = {"embed": [], "ann": [], "bm25": [], "ann_filtered": []}
    for _ in range(repeats):
        for story, cause in pairs:
            t0 = time.perf_counter()
            vector = embedder.embed_query(normalize(story))
            t1 = time.perf_counter()
            store.query(vector, DEPTH, None)
            t2 = time.perf_counter()
            bm25.search(tokenizer.tokenize(story), DEPTH, cause)
            t3 = time.perf_counter()
            parts["embed"].append((t1 - t0) * 1000)
            parts["ann"].append((t2 - t1) * 1000)
            parts["bm25"].append((t3 - t2) * 1000)
            total.append((t3 - t0) * 1000)
            t4 = time.perf_counter()
            store.query(vector, DEPTH, cause)
            parts["ann_filtered"].append((time.perf_counter() - t4) * 1000)
    return Floor(
        size=size,
        queries=len(total),
        p50_ms=_pct(total, 50),
        p95_ms=_pct(total, 95),
        p99_ms=_pct(total, 99),
        embed_p50_ms=_pct(parts["embed"], 50),
        ann_p50_ms=_pct(parts["ann"], 50),
        bm25_p50_ms=_pct(parts["bm25"], 50),
        ann_filtered_p50_ms=_pct(parts["ann_filtered"], 50),
    )


def by_cause(size: int, model: str, repeats: int) -> list[tuple[str, str, int, float, float, float]]:
    """Per story: (story, cause filter, judgments under that cause, the first filtered query's ms in this process,
    filtered ANN p50 ms after it, unfiltered ANN p50 ms)."""
    from retrieval.embedder import make_embedder
    from retrieval.store import ChromaStore, make_client
    from retrieval.text import normalize

    index = ensure_index(size, model)
    embedder = make_embedder(model)
    store = ChromaStore(make_client(index.chroma_path), index.collection)
    causes = causes_for(STORIES, embedder)
    counts: dict[str | None, int] = {}
    for doc in store.iter_metadata(page=5000):
        cause = doc.metadata.get("cause")
        key = cause if isinstance(cause, str) else None
        counts[key] = counts.get(key, 0) + 1
    out = []
    for story, cause in zip(STORIES, causes, strict=True):
        vector = embedder.embed_query(normalize(story))
        t_first = time.perf_counter()
        store.query(vector, DEPTH, cause)  # the first query with this filter value (cold)
        first = round((time.perf_counter() - t_first) * 1000, 1)
        timings: dict[str, list[float]] = {"f": [], "u": []}
        for _ in range(repeats):
            t0 = time.perf_counter()
            store.query(vector, DEPTH, cause)
            t1 = time.perf_counter()
            store.query(vector, DEPTH, None)
            timings["f"].append((t1 - t0) * 1000)
            timings["u"].append((time.perf_counter() - t1) * 1000)
        n = counts.get(cause, 0) if cause else size
        out.append((story, cause or "(none)", n, first, _pct(timings["f"], 50), _pct(timings["u"], 50)))
    return out


def run_in_child(size: int, model: str, repeats: int = 30, chroma_host: str | None = None,
                 chroma_port: int = 8001) -> Floor:
    """``measure`` in a fresh interpreter (no shared Chroma client or warm caches with the caller)."""
    import subprocess

    from core.settings import REPO_ROOT

    cmd = [sys.executable, "-m", "bench.floor", "--size", str(size), "--model", model, "--repeats", str(repeats)]
    if chroma_host:
        cmd += ["--chroma-host", chroma_host, "--chroma-port", str(chroma_port)]
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "PYTHONPATH": str(REPO_ROOT)}
    proc = subprocess.run(cmd, cwd=REPO_ROOT, env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"bench.floor failed:\n{proc.stderr[-3000:]}")
    return Floor(**json.loads(proc.stdout.strip().splitlines()[-1]))


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    logging.basicConfig(level=logging.WARNING)
    parser = argparse.ArgumentParser(prog="python -m bench.floor", description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, required=True)
    parser.add_argument("--model", default="auto")
    parser.add_argument("--repeats", type=int, default=30, help="passes over the stories")
    parser.add_argument("--chroma-host", default=None)
    parser.add_argument("--chroma-port", type=int, default=8001)
    parser.add_argument("--by-cause", action="store_true", help="the ANN query per story and cause filter instead")
    args = parser.parse_args(argv)
    if args.by_cause:
        sys.stdout.write("| story | cause filter | judgments with that cause | first filtered query ms "
                         "| filtered ANN p50 ms | unfiltered ANN p50 ms |\n|---|---|---|---|---|---|\n")
        for story, cause, n, first, filtered, unfiltered in by_cause(args.size, args.model, args.repeats):
            sys.stdout.write(f"| {story[:16]}… | {cause} | {n:,} | {first} | {filtered} | {unfiltered} |\n")
        return 0
    floor = measure(args.size, args.model, args.repeats, args.chroma_host, args.chroma_port)
    sys.stdout.write(json.dumps(asdict(floor)) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
