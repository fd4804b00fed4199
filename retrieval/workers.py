"""Embedding (and jieba) in worker processes during ingestion, so that the model runs on every core.

Why (docs/retrieval.md, "Ingestion throughput", has the profile): in one process, ingestion is the sum of the
model (about 6.6 s of CPU for the 454-judgment bench sample), jieba (about 2.2 s with its dictionary load),
Chroma's upsert (1-2.5 s) and the validation. Giving the model a second BLAS thread gains nothing (its
matrices are too small: the same wall time for twice the CPU). Threads cannot use the second core either:
jieba, the model's pure-Python sentencepiece tokeniser and Chroma's upsert all hold the GIL (a Python thread
runs at 6% of its speed during an upsert). Processes can: the workers embed and tokenise chunks of the next
batch while the main process validates and stores the current one. jieba went to the workers too: with it
in the main process, that process was the bottleneck whenever other work shared the cores.

The workers are *forked*, so they inherit the loaded model instead of loading it again (2 s each). Only
embedders that say they are safe in a forked child take part (see :class:`ForkableEmbedder`): the packaged
USE model is numpy, and each worker switches it to one BLAS thread. Torch-based models are not (OpenMP does
not survive a fork), and the fake one is too cheap to be worth a process; they keep the in-process path.

A worker never touches Chroma, the BM25 files or the checkpoint: it only turns texts into vectors and
tokens, so a crash anywhere leaves the stores as the in-process ingest would. A worker that dies (killed,
out of memory) makes :meth:`EmbeddingWorkers.result` raise :class:`~retrieval.errors.EmbedderError` instead
of waiting forever; an exception inside the model is raised again in the main process. On Linux a worker
dies with the main process, even a SIGKILLed one.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import pickle
import queue
import signal
import sys
from dataclasses import dataclass
from multiprocessing.process import BaseProcess
from types import TracebackType
from typing import Any, Final, Protocol, runtime_checkable

from retrieval.embedder import Embedder, Vectors
from retrieval.errors import EmbedderError
from retrieval.text import JudgmentTokenizer

MAX_WORKERS: Final = 4
_POLL_S: Final = 0.5  # how often a waiting main process checks that its workers are still alive
_PR_SET_PDEATHSIG: Final = 1


@runtime_checkable
class ForkableEmbedder(Embedder, Protocol):
    """An embedder that can run in a forked worker process (no thread pools or handles that a fork breaks)."""

    def single_threaded(self) -> None:
        """Use one BLAS thread from now on (called once in each worker: the other cores are taken)."""
        ...


def usable_cores() -> int:
    """The cores this process may run on (a container's CPU set, not the host's count)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def default_workers(embedder: Embedder) -> int:
    """Worker processes for an ingest with this embedder: one per core (at most :data:`MAX_WORKERS`).

    None for embedders that are cheap (the fake one) or unsafe to fork, on a single core (nothing to overlap
    with), and off Linux (macOS's Accelerate BLAS does not survive a fork; Windows cannot fork). The main
    process gets no core of its own: it validates and stores, about a sixth of the CPU of a run (on 2 cores,
    with jieba still in the main process, two workers measured 59-69 judgments/s against 55-57 for one).
    """
    if not isinstance(embedder, ForkableEmbedder) or not sys.platform.startswith("linux"):
        return 0
    cores = usable_cores()
    return min(cores, MAX_WORKERS) if cores > 1 else 0


@dataclass(frozen=True, slots=True)
class Embedded:
    """What a worker returns for a chunk of texts: their vectors, and their BM25 tokens if it has a tokeniser."""

    vectors: Vectors
    tokens: list[list[str]] | None


class EmbeddingWorkers:
    """``processes`` forked copies of ``embedder`` (and ``tokenizer``); :meth:`submit` texts, collect
    :class:`Embedded` results with :meth:`result`.

    With a tokeniser the workers also run jieba, so that the main process only validates and stores: on 2
    cores with other work beside it, the main process was the bottleneck while it tokenised.

    Use as a context manager: a clean exit stops the workers after their last batch, an exception (or
    KeyboardInterrupt) terminates them at once.
    """

    def __init__(self, embedder: Embedder, processes: int, tokenizer: JudgmentTokenizer | None = None) -> None:
        if processes < 1:
            raise ValueError("processes must be at least 1")
        ctx = multiprocessing.get_context("fork")
        # Queues, not pipes: a Queue's put hands the data to a feeder thread, so neither side can block on a
        # full pipe while the other is blocked sending (a batch of texts or of vectors exceeds a pipe buffer).
        self._tasks: Any = ctx.Queue()
        self._results: Any = ctx.Queue()
        self._procs: list[BaseProcess] = []
        self._next = 0
        self._done: dict[int, tuple[bool, Any]] = {}
        try:
            for i in range(processes):
                proc = ctx.Process(
                    target=_serve,
                    args=(embedder, tokenizer, self._tasks, self._results, os.getpid()),
                    name=f"embed-{i}",
                    daemon=True,
                )
                proc.start()
                self._procs.append(proc)
        except BaseException:
            self.terminate()
            raise

    def __enter__(self) -> EmbeddingWorkers:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if exc_type is None:
            self.close()
        else:
            self.terminate()

    @property
    def processes(self) -> int:
        return len(self._procs)

    def submit(self, texts: list[str]) -> int:
        """Queue a chunk of texts; returns the ticket to collect its vectors (and tokens) with."""
        ticket = self._next
        self._next += 1
        self._tasks.put((ticket, texts))
        return ticket

    def result(self, ticket: int) -> Embedded:
        """The vectors (and tokens) of a submitted chunk (waits for them); re-raises the worker's exception."""
        while ticket not in self._done:
            try:
                got, ok, payload = self._results.get(timeout=_POLL_S)
            except queue.Empty:
                dead = [p for p in self._procs if not p.is_alive()]
                if not dead:
                    continue
                try:  # what a worker sent just before it died may still be on its way
                    got, ok, payload = self._results.get(timeout=_POLL_S)
                except queue.Empty:
                    raise EmbedderError(
                        f"embedding worker {dead[0].name} died (exit code {dead[0].exitcode}); "
                        "run the ingest again to resume"
                    ) from None
            self._done[got] = (ok, payload)
        ok, payload = self._done.pop(ticket)
        if not ok:
            raise payload
        embedded: Embedded = payload
        return embedded

    def close(self) -> None:
        """Let the workers finish what they were given, then stop them."""
        for _ in self._procs:
            self._tasks.put(None)
        for proc in self._procs:
            proc.join(timeout=10)
        self.terminate()

    def terminate(self) -> None:
        """Stop the workers now (their unfinished batches are dropped)."""
        for proc in self._procs:
            if proc.is_alive():
                proc.terminate()
        for proc in self._procs:
            proc.join()
        for q in (self._tasks, self._results):
            q.cancel_join_thread()  # do not wait to flush batches nobody will read
            q.close()
        self._procs = []


def _serve(
    embedder: Embedder, tokenizer: JudgmentTokenizer | None, tasks: Any, results: Any, parent: int
) -> None:
    """A worker's loop: texts in, vectors and tokens (or the exception) out, until ``None`` arrives."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's to handle; it terminates us
    _die_with_parent(parent)
    if isinstance(embedder, ForkableEmbedder):
        embedder.single_threaded()
    while True:
        task = tasks.get()
        if task is None:
            break
        ticket, texts = task
        try:
            vectors = embedder.embed_documents(texts)
            tokens = [tokenizer.tokenize(t) for t in texts] if tokenizer is not None else None
            results.put((ticket, True, Embedded(vectors, tokens)))
        except BaseException as exc:  # every failure goes back to the main process
            results.put((ticket, False, _picklable(exc)))
            if not isinstance(exc, Exception):
                break  # KeyboardInterrupt, SystemExit: this worker is done
    results.close()
    results.join_thread()


def _picklable(exc: BaseException) -> BaseException:
    try:
        pickle.dumps(exc)
    except Exception:  # any pickling failure: send a description instead
        return EmbedderError(f"the embedding worker failed: {type(exc).__name__}: {exc}")
    return exc


def _die_with_parent(parent: int) -> None:
    """Linux: the kernel kills this worker when the main process dies (a SIGKILLed ingest leaves no orphans)."""
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)
