"""Masking a judgment's names at ingest, so that nothing stored or shown names a party.

One :class:`NameMasker` per judgment, built from the names that judgment's record lists as its parties (and
the people its text introduces by role), masks every field that is stored: the text that Chroma keeps and
BM25 indexes, the title, the summary, the claims, the decision and the reason. ID and phone numbers are
masked too, by :func:`core.pii.mask_text` (the project's one detector).

How a name is masked:

* a person keeps the surname: 林发武 → 林某, 欧阳明 → 欧阳某 (compound surnames);
* an organisation keeps only what kind of body it is: 贵州鼎盛晟贸易有限公司 → 某贸易有限公司,
  中国人民财产保险股份有限公司宁波市分公司 → 某财产保险股份有限公司某分公司; the short name the text
  declares for it (``（以下简称鼎盛晟公司）``) and its trade name followed by such a word (鼎盛晟公司) are
  masked with it;
* a name that is already masked (苗某, 李某某, 张x1, 曹0) is left as it is;
* people the text introduces by role — 原告王萍辩称, 委托诉讼代理人蒋水光，, 证人高兵的 — are masked like
  persons wherever they appear (sources without a party list: CAIL, CJRC, a court's own text), when the two or
  three characters after the role start with a common surname and are no common dictionary word (so that
  ``被告陈述``, ``负责人到庭`` or ``劳动关系`` are never read as names). People a text names without a role
  (教练张伟, a neighbour in a boundary description) are not found.

Names are replaced longest first, in one pass, so a shorter name never breaks a longer one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Final, Literal

from core.pii import mask_text
from retrieval.text import default_tokenizer

PartyKind = Literal["person", "org"]

_COMPOUND_TEXT: Final = """
    欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 令狐 夏侯 轩辕 端木 独孤 南宫 西门 申屠
    太史 万俟 闻人 澹台 公冶 宗政 濮阳 淳于 单于 钟离 呼延 赫连 第五 百里 东郭 南门 羊舌 微生 梁丘 左丘
    东门 拓跋 完颜"""
COMPOUND_SURNAMES: Final = frozenset(_COMPOUND_TEXT.split())
# Common single-character surnames (about 400): a role-introduced name must start with one of them.
COMMON_SURNAMES: Final = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
    "姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康"
    "施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成"
    "苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫"
    "费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈"
    "匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰"
    "支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿鲜印逯隆茹诸战慕"
    "危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由"
)

# Marks of a name that is already masked or pseudonymised in the source: 苗某, 李某甲, 张x1, 曹0, 刘×3, 王**.
_ALREADY_MASKED = re.compile(r"某|[xX×＊*○〇ＸｘΧ]|\d")
_HAN_NAME = re.compile(r"[\u4e00-\u9fff·•]{2,12}")

_BRANCH = re.compile(r"(?:中心支公司|支公司|分公司|分行|支行|营业部|分理处|分社|分店|办事处|分中心|分部|营业所)$")
_FORMS: Final = (
    "股份有限公司", "有限责任公司", "有限公司", "集团公司", "公司", "普通合伙", "有限合伙", "合伙企业", "个人独资企业",
    "农民专业合作社", "专业合作社", "股份经济合作社", "经济合作社", "合作社", "信用合作联社", "联社", "信用社",
    "村民委员会", "居民委员会", "委员会", "人民政府", "管理局", "局", "协会", "商会", "联合会", "研究院", "研究所",
    "医院", "卫生院", "诊所", "学校", "学院", "大学", "中学", "小学", "幼儿园", "事务所", "工作室", "商行",
    "经营部", "门市部", "经销部", "服务部", "超市", "商店", "酒店", "饭店", "宾馆", "中心", "银行", "集团",
    "厂", "店", "站", "场", "城", "部", "所", "社", "院", "会", "行", "馆", "园",
)
_INDUSTRIES: Final = (
    "房地产开发", "房地产经纪", "房地产", "置业", "物业服务", "物业管理", "物业", "建筑工程", "建筑安装", "建筑劳务",
    "建筑", "建设工程", "建设", "市政工程", "工程", "装饰工程", "装饰", "装修", "贸易", "商贸", "经贸", "国际贸易",
    "网络科技", "信息科技", "信息技术", "科技", "电子商务", "小额贷款", "融资担保", "担保", "投资管理", "投资",
    "资产管理", "汽车销售", "汽车服务", "汽车租赁", "汽车", "财产保险", "人寿保险", "人身保险", "保险",
    "农村商业银行", "农村商业", "商业银行", "银行", "农村信用", "劳务派遣", "劳务", "人力资源", "运输", "物流", "快递",
    "实业", "农业", "医药", "餐饮", "文化传媒", "传媒", "广告", "教育", "培训", "咨询", "机械", "电器", "食品",
    "能源", "热电", "电力", "燃气", "供热", "供水", "水务", "环保", "矿业", "化工", "纺织", "服饰", "家具", "钢铁",
    "建材", "混凝土", "旅游", "酒店管理", "通信", "电信", "金融", "信托", "证券", "基金", "融资租赁", "租赁", "典当",
    "拍卖", "家政", "保安", "印刷", "包装", "塑料", "木业", "酒业", "生物", "制药", "医疗器械", "医疗", "开发",
    "经营", "发展", "控股", "实业发展", "商务", "服务", "管理", "销售", "制造", "加工", "养殖", "种植",
)
_FORM_RE = re.compile("(?:" + "|".join(sorted(map(re.escape, _INDUSTRIES), key=len, reverse=True)) + ")?"
                      "(?:" + "|".join(sorted(map(re.escape, _FORMS), key=len, reverse=True)) + ")")
_ORG_HINT = re.compile("(?:" + "|".join(map(re.escape, _FORMS[:60])) + "|" + _BRANCH.pattern[:-1] + ")")
# Place prefixes of an organisation's name: 中国, a province, city, county, district, town or street.
_PROVINCES: Final = """
    北京 天津 上海 重庆 河北 山西 辽宁 吉林 黑龙江 江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南 广东 海南 四川 贵州
    云南 陕西 甘肃 青海 台湾 内蒙古 广西 西藏 宁夏 新疆 香港 澳门"""
_PLACE_PREFIX = re.compile(
    r"^(?:中国|中华|(?:" + "|".join(_PROVINCES.split())
    + r")(?:省|市|壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区)?"
    r"|[\u4e00-\u9fff]{1,8}?(?:省|自治区|特别行政区|市|自治州|地区|盟|县|自治县|区|旗|镇|乡|街道|村))+"
)
_NATIONAL_TEXT: Final = """
    人民 工商 建设 农业 交通 招商 邮政 邮政储蓄 光大 民生 中信 兴业 华夏 平安 人寿 太平洋 国家开发 农业发展 进出口
    国家 国网 中国 中华"""
_NATIONAL: Final = frozenset(_NATIONAL_TEXT.split())
_SHORT_DECLARED = re.compile(
    r"[（(][^）)]{0,6}?(?:以下简称|以下称|下称|简称)[:：]?[“\"「『]?(?P<abbr>[^”\"」』）)，,、。]{2,20}?)[”\"」』]?[）)]"
)
# Words that introduce a person by name: 原告王萍辩称, 委托诉讼代理人蒋水光，, 证人高兵的证言.
_ROLES = (
    "委托诉讼代理人", "委托代理人", "诉讼代理人", "特别授权代理人", "法定代表人", "法定代理人", "诉讼代表人",
    "负责人", "经营者", "投资人", "实际控制人", "代表人", "代理人", "律师", "原审原告", "原审被告", "原告", "被告",
    "第三人", "证人", "被申请人", "申请人", "被上诉人", "上诉人", "案外人", "出借人", "借款人", "担保人", "保证人",
    "承租人", "出租人", "丈夫", "妻子", "儿子", "女儿", "长子", "次子", "长女", "次女", "父亲", "母亲", "配偶",
)
_ROLE_NAME = re.compile(
    "(?:" + "|".join(_ROLES) + r")[:：]?(?P<name>[\u4e00-\u9fff]{2,3}?)"
    r"(?=[，,。；;、：:（(\s）)“”\"]|辩称|诉称|答辩|称|的|与|系|于|向|未|已|在|因|等|均|为|是|及|和|律师|$)"
)
# Surnames that are also common function words after a role (被告和好, 被告向法院, 原告应当, 原告成年): a
# role-introduced name never starts with one (a listed party of that surname is still masked).
_AMBIGUOUS_SURNAMES: Final = frozenset("和向应相成常与对将把被从在付费花包商干零叁")
# Characters that do not follow a surname in a given name but do follow one in words (被告尚欠, 原告方认为,
# 律师费等, 被告于该日, 双方共同): a role-introduced candidate holding one after its surname is no name.
_NOT_GIVEN: Final = frozenset(
    "认欠用等赔作号该称述诉辩付支收借还交签向于在的了是为及与和对被将把已未曾均共另又再其此应不后去报过局"
)
_WORD_FREQ: Final = 100  # a dictionary word this common is no name (陈述, 高明); a rarer one may be (李海燕 3)
_PART_FREQ: Final = 500  # a three-character name does not start or end with a common word (劳动关…, 和被告)


def plausible_name(candidate: str, word_freq: Callable[[str], int]) -> bool:
    """Whether ``candidate``, found after a role word, reads as a person's name rather than a word."""
    compound = candidate[:2] in COMPOUND_SURNAMES
    if not compound and (candidate[0] not in COMMON_SURNAMES or candidate[0] in _AMBIGUOUS_SURNAMES):
        return False
    if is_masked(candidate) or any(role in candidate for role in ("原告", "被告", "父亲", "母亲")):
        return False
    if any(ch in _NOT_GIVEN for ch in candidate[2 if compound else 1 :]):
        return False
    if word_freq(candidate) >= _WORD_FREQ:
        return False
    if len(candidate) == 3:
        head = 0 if compound else word_freq(candidate[:2])
        return head < _PART_FREQ and word_freq(candidate[1:]) < _PART_FREQ
    return True


@dataclass(frozen=True, slots=True)
class Party:
    name: str
    kind: PartyKind | None = None  # None: decided from the name (an organisation's name ends in its kind)


def is_masked(name: str) -> bool:
    """True for a name the source already masked or replaced (苗某, 李某甲, 张x1, 曹0)."""
    return bool(_ALREADY_MASKED.search(name))


def looks_like_org(name: str) -> bool:
    return len(name) > 4 or bool(_ORG_HINT.search(name))


def mask_person(name: str) -> str:
    """林发武 → 林某; 欧阳明 → 欧阳某; 阿卜杜拉·买买提 → 阿某."""
    surname = name[:2] if name[:2] in COMPOUND_SURNAMES and len(name) > 2 else name[:1]
    return surname + "某"


def _kind_span(name: str) -> tuple[int, int] | None:
    """Where the kind stands in an organisation's name (its industry and legal form), or ``None``.

    Without a branch the kind ends the name; with one (…公司宁波市分公司) it is the last kind before the branch.
    Adjacent kinds join (建设集团 + 有限公司 → 建设集团有限公司)."""
    spans = [(m.start(), m.end()) for m in _FORM_RE.finditer(name)]
    if not spans:
        return None
    start, end = spans[-1]
    for lo, hi in reversed(spans[:-1]):
        if hi != start:
            break
        start = lo
    return start, end


def _org_parts(name: str) -> tuple[int, str, str]:
    """(where the kind starts, kind, branch) of an organisation's name; kind ``""`` when not recognised."""
    branch_m = _BRANCH.search(name)
    branch = branch_m.group() if branch_m and branch_m.start() > 0 else ""
    main = name[: len(name) - len(branch)] if branch else name
    span = _kind_span(main)
    if span is None or (not branch and span[1] != len(main)):
        return len(main), "", branch
    start, end = span
    if end - start == 1:  # 视听城, 加工厂: a one-character kind says little alone; keep the two before it
        start = max(start - 2, 0)
    return start, main[start:end], branch


def org_kind(name: str) -> tuple[str, str]:
    """(kind, branch) of an organisation's name: ``贸易有限公司``, ``分公司``; ``("", "")`` when not recognised."""
    _, kind, branch = _org_parts(name)
    return kind, branch


def mask_org(name: str) -> str:
    """贵州鼎盛晟贸易有限公司 → 某贸易有限公司; a branch keeps its kind: …宁波市分公司 → …某分公司."""
    kind, branch = org_kind(name)
    masked = "某" + (kind or "单位")
    return masked + ("某" + branch if branch else "")


def trade_name(name: str) -> str:
    """The distinctive part of an organisation's name: 河南省豫创投资有限公司 → 豫创 ("" when none is left).

    Names of national institutions (人民, 工商, 建设 …) are not trade names to mask: 中国人民银行 is cited in
    every interest ruling."""
    start, kind, _ = _org_parts(name)
    if not kind:
        return ""
    core = _PLACE_PREFIX.sub("", name[:start])
    return "" if core in _NATIONAL else core


class NameMasker:
    """Masks one judgment's party names, role-introduced names, ID and phone numbers in any of its fields."""

    def __init__(self, parties: Iterable[Party] = (), texts: Iterable[str] = ()) -> None:
        replace: dict[str, str] = {}
        orgs: list[str] = []
        for party in parties:
            name = party.name.strip()
            if len(name) < 2:
                continue
            if (party.kind or ("org" if looks_like_org(name) else "person")) == "org":
                if "某" not in name:
                    replace[name] = mask_org(name)
                    orgs.append(name)
            elif not is_masked(name) and _HAN_NAME.fullmatch(name):
                replace[name] = mask_person(name)
        corpus = list(texts)
        word_freq = default_tokenizer().word_freq
        for text in corpus:
            for m in _ROLE_NAME.finditer(text):
                name = m.group("name")
                if name not in replace and plausible_name(name, word_freq):
                    replace[name] = mask_person(name)
        for name in orgs:
            for text in corpus:  # the short name the text declares right after the full one
                for m in re.finditer(re.escape(name) + _SHORT_DECLARED.pattern, text):
                    abbr = m.group("abbr").strip()
                    if len(abbr) >= 2 and abbr not in replace and not is_masked(abbr):
                        replace[abbr] = "某" + (org_kind(abbr)[0] or "方")
            core = trade_name(name)
            if len(core) >= 2:  # the trade name with its kind's last word, or 公司: 豫创公司 → 某公司
                last = _FORM_RE.search(org_kind(name)[0])
                for form in {"公司", last.group() if last else "公司"}:
                    replace.setdefault(core + form, "某" + form)
                if len(core) >= 3:
                    replace.setdefault(core, "某")
        self._replace: Mapping[str, str] = replace
        keys = sorted(replace, key=len, reverse=True)
        self._pattern = re.compile("|".join(map(re.escape, keys))) if keys else None

    @property
    def names(self) -> tuple[str, ...]:
        """The names this masker replaces (for tests and the log)."""
        return tuple(self._replace)

    def mask(self, text: str) -> str:
        if self._pattern is not None:
            text = self._pattern.sub(lambda m: self._replace[m.group()], text)
        return mask_text(text)

    def mask_opt(self, text: str | None) -> str | None:
        return None if text is None else self.mask(text)
