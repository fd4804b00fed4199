"""The custom menu JSON and its command line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.messages import MenuKey
from bot.wechat.menu import MENU, main, menu_json

REPO = Path(__file__).resolve().parents[3]


def test_menu_has_the_three_click_buttons() -> None:
    buttons = MENU["button"]
    assert [(b["type"], b["name"], b["key"]) for b in buttons] == [
        ("click", "开始咨询", MenuKey.START.value),
        ("click", "查询进度", MenuKey.PROGRESS.value),
        ("click", "转人工", MenuKey.HUMAN.value),
    ]


def test_menu_json_keeps_chinese_readable() -> None:
    text = menu_json(indent=None)
    assert "开始咨询" in text
    assert json.loads(text) == MENU


def test_print_flag(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--print"]) == 0
    assert json.loads(capsys.readouterr().out) == MENU


def test_without_flag_prints_help_and_fails(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "--print" in capsys.readouterr().err


def test_module_entry_point() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "bot.wechat.menu", "--print", "--compact"],
        cwd=REPO,
        env={"PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    assert json.loads(out) == MENU
