"""Loan and due dates from lay stories: the nearest cue decides the role; an agreed term gives the due date."""

from __future__ import annotations

from datetime import date

import pytest

from knowledge.causes import load_causes
from knowledge.intake import load_slot_tables, story_facts

TODAY = date(2026, 11, 24)


@pytest.mark.parametrize(
    "story,loan,due",
    [
        ("2024年1月借的说好年底还，有借条", "2024-01-01", "2024-12-31"),
        ("2023年3月1日借给他5万，说好一年还", "2023-03-01", "2024-03-01"),
        ("去年三月借的，约定半年后还", "2025-03-01", "2025-09-01"),
        ("我3个月前借给他两万说好一个月就还", "2026-08-24", "2026-09-24"),
        ("2024年1月31日借给他一万，说好一个月还", "2024-01-31", "2024-02-29"),  # month end, leap year
        ("2023年5月借给他三万，2023年10月到期", "2023-05-01", "2023-10-01"),
    ],
)
def test_loan_and_due_dates(story: str, loan: str, due: str) -> None:
    facts = story_facts("民间借贷纠纷", story, TODAY, causes=load_causes(), tables=load_slot_tables())
    assert facts.get("loan_date") == loan
    assert facts.get("due_date") == due


def test_no_term_no_invented_due_date() -> None:
    facts = story_facts(
        "民间借贷纠纷", "2023年3月1日借给他5万，一直没还", TODAY, causes=load_causes(), tables=load_slot_tables()
    )
    assert facts.get("loan_date") == "2023-03-01"
    assert "due_date" not in facts
