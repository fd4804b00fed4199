"""evals/legal.py: tables chosen by letter, figures per table as well as overall, and --min-pass's exit code."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from evals import legal


def _table(tmp_path: Path, name: str, rows: list[dict[str, Any]]) -> Path:
    path = tmp_path / f"table_{name}.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    return path


def _row(ident: str, amount: float, split: str = "dev") -> dict[str, Any]:
    return {"id": ident, "area": "amount", "split": split, "story": ident, "expect": {"claim_amount_yuan": amount}}


def test_a_table_letter_names_its_file() -> None:
    assert legal.table_path("a") == legal.TABLES / "table_a.jsonl"
    assert legal.table_path("table_b") == legal.TABLES / "table_b.jsonl"
    assert legal.table_path("some/where/x.jsonl") == Path("some/where/x.jsonl")
    assert legal.table_name(Path("x/table_c.jsonl")) == "c"


def test_figures_per_table_and_overall(tmp_path: Path) -> None:
    rows = legal.load(
        [_table(tmp_path, "a", [_row("a1", 100), _row("a2", 200)]), _table(tmp_path, "b", [_row("b1", 300)])], "all"
    )
    answers = {"a1": 100.0, "a2": 999.0, "b1": 300.0}  # a2 is wrong

    def assess(row: dict[str, Any]) -> dict[str, Any]:
        return {"facts": {"claim_amount_yuan": answers[row["id"]]}}

    per_table = legal.run(rows, assess, by="_table")
    assert (per_table["a"].stories_ok, per_table["a"].stories) == (1, 2)
    assert (per_table["b"].stories_ok, per_table["b"].stories) == (1, 1)
    out = io.StringIO()
    share = legal.report(legal.run(rows, assess), out, per_table=per_table)
    text = out.getvalue()
    assert "table a" in text and "table b" in text
    assert abs(share - 2 / 3) < 1e-9


def test_split_filter(tmp_path: Path) -> None:
    path = _table(tmp_path, "a", [_row("d", 1), _row("h", 2, split="holdout")])
    assert [r["id"] for r in legal.load([path], "holdout")] == ["h"]


def test_min_pass_exit_code() -> None:
    out = io.StringIO()
    assert legal.exit_code(0.5, None, out) == 0
    assert legal.exit_code(0.9, 0.9, out) == 0
    assert legal.exit_code(0.89, 0.9, out) == 1
    assert "below --min-pass" in out.getvalue()
