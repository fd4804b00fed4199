from pathlib import Path

import pytest

from knowledge._base import DATA_DIR
from knowledge.errors import DataFileError, DuplicateKeyError
from knowledge.yamlload import load_yaml, loads_yaml


def test_plain_mapping_loads() -> None:
    assert loads_yaml("a: 1\nb: {c: [1, 2]}") == {"a": 1, "b": {"c": [1, 2]}}


def test_duplicate_top_level_key_is_refused() -> None:
    with pytest.raises(DuplicateKeyError, match="duplicate key 'actions' at line 3"):
        loads_yaml("actions: [a]\nslots: {}\nactions: [b]\n")


def test_duplicate_key_in_nested_flow_mapping_is_refused() -> None:
    with pytest.raises(DuplicateKeyError):
        loads_yaml("causes:\n  x:\n    - {name: a, name: b}\n")


def test_duplicate_key_in_file_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("民间借贷纠纷: 1\n民间借贷纠纷: 2\n", encoding="utf-8")
    with pytest.raises(DuplicateKeyError, match=r"bad\.yaml"):
        load_yaml(path)


def test_invalid_yaml_is_a_data_file_error() -> None:
    with pytest.raises(DataFileError):
        loads_yaml("a: [1, 2\n")


def test_unsafe_tags_are_refused() -> None:
    with pytest.raises(DataFileError):
        loads_yaml("!!python/object/apply:os.system ['true']")


def test_missing_file_is_a_data_file_error(tmp_path: Path) -> None:
    with pytest.raises(DataFileError):
        load_yaml(tmp_path / "nope.yaml")


@pytest.mark.parametrize("path", sorted(DATA_DIR.glob("*.yaml")), ids=lambda p: p.name)
def test_every_shipped_data_file_loads_strictly(path: Path) -> None:
    assert load_yaml(path) is not None
