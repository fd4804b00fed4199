"""The words table (prompts/commands.yaml): loaded strictly, one meaning per word, used by the conversation."""

from __future__ import annotations

import pytest
import yaml
from pydantic import ValidationError

import prompts


def test_the_shipped_table_loads_and_answers() -> None:
    words = prompts.commands()
    assert words.command("重新开始") == "restart" and words.command("转人工") == "human"
    assert words.command("help") == "help" and words.command("随便") is None
    assert words.route("1") == "mediation" and words.route("网上立案") == "filing" and words.route("12368") == "human"
    assert "不知道" in words.skip and "1" in words.more and words.quick.start == "开始咨询"
    assert {"yes", "ok"} <= set(words.affirm) and "no" in words.deny  # quoted: not YAML booleans


def _table(**over: object) -> str:
    raw = yaml.safe_load((prompts.PROMPTS_DIR / "commands.yaml").read_text(encoding="utf-8"))
    raw.update(over)
    return yaml.safe_dump(raw, allow_unicode=True)


def test_a_repeated_key_is_refused() -> None:
    text = (prompts.PROMPTS_DIR / "commands.yaml").read_text(encoding="utf-8") + "\nskip: [跳过]\n"
    with pytest.raises(yaml.YAMLError, match="repeated key"):
        prompts.parse_commands(text)


def test_a_word_under_two_commands_is_refused() -> None:
    words = prompts.commands()
    commands = {name: list(ws) for name, ws in words.commands.items()}
    commands["help"].append("取消")
    with pytest.raises(ValidationError, match="two commands"):
        prompts.parse_commands(_table(commands=commands))


def test_an_unknown_section_is_refused() -> None:
    with pytest.raises(ValidationError):
        prompts.parse_commands(_table(greetings=["你好"]))
