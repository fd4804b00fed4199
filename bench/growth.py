"""Growth: ingestion throughput and peak memory, index size on disk, and the projection to 1M judgments.

* Ingestion: the real pipeline (``retrieval.ingest.Ingestor``: validate, hash, jieba, embed with the real
  model, Chroma upsert, BM25 shard and merge) on the distinct CAIL judgments plus perturbed copies, through
  ``bench.retrieval.bench_ingest``, in a child process whose peak RSS is read from ``getrusage``.
* Size on disk: measured on the bench indexes (``bench.corpus``), per 10k judgments.
* Projection: least-squares lines through the measured points (latency and memory against corpus size),
  extended to 1M. A straight line is the pessimistic choice for HNSW (whose search grows about with log n)
  and the right one for BM25 (a query touches every posting of its terms, which grow with n).

``python -m bench.growth --ingest-sample 454`` prints the ingestion figures as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from core.settings import REPO_ROOT

TARGET = 1_000_000


@dataclass(frozen=True)
class Ingestion:
    judgments: int
    seconds: float
    per_s: float
    peak_rss_mib: float


def measure_ingestion(sample: int, model: str) -> Ingestion:
    from bench.retrieval import bench_ingest, peak_rss_mib
    from evals.retrieval import DEFAULT_DATA, load_triplets, unique_texts
    from retrieval.embedder import make_embedder

    texts = unique_texts(load_triplets(DEFAULT_DATA))
    embedder = make_embedder(model)
    workdir = Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    try:
        added, secs = bench_ingest(texts, embedder, sample, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return Ingestion(added, round(secs, 1), round(added / secs, 1), round(peak_rss_mib(), 1))


def ingestion_in_child(sample: int, model: str) -> Ingestion:
    cmd = [sys.executable, "-m", "bench.growth", "--ingest-sample", str(sample), "--model", model]
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "PYTHONPATH": str(REPO_ROOT)}
    proc = subprocess.run(cmd, cwd=REPO_ROOT, env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"bench.growth failed:\n{proc.stderr[-3000:]}")
    return Ingestion(**json.loads(proc.stdout.strip().splitlines()[-1]))


def fit_line(sizes: list[int], values: list[float]) -> tuple[float, float]:
    """(intercept, slope per judgment) of the least-squares line; a flat line through one point."""
    if len(sizes) < 2:
        return (values[0], 0.0) if values else (0.0, 0.0)
    slope, intercept = np.polyfit(np.asarray(sizes, dtype=float), np.asarray(values, dtype=float), 1)
    return float(intercept), float(max(slope, 0.0))


def project(sizes: list[int], values: list[float], at: int = TARGET) -> float:
    intercept, slope = fit_line(sizes, values)
    return intercept + slope * at


def plot(rows: list[dict[str, Any]], path: Path, machine: str) -> None:
    """Latency and memory against corpus size, measured points and the straight-line projection to 1M."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = [int(r["size"]) for r in rows]
    grid = np.unique(np.concatenate([np.asarray(sizes, dtype=float), np.geomspace(min(sizes), TARGET, 50)]))
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4.8))
    for key, label, style in (
        ("floor_p50", "floor p50 (embed + ANN + BM25)", "o"),
        ("assess_p50", "assessment reply p50 (HTTP)", "s"),
        ("p50", "all replies p50 (HTTP)", "^"),
        ("p99", "all replies p99 (HTTP)", "v"),
    ):
        values = [float(r[key]) for r in rows]
        (line,) = ax1.plot(sizes, values, style + "-", label=label)
        a, b = fit_line(sizes, values)
        ax1.plot(grid, a + b * grid, "--", color=line.get_color(), alpha=0.6)
    ax1.set_xscale("log")
    ax1.set_yscale("log")
    ax1.set_xlabel("judgments in the index")
    ax1.set_ylabel("milliseconds")
    ax1.set_title("Latency vs corpus size (dashed: linear projection)")
    ax1.legend(fontsize=8)
    ax1.grid(True, which="both", alpha=0.3)
    for key, label, style in (
        ("server_rss_mib", "server RSS, 1 worker (MiB)", "o"),
        ("disk_mib", "index on disk (MiB)", "s"),
    ):
        values = [float(r[key]) for r in rows]
        (line,) = ax2.plot(sizes, values, style + "-", label=label)
        a, b = fit_line(sizes, values)
        ax2.plot(grid, a + b * grid, "--", color=line.get_color(), alpha=0.6)
    ax2.set_xscale("log")
    ax2.set_yscale("log")
    ax2.set_xlabel("judgments in the index")
    ax2.set_ylabel("MiB")
    ax2.set_title("Memory and disk vs corpus size (dashed: linear projection)")
    ax2.legend(fontsize=8)
    ax2.grid(True, which="both", alpha=0.3)
    fig.suptitle(f"suqian-fudao load bench: {machine}", fontsize=10)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    parser = argparse.ArgumentParser(prog="python -m bench.growth", description=__doc__.split("\n")[0])
    parser.add_argument("--ingest-sample", type=int, default=454)
    parser.add_argument("--model", default="auto")
    parser.add_argument("--replot", type=Path, help="redraw the plot from a bench.load results JSON instead")
    parser.add_argument("--app", default="shipped", help="with --replot: the rows of this app ...")
    parser.add_argument("--rate", type=float, default=None, help="... and of this offered rate (default: the first)")
    parser.add_argument("--plot", type=Path, default=REPO_ROOT / "docs" / "performance-growth.png")
    args = parser.parse_args(argv)
    if args.replot:
        data = json.loads(args.replot.read_text(encoding="utf-8"))
        rows = [r for r in data["rows"] if r["variant"] == args.app]
        rate = args.rate if args.rate is not None else rows[0]["rate_offered"]
        rows = [r for r in rows if r["rate_offered"] == rate]
        m = data["machine"]
        plot(rows, args.plot, f"{m['cores']} cores, {m['ram_gib']} GiB, {m['date'][:10]}, {args.app}, "
                              f"{rate:g} msg/s offered")
        sys.stdout.write(f"plot: {args.plot}\n")
        return 0
    ing = measure_ingestion(args.ingest_sample, args.model)
    sys.stdout.write(json.dumps(ing.__dict__) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
