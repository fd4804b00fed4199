"""Fixtures for retrieval tests: the fake embedder, an embedded Chroma under tmp_path, small corpora."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from retrieval.embedder import Embedder, FakeEmbedder, Vectors
from retrieval.ingest import Ingestor
from retrieval.store import ChromaStore, make_client
from retrieval.text import JudgmentTokenizer, default_tokenizer

LOAN = "民间借贷纠纷"
LEASE = "房屋租赁合同纠纷"

# Hand-written judgments: three loans, two leases, one labour dispute; each a distinct story.
DOCS: list[dict[str, Any]] = [
    {"id": "loan-1", "cause": LOAN, "outcome": "supported",
     "text": "原告诉称，被告向原告借款五万元并出具借条一张，约定一年内归还，到期后经多次催要被告一直未还。"},
    {"id": "loan-2", "cause": LOAN, "outcome": "partly",
     "text": "原告诉称，被告通过微信转账向原告借款二十万元，双方约定月利率百分之三，被告仅归还部分利息。"},
    {"id": "loan-3", "cause": LOAN, "outcome": "rejected",
     "text": "原告主张被告欠款三万元，但未提交借条、欠条或转账凭证，被告否认存在借贷关系。"},
    {"id": "lease-1", "cause": LEASE, "outcome": "supported",
     "text": "原告将房屋出租给被告，租期两年，被告拖欠房租八个月，原告要求解除租赁合同并支付租金。"},
    {"id": "lease-2", "cause": LEASE, "outcome": "mediated",
     "text": "租赁期满后出租人拒绝退还押金，承租人起诉要求返还押金五千元。"},
    {"id": "labour-1", "cause": "劳动争议",
     "text": "公司拖欠劳动者三个月工资，劳动者申请劳动仲裁后起诉要求支付工资及经济补偿金。"},
]


def write_jsonl(path: Path, rows: list[dict[str, Any]] | list[str]) -> Path:
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


class CountingEmbedder:
    """The fake embedder, counting the texts it embeds and able to fail on a chosen call (a 'crash')."""

    def __init__(self, fail_on_call: int | None = None) -> None:
        self.inner = FakeEmbedder()
        self.embedded: list[str] = []
        self.calls = 0
        self.fail_on_call = fail_on_call

    @property
    def name(self) -> str:
        return "fake"

    @property
    def dim(self) -> int:
        return self.inner.dim

    def embed_documents(self, texts: list[str]) -> Vectors:
        self.calls += 1
        if self.fail_on_call is not None and self.calls == self.fail_on_call:
            raise KeyboardInterrupt("simulated crash")  # not an Exception: nothing may swallow it
        self.embedded.extend(texts)
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> Vectors:
        return self.inner.embed_query(text)


@pytest.fixture(scope="session")
def tokenizer() -> JudgmentTokenizer:
    return default_tokenizer()


@pytest.fixture
def store(tmp_path: Path) -> ChromaStore:
    return ChromaStore(make_client(tmp_path / "chroma"), "judgments")


@pytest.fixture
def make_ingestor(store: ChromaStore, tmp_path: Path) -> Callable[..., Ingestor]:
    def make(embedder: Embedder | None = None, batch_size: int = 2) -> Ingestor:
        return Ingestor(store, embedder or FakeEmbedder(), tmp_path / "bm25", batch_size=batch_size)

    return make


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return write_jsonl(tmp_path / "corpus.jsonl", DOCS)


SHARED_DATA = Path(__file__).resolve().parents[3] / "shared" / "data"


def _pick(src: Path, keep: Callable[[int, str], bool]) -> list[str]:
    with src.open(encoding="utf-8") as fh:
        return [line.rstrip("\n") for i, line in enumerate(fh) if keep(i, line)]


def build_real_corpus(dest: Path) -> Path:
    """A small copy of the shared data folder, same layout, built from real lines of each file: the c3rd-mini
    lines that hold an ID or phone number and those whose parties are split over several objects, among the first
    ones of each file; the files that hold no judgments (laws, the 案由 catalogue, CAIL loans, tags, READMEs) too."""
    from core.pii import contains_pii

    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared data not found at {SHARED_DATA}")

    def split_parties(line: str) -> bool:
        return any("Name" not in p and "NameText" in p for p in json.loads(line)["parties"])

    picks: dict[str, Callable[[int, str], bool]] = {
        "c3rd-mini/judgments.jsonl": lambda i, line: i < 15 or contains_pii(line) or split_parties(line),
        "cjrc-civil-dev/facts.jsonl": lambda i, line: i < 5 or contains_pii(line) or ("&ldquo;" in line and i < 40),
        "cail2019-elements/divorce.jsonl": lambda i, _: i < 3,
        "cail2019-elements/labor.jsonl": lambda i, _: i < 3,
        "cail2019-elements/loan.jsonl": lambda i, _: i < 2,
        "cail2019-scm/sample_triplets.jsonl": lambda i, _: i < 40,
        "laws/articles.jsonl": lambda i, _: i < 5,
        "civil-causes/catalogue.jsonl": lambda i, _: i < 5,
    }
    for rel, keep in picks.items():
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("\n".join(_pick(SHARED_DATA / rel, keep)) + "\n", encoding="utf-8")
    for rel in ("README.md", "c3rd-mini/README.md", "cail2019-elements/tags.json"):
        (dest / rel).write_text((SHARED_DATA / rel).read_text(encoding="utf-8"), encoding="utf-8")
    return dest
