"""What-if app for the bench: the product's ``server.create_app`` with two cheap changes to retrieval, applied
here from outside (the product's modules are untouched), to measure what they would win:

1. the packaged model runs each query on **one** BLAS thread. ``UseEmbedder`` defaults to ``os.cpu_count()``
   threads; for one short query the two threads spend their time waiting for each other, and as soon as the
   two cores are shared (other requests, the load generator) each of the dozens of small matrix products in
   the forward pass waits for a scheduler slot: 5-10 ms per query becomes 150-250 ms;
2. the query embedding is memoised (LRU of 256 texts): the assessment runs ``search`` and then
   ``outcome_distribution`` on the same story, which embeds the same text twice.

``uvicorn bench.tuned:create_app --factory``; ``python -m bench.load --tuned`` runs the sizes with it.
"""

from __future__ import annotations

import functools
from typing import Any

from fastapi import FastAPI

import retrieval.embedder
import server

_Original = retrieval.embedder.UseEmbedder


class OneThreadUseEmbedder(_Original):  # type: ignore[misc, valid-type]
    def __init__(self, doc_chars: int | None = retrieval.embedder.DEFAULT_DOC_CHARS, threads: int | None = 1) -> None:
        super().__init__(doc_chars=doc_chars, threads=threads or 1)
        self._cached = functools.lru_cache(maxsize=256)(super().embed_query)

    def embed_query(self, text: str) -> Any:
        return self._cached(text).copy()


def create_app() -> FastAPI:
    retrieval.embedder.UseEmbedder = OneThreadUseEmbedder  # type: ignore[misc]
    return server.create_app()
