"""The default corpus's layouts and masking, on a small copy of the shared data built from real lines
(``conftest.build_real_corpus``), ingested once through the real pipeline with the fake embedder."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from core.pii import find_pii
from retrieval.embedder import FakeEmbedder
from retrieval.ingest import Ingestor, IngestReport
from retrieval.masking import is_masked, mask_org, mask_person
from retrieval.sources import CAIL_CAUSE, layout_of
from retrieval.store import ChromaStore, StoredDoc, make_client

from .conftest import build_real_corpus


@dataclass(frozen=True)
class Ingested:
    data: Path
    store: ChromaStore
    ingestor: Ingestor
    report: IngestReport
    docs: dict[str, StoredDoc]


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory) -> Ingested:
    root = tmp_path_factory.mktemp("real")
    data = build_real_corpus(root / "data")
    store = ChromaStore(make_client(root / "chroma"), "judgments")
    ingestor = Ingestor(store, FakeEmbedder(), root / "bm25", batch_size=16)
    report = ingestor.ingest(data)
    docs = store.get([d.id for d in store.iter_metadata()], with_documents=True)
    return Ingested(data, store, ingestor, report, docs)


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_each_known_file_is_read_by_its_layout_and_non_judgments_are_skipped(ingested: Ingested) -> None:
    data, report = ingested.data, ingested.report
    c3rd = _lines(data / "c3rd-mini/judgments.jsonl")
    cjrc = _lines(data / "cjrc-civil-dev/facts.jsonl")
    scm = {t for row in _lines(data / "cail2019-scm/sample_triplets.jsonl") for t in (row["A"], row["B"], row["C"])}
    assert dict(report.by_layout) == {
        "c3rd-mini": len(c3rd),
        "cjrc-civil-dev": len(cjrc),
        "cail-divorce": 3,
        "cail-labor": 3,
        "cail2019-scm": len(scm),
    }
    assert report.invalid == 0 and report.total == sum(report.by_layout.values())
    skipped = {Path(s.source).relative_to(data).as_posix(): s.layout for s in report.skipped}
    assert skipped == {
        "cail2019-elements/loan.jsonl": "cail-loan",
        "laws/articles.jsonl": "laws",
        "civil-causes/catalogue.jsonl": "civil-causes",
    }
    layouts = {str(d.metadata.get("layout")) for d in ingested.docs.values()}
    assert layouts == set(report.by_layout)
    assert not [doc_id for doc_id in ingested.docs if doc_id.startswith("loan-")]


def test_causes_come_from_the_record_or_the_layout(ingested: Ingested) -> None:
    causes = {doc_id: d.metadata.get("cause") for doc_id, d in ingested.docs.items()}
    assert {causes[f"divorce-000{i}"] for i in (1, 2, 3)} == {"离婚纠纷"}
    assert {causes[f"labor-000{i}"] for i in (1, 2, 3)} == {"劳动争议"}
    assert {c for doc_id, c in causes.items() if doc_id.startswith("cail-")} == {CAIL_CAUSE}
    for row in _lines(ingested.data / "c3rd-mini/judgments.jsonl"):
        assert causes[row["id"]] == row["cause"]
    for row in _lines(ingested.data / "cjrc-civil-dev/facts.jsonl"):
        assert causes[row["id"]] == row["cause"]
    assert all(c for c in causes.values())  # every judgment of the default corpus carries a cause


def test_c3rd_judgments_carry_their_parts_and_outcome(ingested: Ingested) -> None:
    rows = _lines(ingested.data / "c3rd-mini/judgments.jsonl")
    metas = [ingested.docs[row["id"]].metadata for row in rows]
    assert all(m.get("outcome") and m.get("decision") and m.get("title") and m.get("doc_type") for m in metas)
    assert sum(bool(m.get("reason")) for m in metas) >= len(metas) * 3 // 4
    assert sum(bool(m.get("claims")) for m in metas) >= len(metas) * 3 // 4
    with_laws = [m for m in metas if m.get("laws")]
    assert with_laws and all(1 <= len(str(m["laws"]).split("\n")) <= 3 for m in with_laws)
    assert all(str(m["laws"]).startswith("《") for m in with_laws)
    first = ingested.docs[rows[0]["id"]].metadata  # 苗某 v 闫某, 不准予离婚, appeal to 濮阳市中级人民法院
    assert (first["outcome"], first["region"], first["doc_type"]) == ("divorce_refused", "濮阳市", "判决书")
    assert first["decision"] == "不准予原告苗某与被告闫某离婚。"
    assert first["reason"] == "故对原告苗某提起的离婚之诉，本院不予支持。"
    assert str(first["laws"]).split("\n") == ["《婚姻法》第三十二条", "《民事诉讼法》第一百四十四条"]


def test_fact_sections_have_no_outcome(ingested: Ingested) -> None:
    for doc_id, doc in ingested.docs.items():
        if doc.metadata["layout"] in ("cjrc-civil-dev", "cail-divorce", "cail-labor", "cail2019-scm"):
            assert not {"outcome", "decision", "reason", "court", "case_number"} & doc.metadata.keys(), doc_id


def test_html_entities_are_decoded_for_display(ingested: Ingested) -> None:
    entity_rows = [r for r in _lines(ingested.data / "cjrc-civil-dev/facts.jsonl") if "&ldquo;" in r["text"]]
    assert entity_rows
    for row in entity_rows:
        stored = ingested.docs[row["id"]].document or ""
        assert "&ldquo;" not in stored and "“" in stored


def _stored_strings(ingested: Ingested) -> list[str]:
    """Everything the index keeps but ids and hashes (hex, with digit runs shaped like phone or ID numbers):
    Chroma's documents and metadata, and the BM25 folder's vocabulary, causes and pending tokens."""
    out: list[str] = []
    for doc in ingested.docs.values():
        out.append(doc.document or "")
        out.extend(str(v) for k, v in doc.metadata.items() if k != "content_hash")  # hex too
    for f in ingested.ingestor.paths.root.rglob("*.json*"):
        for line in f.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            if isinstance(row, dict):
                row.pop("ids", None)
                row.pop("id", None)
            out.append(json.dumps(row, ensure_ascii=False))
    return out


def _source_texts(data: Path) -> str:
    """The text fields of the fixture's judgments (what gets stored, before masking)."""
    out: list[str] = []
    for f in data.rglob("*.jsonl"):
        if layout_of(f).skip:
            continue
        for row in _lines(f):
            out.extend(str(row.get(k) or "") for k in ("text", "reasoning", "result", "title", "A", "B", "C"))
    return "\n".join(out)


def test_no_party_name_id_or_phone_number_survives_in_any_stored_field(ingested: Ingested) -> None:
    data = ingested.data
    names: set[str] = set()
    for row in _lines(data / "c3rd-mini/judgments.jsonl"):
        for party in row["parties"]:
            for key in ("Name", "NameText"):
                name = party.get(key)
                if name and len(name) >= 2 and not (party.get("LegalEntity") != "Corporation" and is_masked(name)):
                    names.add(name)
    names -= {n for n in names if "某" in n}  # a company the source already masked (某某公司)
    raw = _source_texts(data)
    numbers = {m.value for m in find_pii(raw)}
    # the fixture holds what must be masked (so this test can fail)
    assert len(names) >= 25 and all(n in raw for n in names)
    assert len(numbers) >= 5

    stored = "\n".join(_stored_strings(ingested))
    assert [n for n in sorted(names) if n in stored] == []
    assert [n for n in sorted(numbers) if n in stored] == []
    assert find_pii(stored) == []


def test_each_party_reads_in_its_masked_form(ingested: Ingested) -> None:
    checked = 0
    for row in _lines(ingested.data / "c3rd-mini/judgments.jsonl"):
        doc = ingested.docs[row["id"]]
        shown = (doc.document or "") + str(doc.metadata.get("title"))
        for party in row["parties"]:
            name, entity = party.get("Name"), party.get("LegalEntity")
            if not name or "某" in name or name not in row["text"] + row["title"]:
                continue
            if entity == "Corporation":
                assert mask_org(name) in shown, (row["id"], name)
            elif entity == "Person" and not is_masked(name):
                assert mask_person(name) in shown, (row["id"], name)
            checked += 1
    assert checked >= 25
