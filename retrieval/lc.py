"""The searcher as a langchain-core retriever, for the optional LLM path.

Each document's ``page_content`` is the judgment summary and its metadata carries the id (the LLM path
checks that every case it cites is one of these ids), score, cause, outcome, case number, court and year.
"""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from retrieval.types import Searcher


class SimilarCaseRetriever(BaseRetriever):
    model_config = ConfigDict(arbitrary_types_allowed=True)

    searcher: Any  # a retrieval.types.Searcher (a Protocol, so typed loosely for pydantic)
    k: int = 5
    cause: str | None = None

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        searcher: Searcher = self.searcher
        result = searcher.search(query, k=self.k, cause=self.cause)
        return [
            Document(
                page_content=hit.summary,
                metadata={
                    "id": hit.id,
                    "score": hit.score,
                    "cause": hit.cause,
                    "outcome": hit.outcome,
                    "case_number": hit.case_number,
                    "court": hit.court,
                    "year": hit.year,
                },
            )
            for hit in result.hits
        ]
