"""Reading the parts of a judgment a litigant needs: the claims, the decision, the deciding reason, the cited
articles and the region. Rule-based and conservative, like :mod:`retrieval.text`: a part is ``None`` (or
empty) where the text does not plainly carry it. The outcome itself is read by :mod:`retrieval.outcomes`.

* :func:`claims_of` — the 诉讼请求 part of the claims-and-facts text (after 诉讼请求：, else after 请求判令,
  else after 诉请 / 请求 / 要求), up to 事实与理由, the defence or the end of the paragraph;
* :func:`decision_of` — the operative sentences of the result (判决/裁定主文) without the court fee, the
  late-payment interest notice and the appeal notice;
* :func:`reason_of` — the one sentence of the reasoning that decided it: a 综上 sentence that holds a ruling
  word (支持/不予支持/驳回/准予/不符合/无管辖权…), else the first sentence where 本院 rules, else the last
  sentence with a ruling word, else the last with 应当/应予/应由/有权, else the 本院认为 sentence; never the
  closing citation (依照…之规定，判决如下);
* :func:`cited_laws` — up to three distinct articles as ``《合同法》第二百零六条``: 中华人民共和国 and the
  edition note （2009修正） dropped, the statute otherwise as cited (pre-2021 names stay), substantive law
  before procedure (民事诉讼法 and its interpretations), 款/项 folded into their article;
* :func:`region_of` — the place in a court's name: 濮阳市中级人民法院 → 濮阳市, 浙江省杭州市中级人民法院 →
  浙江省杭州市, 河北省大名县人民法院 → 河北省大名县 (province and city; the county only where no city is named).
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Mapping
from typing import Final

# --- shortening -----------------------------------------------------------------------------------------

CLAIMS_CHARS: Final = 120
DECISION_CHARS: Final = 160
REASON_CHARS: Final = 160
MAX_LAWS: Final = 3

_WS = re.compile(r"\s+")
_SENTENCE = re.compile(r"[^。；;！？!?\n]+[。；;！？!?]?")


def shorten(text: str, limit: int) -> str:
    """At most about ``limit`` characters, cut at a clause end when one is near, ``…`` where cut."""
    clean = _WS.sub(" ", text).strip().strip("，,；;、 ")  # a sentence's own 。 stays
    if len(clean) <= limit:
        return clean
    cut = clean[:limit]
    end = max(cut.rfind(p) for p in "。；;，,")
    if end >= limit * 2 // 3:
        cut = cut[:end]
    return cut.rstrip("，,；;、 ") + "…"


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.findall(text) if s.strip(" 。；;\n")]


# --- claims ---------------------------------------------------------------------------------------------

# Where the claims start, most reliable first: 诉讼请求：, then 请求判令, then 诉请 / 请求 / 要求.
_CLAIMS_MARKERS: Final = (
    re.compile(r"诉讼请求(?:如下)?[:：，,]|诉讼请求(?=\s*[1１一][、.．,，])"),
    re.compile(r"请求(?:人民法院|法院|本院|贵院)?(?:依法)?(?:判令|判决|确认|解除)[:：，,]?"),
    re.compile(r"(?:诉请|请求|要求)(?:人民法院|法院|本院|贵院)?(?:依法)?[:：，,]?"),
)
_CLAIMS_END = re.compile(
    r"事实(?:与|和|及)理由|事实、理由|\n|被告[^。\n]{0,20}?(?:辩称|答辩称|未作答辩|未答辩|未到庭)|经审理|本院查明"
)


def claims_of(text: str) -> str:
    """The claims part of a claims-and-facts text, whole (shorten it for display); ``""`` when none is found."""
    m = next((found for marker in _CLAIMS_MARKERS if (found := marker.search(text))), None)
    if m is None:
        return ""
    body = text[m.end() :]
    end = _CLAIMS_END.search(body)
    part = body[: end.start()] if end else body[:600]
    return part.strip().strip("：:，,；;。 ").strip()


# --- decision -------------------------------------------------------------------------------------------

# A fee, notice or appeal sentence: by how it starts (an operative sentence may name another case's fee), or by
# phrases only the notices use.
_BOILERPLATE = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.．])?(?:本案|一审|此案|二审)?(?:案件)?(?:诉讼)?"
    r"(?:受理费|诉讼费|保全费|公告费|鉴定费|评估费|申请费|邮寄费|费用)|"
    r"^(?:如|若)(?:果|当事人)?(?:不服|未按|未在)|"
    r"^(?:本判决|本裁定|本调解书?|此判决)(?:为终审|一经|送达|自)|"
    r"^由[^。]{0,40}(?:负担|承担)|加倍支付迟延履行|申请退还|向本院(?:缴纳|交纳|预交)|上诉期满|上诉于|递交上诉状|"
    r"申请执行|上诉案件受理费|诉讼费用交纳办法"
)


def decision_of(result: str) -> str:
    """The operative sentences of the result, without the fee, interest-notice and appeal boilerplate."""
    kept = [s.rstrip("。；;，, ") for s in sentences(result) if not _BOILERPLATE.search(s)]
    kept = [s for s in kept if s]
    return "；".join(kept) + "。" if kept else ""


# --- reason ---------------------------------------------------------------------------------------------

# Where a whole judgment's text turns from the reasoning to the result.
DECISION_MARKER: Final = re.compile(r"判决如下|裁定如下|达成如下(?:调解)?协议|调解协议如下")

_RULING = re.compile(
    r"予以支持|不予支持|支持|驳回|准予|不准|不予准许|不予采纳|不予受理|予以确认|不能成立|理由不足|于法无据|"
    r"无事实和法律依据|不符合|不属于|无管辖权|没有管辖权|不是本案适格|主体不适格|不能作为|移送"
)
_DUTY = re.compile(r"应当|应予|应由|理应|依法应|有权|无权|应承担|应负担|应支付|应偿还|应返还|应赔偿")
_CITATION = re.compile(
    r"^(?:综上所述?[，,：:]?)?(?:依照|依据|根据|按照)[^。]*(?:之?规定|第[^。]*条)[^。]*$|判决如下|裁定如下"
)


def reason_of(reasoning: str) -> str:
    """The sentence of the reasoning that decided the case (see the module docstring); ``""`` when none."""
    found = [s for s in sentences(reasoning) if not _CITATION.search(s) and len(s) > 6]
    if not found:
        return ""
    for s in found:
        if s.startswith("综上") and _RULING.search(s):
            return s
    for s in found:
        if "本院" in s and _RULING.search(s):
            return s
    for pattern in (_RULING, _DUTY):
        for s in reversed(found):
            if pattern.search(s):
                return s
    for s in found:
        if "本院认为" in s:
            return s
    return ""


# --- cited articles -------------------------------------------------------------------------------------

_ARTICLE = re.compile(r"第[零〇一二三四五六七八九十百千两\d]+条")
_EDITION = re.compile(r"[（(](?:\d{4}年?)?[^（()）]{0,6}?(?:修正|修订|年)?[）)]")
_PROCEDURAL = re.compile(r"民事诉讼法")


def law_name(raw: str) -> str:
    """《中华人民共和国民法通则（2009修正）》 → 《民法通则》; the statute is never translated to a newer one."""
    name = raw.strip().replace("中华人民共和国", "")
    name = _EDITION.sub("", name).strip()
    if name.startswith("《") and name.endswith("》") and name.count("《") == 1:
        return name
    inner = name.replace("《", "〈").replace("》", "〉")
    return f"《{inner}》"


def parse_list(value: object) -> list[object]:
    """A list given as such, or as JSON / a Python literal (CSV cells, dumped records); else ``[]``."""
    if isinstance(value, list | tuple):
        return list(value)
    if not isinstance(value, str) or not value.strip():
        return []
    text = value.strip()
    if text[0] in "[(":
        for parse in (json.loads, ast.literal_eval):
            try:
                parsed = parse(text)
            except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
                continue
            if isinstance(parsed, list | tuple):
                return list(parsed)
    return [part for part in re.split(r"[；;\n]", text) if part.strip()]


def cited_laws(value: object, limit: int = MAX_LAWS) -> tuple[str, ...]:
    """Up to ``limit`` distinct cited articles (see the module docstring) from a ``laws`` field:
    ``[{"law": "《…》", "terms": "第…条第…款"}]``, strings like ``《合同法》第二百零六条``, or such a list written
    as JSON or a Python literal."""
    substantive: list[str] = []
    procedural: list[str] = []
    for item in parse_list(value):
        if isinstance(item, Mapping):
            law, terms = str(item.get("law") or ""), str(item.get("terms") or "")
        elif isinstance(item, str):
            at = item.rfind("》")
            law, terms = (item[: at + 1], item[at + 1 :]) if at >= 0 else (item, "")
        else:
            continue
        if not law.strip():
            continue
        article = _ARTICLE.search(terms)
        cited = law_name(law) + (article.group() if article else "")
        bucket = procedural if _PROCEDURAL.search(law) else substantive
        if cited not in substantive and cited not in procedural:
            bucket.append(cited)
    return tuple((substantive + procedural)[:limit])


# --- region ---------------------------------------------------------------------------------------------

_COURT_TAIL = re.compile(
    r"(?:第[一二三四五六七八九十]+)?(?:中级|高级|基层|铁路运输|海事|知识产权|互联网|金融)?(?:人民)?法院.*$"
)
_PROVINCE = re.compile(
    r"^(?:北京市|天津市|上海市|重庆市|[\u4e00-\u9fff]{2,3}省|内蒙古自治区|广西壮族自治区|西藏自治区|"
    r"宁夏回族自治区|新疆维吾尔自治区|香港特别行政区|澳门特别行政区)"
)
_CITY = re.compile(r"^[\u4e00-\u9fff]{1,10}?(?:自治州|地区|盟|市)")
_COUNTY = re.compile(r"^[\u4e00-\u9fff]{1,10}?(?:自治县|自治旗|县|区|旗|市)")


def region_of(*courts: str | None) -> str | None:
    """The region in the first court name given that names one (see the module docstring)."""
    for court in courts:
        if not court or court.strip() in ("None", "null"):
            continue
        place = _COURT_TAIL.sub("", court.strip())
        province = _PROVINCE.match(place)
        head = province.group() if province else ""
        rest = place[len(head) :]
        if head in ("北京市", "天津市", "上海市", "重庆市"):
            return head
        city = _CITY.match(rest)
        if city:
            return head + city.group()
        county = _COUNTY.match(rest)
        if county:
            return head + county.group()
        if head:
            return head
    return None


def doc_type_of(*texts: str | None) -> str | None:
    """判决书 / 裁定书 / 调解书 / 决定书 from a title or a header, where one says so."""
    for text in texts:
        if text:
            m = re.search(r"(判决书|裁定书|调解书|决定书)", text[:200])
            if m:
                return m.group(1)
    return None
