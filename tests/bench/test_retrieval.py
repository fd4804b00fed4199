"""The retrieval bench CLI runs end to end on a tiny corpus with the fake embedder (figures not checked)."""

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench import retrieval as bench  # noqa: E402

TRIPLETS = REPO / "tests" / "fixtures" / "cail_triplets"


def test_bench_cli_runs_small(capsys) -> None:
    assert bench.main(["--data", str(TRIPLETS), "--model", "fake", "--sizes", "20", "--queries", "12",
                       "--ingest-sample", "8"]) == 0
    out = capsys.readouterr().out
    assert "ingestion (real pipeline" in out and "judgments/s" in out
    assert "| 20 |" in out
