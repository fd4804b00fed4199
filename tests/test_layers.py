"""The packages form layers that only point down (README, "Layout"):

    core, prompts → retrieval → knowledge → casework → bot → app → web → server.py

A module may import its own package and any package to its left, never one to its right — at module level,
inside a function, or under ``TYPE_CHECKING`` alike (a late import is still a dependency).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS: dict[str, int] = {
    "core": 0,
    "prompts": 0,
    "retrieval": 1,
    "knowledge": 2,
    "casework": 3,
    "bot": 4,
    "app": 5,
    "web": 6,
    "server": 7,
}


def project_imports(source: str) -> set[str]:
    """The project's top-level packages that ``source`` imports (absolute imports only; relative ones stay inside
    their own package)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found.update(n.split(".")[0] for n in names if n.split(".")[0] in LAYERS)
    return found


def upward_imports(package: str, source: str) -> set[str]:
    rank = LAYERS[package]
    return {p for p in project_imports(source) if LAYERS[p] > rank}


def _modules() -> list[tuple[str, Path]]:
    out = [("server", ROOT / "server.py")]
    for package in LAYERS:
        folder = ROOT / package
        if folder.is_dir():
            out += [(package, path) for path in sorted(folder.rglob("*.py"))]
    return out


def test_every_package_of_the_layering_exists() -> None:
    missing = [p for p in LAYERS if p != "server" and not (ROOT / p / "__init__.py").is_file()]
    assert not missing


@pytest.mark.parametrize(("package", "path"), _modules(), ids=lambda v: str(v) if isinstance(v, str) else v.name)
def test_no_module_imports_a_package_above_it(package: str, path: Path) -> None:
    bad = upward_imports(package, path.read_text(encoding="utf-8"))
    assert not bad, f"{path.relative_to(ROOT)} ({package}) imports {sorted(bad)}, which sit above it"


def test_the_check_catches_every_form_of_upward_import() -> None:
    late = "def f():\n    from bot.engine import DialogEngine\n"
    typing_only = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import app.runtime\n"
    assert upward_imports("knowledge", late) == {"bot"}
    assert upward_imports("core", typing_only) == {"app"}
    assert upward_imports("bot", "from knowledge.service import Knowledge\nimport core.db\n") == set()
    assert upward_imports("web", "from . import deps\nfrom app import deps as app_deps\n") == set()
