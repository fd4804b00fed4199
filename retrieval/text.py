"""Text handling for judgments: jieba tokens for BM25, content hashes, and the fields we extract.

Extraction is rule-based and conservative: a field is filled only where the text plainly carries it,
otherwise it stays ``None`` (the CAIL fact sections, for example, carry no header, so no court or case
number is taken from them even though other cases are cited inside).
"""

from __future__ import annotations

import functools
import hashlib
import logging
import re
import threading
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Final, Literal, get_args

import jieba

from core.pii import mask_text

log = logging.getLogger(__name__)

REPO_ROOT: Final = Path(__file__).resolve().parent.parent
USERDICT_PATH: Final = REPO_ROOT / "knowledge" / "data" / "legal_userdict.txt"

# The outcome vocabulary's names, defined here once: the name a litigant reads for each code that
# retrieval.outcomes reads from a judgment's result (OutcomeCode there; stored with each judgment), for the
# assessment's similar cases and distribution. ``Outcome`` is the older five-code vocabulary, which
# retrieval.outcomes.legacy_code still maps to.
Outcome = Literal["supported", "partly", "rejected", "withdrawn", "mediated"]
OUTCOMES: Final[tuple[Outcome, ...]] = get_args(Outcome)
OUTCOME_NAMES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "supported": "支持原告请求",
        "partly": "部分支持",
        "rejected": "驳回请求",
        "divorce_granted": "准予离婚",
        "divorce_refused": "不准离婚",
        "dismissed": "驳回起诉",
        "not_accepted": "不予受理",
        "transferred": "移送管辖",
        "withdrawn": "撤诉",
        "mediated": "调解结案",
        "other": "其他结果",
    }
)

# The project's one stop-word set: function words and fillers that carry no relevance for matching disputes
# (not 还: in 借钱不还 it is the dispute itself). BM25 (here), cause recognition's word features
# (knowledge.classifier) and the assessment's shared points use it. The BM25 index keeps the terms it was
# built with: after a change here, ingest the corpus again.
_STOPWORD_TEXT: Final = """
    的 了 和 与 及 以及 或 或者 在 是 被 对 将 其 该 为 于 等 之 也 就 都 而 并 并且 又 从 向 把 给 让
    这 那 这个 那个 这些 那些 此 我 你 他 她 它 我们 他们 她们 一个 有 没有 不 没 已 已经 因 因为 所以 但 但是
    如 如果 则 即 即使 又 且 个 了 着 过 吧 呢 吗 啊 呀 嘛 哦 很 更 最 能 会 要 想 说 称 诉称 辩称 本院 原告 被告
    某 某某 年 月 日 元 万元 人"""
STOPWORDS: Final = frozenset(_STOPWORD_TEXT.split())

_CJK_OR_ALNUM = re.compile(r"[0-9a-z\u4e00-\u9fff]")
_WS = re.compile(r"\s+")


class JudgmentTokenizer:
    """jieba (precise mode) with the legal user dictionary; one private ``jieba.Tokenizer``.

    The private instance keeps our dictionary out of the global jieba state that others may use.
    """

    def __init__(self, userdict: Path | None = USERDICT_PATH) -> None:
        jieba.setLogLevel(logging.WARNING)
        self._jieba = jieba.Tokenizer()
        self._lock = threading.Lock()
        self._ready = False
        self._userdict = userdict

    def load(self) -> None:
        """Load jieba's dictionary and ours now (about 0.9 s) instead of on the first text."""
        self._ensure_ready()

    def _ensure_ready(self) -> None:
        if self._ready:
            return
        with self._lock:
            if self._ready:
                return
            self._jieba.initialize()
            if self._userdict is not None:
                self._jieba.load_userdict(str(self._userdict))
            self._ready = True

    def word_freq(self, word: str) -> int:
        """How often the dictionaries (jieba's and ours) count ``word`` as a word; 0 when they do not know it."""
        self._ensure_ready()
        return int(self._jieba.FREQ.get(word) or 0)

    def words(self, text: str) -> list[str]:
        """Raw jieba words (no filtering), for inspection and tests of the user dictionary."""
        self._ensure_ready()
        return [w for w in self._jieba.lcut(normalize(text), HMM=True) if w.strip()]

    def tokenize(self, text: str) -> list[str]:
        """BM25 terms: lower-cased words, stopwords and punctuation removed."""
        return [w for w in self.words(text.lower()) if w not in STOPWORDS and _CJK_OR_ALNUM.search(w)]


@functools.cache
def default_tokenizer() -> JudgmentTokenizer:
    return JudgmentTokenizer()


def normalize(text: str) -> str:
    """NFKC (full-width digits and letters to half-width) and collapsed whitespace."""
    return _WS.sub(" ", unicodedata.normalize("NFKC", text)).strip()


def content_hash(text: str) -> str:
    """SHA-256 of the normalised text: identical judgments hash alike whatever their spacing."""
    return hashlib.sha256(normalize(text).encode("utf-8")).hexdigest()


# --- summary -----------------------------------------------------------------------------------------

_FACT_MARKERS: Final = ("经审理查明", "本院查明", "诉称", "请求判令", "诉讼请求")
_LEADING_PUNCT = re.compile(r"^[\s，,。：:；;、]+")


def extract_summary(text: str, max_chars: int = 80) -> str:
    """About ``max_chars`` characters of the facts, ID/phone numbers masked, cut at a sentence end if near."""
    clean = _WS.sub(" ", text).strip()  # no NFKC here: people read this, keep full-width punctuation
    start = 0
    for marker in _FACT_MARKERS:
        pos = clean.find(marker)
        if pos >= 0:
            start = pos + len(marker)
            break
    body = _LEADING_PUNCT.sub("", clean[start:]) or clean
    body = mask_text(body)
    if len(body) <= max_chars:
        return body
    cut = body[:max_chars]
    end = max(cut.rfind("。"), cut.rfind("；"), cut.rfind("，"))
    if end >= max_chars * 2 // 3:
        cut = cut[: end + 1]
    return cut.rstrip("，,；;") + "…"


def dense_view(text: str, max_chars: int | None) -> str:
    """What the dense model reads of a judgment: from the plaintiff's claim on, ``max_chars`` characters.

    The parties' introduction (names, agents, addresses) that opens a judgment says nothing about the
    dispute, so the view starts after 诉称/诉讼请求/经审理查明 when one appears in the first third.
    """
    clean = normalize(text)
    if max_chars is None or len(clean) <= max_chars:
        return clean
    start = 0
    for marker in ("诉称", "诉讼请求", "经审理查明"):
        pos = clean.find(marker)
        if 0 <= pos <= len(clean) // 3:
            start = pos + len(marker)
            break
    return clean[start : start + max_chars]


# --- header fields: case number, court, year ---------------------------------------------------------

CASE_NUMBER_RE: Final = re.compile(
    r"[（(]\s*(?P<year>(?:19|20)\d{2})\s*[）)]\s*[\u4e00-\u9fff]{1,2}\d{0,6}[\u4e00-\u9fff]{1,6}(?:字第)?\s*\d{1,6}\s*号"
)
COURT_RE: Final = re.compile(r"(?:^|[\s　])(?P<court>[\u4e00-\u9fff]{2,24}?人民法院)")
_HEADER_END = re.compile(r"原告|申请人|上诉人|起诉人|申请执行人")


def _header(text: str) -> str:
    """The part before the parties are introduced (at most 200 characters): where court and number stand."""
    m = _HEADER_END.search(text, 0, 200)
    return text[: m.start()] if m else text[:0]


def extract_case_number(text: str) -> str | None:
    m = CASE_NUMBER_RE.search(normalize_header(text))
    if m is None:
        return None
    # The official form uses full-width brackets: （2019）豫0811民初1234号.
    return _WS.sub("", m.group(0)).replace("(", "（").replace(")", "）")


def extract_court(text: str) -> str | None:
    m = COURT_RE.search(" " + normalize_header(text))
    return m.group("court") if m else None


def extract_year(text: str) -> int | None:
    """The year in the case number (the year the case was filed); event dates in the facts are not used."""
    m = CASE_NUMBER_RE.search(normalize_header(text))
    return int(m.group("year")) if m else None


def normalize_header(text: str) -> str:
    # Keep line breaks as spaces so that a court name on its own line is found at a word boundary.
    return _header(unicodedata.normalize("NFKC", text).replace("\r", " ").replace("\n", " "))
