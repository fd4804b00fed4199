"""Judgment indexes of a given size for the load bench, built once and cached under ``var/bench/corpus``.

How sizes are reached (``bench.retrieval.build_index``, the retrieval engineer's replication, reused as is):
the shipped corpus (``shared/data/cail2019-scm``: 1,500 fact sections, 227 distinct judgments) is embedded once
with the real model and tokenised once with jieba; every further judgment is a replica of one of them with a
perturbed text (digits changed, sentences shuffled), BM25 tokens derived from the original's (10% dropped,
numbers replaced) and a vector derived from the original's (Gaussian noise, cosine ≈ 0.9). Half the replicas are
labelled 民间借贷纠纷, about 1% 相邻关系纠纷, the rest one of five other causes (indexes cached before that
label was added lack it; delete ``var/bench/corpus`` to rebuild). The Chroma collection (HNSW, cosine) and the
BM25 index are real and full-size; only the replicas' content is synthetic.

``python -m bench.corpus --size 10000 [--model auto]`` builds (or finds) one and prints where it is. The build
runs in a child process so that its memory and its embedded Chroma client are gone before a server opens the
same folder.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from core.settings import REPO_ROOT

CACHE = REPO_ROOT / "var" / "bench" / "corpus"


class CorpusError(Exception):
    """The index could not be built."""


@dataclass(frozen=True)
class CorpusIndex:
    size: int
    model: str  # the EMBEDDING_MODEL value
    embedder: str  # the embedder's own name
    folder: Path
    build_s: float
    chroma_bytes: int
    bm25_bytes: int
    build_peak_rss_mib: float

    @property
    def collection(self) -> str:
        return f"bench-{self.size}"

    @property
    def chroma_path(self) -> Path:
        return self.folder / f"chroma-{self.size}"

    @property
    def bm25_path(self) -> Path:
        """The server's BM25_PATH: the index lives at ``<BM25_PATH>/<collection>/index``."""
        return self.folder / "bm25"

    @property
    def disk_bytes(self) -> int:
        return self.chroma_bytes + self.bm25_bytes

    def env(self) -> dict[str, str]:
        """The server settings that point at this index (embedded Chroma)."""
        return {
            "CHROMA_PATH": str(self.chroma_path),
            "CHROMA_COLLECTION": self.collection,
            "BM25_PATH": str(self.bm25_path),
            "EMBEDDING_MODEL": self.model,
            "AUTO_INGEST": "false",
        }


def _slug(model: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", model)[:60]


def dir_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def _read(folder: Path) -> CorpusIndex:
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    meta["folder"] = folder
    return CorpusIndex(**meta)


def ensure_index(size: int, model: str = "auto", cache: Path = CACHE, *, rebuild: bool = False) -> CorpusIndex:
    """The cached index of ``size`` judgments for ``model``, building it (in a child process) if missing."""
    folder = cache / f"{_slug(model)}-{size}"
    if (folder / "meta.json").is_file() and not rebuild:
        return _read(folder)
    tmp = folder.with_name(folder.name + ".building")
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.rmtree(folder, ignore_errors=True)
    tmp.mkdir(parents=True)
    cmd = [sys.executable, "-m", "bench.corpus", "--size", str(size), "--model", model, "--build-into", str(tmp)]
    proc = subprocess.run(cmd, cwd=REPO_ROOT, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise CorpusError(f"building the {size}-judgment index failed:\n{proc.stderr[-3000:]}")
    tmp.rename(folder)
    return _read(folder)


def _build_into(size: int, model: str, out: Path) -> None:
    """The child's work: embed the distinct judgments once, replicate to ``size``, save, write meta.json."""
    from bench.retrieval import build_index, peak_rss_mib
    from evals.retrieval import DEFAULT_DATA, load_triplets, unique_texts
    from retrieval.embedder import make_embedder
    from retrieval.text import default_tokenizer

    texts = unique_texts(load_triplets(DEFAULT_DATA))
    embedder = make_embedder(model)
    vectors = embedder.embed_documents(texts)
    tokenizer = default_tokenizer()
    tokens = [tokenizer.tokenize(t) for t in texts]
    started = time.perf_counter()
    store, _index, _secs = build_index(size, texts, vectors, tokens, out)
    count = store.count()
    build_s = time.perf_counter() - started
    if count != size:
        raise CorpusError(f"the collection holds {count} judgments, not {size}")
    bm25_target = out / "bm25" / f"bench-{size}" / "index"
    bm25_target.parent.mkdir(parents=True)
    (out / f"bm25-{size}").rename(bm25_target)
    meta = CorpusIndex(
        size=size,
        model=model,
        embedder=embedder.name,
        folder=out,
        build_s=round(build_s, 1),
        chroma_bytes=dir_bytes(out / f"chroma-{size}"),
        bm25_bytes=dir_bytes(out / "bm25"),
        build_peak_rss_mib=round(peak_rss_mib(), 1),
    )
    data = asdict(meta)
    data.pop("folder")
    (out / "meta.json").write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.corpus", description="Build a cached bench index.")
    parser.add_argument("--size", type=int, required=True)
    parser.add_argument("--model", default="auto")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--build-into", type=Path, help=argparse.SUPPRESS)  # the child process's mode
    args = parser.parse_args(argv)
    if args.build_into:
        _build_into(args.size, args.model, args.build_into)
        return 0
    index = ensure_index(args.size, args.model, rebuild=args.rebuild)
    sys.stdout.write(json.dumps({**asdict(index), "folder": str(index.folder)}, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
