"""Reading judgment corpora: JSONL, CSV, folders of plain-text files, and the CAIL2019-SCM triplets.

Accepted fields of a record (JSONL object or CSV column; anything else is ignored):

========== ========== ==============================================================================
field      required   meaning
========== ========== ==============================================================================
text       yes        the judgment text (or its fact section); 10 to 200,000 characters
id         no         a stable id (≤128 characters); default ``j-`` + first 20 hex of the content hash
cause      no         cause of action (案由), e.g. 民间借贷纠纷
court      no         e.g. 河南省焦作市山阳区人民法院; else taken from the text's header where present
year       no         an integer 1949–2100; else the year in the case number where present
outcome    no         supported / partly / rejected / withdrawn / mediated (or 支持/部分支持/驳回/撤诉/调解);
                      else extracted from the 判决如下 part where present, else unknown
case_number no        e.g. （2019）豫0811民初1234号; else from the text's header where present
title      no         a display title
summary    no         a short excerpt; else the first ~80 characters of the facts
========== ========== ==============================================================================

A plain-text folder holds one judgment per ``*.txt`` file (UTF-8); the file name without ``.txt`` is the id.
A JSONL object with keys ``A``, ``B`` and ``C`` is a CAIL2019-SCM triplet: each text becomes a judgment with
cause 民间借贷纠纷 and the id ``cail-`` + 16 hex of its content hash, so identical texts share one id.
"""

from __future__ import annotations

import csv
import hashlib
import json
import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from retrieval.errors import IngestError, RecordError
from retrieval.text import (
    OUTCOMES,
    content_hash,
    extract_case_number,
    extract_court,
    extract_outcome,
    extract_summary,
    extract_year,
    normalize_outcome,
)

log = logging.getLogger(__name__)

CAIL_CAUSE: Final = "民间借贷纠纷"
MIN_TEXT_CHARS: Final = 10
MAX_TEXT_CHARS: Final = 200_000
MAX_ID_CHARS: Final = 128
SUFFIXES: Final = (".jsonl", ".csv", ".txt")


@dataclass(frozen=True, slots=True)
class RawRecord:
    source: str  # file path, for messages
    line: int  # 1-based line (JSONL/CSV) or 0 for a whole file
    fields: Mapping[str, Any]
    cail: bool = False


@dataclass(frozen=True, slots=True)
class Judgment:
    id: str
    text: str
    content_hash: str
    summary: str
    cause: str | None = None
    court: str | None = None
    year: int | None = None
    outcome: str | None = None
    case_number: str | None = None
    title: str | None = None
    source: str = ""
    line: int = 0


def source_files(path: Path) -> list[Path]:
    """The corpus files under ``path`` (a file, or a folder searched recursively), in a stable order."""
    if path.is_file():
        if path.suffix.lower() not in SUFFIXES:
            raise IngestError(f"{path}: unsupported file type (use .jsonl, .csv or a folder of .txt files)")
        return [path]
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
        if not files:
            raise IngestError(f"{path}: no .jsonl, .csv or .txt files found")
        return files
    raise IngestError(f"{path}: no such file or folder")


def fingerprint(files: list[Path]) -> str:
    """Changes whenever a file is added, removed, resized or touched: the checkpoint is valid only while equal."""
    h = hashlib.sha256()
    for f in files:
        st = f.stat()
        h.update(f"{f.resolve()}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.hexdigest()


def read_records(path: Path) -> Iterator[RawRecord | RecordError]:
    """Raw records in file order; unreadable lines come out as :class:`RecordError` values, not raised."""
    for f in source_files(path):
        suffix = f.suffix.lower()
        if suffix == ".jsonl":
            yield from _read_jsonl(f)
        elif suffix == ".csv":
            yield from _read_csv(f)
        else:
            yield from _read_txt(f)


def _read_jsonl(f: Path) -> Iterator[RawRecord | RecordError]:
    with f.open(encoding="utf-8-sig", errors="strict") as fh:
        line_no = 0
        while True:
            try:
                line = fh.readline()
            except UnicodeDecodeError as exc:
                yield RecordError(str(f), line_no + 1, f"not UTF-8 ({exc.reason}); rest of file skipped")
                return
            if not line:
                return
            line_no += 1
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                yield RecordError(str(f), line_no, f"invalid JSON: {exc.msg} at column {exc.colno}")
                continue
            if not isinstance(obj, dict):
                yield RecordError(str(f), line_no, f"expected a JSON object, got {type(obj).__name__}")
                continue
            if {"A", "B", "C"} <= obj.keys():
                for key in ("A", "B", "C"):
                    yield RawRecord(str(f), line_no, {"text": obj[key]}, cail=True)
            else:
                yield RawRecord(str(f), line_no, obj)


def _read_csv(f: Path) -> Iterator[RawRecord | RecordError]:
    try:
        with f.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            if not reader.fieldnames or "text" not in reader.fieldnames:
                yield RecordError(str(f), 1, "CSV header has no 'text' column")
                return
            for row in reader:
                if None in row:  # more cells than header columns
                    yield RecordError(str(f), reader.line_num, "more cells than header columns")
                    continue
                yield RawRecord(str(f), reader.line_num, {k: v for k, v in row.items() if v not in (None, "")})
    except UnicodeDecodeError as exc:
        yield RecordError(str(f), 0, f"not UTF-8 ({exc.reason}); file skipped")
    except csv.Error as exc:
        yield RecordError(str(f), 0, f"malformed CSV: {exc}")


def _read_txt(f: Path) -> Iterator[RawRecord | RecordError]:
    try:
        text = f.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        yield RecordError(str(f), 0, f"not UTF-8 ({exc.reason}); file skipped")
        return
    yield RawRecord(str(f), 0, {"id": f.stem, "text": text})


def _opt_str(raw: RawRecord, fields: Mapping[str, Any], key: str, limit: int = 200) -> str | None:
    value = fields.get(key)
    if value is None:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool) and key in ("id", "case_number"):
        value = str(value)
    if not isinstance(value, str):
        raise RecordError(raw.source, raw.line, f"field '{key}' must be text, got {type(value).__name__}")
    value = value.strip()
    if len(value) > limit:
        raise RecordError(raw.source, raw.line, f"field '{key}' is longer than {limit} characters")
    return value or None


def validate(raw: RawRecord) -> Judgment:
    """A checked :class:`Judgment`, or :class:`RecordError` naming the source, line and the problem."""
    fields = raw.fields
    text = fields.get("text")
    if not isinstance(text, str):
        what = "missing" if text is None else f"not text ({type(text).__name__})"
        raise RecordError(raw.source, raw.line, f"field 'text' is {what}")
    text = text.strip()
    if len(text) < MIN_TEXT_CHARS:
        raise RecordError(raw.source, raw.line, f"field 'text' is shorter than {MIN_TEXT_CHARS} characters")
    if len(text) > MAX_TEXT_CHARS:
        raise RecordError(raw.source, raw.line, f"field 'text' is longer than {MAX_TEXT_CHARS} characters")
    digest = content_hash(text)

    doc_id = _opt_str(raw, fields, "id", MAX_ID_CHARS)
    if doc_id is not None and any(ord(c) < 32 for c in doc_id):
        raise RecordError(raw.source, raw.line, "field 'id' contains control characters")
    if raw.cail:
        doc_id = f"cail-{digest[:16]}"
    elif doc_id is None:
        doc_id = f"j-{digest[:20]}"

    year: int | None
    year_raw = fields.get("year")
    if year_raw is None or year_raw == "":
        year = extract_year(text)
    else:
        try:
            year = int(str(year_raw).strip())
        except ValueError:
            raise RecordError(raw.source, raw.line, f"field 'year' is not a number: {year_raw!r}") from None
        if not 1949 <= year <= 2100:
            raise RecordError(raw.source, raw.line, f"field 'year' out of range: {year}")

    outcome_raw = _opt_str(raw, fields, "outcome", 40)
    if outcome_raw is not None:
        outcome = normalize_outcome(outcome_raw)
        if outcome is None:
            raise RecordError(
                raw.source,
                raw.line,
                f"unknown outcome {outcome_raw!r}; expected {', '.join(OUTCOMES[:-1])} or {OUTCOMES[-1]}",
            )
    else:
        outcome = extract_outcome(text)

    cause = CAIL_CAUSE if raw.cail else _opt_str(raw, fields, "cause", 60)
    summary = _opt_str(raw, fields, "summary", 400) or extract_summary(text)
    return Judgment(
        id=doc_id,
        text=text,
        content_hash=digest,
        summary=summary,
        cause=cause,
        court=_opt_str(raw, fields, "court", 80) or extract_court(text),
        year=year,
        outcome=outcome,
        case_number=_opt_str(raw, fields, "case_number", 80) or extract_case_number(text),
        title=_opt_str(raw, fields, "title", 200),
        source=raw.source,
        line=raw.line,
    )
