"""Chroma server mode: a real ``chroma run`` on loopback, started and stopped by the fixture."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from core.settings import Settings
from retrieval.errors import StoreError
from retrieval.service import build_searcher, ensure_corpus
from retrieval.store import ChromaStore, make_client

from .conftest import DOCS, write_jsonl

pytestmark = pytest.mark.server

CHROMA = Path(sys.executable).parent / "chroma"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    data = tmp_path_factory.mktemp("chroma-server")
    port = _free_port()
    env = {**os.environ, "ANONYMIZED_TELEMETRY": "False"}
    log = (data / "server.log").open("wb")
    proc = subprocess.Popen(
        [str(CHROMA), "run", "--path", str(data / "db"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"chroma run did not come up: {(data / 'server.log').read_text(errors='replace')[-2000:]}")
            time.sleep(0.2)
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def test_ingest_and_search_through_a_chroma_server(chroma_server: int, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    write_jsonl(corpus / "docs.jsonl", DOCS)
    settings = Settings(
        chroma_host="127.0.0.1",
        chroma_port=chroma_server,
        chroma_collection="server-test",
        bm25_path=tmp_path / "bm25",
        embedding_model="fake",
        corpus_path=corpus,
        chroma_path=tmp_path / "unused-embedded",
    )
    assert ensure_corpus(settings) == 6
    assert ensure_corpus(settings) == 6  # not empty any more: nothing ingested twice
    assert not (tmp_path / "unused-embedded").exists()  # the server holds the data, not an embedded store

    searcher = build_searcher(settings)
    result = searcher.search("朋友借了我五万块钱写了借条一直不还", k=3)
    assert result.hits[0].id == "loan-1"
    assert result.trace[0].dense_rank is not None

    # the BM25 index folder lost: rebuilt from the texts the server stores
    import shutil

    shutil.rmtree(tmp_path / "bm25")
    rebuilt = build_searcher(settings)
    assert sorted(rebuilt.bm25.ids) == sorted(d["id"] for d in DOCS)


def test_unreachable_server_is_a_store_error() -> None:
    with pytest.raises(StoreError):
        ChromaStore(make_client(host="127.0.0.1", port=_free_port()), "x")
