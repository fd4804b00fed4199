from pathlib import Path

import pytest

from retrieval.bm25 import Bm25Index
from retrieval.ingest import Ingestor, main
from retrieval.store import ChromaStore

from .conftest import DOCS, CountingEmbedder, write_jsonl


def chroma_ids(store: ChromaStore) -> list[str]:
    return sorted(d.id for d in store.iter_metadata())


def bm25_ids(ingestor: Ingestor) -> list[str]:
    return sorted(Bm25Index.load(ingestor.paths.index).ids)


def test_ingest_indexes_both_sides_with_metadata(make_ingestor, store, corpus: Path) -> None:
    ing = make_ingestor()
    report = ing.ingest(corpus)
    assert (report.records, report.added, report.invalid, report.total) == (6, 6, 0, 6)
    assert chroma_ids(store) == bm25_ids(ing) == sorted(d["id"] for d in DOCS)
    meta = store.get(["loan-2"])["loan-2"].metadata
    assert meta["cause"] == "民间借贷纠纷" and meta["outcome"] == "partly"
    assert meta["summary"].startswith("被告通过微信转账")
    assert len(str(meta["content_hash"])) == 64
    assert "outcome" not in store.get(["labour-1"])["labour-1"].metadata  # unknown stays unknown
    assert not ing.paths.checkpoint.exists() and not list(ing.paths.pending.glob("*"))


def test_unchanged_judgments_are_not_embedded_again(make_ingestor, corpus: Path) -> None:
    make_ingestor().ingest(corpus)
    again = CountingEmbedder()
    report = make_ingestor(again).ingest(corpus)
    assert again.embedded == []
    assert (report.unchanged, report.added, report.updated) == (6, 0, 0)


def test_changed_text_is_re_embedded_and_re_indexed(make_ingestor, store, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "c.jsonl", DOCS)
    make_ingestor().ingest(path)
    changed = [dict(d) for d in DOCS]
    changed[4]["text"] = "承租人装修房屋后出租人提前收回房屋，承租人要求赔偿装修损失。"
    write_jsonl(path, changed)
    counting = CountingEmbedder()
    ing = make_ingestor(counting)
    report = ing.ingest(path)
    assert counting.embedded == [changed[4]["text"]]
    assert (report.updated, report.unchanged) == (1, 5)
    index = Bm25Index.load(ing.paths.index)
    assert index.search(["装修"])[0][0] == "lease-2"
    assert index.search(["押金"]) == []
    assert store.count() == 6


def test_prune_and_delete_remove_from_both_sides(make_ingestor, store, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "c.jsonl", DOCS)
    ing = make_ingestor()
    ing.ingest(path)
    write_jsonl(path, DOCS[1:])
    assert ing.ingest(path).deleted == 0  # without --prune nothing is removed
    report = ing.ingest(path, prune=True)
    assert report.deleted == 1
    assert "loan-1" not in chroma_ids(store) and "loan-1" not in bm25_ids(ing)
    assert ing.delete(["lease-1", "unknown"]) == 1
    assert chroma_ids(store) == bm25_ids(ing) == sorted(d["id"] for d in DOCS[1:] if d["id"] != "lease-1")


def test_identical_texts_are_stored_once(make_ingestor, store, tmp_path: Path) -> None:
    a, b = DOCS[0]["text"], DOCS[3]["text"]
    path = write_jsonl(tmp_path / "t.jsonl", [{"A": a, "B": b, "C": a}, {"A": b, "B": a, "C": a + "另查明。"}])
    report = make_ingestor().ingest(path)
    assert (report.records, report.added, report.duplicates) == (6, 3, 3)
    assert store.count() == 3


def test_bad_records_are_reported_and_skipped_nothing_half_indexed(make_ingestor, store, tmp_path: Path) -> None:
    rows: list = [DOCS[0], "{broken", {"id": "x", "text": ""}, DOCS[1], {**DOCS[2], "id": DOCS[0]["id"]}]
    ing = make_ingestor()
    report = ing.ingest(write_jsonl(tmp_path / "c.jsonl", rows))
    assert report.invalid == 3
    assert [e.line for e in report.errors] == [2, 3, 5]
    assert "already used at line 1" in report.errors[2].reason
    assert chroma_ids(store) == bm25_ids(ing) == ["loan-1", "loan-2"]


def test_a_crashed_ingest_resumes_without_duplicates_or_re_embedding(make_ingestor, store, corpus: Path) -> None:
    crashing = CountingEmbedder(fail_on_call=2)  # batches of 2: the second batch dies inside the model
    with pytest.raises(KeyboardInterrupt):
        make_ingestor(crashing).ingest(corpus)
    assert store.count() == 2
    ing = make_ingestor(CountingEmbedder())
    assert ing.paths.checkpoint.exists() and list(ing.paths.pending.glob("shard-*.jsonl"))

    report = ing.ingest(corpus)
    assert report.resumed_from == 2
    embedded_after = ing.embedder.embedded  # type: ignore[attr-defined]
    assert len(embedded_after) == 4 and not set(embedded_after) & set(crashing.embedded)
    index = Bm25Index.load(ing.paths.index)
    assert len(index.ids) == len(set(index.ids)) == 6
    assert chroma_ids(store) == sorted(index.ids)
    assert not ing.paths.checkpoint.exists()


def test_crash_between_chroma_and_bm25_is_repaired(make_ingestor, store, corpus: Path, monkeypatch) -> None:
    ing = make_ingestor()
    real_write = Ingestor._write_shard
    calls = {"n": 0}

    def dying_write(self, docs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt("killed after the Chroma upsert")
        return real_write(self, docs)

    monkeypatch.setattr(Ingestor, "_write_shard", dying_write)
    with pytest.raises(KeyboardInterrupt):
        ing.ingest(corpus)
    monkeypatch.setattr(Ingestor, "_write_shard", real_write)
    assert store.count() == 4  # the second batch reached Chroma but not the BM25 shard

    counting = CountingEmbedder()
    report = make_ingestor(counting).ingest(corpus)
    assert len(counting.embedded) == 2  # only the last batch; the orphaned two are re-tokenised, not re-embedded
    assert report.total == 6
    assert chroma_ids(store) == bm25_ids(ing)


def test_cli_reports_and_exit_codes(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("CHROMA_PATH", str(tmp_path / "chroma"))
    monkeypatch.setenv("BM25_PATH", str(tmp_path / "bm25"))
    monkeypatch.setenv("EMBEDDING_MODEL", "fake")
    from core.settings import get_settings

    get_settings.cache_clear()
    try:
        path = write_jsonl(tmp_path / "c.jsonl", [*DOCS, "{oops"])
        assert main([str(path), "--collection", "cli-test", "--no-progress"]) == 0
        out = capsys.readouterr().out
        assert "added: 6" in out and "invalid: 1" in out and f"{path}:7: invalid JSON" in out
        assert (tmp_path / "bm25" / "cli-test" / "index" / "meta.json").is_file()
        assert main([str(tmp_path / "nope.jsonl"), "--no-progress"]) == 2
        assert "no such file" in capsys.readouterr().err
    finally:
        get_settings.cache_clear()
