"""Every sentence the bot says lives in ``prompts/`` (one file each, ``$name`` placeholders), every word it
reacts to in ``prompts/commands.yaml``: a module of ``bot/`` holds no Chinese string literal longer than four
characters (docstrings aside; ``bot/wechat/`` is the protocol edge and keeps its own constants).

``ALLOWED`` names the modules that may, each with why; an entry that is no longer needed fails too, so the list
only shrinks.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import prompts

ROOT = Path(__file__).resolve().parents[2]
BOT = ROOT / "bot"
CJK = re.compile(r"[\u3400-\u9fff]")
LIMIT = 4

ALLOWED: dict[str, str] = {
    "bot/render.py": "patterns matched in knowledge's texts, never sent: where the limitation basis starts its counting"
    " rules (cut from the chat's line)",
    "bot/llm.py": "the LLM guard's patterns: numerals and phrases it looks for in the LLM's answer, never sent",
}


def _docstrings(tree: ast.AST) -> set[int]:
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                out.add(id(first.value))
    return out


def chinese_literals(source: str) -> list[tuple[int, str]]:
    """(line, text) of each string literal (an f-string counts as its fixed parts) with more than LIMIT CJK
    characters, docstrings aside."""
    tree = ast.parse(source)
    skip = _docstrings(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            text = "".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
            skip.update(id(v) for v in node.values)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            text = node.value
        else:
            continue
        if len(CJK.findall(text)) > LIMIT:
            found.append((node.lineno, text))
    return found


def _modules() -> list[Path]:
    return sorted(p for p in BOT.rglob("*.py") if "wechat" not in p.relative_to(BOT).parts)


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_litigant_sentence_in_bot_code(path: Path) -> None:
    name = str(path.relative_to(ROOT))
    found = chinese_literals(path.read_text(encoding="utf-8"))
    if name in ALLOWED:
        assert found, f"{name} holds no Chinese sentence any more: drop it from ALLOWED"
    else:
        assert not found, f"{name}: move these to prompts/ (or the words to prompts/commands.yaml): {found}"


def test_the_check_sees_plain_and_f_string_literals_but_not_docstrings() -> None:
    source = '"""模块说明：这里可以写中文。"""\nA = "请回复数字一二三"\nB = f"您提交的{x}事项已经受理"\nC = "转人工"\n'
    assert [line for line, _ in chinese_literals(source)] == [2, 3]


def test_the_allow_list_names_existing_modules() -> None:
    assert all((ROOT / name).is_file() for name in ALLOWED)


def test_every_prompt_file_is_used() -> None:
    """A template no module names (``prompts.load("name", …)``, the name written out) is a sentence nobody says."""
    sources = "\n".join(
        p.read_text(encoding="utf-8")
        for package in ("knowledge", "bot", "app", "web", "casework")
        for p in (ROOT / package).rglob("*.py")
    )
    unused = [name for name in prompts.names() if f'"{name}"' not in sources]
    assert not unused, f"prompts nobody loads: {unused}"


def test_prompts_use_one_template_syntax() -> None:
    """``string.Template`` everywhere: no ``{name}`` (str.format) placeholder in any prompt file."""
    for name in prompts.names():
        text = (prompts.PROMPTS_DIR / f"{name}.txt").read_text(encoding="utf-8")
        assert not re.search(r"(?<!\$)\{[A-Za-z_]\w*\}", text), name
