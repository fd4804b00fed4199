"""``evals/`` is a folder of the repository, not an installed package, so the repository root is put on
``sys.path`` here; ``triplets`` is a tiny CAIL2019-SCM-shaped corpus (three loans, two leases, one labour
dispute; the last triplet labelled)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

TRIPLETS = REPO / "tests" / "fixtures" / "cail_triplets"


@pytest.fixture
def triplet_dir() -> Path:
    return TRIPLETS
