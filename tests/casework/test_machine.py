"""The lifecycle data file: loads, its pictures are current, and impossible configurations are refused."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from casework.errors import ConfigError
from casework.machine import DEFAULT_PATH, Kind, default_lifecycles, mermaid, parse_lifecycles
from knowledge.yamlload import load_yaml


@pytest.fixture(scope="module")
def raw() -> dict[str, Any]:
    data = load_yaml(DEFAULT_PATH)
    assert isinstance(data, dict)
    return data


def test_shipped_lifecycles_load() -> None:
    lcs = default_lifecycles()
    assert set(lcs) == set(Kind)
    assert {lc.prefix for lc in lcs.values()} == {"TJ", "LA", "RX"}
    assert lcs[Kind.FILING].states["submitted"].due_days == 7  # 登记立案规定 art. 8
    assert lcs[Kind.REFERRAL].states["in_mediation"].due_days == 30
    assert [
        lcs[Kind.TICKET].states[s].label for s in ("received", "assigned", "supervised", "answered", "followed_up")
    ] == [
        "接听",
        "交办",
        "督办",
        "反馈",
        "回访",
    ]


@pytest.mark.parametrize("kind", list(Kind))
def test_committed_diagram_is_current(kind: Kind) -> None:
    path = DEFAULT_PATH.parent / f"{kind.value}.mmd"
    assert path.read_text(encoding="utf-8") == mermaid(default_lifecycles()[kind]), "run: python -m casework.machine"


def _broken(raw: dict[str, Any], edit: Any) -> dict[str, Any]:
    data = copy.deepcopy(raw)
    edit(data)
    return data


BREAKAGES = {
    "unknown target state": lambda d: d["referral"]["transitions"]["accept"].update(to="nowhere"),
    "unknown source state": lambda d: d["filing"]["transitions"]["review"].update({"from": ["limbo"]}),
    "leaves a terminal state": lambda d: d["ticket"]["transitions"]["close"].update({"from": ["closed"]}),
    "unknown guard": lambda d: d["ticket"]["transitions"]["supervise"].update(guard="full_moon"),
    "unknown effect": lambda d: d["referral"]["transitions"]["fail"].update(effect="explode"),
    "unknown role": lambda d: d["filing"]["transitions"]["register"].update(roles=["judge"]),
    "unknown placeholder": lambda d: d["filing"]["transitions"]["register"].update(notify_person="${ref} ${secret}"),
    "str.format syntax": lambda d: d["filing"]["transitions"]["register"].update(notify_person="您的起诉（{ref}）"),
    "stray dollar": lambda d: d["filing"]["transitions"]["register"].update(notify_person="交费 $5"),
    "unreachable state": lambda d: d["ticket"]["states"].update(limbo={"label": "x", "terminal": True}),
    "dead end": lambda d: d["referral"]["states"]["performed"].update(terminal=False),
    "terminal with due": lambda d: d["filing"]["states"]["registered"].update(due_days=3),
    "choice without options": lambda d: d["ticket"]["transitions"]["follow_up"]["fields"]["satisfied"].update(
        options={}
    ),
    "missing kind": lambda d: d.pop("ticket"),
    "unknown kind": lambda d: d.update(appeal=d["ticket"]),
    "bad prefix": lambda d: d["ticket"].update(prefix="r1"),
    "unknown key": lambda d: d["ticket"]["states"]["closed"].update(colour="red"),
    "initial unknown": lambda d: d["filing"].update(initial="draft"),
    "transfer without consent field": lambda d: d["referral"]["transitions"]["fail"]["fields"].pop("transfer"),
    "transfer without its notice": lambda d: d["filing"]["on_create"].pop("transferred"),
    "notice with an unknown placeholder": lambda d: d["filing"]["on_create"].update(transferred="（${referral}）"),
}


@pytest.mark.parametrize("name", list(BREAKAGES))
def test_impossible_configurations_are_refused(raw: dict[str, Any], name: str) -> None:
    with pytest.raises(ConfigError):
        parse_lifecycles(_broken(raw, BREAKAGES[name]))


def test_unbroken_copy_parses(raw: dict[str, Any]) -> None:
    assert set(parse_lifecycles(copy.deepcopy(raw))) == set(Kind)


def test_duplicate_keys_in_the_file_are_refused(tmp_path: Path) -> None:
    from casework.machine import load_lifecycles

    text = DEFAULT_PATH.read_text(encoding="utf-8").replace("    accept:\n", "    start:\n", 1)
    path = tmp_path / "lc.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match="duplicate key"):
        load_lifecycles(path)
