"""The studied legal tables (knowledge/eval/legal/table_a … table_e) in ``make test``, through the same
``Knowledge.assess`` as ``POST /api/assess`` and the chat, with the shipped embedder: a story that passes every check
must keep passing, and a story still open is listed in ``knowledge/eval/legal/open.txt`` with the reason it is open.
An open story that now passes fails the test too, so the list stays true. The clean holdout (table_f) is not run
here: it is measured once per release (evals/legal.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from evals import legal

OPEN = legal.TABLES / "open.txt"


def _open_ids(path: Path = OPEN) -> dict[str, str]:
    """``ID  reason`` per line ('#' starts a comment)."""
    out: dict[str, str] = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if line:
            ident, _, reason = line.partition(" ")
            out[ident] = reason.strip()
    return out


@pytest.fixture(scope="module")
def outcome() -> tuple[dict[str, list[str]], int]:
    from core.settings import Settings
    from knowledge import build_knowledge
    from retrieval.service import shared_embedder

    kb = build_knowledge(Settings(app_env="test"), embedder=shared_embedder("auto", None))
    rows = legal.load(legal.studied_tables(), "all")
    per_story = legal.run(rows, lambda row: legal.assess_row(kb, row), by="id")  # the eval's own checking
    failures = {ident: tally.failures for ident, tally in per_story.items() if tally.failures}
    return failures, len(rows)


def test_the_clean_holdout_is_not_among_the_studied_tables() -> None:
    assert all(legal.table_name(p) not in legal.CLEAN for p in legal.studied_tables())
    assert len(legal.studied_tables()) >= 5


def test_every_story_passes_or_is_listed_open(outcome: tuple[dict[str, list[str]], int]) -> None:
    failures, total = outcome
    listed = _open_ids()
    regressions = {k: v for k, v in failures.items() if k not in listed}
    assert not regressions, f"stories that no longer pass (or new failures): {regressions}"
    assert total >= 250  # the floor for the table (560 stories at round 6)


def test_the_open_list_holds_only_stories_still_open(outcome: tuple[dict[str, list[str]], int]) -> None:
    failures, _ = outcome
    fixed = sorted(set(_open_ids()) - set(failures))
    assert not fixed, f"these now pass: remove them from {OPEN.name}: {fixed}"


def test_every_open_story_says_why() -> None:
    assert all(reason for reason in _open_ids().values())
