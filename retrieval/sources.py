"""Reading judgment corpora: a registry of known layouts, and the generic JSONL / CSV / ``.txt`` format.

**Generic format** (a court's own corpus). PATH is a ``.jsonl`` or ``.csv`` file, or a folder searched
recursively for ``.jsonl``, ``.csv`` and ``.txt`` files. A ``.txt`` file is one judgment (UTF-8) whose file name
without ``.txt`` is its id. JSONL keys or CSV columns (anything else is ignored):

============ ======== ============================================================================================
field        required meaning
============ ======== ============================================================================================
text         yes      the judgment text, or its claims-and-facts part; 10 to 200,000 characters
id           no       a stable id (≤128 characters); default ``j-`` + first 20 hex of the text's hash
cause        no       cause of action (案由), e.g. 民间借贷纠纷
court        no       e.g. 河南省焦作市山阳区人民法院; else taken from the text's header where present
appeal_court no       the court an appeal goes to; read for the region when ``court`` is missing
region       no       e.g. 焦作市; else read from ``court`` / ``appeal_court`` (retrieval.judgment.region_of)
year         no       an integer 1949–2100; else the year in the case number where present
doc_type     no       判决书 / 裁定书 / 调解书; else from the title or the text's header
case_number  no       e.g. （2019）豫0811民初1234号; else from the text's header where present
title        no       a display title
summary      no       a short excerpt; else about 80 characters of the facts
claims       no       the 诉讼请求; else read from ``text``
reasoning    no       the court's reasoning (本院认为 …); else the part of ``text`` from 本院认为 to 判决如下
result       no       the operative part (判决/裁定主文); else the part of ``text`` after 判决如下/裁定如下
outcome      no       one of retrieval.outcomes.OUTCOME_CODES (or its Chinese name, or 支持/部分支持/驳回/撤诉/调解);
                      else read from ``result`` by retrieval.outcomes.read_outcome; unknown without a result
laws         no       cited articles: a list of ``{"law", "terms"}`` objects or of strings (《民法典》第六百七十五条),
                      or such a list written as JSON or a Python literal (a CSV cell), or strings separated by ；
parties      no       the parties' names, to mask: a list of names or of ``{"Name", "LegalEntity"}`` objects
                      (LegalEntity Person / Corporation), as a list, JSON / Python literal, or names separated by 、
============ ======== ============================================================================================

Every field that is stored is masked first (:mod:`retrieval.masking`): the parties' names, the people the text
introduces by role (委托诉讼代理人…, 法定代表人…), ID and phone numbers.

**Known layouts** (:data:`LAYOUTS`). A file is read by the first layout whose ``path`` pattern matches the end of
its path *and* whose ``fields`` its first record holds; a file that matches no layout is read in the generic
format. Each layout either maps its records onto the generic fields or says why its files are no judgments:

================= =================================== ===========================================================
layout            file                                what is read
================= =================================== ===========================================================
c3rd-mini         c3rd-mini/judgments.jsonl           generic fields as they stand (cause, year, court, title,
                                                      doc_type, text, reasoning, result, laws, parties,
                                                      appeal_court); court "None" counts as missing
cjrc-civil-dev    cjrc-civil-dev/facts.jsonl          cause, text (HTML entities decoded); the QA pairs are not read
cail-divorce      cail2019-elements/divorce.jsonl     text, cause 离婚纠纷 (the file has no cause field)
cail-labor        cail2019-elements/labor.jsonl       text, cause 劳动争议
cail-loan         cail2019-elements/loan.jsonl        **skipped**: mostly bank and bad-debt-transfer cases of
                                                      mixed causes (its README: not private lending) and no cause
                                                      field; private lending comes from cail2019-scm
cail2019-scm      any ``*.jsonl`` with A, B, C        CAIL2019-SCM triplets: each text a judgment with cause
                                                      民间借贷纠纷 and id ``cail-`` + 16 hex of its hash, so
                                                      identical texts share one id
laws              laws/articles.jsonl                 **skipped**: statute articles, not judgments
civil-causes      civil-causes/*.jsonl                **skipped**: the 案由 catalogue
================= =================================== ===========================================================

The CJRC, CAIL-elements and CAIL2019-SCM texts are fact sections or excerpts: a 判决如下 inside them is no
whole result and no header, so their outcome, decision, reason, court, year and case number stay unknown
(their claims are read). README and tag files
are never read (only ``.jsonl``, ``.csv`` and ``.txt`` are).
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import html
import json
import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any, Final

from retrieval import judgment as parts
from retrieval.errors import IngestError, RecordError
from retrieval.masking import NameMasker, Party, PartyKind
from retrieval.outcomes import OUTCOME_CODES, OutcomeCode, read_outcome
from retrieval.store import META_FIELDS
from retrieval.text import (
    OUTCOME_NAMES,
    content_hash,
    extract_case_number,
    extract_court,
    extract_summary,
    extract_year,
)

log = logging.getLogger(__name__)

CAIL_CAUSE: Final = "民间借贷纠纷"
MIN_TEXT_CHARS: Final = 10
MAX_TEXT_CHARS: Final = 200_000
MAX_PART_CHARS: Final = 50_000
MAX_ID_CHARS: Final = 128
SUFFIXES: Final = (".jsonl", ".csv", ".txt")
# What a judgment stores changes with this number (masking, parts, outcome codes): the server rebuilds an index
# whose judgments carry another (retrieval.service.ensure_corpus), and an ingest re-embeds them.
SCHEMA_VERSION: Final = 2


@dataclass(frozen=True, slots=True)
class Layout:
    """A known corpus file layout: how its records map onto the generic fields, or why it is skipped."""

    name: str
    path: str  # a glob matched against the end of the file's path (PurePath.match)
    fields: frozenset[str]  # keys the file's first record must hold
    skip: str = ""  # non-empty: the file holds no judgments, and this says why
    cause: str | None = None  # the cause of every record (files without a cause field)
    triplets: bool = False  # each line holds texts A, B and C (CAIL2019-SCM)
    # False: the texts are fact sections or excerpts: no header to read a court, year, case number or document
    # type from (those they name belong to other cases), and a 判决如下 inside them is no whole result to read
    # an outcome, a decision or a reason from (the outcome stays unknown; claims are still read)
    whole: bool = True
    unescape_html: bool = False  # the texts carry HTML entities (&ldquo; …)

    def matches(self, path: Path, first: Mapping[str, Any] | None) -> bool:
        return PurePath(path.as_posix()).match(self.path) and first is not None and self.fields <= first.keys()


GENERIC: Final = Layout("generic", "*", frozenset())
LAYOUTS: Final[tuple[Layout, ...]] = (
    Layout("c3rd-mini", "c3rd-mini/judgments.jsonl", frozenset({"id", "text", "reasoning", "result", "parties"})),
    Layout("cjrc-civil-dev", "cjrc-civil-dev/facts.jsonl", frozenset({"id", "cause", "text", "qa"}),
           unescape_html=True, whole=False),
    Layout("cail-divorce", "cail2019-elements/divorce.jsonl", frozenset({"id", "domain", "text"}), cause="离婚纠纷",
           whole=False),
    Layout("cail-labor", "cail2019-elements/labor.jsonl", frozenset({"id", "domain", "text"}), cause="劳动争议",
           whole=False),
    Layout("cail-loan", "cail2019-elements/loan.jsonl", frozenset({"id", "domain", "text"}),
           skip="bank and bad-debt-transfer loans of mixed causes, no cause field (private lending: cail2019-scm)"),
    Layout("cail2019-scm", "*.jsonl", frozenset({"A", "B", "C"}), cause=CAIL_CAUSE, triplets=True, whole=False),
    Layout("laws", "laws/articles.jsonl", frozenset({"law", "article"}), skip="statute articles, not judgments"),
    Layout("civil-causes", "civil-causes/*.jsonl", frozenset({"name"}), skip="the 案由 catalogue, not judgments"),
)


@dataclass(frozen=True, slots=True)
class RawRecord:
    source: str  # file path, for messages
    line: int  # 1-based line (JSONL/CSV) or 0 for a whole file
    fields: Mapping[str, Any]
    layout: Layout = GENERIC

    @property
    def cail(self) -> bool:
        return self.layout.triplets


@dataclass(frozen=True, slots=True)
class SkippedFile:
    """A corpus file that a known layout says holds no judgments."""

    source: str
    layout: str
    why: str


@dataclass(frozen=True, slots=True)
class Judgment:
    """One judgment as stored: every text field masked, the parts read, the outcome read."""

    id: str
    text: str  # masked: what Chroma keeps, the dense model reads and BM25 indexes
    content_hash: str  # of everything stored (and SCHEMA_VERSION): a change anywhere re-embeds
    summary: str
    cause: str | None = None
    court: str | None = None
    year: int | None = None
    outcome: OutcomeCode | None = None
    case_number: str | None = None
    title: str | None = None
    region: str | None = None
    doc_type: str | None = None
    claims: str | None = None
    decision: str | None = None
    reason: str | None = None
    laws: tuple[str, ...] = ()
    claimed_yuan: int | None = None
    granted_yuan: int | None = None
    layout: str = GENERIC.name
    source: str = ""
    line: int = 0
    text_hash: str = field(default="", compare=False)  # of the source text: ids and duplicates


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


def _first_record(f: Path) -> Mapping[str, Any] | None:
    """The first JSON object of a JSONL file, or a CSV header as keys; ``None`` when unreadable."""
    try:
        with f.open(encoding="utf-8-sig") as fh:
            if f.suffix.lower() == ".csv":
                header = next(csv.reader(fh), None)
                return dict.fromkeys(header or [])
            for line in fh:
                if line.strip():
                    obj = json.loads(line)
                    return obj if isinstance(obj, dict) else None
    except (UnicodeDecodeError, json.JSONDecodeError, csv.Error, OSError):
        return None
    return None


def layout_of(f: Path) -> Layout:
    """The known layout of a corpus file (:data:`LAYOUTS`), else :data:`GENERIC`."""
    if f.suffix.lower() == ".txt":
        return GENERIC
    first = _first_record(f)
    for layout in LAYOUTS:
        if layout.matches(f, first):
            return layout
    return GENERIC


def corpus_files(path: Path) -> list[tuple[Path, Layout]]:
    """Every corpus file under ``path`` with its layout, skipped ones included."""
    return [(f, layout_of(f)) for f in source_files(path)]


def read_records(path: Path) -> Iterator[RawRecord | RecordError | SkippedFile]:
    """Raw records in file order; unreadable lines come out as :class:`RecordError` values, not raised, and a
    file a layout skips as one :class:`SkippedFile`."""
    for f, layout in corpus_files(path):
        if layout.skip:
            log.info("skipped %s: %s (%s)", f, layout.skip, layout.name)
            yield SkippedFile(str(f), layout.name, layout.skip)
            continue
        suffix = f.suffix.lower()
        if suffix == ".jsonl":
            yield from _read_jsonl(f, layout)
        elif suffix == ".csv":
            yield from _read_csv(f)
        else:
            yield from _read_txt(f)


def _read_jsonl(f: Path, layout: Layout) -> Iterator[RawRecord | RecordError]:
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
            if layout.triplets:
                for key in ("A", "B", "C"):
                    yield RawRecord(str(f), line_no, {"text": obj.get(key)}, layout)
            else:
                yield RawRecord(str(f), line_no, obj, layout)


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


# --- validation ---------------------------------------------------------------------------------------------

_MISSING: Final = frozenset({"none", "null", "nan", "n/a", "-"})
# Labels a corpus may carry for an outcome: the codes, their names, and these other spellings.
_OUTCOME_SYNONYMS: Final[dict[str, OutcomeCode]] = {
    **{code: code for code in OUTCOME_CODES},
    **{OUTCOME_NAMES[code]: code for code in OUTCOME_CODES},
    "support": "supported",
    "支持": "supported",
    "全部支持": "supported",
    "胜诉": "supported",
    "partial": "partly",
    "partly_supported": "partly",
    "reject": "rejected",
    "驳回": "rejected",
    "驳回诉讼请求": "rejected",
    "撤诉": "withdrawn",
    "调解": "mediated",
    "离婚": "divorce_granted",
    "不准离婚": "divorce_refused",
    "移送": "transferred",
}


def normalize_outcome(value: str) -> OutcomeCode | None:
    """Map an outcome label from a record (a code, its Chinese name, or a listed synonym); ``None`` if unknown."""
    return _OUTCOME_SYNONYMS.get(value.strip().lower())


def _opt_str(raw: RawRecord, fields: Mapping[str, Any], key: str, limit: int = 200) -> str | None:
    value = fields.get(key)
    if value is None:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool) and key in ("id", "case_number"):
        value = str(value)
    if not isinstance(value, str):
        raise RecordError(raw.source, raw.line, f"field '{key}' must be text, got {type(value).__name__}")
    value = value.replace("\\n", "\n").strip()  # some sources carry line breaks as a literal backslash-n
    if len(value) > limit:
        raise RecordError(raw.source, raw.line, f"field '{key}' is longer than {limit} characters")
    return None if value.lower() in _MISSING else value or None


def _year(raw: RawRecord, text: str) -> int | None:
    year_raw = raw.fields.get("year")
    if year_raw is None or year_raw == "" or str(year_raw).strip().lower() in _MISSING:
        return extract_year(text)
    try:
        year = int(str(year_raw).strip())
    except ValueError:
        raise RecordError(raw.source, raw.line, f"field 'year' is not a number: {year_raw!r}") from None
    if not 1949 <= year <= 2100:
        raise RecordError(raw.source, raw.line, f"field 'year' out of range: {year}")
    return year


def _parties(value: object) -> list[Party]:
    """The names in a ``parties`` field (see the module docstring); entries that name nobody are ignored.

    c3rd-mini writes some lists with each key in an object of its own (``[{"Name": …}, {"LegalEntity": …}]``):
    every name found counts, its kind decided from the name."""
    out: list[Party] = []
    items = parts.parse_list(value)
    if not items and isinstance(value, str):
        items = [p for p in value.replace("，", "、").replace(",", "、").split("、") if p.strip()]
    for item in items:
        if isinstance(item, str):
            out.append(Party(item.strip()))
        elif isinstance(item, Mapping):
            entity = str(item.get("LegalEntity") or item.get("kind") or "")
            kind: PartyKind | None = (
                "person" if entity.lower() in ("person", "自然人") else "org" if entity else None
            )
            for key in ("Name", "NameText", "name"):
                name = item.get(key)
                if isinstance(name, str) and name.strip():
                    out.append(Party(name.strip(), kind))
    return out


def _split_text(text: str) -> tuple[str | None, str | None]:
    """(reasoning, result) found inside a whole judgment's text; ``None`` for a part it does not carry."""
    m = parts.DECISION_MARKER.search(text)
    if m is None:
        return None, None
    start = text.rfind("本院认为", 0, m.start())
    reasoning = text[start : m.start()] if start >= 0 else None
    # 判决如下/裁定如下 go; the sentence of 达成如下调解协议 stays with the result: it says the case was mediated
    agreed = "协议" in m.group()
    result = text[text.rfind("。", 0, m.start()) + 1 :] if agreed else text[m.end() :].lstrip("：:，, \n")
    return reasoning, result


def validate(raw: RawRecord) -> Judgment:
    """A checked, masked :class:`Judgment`, or :class:`RecordError` naming the source, line and the problem."""
    fields = raw.fields
    layout = raw.layout
    text = fields.get("text")
    if not isinstance(text, str):
        what = "missing" if text is None else f"not text ({type(text).__name__})"
        raise RecordError(raw.source, raw.line, f"field 'text' is {what}")
    text_hash = content_hash(text)  # of the text as given: ids stay what they were before masking existed
    text = text.replace("\\n", "\n").strip()
    if layout.unescape_html:
        text = html.unescape(text)
    if len(text) < MIN_TEXT_CHARS:
        raise RecordError(raw.source, raw.line, f"field 'text' is shorter than {MIN_TEXT_CHARS} characters")
    if len(text) > MAX_TEXT_CHARS:
        raise RecordError(raw.source, raw.line, f"field 'text' is longer than {MAX_TEXT_CHARS} characters")

    doc_id = _opt_str(raw, fields, "id", MAX_ID_CHARS)
    if doc_id is not None and any(ord(c) < 32 for c in doc_id):
        raise RecordError(raw.source, raw.line, "field 'id' contains control characters")
    if layout.triplets:
        doc_id = f"cail-{text_hash[:16]}"
    elif doc_id is None:
        doc_id = f"j-{text_hash[:20]}"

    outcome_label = _opt_str(raw, fields, "outcome", 40)
    labelled: OutcomeCode | None = None
    if outcome_label is not None:
        labelled = normalize_outcome(outcome_label)
        if labelled is None:
            raise RecordError(
                raw.source, raw.line, f"unknown outcome {outcome_label!r}; expected one of {', '.join(OUTCOME_CODES)}"
            )

    title = _opt_str(raw, fields, "title", 200)
    reasoning = _opt_str(raw, fields, "reasoning", MAX_PART_CHARS)
    result = _opt_str(raw, fields, "result", MAX_PART_CHARS)
    if result is None and layout.whole:
        found_reasoning, result = _split_text(text)
        reasoning = reasoning or found_reasoning
    header = text if layout.whole else ""
    doc_type = _opt_str(raw, fields, "doc_type", 20) or parts.doc_type_of(title, header)
    given_claims = _opt_str(raw, fields, "claims", 2000)
    claims = given_claims or parts.claims_of(text)
    # read_outcome finds the request inside a whole claims-and-facts text itself
    reading = read_outcome(result or "", given_claims or text, doc_type)
    court = _opt_str(raw, fields, "court", 80) or extract_court(header)
    appeal_court = _opt_str(raw, fields, "appeal_court", 80)

    masker = NameMasker(_parties(fields.get("parties")), [text, title or "", reasoning or "", result or ""])
    stored = _mask_fields(
        text=text,
        title=title,
        summary=_opt_str(raw, fields, "summary", 400),
        claims=claims,
        decision=parts.decision_of(result) if result else None,
        reason=parts.reason_of(reasoning) if reasoning else None,
        masker=masker,
    )
    judgment = Judgment(
        id=doc_id,
        text=stored.text,
        content_hash="",
        summary=stored.summary,
        cause=layout.cause or _opt_str(raw, fields, "cause", 60),
        court=court,
        year=_year(raw, header),
        outcome=labelled or reading.code,
        case_number=_opt_str(raw, fields, "case_number", 80) or extract_case_number(header),
        title=stored.title,
        region=_opt_str(raw, fields, "region", 40) or parts.region_of(court, appeal_court),
        doc_type=doc_type,
        claims=stored.claims,
        decision=stored.decision,
        reason=stored.reason,
        laws=parts.cited_laws(fields.get("laws")),
        claimed_yuan=reading.claimed_yuan,
        granted_yuan=reading.granted_yuan if labelled is None or labelled == reading.code else None,
        layout=layout.name,
        source=raw.source,
        line=raw.line,
        text_hash=text_hash,
    )
    return _with_hash(judgment)


@dataclass(frozen=True, slots=True)
class _Masked:
    text: str
    summary: str
    title: str | None
    claims: str | None
    decision: str | None
    reason: str | None


def _mask_fields(
    *,
    text: str,
    title: str | None,
    summary: str | None,
    claims: str | None,
    decision: str | None,
    reason: str | None,
    masker: NameMasker,
) -> _Masked:
    """Every displayed field masked, the parts shortened for display."""
    masked_text = masker.mask(text)

    def short(value: str | None, limit: int) -> str | None:
        return parts.shorten(masker.mask(value), limit) or None if value else None

    return _Masked(
        text=masked_text,
        summary=masker.mask(summary) if summary else extract_summary(masked_text),
        title=masker.mask_opt(title),
        claims=short(claims, parts.CLAIMS_CHARS),
        decision=short(decision, parts.DECISION_CHARS),
        reason=short(reason, parts.REASON_CHARS),
    )


def _with_hash(j: Judgment) -> Judgment:
    """The judgment with ``content_hash`` over everything it stores and :data:`SCHEMA_VERSION`."""
    stored: dict[str, Any] = {
        "schema": SCHEMA_VERSION,
        "text": j.text,
        **{k: getattr(j, k) for k in META_FIELDS},
    }
    digest = hashlib.sha256(json.dumps(stored, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()
    return dataclasses.replace(j, content_hash=digest)
