"""Outcome-extractor agreement with the hand labels: ``python -m evals.outcomes [--split dev|holdout] [-v]``.

``make eval-outcomes`` runs it. Each line of ``knowledge/eval/outcomes/labels.jsonl`` says, for one c3rd-mini
document, how the case ended (``outcome``) and the fixed yuan amounts claimed and granted, as read by a team member
who had not seen the extractor. :func:`retrieval.outcomes.read_outcome` reads the same document (``result``,
the claims-and-facts ``text``, ``doc_type``) and this prints, per split:

- outcome-code agreement over every labelled document (target ≥ 95%);
- amount agreement, exact to the yuan, over the documents whose label has a number (claimed and granted apart);
- with ``-v``, every disagreement with its id, the label, the reading and the labeller's note.

The ``holdout`` split is the clean figure: read its disagreements only for a final run (``--split holdout -v``);
fix classes of error seen on ``dev``, never one id.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, TextIO

from retrieval.outcomes import OutcomeReading, read_outcome

ROOT: Final = Path(__file__).resolve().parent.parent
LABELS: Final = ROOT / "knowledge" / "eval" / "outcomes" / "labels.jsonl"
CORPUS: Final = ROOT.parent / "shared" / "data" / "c3rd-mini" / "judgments.jsonl"
SPLITS: Final = ("dev", "holdout")


@dataclass(frozen=True, slots=True)
class Label:
    id: str
    split: str
    outcome: str
    claimed_yuan: int | None
    granted_yuan: int | None
    note: str


@dataclass(frozen=True, slots=True)
class Judged:
    label: Label
    reading: OutcomeReading


@dataclass(frozen=True, slots=True)
class Agreement:
    agreed: int
    total: int

    @property
    def share(self) -> float:
        return self.agreed / self.total if self.total else 0.0

    def __str__(self) -> str:
        return f"{self.agreed}/{self.total} ({self.share:.1%})"


def _opt_int(value: Any) -> int | None:
    return None if value is None else int(value)


def load_labels(path: Path = LABELS) -> list[Label]:
    labels: list[Label] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        labels.append(
            Label(
                id=row["id"],
                split=row["split"],
                outcome=row["outcome"],
                claimed_yuan=_opt_int(row.get("claimed_yuan")),
                granted_yuan=_opt_int(row.get("granted_yuan")),
                note=row.get("note") or "",
            )
        )
    return labels


def load_documents(path: Path, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    wanted = set(ids)
    docs: dict[str, dict[str, Any]] = {}
    with path.open(encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            if row["id"] in wanted:
                docs[row["id"]] = row
    missing = wanted - docs.keys()
    if missing:
        raise SystemExit(f"{len(missing)} labelled ids are not in {path}: {sorted(missing)[:3]}…")
    return docs


def judge(labels: Sequence[Label], docs: dict[str, dict[str, Any]]) -> list[Judged]:
    out: list[Judged] = []
    for label in labels:
        doc = docs[label.id]
        reading = read_outcome(doc.get("result") or "", doc.get("text") or "", doc.get("doc_type"))
        out.append(Judged(label, reading))
    return out


def code_agreement(items: Sequence[Judged]) -> Agreement:
    return Agreement(sum(j.reading.code == j.label.outcome for j in items), len(items))


def amount_agreement(items: Sequence[Judged], field: str) -> Agreement:
    """Exact agreement to the yuan over the items whose label has a number for ``field``."""
    scored = [j for j in items if getattr(j.label, field) is not None]
    return Agreement(sum(getattr(j.reading, field) == getattr(j.label, field) for j in scored), len(scored))


def disagreements(items: Sequence[Judged]) -> list[str]:
    lines: list[str] = []
    for j in items:
        wrong = []
        if j.reading.code != j.label.outcome:
            wrong.append(f"code {j.label.outcome} ≠ {j.reading.code}")
        for field in ("claimed_yuan", "granted_yuan"):
            want, got = getattr(j.label, field), getattr(j.reading, field)
            if want is not None and got != want:
                wrong.append(f"{field.split('_')[0]} {want} ≠ {got}")
        if wrong:
            lines.append(f"  {j.label.id}  {'; '.join(wrong)}  (label {j.label.note!r})")
    return lines


def report(items: Sequence[Judged], splits: Sequence[str], verbose: bool, out: TextIO | None = None) -> None:
    out = out or sys.stdout
    for split in splits:
        part = [j for j in items if j.label.split == split]
        if not part:
            continue
        out.write(f"{split}: {len(part)} documents\n")
        out.write(f"  outcome code   {code_agreement(part)}\n")
        out.write(f"  claimed_yuan   {amount_agreement(part, 'claimed_yuan')}  (labels with a number)\n")
        out.write(f"  granted_yuan   {amount_agreement(part, 'granted_yuan')}  (labels with a number)\n")
        confusion = Counter((j.label.outcome, j.reading.code) for j in part if j.label.outcome != j.reading.code)
        if confusion:
            pairs = ", ".join(f"{want}→{got} {n}" for (want, got), n in confusion.most_common())
            out.write(f"  code confusions (label→read): {pairs}\n")
        if verbose:
            lines = disagreements(part)
            out.write(f"  disagreements ({len(lines)}):\n")
            out.writelines(line + "\n" for line in lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.outcomes", description=__doc__.split("\n")[0])
    parser.add_argument("--labels", type=Path, default=LABELS)
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="c3rd-mini judgments.jsonl")
    parser.add_argument("--split", choices=SPLITS, action="append", help="dev, holdout (default: both)")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every disagreement with its id")
    args = parser.parse_args(argv)
    if not args.labels.exists():
        sys.stdout.write(f"no labels at {args.labels}\n")
        return 1
    labels = load_labels(args.labels)
    docs = load_documents(args.corpus, (label.id for label in labels))
    report(judge(labels, docs), args.split or SPLITS, args.verbose)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
