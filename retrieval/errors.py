"""The exceptions of the retrieval package.

Hierarchy (catch the most specific one you can handle)::

    RetrievalError                 base of everything raised on purpose here
    ├── EmbedderError              the embedding model cannot be found or loaded
    ├── StoreError                 Chroma is unreachable or answered with an error
    ├── IndexMissingError          no BM25 index / empty collection: ingest first
    ├── IngestError                an ingest run cannot go on (unreadable source, unknown format)
    │   └── RecordError            one record is invalid (carries the source and line number);
    │                              the ingest reports it, skips it and goes on
    └── QueryError                 the query itself is unusable (empty, too long)

Messages are for operators and logs; the API turns them into polite JSON without internals.
"""

from __future__ import annotations


class RetrievalError(Exception):
    """Base class of every error this package raises on purpose."""


class EmbedderError(RetrievalError):
    """The embedding model named in the settings cannot be found or loaded."""


class StoreError(RetrievalError):
    """The vector store (Chroma, embedded or server) failed."""


class IndexMissingError(RetrievalError):
    """The BM25 index or the collection does not exist yet; run the ingest first."""


class IngestError(RetrievalError):
    """An ingest run cannot continue (unreadable source, unknown format)."""


class RecordError(IngestError):
    """One input record is invalid. ``source`` and ``line`` locate it (line is 1-based, 0 if unknown)."""

    def __init__(self, source: str, line: int, reason: str) -> None:
        self.source = source
        self.line = line
        self.reason = reason
        where = f"{source}:{line}" if line else source
        super().__init__(f"{where}: {reason}")


class QueryError(RetrievalError):
    """The query cannot be searched (empty after cleaning, or over the length limit)."""
