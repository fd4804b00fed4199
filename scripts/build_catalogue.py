"""Build knowledge/data/catalogue.yaml from the shared civil-cause catalogue.

    python scripts/build_catalogue.py [--source ../shared/data/civil-causes] [--out knowledge/data/catalogue.yaml]

Reads ``catalogue.jsonl`` (the 2020 catalogue, four levels), ``catalogue-2025-unverified.jsonl`` (the revision in
force from 2026-01-01, from one secondary listing) and ``revision.jsonl`` (the changes between them) — see that
folder's README for where they come from and how far to trust them. Writes one entry per cause name (levels 2–4;
the parts separately): level, parent, part, the 2020 and 2025 numbers, what the revision did to the name, and the
annotations ``knowledge/data/families.yaml`` gives it (family, deep table). Keeps nothing else of the sources.

Rules of the merge:
- the key is the name; a name at two levels (不当得利纠纷 as a group and as a cause) keeps the deeper entry, and a
  parent with the cause's own name is skipped (the parent becomes the next ancestor up);
- a name in both versions keeps its 2020 place and gets its 2025 number (and its 2025 parent where that differs);
- a name only in 2025 is added with its 2025 place; a name only in 2020 stays, marked as not in the 2025 listing;
- RENAMES_2025 below pairs a 2020 name with the 2025 name that appears to replace it (our reading of the two
  listings, by wording; not an official table).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from knowledge.catalogue import ancestor_chain, load_family_table  # noqa: E402

DEFAULT_SOURCE = ROOT.parent / "shared" / "data" / "civil-causes"
DEFAULT_OUT = ROOT / "knowledge" / "data" / "catalogue.yaml"

# 2020 name → 2025 name that appears to replace it (same subject, reworded). A judgment on the two listings'
# wording, not an official correspondence table; causes split into several (专利合同纠纷 → 发明/实用新型/外观设计
# 专利合同纠纷) are not paired.
RENAMES_2025: dict[str, str] = {
    "劳动争议、人事争议": "劳动争议、人事争议、新就业形态用工纠纷",
    "仲裁程序案件": "仲裁司法审查案件",
    "网络侵害虚拟财产纠纷": "侵害网络虚拟财产权益纠纷",
    "有奖销售纠纷": "不正当有奖销售纠纷",
    "发起人责任纠纷": "设立人责任纠纷",
    "清算责任纠纷": "公司清算责任纠纷",
    "请求公司收购股份纠纷": "请求公司收购股权、股份纠纷",
    "标准必要专利使用费纠纷": "标准必要专利许可纠纷",
    "擅自使用他人有一定影响的企业名称、社会组织名称、姓名纠纷": "擅自使用他人有一定影响的名称、姓名纠纷",
    "擅自使用他人有一定影响的域名主体部分、网站名称、网页纠纷": "擅自使用他人有一定影响的网络活动标识纠纷",
    "确认不侵害集成电路布图设计专用权纠纷": "确认不侵害集成电路布图设计专有权纠纷",
    "申请诉前停止侵害集成电路布图设计专用权": "申请诉前停止侵害集成电路布图设计专有权",
    "因申请诉前停止侵害注册商标专用权损害责任纠纷": "因申请停止侵害注册商标专用权损害责任纠纷",
    "因申请诉前停止侵害著作权损害责任纠纷": "因申请停止侵害著作权损害责任纠纷",
    "因申请诉前停止侵害植物新品种权损害责任纠纷": "因申请停止侵害植物新品种权损害责任纠纷",
    "因申请诉前停止侵害计算机软件著作权损害责任纠纷": "因申请停止侵害计算机软件著作权损害责任纠纷",
    "因申请诉前停止侵害集成电路布图设计专用权损害责任纠纷": "因申请停止侵害集成电路布图设计专有权损害责任纠纷",
}


@dataclass
class Node:
    level: int
    parent: str
    part: str
    number: str | None
    number_2025: str | None = None
    parent_2025: str | None = None
    revision: str | None = None
    renamed_to: str | None = None
    renamed_from: list[str] = field(default_factory=list)


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _tree(rows: list[dict[str, Any]]) -> tuple[dict[str, str], dict[str, dict[str, Any]]]:
    """Parts (name → number) and causes (name → deepest row), with same-name parents skipped."""
    parts = {r["name"]: r["number"] for r in rows if r["level"] == 1}
    deepest: dict[str, dict[str, Any]] = {}
    for r in rows:
        if r["level"] >= 2 and (r["name"] not in deepest or deepest[r["name"]]["level"] < r["level"]):
            deepest[r["name"]] = r
    by_level = {(r["name"], r["level"]): r for r in rows}
    for name, r in deepest.items():
        parent = r["parent"]
        level = r["level"]
        while parent == name:  # 不当得利纠纷 (3) under 不当得利纠纷 (2): step to the group's own parent
            level -= 1
            parent = by_level[(parent, level)]["parent"]
        r["_parent"] = parent if r["level"] > 2 else r["part"]
    return parts, deepest


def _merge(
    rows_2020: list[dict[str, Any]], rows_2025: list[dict[str, Any]]
) -> tuple[dict[str, dict[str, Any]], dict[str, Node]]:
    """Parts and causes of both versions, keyed by name (2020 places first)."""
    parts_2020, causes_2020 = _tree(rows_2020)
    parts_2025, causes_2025 = _tree(rows_2025)
    parts: dict[str, dict[str, Any]] = {}
    for name in [*parts_2020, *(p for p in parts_2025 if p not in parts_2020)]:
        parts[name] = {"number": parts_2020.get(name), "number_2025": parts_2025.get(name)}

    nodes: dict[str, Node] = {}
    for name, r in causes_2020.items():
        nodes[name] = Node(r["level"], r["_parent"], r["part"], r["number"])
    for name, r in causes_2025.items():
        node = nodes.get(name)
        if node is None:
            nodes[name] = Node(r["level"], r["_parent"], r["part"], None, r["number"], revision="2025年修订新增")
            continue
        node.number_2025 = r["number"]
        if r["_parent"] != node.parent:
            node.parent_2025 = r["_parent"]
    return parts, nodes


def _note_revision(revision: list[dict[str, Any]], parts: dict[str, dict[str, Any]], nodes: dict[str, Node]) -> None:
    """What the 2025 revision did to each name (revision.jsonl), and the renames we pair (RENAMES_2025)."""
    notes = {
        "not_in_2025_listing": "2025年修订的目录中没有这个名称",
        "moved": "2025年修订移到“{parent_2025}”之下",
        "level_changed": "2025年修订改为第{level_2025}级，在“{parent_2025}”之下",
    }
    for change in revision:
        kind, name = change["change"], change["name"]
        if kind == "added":
            continue  # marked above from the 2025 listing itself
        if kind == "moved" and change.get("parent_2020") == change.get("parent_2025"):
            continue  # only its part was renamed (劳动争议、人事争议 → …、新就业形态用工纠纷)
        text = notes[kind].format(**{k: v for k, v in change.items() if v is not None})
        if name in nodes:
            nodes[name].revision = text
        elif name in parts:
            parts[name]["revision"] = text
    for old, new in RENAMES_2025.items():
        holder: dict[str, Any] | None = parts.get(old)
        if old in nodes and new in nodes:
            nodes[old].renamed_to = new
            nodes[old].revision = f"2025年修订改名为“{new}”（按两份目录的文字比对，未经官方核实）"
            nodes[new].renamed_from.append(old)
        elif holder is not None and new in parts:
            holder["revision"] = f"2025年修订改名为“{new}”"
            parts[new]["revision"] = f"2025年修订由“{old}”改名"
        else:
            raise SystemExit(f"RENAMES_2025: {old!r} → {new!r} not found in the listings")
    for part in parts.values():
        if part["number"] is None and "revision" not in part:
            part["revision"] = "2025年修订新增"


def build(source: Path) -> dict[str, Any]:
    parts, nodes = _merge(
        read_jsonl(source / "catalogue.jsonl"), read_jsonl(source / "catalogue-2025-unverified.jsonl")
    )
    _note_revision(read_jsonl(source / "revision.jsonl"), parts, nodes)
    table = load_family_table()
    causes: dict[str, dict[str, Any]] = {}
    for name, node in nodes.items():
        family, _keys, deep = table.annotate(ancestor_chain(name, nodes))
        entry: dict[str, Any] = {
            "level": node.level,
            "parent": node.parent,
            "part": node.part,
            "number": node.number,
            "number_2025": node.number_2025,
        }
        if node.parent_2025:
            entry["parent_2025"] = node.parent_2025
        if node.revision:
            entry["revision"] = node.revision
        if node.renamed_to:
            entry["renamed_to"] = node.renamed_to
        if node.renamed_from:
            entry["renamed_from"] = node.renamed_from
        entry["family"] = family
        if deep:
            entry["deep_table"] = deep
        causes[name] = entry
    return {"parts": parts, "causes": causes}


def _scalar(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON scalar or list is valid YAML flow


def render(data: dict[str, Any]) -> str:
    lines = [
        "# GENERATED by scripts/build_catalogue.py — do not edit; change families.yaml or the script and rerun.",
        "# The civil 案由 catalogue: 2020 (法〔2020〕346号, in force 2021-01-01) merged with the 2025 revision",
        "# (法〔2025〕226号, in force 2026-01-01; from an unverified secondary listing). Keyed by name; numbers are",
        "# labels only (2020 ``number``, 2025 ``number_2025``). ``family`` and ``deep_table`` come from families.yaml.",
        "source: shared/data/civil-causes (catalogue.jsonl, catalogue-2025-unverified.jsonl, revision.jsonl)",
        "generated_by: scripts/build_catalogue.py",
        "parts:",
    ]
    for name, part in data["parts"].items():
        body = ", ".join(f"{k}: {_scalar(v)}" for k, v in part.items())
        lines.append(f"  {_scalar(name)}: {{{body}}}")
    lines.append("causes:")
    for name, entry in data["causes"].items():
        body = ", ".join(f"{k}: {_scalar(v)}" for k, v in entry.items())
        lines.append(f"  {_scalar(name)}: {{{body}}}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--check", action="store_true", help="fail if --out differs from what would be written")
    args = parser.parse_args(argv)
    text = render(build(args.source))
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        if current != text:
            sys.stderr.write(f"{args.out} is out of date: rerun scripts/build_catalogue.py\n")
            return 1
        return 0
    args.out.write_text(text, encoding="utf-8")
    sys.stdout.write(f"wrote {args.out}: {len(text.splitlines())} lines\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
