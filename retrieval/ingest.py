"""Ingest judgments into Chroma and the BM25 index: ``python -m retrieval.ingest PATH [--collection NAME]``.

What a run does, batch by batch (see :mod:`retrieval.sources` for the accepted formats and fields):

1. read and validate records: each file by its known layout or in the generic format, the files that hold no
   judgments (statutes, the 案由 catalogue) skipped and listed; every stored field masked and the judgment's
   parts and outcome read (:func:`retrieval.sources.validate`); a bad record is reported with its file and line
   and skipped;
2. look up each id's stored content hash (over everything stored and the schema version): unchanged judgments
   are not embedded again, changed ones are;
3. embed the new and changed texts, upsert them into Chroma, then append their jieba tokens to a pending
   BM25 shard, then advance the checkpoint.

With the packaged model, embedding and jieba run in worker processes, one per core
(:mod:`retrieval.workers`): they work on the next batch while this process stores the current one. Batches
are still committed one at a time and in order, so nothing below depends on whether workers are used.

At the end the pending shards are merged into the BM25 index (written atomically) and the checkpoint is
removed. A run that dies (killed, out of memory, Chroma down) leaves Chroma, the shards and the checkpoint
consistent: the next run merges the shards first, skips the records the checkpoint covers, and
re-checks hashes for the rest, so it finishes without duplicates and without embedding a stored judgment
again. (What was embedded but not yet stored when the run died, at most the batch the workers were embedding
ahead, is embedded again.)
``--prune`` deletes judgments that came from the same PATH earlier but are no longer in it.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections import Counter, deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Final

import numpy as np
from tqdm import tqdm

from retrieval.bm25 import Bm25Doc, Bm25Index
from retrieval.embedder import Embedder, make_embedder
from retrieval.errors import IndexMissingError, RecordError, RetrievalError
from retrieval.sources import (
    SCHEMA_VERSION,
    Judgment,
    RawRecord,
    SkippedFile,
    corpus_files,
    fingerprint,
    read_records,
    source_files,
    validate,
)
from retrieval.store import LAWS_SEP, ChromaStore, Metadata, clean_metadata, make_client
from retrieval.text import JudgmentTokenizer, content_hash, default_tokenizer
from retrieval.workers import Embedded, EmbeddingWorkers, default_workers

log = logging.getLogger(__name__)

# Judgments per commit (one Chroma upsert, one BM25 shard, one checkpoint). Chroma's embedded upsert costs a
# fixed part per call that grows with the records written since its last HNSW sync, so few large calls are
# cheaper than many small ones: 2,560 judgments cost 14.9 s of CPU in calls of 64, 5.8 s in calls of 256.
DEFAULT_BATCH: Final = 256
# Texts per task for the embedding workers: a commit batch is split so that the workers' queue never runs dry.
WORKER_CHUNK: Final = 64
MAX_REPORTED_ERRORS: Final = 200


@dataclass
class IngestReport:
    records: int = 0  # raw records read (a CAIL triplet line counts three)
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0  # identical texts / repeated ids within this run
    deleted: int = 0
    resumed_from: int = 0  # records skipped because a checkpoint covered them
    invalid: int = 0
    errors: list[RecordError] = field(default_factory=list)
    total: int = 0  # judgments in the collection afterwards
    by_layout: Counter[str] = field(default_factory=Counter)  # distinct valid judgments read, per layout
    skipped: list[SkippedFile] = field(default_factory=list)  # files a layout says hold no judgments

    def lines(self) -> list[str]:
        out = [
            f"records read: {self.records}  added: {self.added}  updated: {self.updated}  "
            f"unchanged: {self.unchanged}  duplicates: {self.duplicates}  deleted: {self.deleted}  "
            f"invalid: {self.invalid}",
            f"judgments in collection: {self.total}",
        ]
        if self.by_layout:
            out.append("judgments by source: " + ", ".join(f"{k} {v}" for k, v in sorted(self.by_layout.items())))
        out.extend(f"  skipped file {s.source}: {s.why} ({s.layout})" for s in self.skipped)
        if self.resumed_from:
            out.append(f"resumed after a checkpoint: {self.resumed_from} records were already done")
        out.extend(f"  skipped {err}" for err in self.errors)
        if self.invalid > len(self.errors):
            out.append(f"  … and {self.invalid - len(self.errors)} more invalid records (see the log)")
        return out


class IndexPaths:
    """Where one collection's BM25 index, pending shards and checkpoint live."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.index = root / "index"
        self.pending = root / "pending"
        self.checkpoint = root / "checkpoint.json"


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    tmp.replace(path)


def load_bm25(paths: IndexPaths) -> Bm25Index:
    try:
        return Bm25Index.load(paths.index)
    except IndexMissingError:
        return Bm25Index.empty()


class Ingestor:
    """Keeps one Chroma collection and its BM25 index in step."""

    def __init__(
        self,
        store: ChromaStore,
        embedder: Embedder,
        bm25_root: Path,
        tokenizer: JudgmentTokenizer | None = None,
        batch_size: int = DEFAULT_BATCH,
        *,
        workers: int | None = None,
    ) -> None:
        """``workers``: embedding worker processes (:mod:`retrieval.workers`); ``None`` picks
        :func:`~retrieval.workers.default_workers` (one per core for the packaged model, none for the fake
        one or on one core), ``0`` embeds in this process, one batch after the other."""
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        if workers is not None and workers < 0:
            raise ValueError("workers must be 0 or more")
        self.store = store
        self.embedder = embedder
        self.paths = IndexPaths(Path(bm25_root))
        self.tokenizer = tokenizer or default_tokenizer()
        self.batch_size = batch_size
        self.workers = default_workers(embedder) if workers is None else workers
        # Like the model, jieba's dictionary is loaded before the work starts: once, here, so that forked
        # workers inherit it instead of each loading its own copy (0.9-1.1 s of CPU and 62 MiB apiece).
        self.tokenizer.load()
        self._pending_ids: set[str] = set()
        self._next_shard: int | None = None

    # --- crash recovery -------------------------------------------------------------------------------

    def _pending_docs(self) -> list[Bm25Doc]:
        docs: list[Bm25Doc] = []
        if not self.paths.pending.is_dir():
            return docs
        for shard in sorted(self.paths.pending.glob("shard-*.jsonl")):
            for line in shard.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    row = json.loads(line)
                    docs.append(Bm25Doc(row["id"], row["tokens"], row.get("cause")))
        return docs

    def _merge_pending(self, index: Bm25Index, deleted: Sequence[str] = ()) -> Bm25Index:
        """Fold the pending shards (and deletions) into the BM25 index, save it, then drop the shards."""
        pending = self._pending_docs()
        if not pending and not deleted:
            return index
        merged = index.upsert(pending).delete(deleted)
        merged.save(self.paths.index)
        for shard in self.paths.pending.glob("shard-*.jsonl"):
            shard.unlink()
        self._pending_ids.clear()
        self._next_shard = None
        return merged

    def _write_shard(self, docs: list[Bm25Doc]) -> None:
        if not docs:
            return
        self.paths.pending.mkdir(parents=True, exist_ok=True)
        if self._next_shard is None:  # listed once per run, not once per batch (1,500 shards at 100k)
            self._next_shard = len(list(self.paths.pending.glob("shard-*.jsonl")))
        body = "".join(
            json.dumps({"id": d.id, "tokens": list(d.tokens), "cause": d.cause}, ensure_ascii=False) + "\n"
            for d in docs
        )
        _write_atomic(self.paths.pending / f"shard-{self._next_shard:06d}.jsonl", body)
        self._next_shard += 1
        self._pending_ids.update(d.id for d in docs)

    def _read_checkpoint(self, source_key: str, fp: str) -> int:
        if not self.paths.checkpoint.is_file():
            return 0
        try:
            data = json.loads(self.paths.checkpoint.read_text(encoding="utf-8"))
        except json.JSONDecodeError:
            log.warning("unreadable checkpoint %s ignored", self.paths.checkpoint)
            return 0
        if data.get("source") != source_key or data.get("fingerprint") != fp:
            log.info("checkpoint is for another source or an older version of it; starting from the top")
            return 0
        return int(data.get("records_done", 0))

    def _write_checkpoint(self, source_key: str, fp: str, records_done: int) -> None:
        self.paths.root.mkdir(parents=True, exist_ok=True)
        payload = {"source": source_key, "fingerprint": fp, "records_done": records_done}
        _write_atomic(self.paths.checkpoint, json.dumps(payload))

    # --- the run --------------------------------------------------------------------------------------

    def ingest(self, path: Path, prune: bool = False, progress: bool = False) -> IngestReport:
        path = Path(path)
        files = source_files(path)
        source_key = str(path.resolve())
        fp = fingerprint(files)
        report = IngestReport()

        index = self._merge_pending(load_bm25(self.paths))
        done_before = self._read_checkpoint(source_key, fp)
        report.resumed_from = done_before
        seen: dict[str, tuple[str, int]] = {}  # id -> (content hash, line) within this run

        bar = tqdm(total=_count_hint(path), unit="rec", desc="ingest", disable=not progress, file=sys.stderr)
        batch: list[Judgment] = []
        position = 0
        # Batches whose vectors are being computed, oldest first. They are committed strictly in order, so the
        # checkpoint never covers a batch that is not in Chroma and in a shard. With workers, one batch waits
        # behind the one being committed: the workers embed it meanwhile (its chunks keep them all busy).
        inflight: deque[_Pending] = deque()
        with _LazyWorkers(self.embedder, self.workers, self.tokenizer) as pool:
            try:
                for item in _records(path, report):
                    position += 1
                    report.records += 1
                    bar.update(1)
                    if isinstance(item, RecordError):
                        self._bad(report, item)
                        continue
                    judgment = self._check(item, seen, report)
                    if judgment is None:
                        continue
                    if position <= done_before:
                        continue  # committed before the crash; its id is in `seen` for pruning
                    batch.append(judgment)
                    if len(batch) >= self.batch_size:
                        inflight.append(self._prepare(batch, position, index, report, pool))
                        batch = []
                        while len(inflight) > (1 if pool.enabled else 0):
                            self._commit(inflight.popleft(), source_key, fp, pool)
                inflight.append(self._prepare(batch, position, index, report, pool))
                while inflight:
                    self._commit(inflight.popleft(), source_key, fp, pool)
            finally:
                bar.close()

        doomed: list[str] = []
        if prune:
            doomed = [d.id for d in self.store.iter_metadata(where={"source": source_key}) if d.id not in seen]
            if doomed:
                self.store.delete(doomed)
                report.deleted = len(doomed)
        index = self._merge_pending(load_bm25(self.paths), doomed)
        if not self.paths.index.exists():
            index.save(self.paths.index)  # an empty but present index: searches work, and say so
        self.paths.checkpoint.unlink(missing_ok=True)
        report.total = self.store.count()
        return report

    def _bad(self, report: IngestReport, err: RecordError) -> None:
        report.invalid += 1
        log.warning("skipped invalid record %s", err)
        if len(report.errors) < MAX_REPORTED_ERRORS:
            report.errors.append(err)

    def _check(self, raw: RawRecord, seen: dict[str, tuple[str, int]], report: IngestReport) -> Judgment | None:
        judgment = self._check_one(raw, seen, report)
        if judgment is not None:
            report.by_layout[judgment.layout] += 1
        return judgment

    def _check_one(self, raw: RawRecord, seen: dict[str, tuple[str, int]], report: IngestReport) -> Judgment | None:
        text = raw.fields.get("text")
        if raw.cail and isinstance(text, str) and f"cail-{content_hash(text)[:16]}" in seen:
            report.duplicates += 1  # fast path: CAIL repeats each text many times; skip the full validation
            return None
        try:
            judgment = validate(raw)
        except RecordError as err:
            self._bad(report, err)
            return None
        previous = seen.get(judgment.id)
        if previous is not None:
            if previous[0] == judgment.content_hash:
                report.duplicates += 1
                return None
            self._bad(
                report,
                RecordError(raw.source, raw.line, f"id {judgment.id!r} already used at line {previous[1]}"),
            )
            return None
        seen[judgment.id] = (judgment.content_hash, raw.line)
        return judgment

    def _prepare(
        self, batch: list[Judgment], position: int, index: Bm25Index, report: IngestReport, pool: _LazyWorkers
    ) -> _Pending:
        """Sort a batch into new/changed/unchanged and hand the texts to embed to the workers (if any).

        Nothing is written here: a crash before :meth:`_commit` leaves no trace of this batch.
        """
        stored = self.store.get([j.id for j in batch])
        to_embed: list[Judgment] = []
        reindex_only: list[Judgment] = []
        for j in batch:
            old = stored.get(j.id)
            if old is None:
                report.added += 1
                to_embed.append(j)
            elif old.metadata.get("content_hash") != j.content_hash:
                report.updated += 1
                to_embed.append(j)
            else:
                report.unchanged += 1
                if j.id not in index and j.id not in self._pending_ids:
                    reindex_only.append(j)  # in Chroma but the run died before its BM25 shard was written
        tickets: list[int] = []
        if to_embed and pool.enabled:
            texts = [j.text for j in to_embed]
            tickets = [pool.submit(texts[lo : lo + WORKER_CHUNK]) for lo in range(0, len(texts), WORKER_CHUNK)]
        return _Pending(to_embed, reindex_only, position, tickets)

    def _commit(self, pending: _Pending, source_key: str, fp: str, pool: _LazyWorkers) -> None:
        """Chroma first, then the BM25 shard, then the checkpoint (the order crash recovery relies on)."""
        to_embed = pending.to_embed
        texts = [j.text for j in to_embed]
        if pending.tickets:  # the workers embedded and tokenised these texts
            parts = [pool.result(t) for t in pending.tickets]
            vectors = np.concatenate([p.vectors for p in parts])
            tokens = [tok for p in parts for tok in (p.tokens or [])]
        else:
            tokens = [self.tokenizer.tokenize(t) for t in texts]
            vectors = self.embedder.embed_documents(texts)
        docs = [Bm25Doc(j.id, tok, j.cause) for j, tok in zip(to_embed, tokens, strict=True)]
        docs += [Bm25Doc(j.id, self.tokenizer.tokenize(j.text), j.cause) for j in pending.reindex_only]
        if to_embed:
            self.store.upsert(
                [j.id for j in to_embed],
                vectors,
                [_metadata(j, source_key, self.embedder.name) for j in to_embed],
                texts,
            )
        self._write_shard(docs)
        self._write_checkpoint(source_key, fp, pending.position)

    def delete(self, ids: Iterable[str]) -> int:
        """Remove judgments from Chroma and the BM25 index; returns how many were known."""
        wanted = list(dict.fromkeys(ids))
        known = list(self.store.get(wanted))
        if known:
            self.store.delete(known)
        self._merge_pending(load_bm25(self.paths), wanted)
        return len(known)

    def rebuild_bm25(self, progress: bool = False) -> Bm25Index:
        """Rebuild the BM25 index from the texts stored in Chroma (when the index folder was lost)."""
        ids = [d.id for d in self.store.iter_metadata()]
        docs: list[Bm25Doc] = []
        for lo in tqdm(range(0, len(ids), 500), disable=not progress, desc="bm25", file=sys.stderr):
            for doc in self.store.get(ids[lo : lo + 500], with_documents=True).values():
                cause = doc.metadata.get("cause")
                docs.append(Bm25Doc(doc.id, self.tokenizer.tokenize(doc.document or ""), _str_or_none(cause)))
        index = Bm25Index.build(docs)
        index.save(self.paths.index)
        return index


@dataclass(slots=True)
class _Pending:
    """A prepared batch: what to embed and store, what to re-tokenise only, where the checkpoint goes after it."""

    to_embed: list[Judgment]
    reindex_only: list[Judgment]
    position: int
    tickets: list[int]  # the workers' tickets for its vectors, in order; empty: embed in this process at commit


class _LazyWorkers:
    """The embedding workers of one ingest run, forked on the first batch that needs the model.

    A run with nothing new to embed (a re-run over an unchanged corpus) starts no process.
    """

    def __init__(self, embedder: Embedder, processes: int, tokenizer: JudgmentTokenizer) -> None:
        self._embedder = embedder
        self._processes = processes
        self._tokenizer = tokenizer
        self._workers: EmbeddingWorkers | None = None

    @property
    def enabled(self) -> bool:
        return self._processes > 0

    def submit(self, texts: list[str]) -> int:
        if self._workers is None:
            self._workers = EmbeddingWorkers(self._embedder, self._processes, self._tokenizer)
        return self._workers.submit(texts)

    def result(self, ticket: int) -> Embedded:
        if self._workers is None:
            raise RuntimeError("result() before submit()")
        return self._workers.result(ticket)

    def __enter__(self) -> _LazyWorkers:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._workers is not None:
            self._workers.__exit__(exc_type, exc, tb)
            self._workers = None


def _records(path: Path, report: IngestReport) -> Iterator[RawRecord | RecordError]:
    """The records under ``path``; the files a layout skips are listed in the report instead."""
    for item in read_records(path):
        if isinstance(item, SkippedFile):
            report.skipped.append(item)
        else:
            yield item


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _metadata(j: Judgment, source_key: str, model: str) -> Metadata:
    return clean_metadata(
        {
            "cause": j.cause,
            "court": j.court,
            "year": j.year,
            "outcome": j.outcome,
            "case_number": j.case_number,
            "title": j.title,
            "summary": j.summary,
            "region": j.region,
            "doc_type": j.doc_type,
            "claims": j.claims,
            "decision": j.decision,
            "reason": j.reason,
            "laws": LAWS_SEP.join(j.laws),
            "claimed_yuan": j.claimed_yuan,
            "granted_yuan": j.granted_yuan,
            "layout": j.layout,
            "content_hash": j.content_hash,
            "source": source_key,
            "model": model,
            "schema": SCHEMA_VERSION,
        }
    )


def _count_hint(path: Path) -> int | None:
    """Lines in the input, for the progress bar (a CAIL line is three records, so this is a lower bound)."""
    total = 0
    for f, layout in corpus_files(path):
        if layout.skip:
            continue
        if f.suffix.lower() == ".txt":
            total += 1
            continue
        with f.open("rb") as fh:
            total += sum(1 for _ in fh)
    return total or None


def main(argv: list[str] | None = None) -> int:
    from core.settings import get_settings  # the CLI reads settings; the library takes explicit arguments

    parser = argparse.ArgumentParser(prog="python -m retrieval.ingest", description=__doc__.split("\n")[0])
    parser.add_argument("path", type=Path, help="a .jsonl or .csv file, or a folder (.jsonl/.csv/.txt)")
    parser.add_argument("--collection", help="Chroma collection (default: CHROMA_COLLECTION)")
    parser.add_argument("--model", help="embedding model (default: EMBEDDING_MODEL)")
    parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH)
    parser.add_argument(
        "--workers",
        type=int,
        help="embedding worker processes (default: one per core for the packaged model; 0: embed in this process)",
    )
    parser.add_argument("--prune", action="store_true", help="delete judgments from PATH that are gone from it")
    parser.add_argument("--no-progress", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")

    settings = get_settings()
    collection = args.collection or settings.chroma_collection
    try:
        store = ChromaStore(
            make_client(settings.chroma_path, settings.chroma_host, settings.chroma_port), collection
        )
        ingestor = Ingestor(
            store,
            make_embedder(args.model or settings.embedding_model),
            settings.bm25_path / collection,
            batch_size=args.batch_size,
            workers=args.workers,
        )
        report = ingestor.ingest(args.path, prune=args.prune, progress=not args.no_progress)
    except RetrievalError as exc:
        sys.stderr.write(f"ingest failed: {exc}\n")
        return 2
    sys.stdout.write("\n".join(report.lines()) + "\n")
    return 0 if report.records > report.invalid or report.records == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
