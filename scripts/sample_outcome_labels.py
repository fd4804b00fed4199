"""Print the ids of the hand-labelled outcome sample (knowledge/eval/outcomes/labels.jsonl).

Selection: every id in c3rd-mini, sorted by the sha1 hex digest of the id; the first 240.
The first 120 are the "dev" split, the next 120 the "holdout" split.

    .venv/bin/python scripts/sample_outcome_labels.py [path/to/judgments.jsonl]

prints one line per chosen document: ``<split>\t<id>``, in sample order.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "data" / "c3rd-mini" / "judgments.jsonl"
SAMPLE_SIZE = 240
DEV_SIZE = 120


def sample_ids(corpus: Path) -> list[tuple[str, str]]:
    """Return (split, id) pairs in sample order."""
    with corpus.open(encoding="utf-8") as fh:
        ids = [json.loads(line)["id"] for line in fh if line.strip()]
    ordered = sorted(ids, key=lambda i: hashlib.sha1(i.encode("utf-8")).hexdigest())  # noqa: S324 - an ordering, not security
    chosen = ordered[:SAMPLE_SIZE]
    return [("dev" if n < DEV_SIZE else "holdout", i) for n, i in enumerate(chosen)]


def main(argv: list[str]) -> int:
    corpus = Path(argv[1]) if len(argv) > 1 else DEFAULT_CORPUS
    for split, doc_id in sample_ids(corpus):
        sys.stdout.write(f"{split}\t{doc_id}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
