import json
from pathlib import Path

import pytest

from retrieval.errors import IngestError, RecordError
from retrieval.sources import CAIL_CAUSE, RawRecord, layout_of, read_records, validate

from .conftest import write_jsonl

TEXT = "原告诉称，被告向原告借款五万元并出具借条，至今未还。"


def _validated(path: Path) -> tuple[list, list[RecordError]]:
    good, bad = [], []
    for item in read_records(path):
        if isinstance(item, RecordError):
            bad.append(item)
            continue
        try:
            good.append(validate(item))
        except RecordError as err:
            bad.append(err)
    return good, bad


def test_jsonl_errors_name_the_line(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "c.jsonl",
        [
            {"id": "ok-1", "text": TEXT},
            "{not json",
            json.dumps(["a", "list"]),
            {"id": "no-text"},
            {"text": "太短"},
            {"text": TEXT, "year": "二〇一九"},
            {"text": TEXT, "year": 1800},
            {"text": TEXT, "outcome": "maybe"},
            {"text": TEXT, "cause": 12},
            {"id": "ok-2", "text": TEXT + "另查明。", "outcome": "部分支持", "year": "2018"},
        ],
    )
    good, bad = _validated(path)
    assert [j.id for j in good] == ["ok-1", "ok-2"]
    assert good[1].outcome == "partly" and good[1].year == 2018
    lines = {e.line: e.reason for e in bad}
    assert sorted(lines) == [2, 3, 4, 5, 6, 7, 8, 9]
    assert "invalid JSON" in lines[2]
    assert "JSON object" in lines[3]
    assert "'text' is missing" in lines[4]
    assert "shorter" in lines[5]
    assert "not a number" in lines[6]
    assert "out of range" in lines[7]
    assert "unknown outcome" in lines[8]
    assert "must be text" in lines[9]
    assert str(bad[0]).startswith(f"{path}:2: ")


def test_csv_reader_and_errors(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text(f"id,text,cause,outcome\nc1,{TEXT},民间借贷纠纷,supported\nc2,,x,\nc3,{TEXT},x,y,extra\n",
                    encoding="utf-8")
    good, bad = _validated(path)
    assert [j.id for j in good] == ["c1"] and good[0].cause == "民间借贷纠纷"
    assert [(e.line, "text" in e.reason or "cells" in e.reason) for e in bad] == [(3, True), (4, True)]


def test_csv_without_text_column(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("id,body\n1,x\n", encoding="utf-8")
    _, bad = _validated(path)
    assert "no 'text' column" in bad[0].reason


def test_text_folder_uses_file_names_as_ids_and_reads_headers(tmp_path: Path) -> None:
    folder = tmp_path / "txt"
    folder.mkdir()
    (folder / "2019-1234.txt").write_text(
        "焦作市山阳区人民法院\n民事判决书\n（2019）豫0811民初1234号\n原告李某。\n" + TEXT
        + "判决如下：被告于判决生效之日起十日内偿还原告借款五万元。",
        encoding="utf-8",
    )
    (folder / "bad.txt").write_bytes(b"\xff\xfe\xfa not utf8")
    good, bad = _validated(folder)
    assert len(good) == 1
    j = good[0]
    assert (j.id, j.court, j.case_number, j.year, j.outcome) == (
        "2019-1234", "焦作市山阳区人民法院", "（2019）豫0811民初1234号", 2019, "supported"
    )
    assert len(bad) == 1 and "UTF-8" in bad[0].reason


def test_cail_triplets_become_judgments_with_content_ids(tmp_path: Path) -> None:
    other = "原告诉称，被告承租原告房屋后拖欠租金，请求判令支付租金。"
    path = write_jsonl(tmp_path / "t.jsonl", [{"A": TEXT, "B": other, "C": TEXT + "补充"}, {"A": TEXT, "B": other,
                                                                                          "C": other}])
    good, bad = _validated(path)
    assert not bad and len(good) == 6
    assert all(j.cause == CAIL_CAUSE and j.id.startswith("cail-") for j in good)
    assert good[0].id == good[3].id  # identical texts → identical ids (deduped at ingest)
    assert len({j.id for j in good}) == 3


def test_missing_or_unsupported_paths(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="no such file"):
        list(read_records(tmp_path / "missing"))
    (tmp_path / "x.pdf").write_text("x")
    with pytest.raises(IngestError, match="unsupported"):
        list(read_records(tmp_path / "x.pdf"))
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(IngestError, match=r"no \.jsonl"):
        list(read_records(empty))


def test_default_id_is_stable_content_hash() -> None:
    a = validate(RawRecord("s", 1, {"text": TEXT}))
    b = validate(RawRecord("s", 9, {"text": "  " + TEXT + "\n"}))
    assert a.id == b.id and a.id.startswith("j-")


def test_a_csv_of_a_courts_own_judgments_with_every_part_as_text(tmp_path: Path) -> None:
    path = tmp_path / "own.csv"
    path.write_text(
        "id,cause,court,text,reasoning,result,laws,parties\n"
        'own-1,民间借贷纠纷,河南省焦作市山阳区人民法院,"原告张建国诉称，请求判令被告王小明偿还借款2万元。",'
        '"本院认为，被告王小明借款未还，本院予以支持。依照《民法典》第六百七十五条之规定，判决如下",'
        '"被告王小明于本判决生效之日起十日内偿还原告张建国借款20000元。",'
        '"《民法典》第六百七十五条；《民事诉讼法》第一百四十五条","[\'张建国\', \'王小明\']"\n',
        encoding="utf-8",
    )
    good, bad = _validated(path)
    assert not bad
    j = good[0]
    assert (j.layout, j.region, j.outcome, j.claimed_yuan, j.granted_yuan) == ("generic", "河南省焦作市", "supported",
                                                                             20000, 20000)
    assert j.laws == ("《民法典》第六百七十五条", "《民事诉讼法》第一百四十五条")
    assert j.reason == "本院认为，被告王某借款未还，本院予以支持。"
    assert "张建国" not in j.text + (j.claims or "") + (j.decision or "") and "王某" in j.text


def test_a_whole_judgment_text_gives_its_own_reasoning_and_result(tmp_path: Path) -> None:
    whole = (
        "原告李某诉称，请求判令被告偿还借款5万元。本院认为，原告未提交借条或转账凭证，其主张证据不足，本院不予支持。"
        "依照《中华人民共和国民事诉讼法》第六十四条之规定，判决如下：驳回原告李某的诉讼请求。案件受理费1050元，由原告负担。"
    )
    good, _ = _validated(write_jsonl(tmp_path / "w.jsonl", [{"text": whole}]))
    j = good[0]
    assert (j.outcome, j.decision, j.granted_yuan) == ("rejected", "驳回原告李某的诉讼请求。", 0)
    assert j.reason == "本院认为，原告未提交借条或转账凭证，其主张证据不足，本院不予支持。"
    mediated = (
        "原告诉称被告欠款三万元。经本院主持调解，双方当事人自愿达成如下协议：被告于2020年1月前分期支付原告3万元。"
    )
    assert validate(RawRecord("s", 1, {"text": mediated})).outcome == "mediated"


def test_layouts_are_known_by_path_and_fields(tmp_path: Path) -> None:
    laws = tmp_path / "laws" / "articles.jsonl"
    laws.parent.mkdir()
    write_jsonl(laws, [{"law": "民法典", "article": 1, "text": "为了保护民事主体的合法权益，调整民事关系。"}])
    assert layout_of(laws).name == "laws" and layout_of(laws).skip
    # the same path holding judgments is read as judgments: the fields decide too
    own = tmp_path / "own" / "laws" / "articles.jsonl"
    own.parent.mkdir(parents=True)
    write_jsonl(own, [{"id": "x", "text": TEXT}])
    assert layout_of(own).name == "generic"
    items = list(read_records(tmp_path))
    assert [type(i).__name__ for i in items] == ["SkippedFile", "RawRecord"]
    divorce = tmp_path / "cail2019-elements" / "divorce.jsonl"
    divorce.parent.mkdir()
    write_jsonl(divorce, [{"id": "divorce-0001", "domain": "divorce", "text": TEXT + "判决如下：准予离婚。"}])
    j = validate(next(i for i in read_records(divorce) if isinstance(i, RawRecord)))
    assert (j.layout, j.cause, j.outcome, j.decision) == ("cail-divorce", "离婚纠纷", None, None)
