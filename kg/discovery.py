"""Entities the gazetteer lacks, found from how the text names them.

* a quoted name after or before a type word: 名为“拣值了”的小程序, “群买买”和“快团团”两个小程序
* a quoted name after 旗下 or a launch verb: 阿里旗下“快的”, 闲鱼推出“鱼塘”
* a known name with a product suffix: 淘宝 + 特价版, 盒马 + 集市 (the compound replaces the name)
* a place and a regulator head: 北京市网信办 (replaces the national 网信办 inside it)
* a company name with a legal suffix: 杭州好超电子商务有限公司
* an unknown word right before a type head: 某某小程序, Keep App
* a person after a title: CEO陈镭, 团长裴培 (surnames and titles are word lists)
* a transliterated name (卢卡斯·麦斯特里, 罗宾-丹霍尔姆) after a title or before its Latin
  form in brackets: CFO卢卡斯·麦斯特里, 罗宾-丹霍尔姆（Robyn Denholm）
* an organisation named right before a title and a person: 第一视频董事长张力军
* the other members of a 、-list with a known organisation in it: 包括神州租车、中通快递、红星美凯龙等
* the unknown target of an acquisition or investment verb: 决定收购找靓机，…, also after a
  description (收购了即时通讯初创公司WhatsApp), and the company someone holds: 成为艺龙第一大股东
* the unknown party a regulator acts against: 上海市市场监管局对食派士作出行政处罚

A discovered entity gets a stable minted IRI, a class, ``discovered=True`` and
a lower confidence. Type words, titles, surnames and suffixes live in
``ontology/lexicon/``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

import jieba
import jieba.posseg

from kg.lexicon import Gazetteer
from kg.models import Entity, Mention
from kg.vocabulary import discovered_entity_iri
from kg.wordlists import table, word_lists, word_map

_OPEN_QUOTES = "“\"「『《‘"
_CLOSE_QUOTES = "”\"」』》’"
_NAME = r"[\u4e00-\u9fffA-Za-z0-9·\-]{2,12}"
_QUOTED = rf"[{_OPEN_QUOTES}]{_NAME}[{_CLOSE_QUOTES}]"
_MEASURE = r"(?:[一两二三四五六七八九十几多]+(?:个|款|家)|一款|这款|该款)?"
#: Characters that end the left edge of a company name (verbs and function words).
_COMPANY_LEFT_STOP = set("为是的由和与在对向被将把从及、，。；：:;,（）()“”\"了曾或让但括原任\n\r\t！？!?")
#: After a number these end a date, so the name starts after them (10月23日新宇集团).
_DATE_ENDS = set("年月日号")
#: A company "name" with these is a description (全球第二大奢侈品集团), not a name.
_DESCRIPTIVE = re.compile(r"第|的|多家|各大|全球|国内|国外|大型|这家|该|此|其|上述|相关|有关|部分|某|财年|半年|全年|年度|季度")
#: A quoted "name" starting with a negation or degree word is a description (“不够积极”).
_NOT_NAME_START = "不够|不太|不是|不会|不能|没有|很|太|非常|比较|更加"
#: A type word followed by these is part of a longer noun (“正常”产品线), not the name's type.
_TYPE_COMPOUND = "线|链|类|型|化"
_PERSON_STOP = set("在曾表称说的也等指认透向和与对就是于将把被从已亦还都则即所有做进并任")
#: Function words that follow a whole name (汤道生在): not the verbs' first characters 表/称/说 (周源发表).
_AFTER_NAME = set("在曾的也等向和与对就是于将把被从已亦还都则即所")
#: A transliterated foreign name: parts joined by a middle dot or a hyphen (卢卡斯·麦斯特里).
_NAME_PART = r"(?:(?![的一在是对和与及等表称说指认透向将于被把从就也都已曾还则即所有为了着过其这那个告宣共])[\u4e00-\u9fff])"
_FOREIGN = rf"{_NAME_PART}{{1,6}}(?:[·•・‧\-－]{_NAME_PART}{{1,8}}){{1,2}}"
_DOTS = str.maketrans({"•": "·", "・": "·", "‧": "·"})
#: Where an organisation named before a title starts: after these (据第一视频董事长…).
_ORG_LEFT_STOP = _COMPANY_LEFT_STOP | set("据称向于被记者讯兼 \u3000")
#: Words that end the run before a title but belong to the title (浙江省卫计委副主任).
_TITLE_PREFIX = re.compile(r"(?:副|常务|执行|高级|资深|全球|首席|联席|轮值|大中华区|中国区|亚太区|新闻|战略|市场|技术|产品|运营|"
                           r"营销|设计|销售|公关|品牌|财务|投资|研发)+$")
#: A run with these inside names its kind first (服务机构狄邦教育集团): the name starts after them.
_KIND_HEADS = re.compile(r"(?:企业|机构|平台|品牌|厂商|媒体|投资方|投资人|合作方|股东|对手|供应商|子公司|公司)")
#: Runs before a title that are no organisation's name (该公司CEO, 集团副总裁, 中国区总裁).
_NOT_ORG = re.compile(r"^(?:公司|集团|企业|平台|品牌|团队|部门|事业部|项目|国家|国内|海外|总部|官方|现任|前任|首位|"
                      r"首任|新任|时任|兼|新|该|本|其|我们|他们|我|你)+$|^[0-9０-９]|年|月|日|的|之|这|那|某|各|个|位|名|此")
#: A Latin name with a number or a device word is a product (iPhone XS, Galaxy S9), not a company.
_PRODUCT_LIKE = re.compile(r"\d|^i[A-Z]|(?:Pro|Max|Plus|Phone|Pad|Watch|Book|Pods?)\b")
#: A Latin name right after a company-like run makes the run its description (美国时尚集团Michael Kors).
_LATIN_NAME_AHEAD = re.compile(r"[A-Z][a-z]+|[A-Z]{3,}(?![a-z])")
_LATIN_WORD = re.compile(r"[A-Za-z]+")
#: An all-capitals acronym next to a connector: a name when it is coordinated with a known organisation.
_ACRONYM = re.compile(r"(?<![A-Za-z0-9])[A-Z]{3,6}(?![A-Za-z0-9])")
_JOINERS = "与和、及同跟"

#: Word classes (jieba) that cut an organisation's name: it starts after the last of them
#: (论坛中脉脉 → 脉脉): verbs, adverbs, prepositions, conjunctions, particles, locatives, pronouns.
_CUTTING = ("v", "d", "p", "c", "u", "f", "r", "ad", "ul", "uj")
#: Word classes that make a run a name (person, place, organisation, other proper noun, Latin).
_PROPER = ("nr", "ns", "nt", "nz", "eng", "j", "x")
#: Endings that make a run of plain words an organisation (研究所, 实验室 …).
_ORG_HEADS = re.compile(r"(?:集团|公司|科技|资本|控股|银行|证券|基金|研究院|研究所|实验室|协会|学会|联合会|大学|学院|医院|"
                        r"基金会|事务所|办公室|工作室|委员会|网|视频|传媒|网络|音乐|文化|影视|娱乐|教育|金融|电子|通讯|软件|物流|智能|数据|"
                        r"游戏|互动|信息|资讯|出行|健康|医疗|电商)$")


@dataclass(frozen=True)
class _Patterns:
    types: dict[str, str]  # type word → class
    quoted_list: re.Pattern[str]  # “A”和“B”两个小程序
    quoted_after: re.Pattern[str]  # 小程序“A”
    launched: re.Pattern[str]  # 推出“A”
    owned: re.Pattern[str]  # 旗下“A”
    product_suffix: re.Pattern[str]  # 特价版 | 集市 …
    regulator: re.Pattern[str]
    company: re.Pattern[str]
    person: re.Pattern[str]
    person_is: re.Pattern[str]  # 创始人兼CEO为周宏伟， (a name that ends at a boundary)
    foreign: re.Pattern[str]  # CFO卢卡斯·麦斯特里 | 罗宾-丹霍尔姆（Robyn …
    titled_person: re.Pattern[str]  # 董事长张力军: where an organisation may end right before
    framed_person: re.Pattern[str]  # 任命李一男为, 陈伟星，快的打车创始人, 郝平任北京大学校长
    next_person: re.Pattern[str]  # 、王中磊 after a titled person, when no title of its own follows
    short_company: re.Pattern[str]  # 盛灿科技, 久银控股: a name before a short company ending
    latin: re.Pattern[str]  # Farfetch, iRobot, Booking Holdings
    model: re.Pattern[str]  # 发布了R17 Pro, 推出iPhone XS: a model name after a launch verb
    given: frozenset[str]  # Latin given names: Taylor Swift is a person
    title_end: re.Pattern[str]  # a title right before a Latin name: 历峰集团主席Johann Rupert
    short_endings: dict[str, str]  # 科技 → Company, 学院 → Organization
    not_product: re.Pattern[str]  # “蓝V计划”, “囤货节”: a quoted programme or campaign, no entity
    not_latin: frozenset[str]  # Latin words that are no name (The, Pro, January)
    not_name_starts: frozenset[str]  # 盛赞, 齐聚, 高管: no person's name starts so
    not_acronym: frozenset[str]  # abbreviations that are no organisation (CEO, GMV)
    not_model: frozenset[str]  # no product model after a launch verb (Q3, 5G, B2C)
    generic: re.Pattern[str]  # 科技 + 有限公司: a company body made only of trade words
    legal_tail: re.Pattern[str]  # (（中国）)网络技术有限公司 after a known company name
    legal_end: re.Pattern[str]  # a name that ends with a legal form
    legal_place: re.Pattern[str]  # 深圳市 before a company's legal name
    left_cut: frozenset[str]  # 特邀, 出席 …: an organisation named before a title starts after these
    left_cut_longest_first: tuple[str, ...]  # the same words, longest first (近日杭州丝绸集团 → 杭州丝绸集团)
    deal_target: re.Pattern[str]  # 收购了即时通讯初创公司WhatsApp: the target after its description
    described: re.Pattern[str]  # 美国时尚集团|: a description ends here, so a Latin name after it is a company's
    department: re.Pattern[str]  # 法学院: a school or department, no organisation of its own


def _alternation(words: Sequence[str]) -> str:
    return "|".join(sorted(map(re.escape, words), key=len, reverse=True)) or "(?!)"


@lru_cache(maxsize=4)
def _patterns(base: str | None) -> _Patterns:
    types: dict[str, str] = table("type_words", base)
    words = word_lists(base)
    type_alt = _alternation(list(types))
    surnames = "".join(s for s in words.get("surnames", ()) if len(s) == 1)
    double = _alternation([s for s in words.get("surnames", ()) if len(s) == 2])
    return _Patterns(
        types=types,
        quoted_list=re.compile(rf"(?P<list>(?:{_QUOTED}(?:、|和|与|及))*{_QUOTED})(?:的|等)?{_MEASURE}(?P<type>{type_alt})"
                               rf"(?!{_TYPE_COMPOUND})"),
        quoted_after=re.compile(rf"(?P<type>{type_alt})[{_OPEN_QUOTES}](?P<name>{_NAME})[{_CLOSE_QUOTES}]"),
        launched=re.compile(rf"(?:{_alternation(words.get('launch', ()))})(?:了)?(?:[一两三]款|一个|一项)?(?:名为|叫做)?"
                            rf"[“\"「](?P<name>{_NAME})[”\"」](?!计划|活动|项目|战略|行动|口号|概念|模式)"),
        owned=re.compile(rf"旗下(?:的)?[{_OPEN_QUOTES}](?P<name>{_NAME})[{_CLOSE_QUOTES}]"),
        product_suffix=re.compile(_alternation(words.get("product_suffixes", ()))),
        regulator=re.compile(rf"(?:[\u4e00-\u9fff]{{2,5}}(?:省|市|自治区))?[\u4e00-\u9fff]{{0,5}}(?:市|区|县|省)"
                             rf"(?:{_alternation(words.get('regulator_heads', ()))})"),
        company=re.compile(rf"(?P<body>[\u4e00-\u9fff]{{2,14}}?)"
                           rf"(?P<suffix>(?:{_alternation(words.get('company_suffixes', ()))})+)"),
        person=re.compile(rf"(?:{_alternation(words.get('titles', ()))})(?:的)?"
                          rf"(?P<name>(?:{double}|[{surnames or '王'}])[\u4e00-\u9fff]{{1,2}})"),
        foreign=re.compile(rf"(?:(?:{_alternation(words.get('titles', ()))})(?:的)?\s?(?P<name>{_FOREIGN})"
                           rf"|(?<![\u4e00-\u9fffA-Za-z0-9])(?P<bare>{_FOREIGN})(?=\s?[（(][A-Za-z]))"),
        person_is=re.compile(rf"(?:{_alternation(words.get('titles', ()))})(?:为|是)"
                             rf"(?P<name>(?:{double}|[{surnames or '王'}])[\u4e00-\u9fff]{{1,2}})(?=[，,。；;、（(]|$)"),
        titled_person=re.compile(rf"(?P<title>{_alternation(words.get('titles', ()))})(?:[、兼和及]"
                                 rf"(?:{_alternation(words.get('titles', ()))}))*(?:的)?\s?"
                                 rf"(?:{_FOREIGN}|(?:{double}|[{surnames or '王'}])[\u4e00-\u9fff]{{1,2}}|[A-Z][a-z]+)"),
        next_person=re.compile(rf"[、和](?P<name>(?:{double}|[{surnames or '王'}])[\u4e00-\u9fff]{{1,2}}?)"
                               rf"(?=[、，,。；]|等|入选|出席|表示|认为|共同|分别|均|都|也|出任|担任|接任|于(?=[0-9０-９])|联合|创立|创办)"),
        framed_person=re.compile(
            rf"(?:任命|聘请|由)(?P<a>(?:{double}|[{surnames or '王'}])[\u4e00-\u9fff]{{1,2}}?)(?:为|担任|出任|接任)"
            rf"|由(?!于|此|其)(?P<d>(?:{double}|[{surnames or '王'}])[\u4e00-\u9fff]{{1,2}}?)"
            rf"(?=(?:和|与|、)(?:{double}|[{surnames or '王'}])|(?:于|在)[^，,。；]{{0,12}}?(?:创立|创办|创建)|(?:联合|共同)?(?:创立|创办|创建))"
            rf"|(?:^|(?<=[，。；：,;:（(]))(?P<b>(?:{double}|[{surnames or '王'}])[\u4e00-\u9fff]{{1,2}})[，,]"
            rf"(?:现任|时任|前|原)?[^，,。；]{{2,14}}?(?:{_alternation(words.get('titles', ()))})(?=$|[，,。；）)、]|兼)"
            rf"|(?:^|(?<=[，。；：,;:、]))(?P<c>(?:{double}|[{surnames or '王'}])[\u4e00-\u9fff]{{1,2}}?)"
            rf"(?:将|仍|继续|已|已经|正式|曾|曾经|也|还|则|此前|随后|即将){{0,2}}(?:出任|担任|接任|升任|任)[^，,。；、]{{2,16}}?(?:{_alternation(words.get('titles', ()))})"
            rf"(?=$|[，,。；、）)]|兼)"),
        short_endings={w: c for w, c in word_map("short_company_suffixes", base).items() if c != w},
        title_end=re.compile(rf"(?:{_alternation(words.get('titles', ()))})(?:的)?\s?$"),
        given=frozenset(w for line in words.get("latin_given_names", ()) for w in line.split()),
        short_company=re.compile(_alternation(words.get("short_company_suffixes", ()))),
        latin=re.compile(r"(?<![A-Za-z0-9\-\.@/_])(?:(?<![A-Za-z]\s)(?!Non-|Pre-|Post-|Anti-)[A-Z][a-z]+"
                         r"(?:-[A-Za-z]+){1,3}(?![A-Za-z0-9\-\.@/_\s])|"  # one hyphenated name: Net-a-Porter
                         r"[A-Z][a-z]{2,}[A-Za-z]*|[a-z]+[A-Z][A-Za-z]+|[A-Z]{2,}[a-z]+[A-Za-z]*|"
                         r"(?:Mr|Ms|Mrs|Dr|St|(?!(?:" + "|".join(sorted(map(re.escape, words.get("latin_not_acronyms", ())))) + r")\s)[A-Z]{2,4})"
                         r"(?=\s[A-Z][a-z]{2,}))"  # Mr Porter, BK Global, RBC Capital Markets (not APP Tiger)
                         r"(?:\s(?:[A-Z][A-Za-z]+|&)){0,2}(?![A-Za-z0-9\-\.@/_])"),
        model=re.compile(rf"(?:{_alternation(words.get('launch', ()))})(?:了)?(?:[\u4e00-\u9fff]{{0,6}}?)"
                         r"(?=[A-Za-z0-9]{2}|[A-Z]\s[A-Z0-9])"
                         r"(?P<name>(?:[A-Z][A-Za-z]*|[a-z][A-Z][A-Za-z]*)(?:\s?[A-Z0-9][A-Za-z0-9+]*){0,3})"
                         r"(?![A-Za-z0-9])"),
        not_latin=frozenset(words.get("latin_not_names", ())),
        not_name_starts=frozenset(words.get("not_name_starts", ())),
        not_acronym=frozenset(words.get("latin_not_acronyms", ())),
        not_model=frozenset(words.get("latin_not_models", ())),
        generic=re.compile(rf"(?:{_alternation(words.get('generic_name_parts', ()))})+"),
        legal_end=re.compile(rf"(?:{_alternation(words.get('company_suffixes', ()))})$"),
        legal_place=re.compile(r"(?<![\u4e00-\u9fff])[\u4e00-\u9fff]{2,3}[省市]$|(?<=[、和与及对由，,])[\u4e00-\u9fff]{2,3}[省市]$"),
        legal_tail=re.compile(r"(?:[（(][\u4e00-\u9fff]{2,4}[）)])?"
                              rf"(?:{_alternation(words.get('generic_name_parts', ()))})*"
                              rf"(?:{_alternation(words.get('company_suffixes', ()))})"),
        left_cut=frozenset(words.get("org_left_cut", ())),
        left_cut_longest_first=tuple(sorted(words.get("org_left_cut", ()), key=len, reverse=True)),
        deal_target=re.compile(_DEAL_TARGET.format(kinds=_alternation(words.get("description_heads", ())))),
        described=re.compile(rf"(?:{_alternation(words.get('description_heads', ()))})$"),
        department=re.compile(rf"[\u4e00-\u9fff]{{0,8}}(?:{_alternation(words.get('department_heads', ()))})"),
        not_product=re.compile(rf"(?:{_alternation(words.get('not_product_heads', ()))})$|^(?:{_NOT_NAME_START})"),
    )


@lru_cache(maxsize=65536)
def _tagged_words(run: str) -> tuple[tuple[str, str], ...]:
    """jieba's words and word classes of a short run (cached: tagging a run costs ~0.1 ms,
    and news repeats the runs before titles and company endings)."""
    return tuple((w.word, w.flag) for w in jieba.posseg.cut(run))


def _function_words(run: str) -> bool:
    """通过 (集团), 为了: a run made only of prepositions, conjunctions, adverbs or pronouns names nothing."""
    return all(flag.startswith(("p", "c", "d", "r", "u")) for _, flag in _tagged_words(run))


def _unknown_name(word: str) -> bool:
    """A word the segmenter's dictionary does not know (or a Latin/number name): likely a name."""
    if len(word) < 2 or not re.fullmatch(r"[\u4e00-\u9fffA-Za-z0-9]+", word) or word.isdigit() \
            or _COUNTED.fullmatch(word):
        return False
    if word.isascii():  # Keep, Soul: a capitalised word with small letters (not B2B, C2M, AI)
        return word[0].isupper() and any(c.islower() for c in word)
    return jieba.dt.FREQ.get(word, 0) == 0


#: A number and a measure word is no name (两大产品, 四家平台).
_COUNTED = re.compile(r"[一二两三四五六七八九十百几多数]+[大家个款种项位名类]?")
#: A run that opens with "N big" counts things (六大业务集团, 三大运营商), not a name; a name
#: may open with a number and even a measure word (三一重工, 百家云集团, 三个爸爸科技).
_COUNTING = re.compile(r"[一二两三四五六七八九十几多数]+大")


#: Surnames that are also adverbs or prepositions (曾 "once"): before a verb they name nobody.
_ADVERB_SURNAMES = set("曾于向将从把和")


def _adverb_and_verb(name: str) -> bool:
    """曾说, 曾强调: the "surname" is an adverb and the rest a verb (or a function word)."""
    if len(name) == 2 and name[1] in _PERSON_STOP:
        return True
    rest = _tagged_words(name[1:])  # 强调 is one verb; 鸣 alone (曾鸣) may well be a given name
    return name[0] in _ADVERB_SURNAMES and len(name) == 3 and len(rest) == 1 and rest[0][1].startswith("v")


def _without_verb_tail(text: str, start: int, end: int) -> tuple[int, int]:
    """A transliterated name without the verb or adverb its last part ran into:
    史蒂夫-莫伦科夫依然认为 → 史蒂夫-莫伦科夫, 彼得鲁·波格丹·科若卡鲁致辞 → …科若卡鲁,
    尤金・卡巴斯基以… → 尤金・卡巴斯基 (a one-character preposition too)."""
    last = max(text.rfind(dot, start, end) for dot in "·•・‧-－") + 1
    at = last
    for word, flag in _tagged_words(text[last:end]):  # 克里斯滕森带领研: from the first such word on
        if at - last >= 2 and (len(word) >= 2 or flag == "p") and flag.startswith(("v", "d", "p", "m", "t")):
            return start, at
        at += len(word)
    return start, end


def _person_end(text: str, start: int, end: int) -> int:
    """A three-character name loses its last character when that is a function word (龚宇有话 → 龚宇)
    or starts a word (蒋凡发布 → 蒋凡), unless a function word follows the three (汤道生在 stays)
    or the text after the three makes a likelier word than the one the last character would start
    (王东升上午: 上午 beats 升上, so 王东升 stays)."""
    if end - start == 3 and (text[end - 1] in _PERSON_STOP or (
            (freq := jieba.dt.FREQ.get(text[end - 1:end + 1], 0)) > 0 and text[end:end + 1] not in _AFTER_NAME
            and jieba.dt.FREQ.get(text[end:end + 2], 0) <= freq)):
        return end - 1
    return end


def _left_trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """A discovered name starts after the last function word inside it (票是由深圳市税务局 → 深圳市税务局)."""
    for i in range(end - 1, start - 1, -1):
        if text[i] in _COMPANY_LEFT_STOP:
            return i + 1, end
    return start, end


def _org_before(text: str, end: int, pats: _Patterns, limit: int = 10,
                title: bool = True) -> tuple[int, int] | None:
    """The organisation named right before a title (``end`` is where the title starts), if
    the run of words there is one: after the last punctuation or function word, without
    words of the title (副, 高级), two to ``limit`` characters, and a name (a proper noun,
    an unknown word, Latin letters) or a run ending in an organisation's head (研究所)."""
    start = end
    while start > 0 and text[start - 1] not in _ORG_LEFT_STOP and end - start <= 2 * limit:
        if text[start - 1] in _DATE_ENDS and start >= 2 and text[start - 2].isdigit():
            break
        start -= 1
    if end - start > 2 * limit:
        return None
    prefix = _TITLE_PREFIX.search(text, start, end) if title else None
    if prefix:
        end = prefix.start()
    if end - start < 2 or not re.fullmatch(r"[\u4e00-\u9fffA-Za-z0-9&.\-]+", text[start:end]):
        return None
    words = list(_tagged_words(text[start:end]))
    cut = max((i + 1 for i, (word, flag) in enumerate(words)
               if flag.startswith(_CUTTING) and flag != "vn" or word in pats.left_cut), default=0)
    start += sum(len(w) for w, _ in words[:cut])
    words = words[cut:]
    kind = None
    for kind in _KIND_HEADS.finditer(text, start, end):
        pass
    if kind is not None and kind.end() < end:
        start = kind.end()
        words = list(_tagged_words(text[start:end]))
    run = text[start:end]
    if len(run) < 2 or len(run) > limit or _NOT_ORG.search(run):
        return None
    body = pats.company.fullmatch(run)
    if pats.generic.fullmatch(body.group("body") if body else run):  # 科技有限公司: trade words only
        return None
    named = any(flag.startswith(_PROPER) or jieba.dt.FREQ.get(w, 0) == 0 for w, flag in words)
    if not (named or _ORG_HEADS.search(run)) or (len(words) == 1 and not named):
        return None
    return start, end


#: The target of a deal named right after its verb, up to the end of the clause or a function word.
#: The target of a deal named right after its verb (after a description of it, whose heads are
#: ``words/description_heads.txt``: 收购了手机游戏开发与运营商天象互娱), up to the end of the clause
#: or a function word; ``{kinds}`` is filled in from the word list.
_DEAL_TARGET = (r"(?:收购|并购|全资收购|入股|参股|投资了|领投|注资)(?:了)?(?:[\u4e00-\u9fff]{{0,10}}?(?:{kinds}))?"
                r"(?P<name>[\u4e00-\u9fff]{{2,6}}?|[A-Z][A-Za-z0-9]*[a-z][A-Za-z0-9]*(?:\.[a-z]{{2,3}})?)"
                r"(?=(?:股权|股份|股票)?(?:[，。；、,;（(—]|并|后|时(?=[，,的])|的股|以|和|与|及|$))")
#: The company whose (major) shareholder someone is or becomes: 携程成为艺龙第一大股东.
_HELD_COMPANY = re.compile(r"(?:是|成为|为)(?:了)?(?P<name>[\u4e00-\u9fffA-Za-z0-9]{2,8}?)(?:的)?"
                           r"(?:第一大|第二大|最大|控股|主要|大)股东")
#: Words of a description, not a name, before 股东: 成为上市公司新的控股股东.
_HOLDER_WORDS = re.compile(r"公司|上市|股东|集团新|新$")
#: The party a regulator acts against, named right after 对 (市场监管局对食派士作出行政处罚).
_SANCTION_TARGET = re.compile(r"对(?P<name>[\u4e00-\u9fffA-Za-z]{2,8}?)"
                              r"(?=作出|做出|涉嫌|处以|立案|依法|实施|开展|进行|展开|下达)")
#: A 、-list: items of names separated by 、, the last one before 等, 和 or the end of the clause.
_LIST_ITEM = r"[\u4e00-\u9fffA-Za-z0-9·&\.\-]{2,10}"
_ENUMERATION = re.compile(rf"{_LIST_ITEM}(?:、{_LIST_ITEM}){{2,}}")


def _is_name(run: str) -> bool:
    """Does a run of words look like a name: a proper noun or a word the segmenter does not know?"""
    if _NOT_ORG.search(run) or _DESCRIPTIVE.search(run):
        return False
    return any(len(word) > 1 and (flag.startswith(_PROPER) or jieba.dt.FREQ.get(word, 0) == 0)
               for word, flag in _tagged_words(run))


def _list_members(text: str, known: Sequence[Mention], taken: Sequence[tuple[int, int]]) -> list[tuple[int, int, str]]:
    """The unknown members of a list of three or more names with a known organisation among them
    (投资方包括阿里巴巴、金石投资、君联资本等): each is a name of the known member's class."""
    found = []
    orgs = [k for k in known if k.entity.type != "Person"]
    for m in _ENUMERATION.finditer(text):
        items, pos = [], m.start()
        for part in m.group().split("、"):
            items.append((pos, pos + len(part)))
            pos += len(part) + 1
        first_start, first_end = items[0]  # the first item starts after the last function word in it
        cut = max((i + 1 for i in range(first_start, first_end) if text[i] in _ORG_LEFT_STOP or text[i] in "括如有"),
                  default=first_start)
        items[0] = (cut, first_end)
        last_start, last_end = items[-1]  # the last one ends before 等, 和 …
        stop = next((i for i in range(last_start, last_end) if text[i] in "等和及与的在是将已均都也"), last_end)
        items[-1] = (last_start, stop)
        members = [k for k in orgs if any(a <= k.start and k.end <= b for a, b in items)]
        if not members:
            continue
        kind = members[0].entity.type if members[0].entity.type in ("Company", "App") else "Organization"
        unknown = [(a, b) for a, b in items if b - a >= 2 and not any(not (b <= s or a >= e) for s, e in taken)]
        named = [(a, b) for a, b in unknown if _is_name(text[a:b])]
        known_items = len(items) - len(unknown)
        if 4 * (known_items + len(named)) >= 3 * len(items) or (known_items >= 2 and 2 * known_items >= len(items)):
            # 盒马、菜鸟、饿了么、菜鸟裹裹: half of them known, the others are names of the same kind
            found.extend((a, b, kind) for a, b in unknown if 2 <= b - a <= 8 and not _NOT_ORG.search(text[a:b])
                         and not _DESCRIPTIVE.search(text[a:b]))
        elif 2 * len(named) >= len(unknown):  # most of them are names: 云计算、大数据 in a list make it no list of names
            found.extend((a, b, kind) for a, b in named)
    return found


def _entity(label: str, type_name: str, confidence: float) -> Entity:
    return Entity(iri=discovered_entity_iri(label), label=label, type=type_name,
                  discovered=True, confidence=confidence)


def _swallowed(known: Sequence[Mention], spans: Sequence[tuple[int, int]]) -> list[Mention]:
    """``known`` without the mentions that lie inside (and are shorter than) one of ``spans``."""
    return [k for k in known if not any(a <= k.start and k.end <= b and (a, b) != (k.start, k.end)
                                        for a, b in spans)]


def _compounds(text: str, known: Sequence[Mention], pats: _Patterns, gazetteer: Gazetteer) -> list[tuple[int, int]]:
    """淘宝 + 特价版: a known product or company followed by a product suffix names a new product."""
    spans = []
    for k in known:
        m = pats.product_suffix.match(text, k.end)
        if m and text[k.start:m.end()] not in gazetteer.alias_index and k.entity.type != "Person":
            spans.append((k.start, m.end()))
    return spans


def with_legal_tails(text: str, known: Sequence[Mention], base: str | None = None) -> list[Mention]:
    """``known`` with a company's trade words and legal form taken into its mention:
    阿里巴巴投资有限公司, 丰巢网络技术有限公司 name 阿里巴巴 and 丰巢 (trade words only:
    百度网讯科技有限公司 stays as it was), so a list going on after them is still a list."""
    pats = _patterns(base)
    out = []
    for m in known:
        if m.entity.type == "Company":
            tail = pats.legal_tail.match(text, m.end)
            end = tail.end() if tail else m.end
            place = pats.legal_place.search(text, max(0, m.start - 8), m.start) if (
                tail or pats.legal_end.search(m.text)) else None
            if place and not jieba.posseg.dt.word_tag_tab.get(place.group(), "").startswith("ns"):
                place = None  # 股上市, 节省: no place name
            start = place.start() if place else m.start
            if (start, end) != (m.start, m.end):
                m = replace(m, start=start, end=end, text=text[start:end])
        out.append(m)
    return out


def _starts_with_a_word(name: str, stops: frozenset[str], dictionary: bool = False) -> bool:
    """Do a would-be name's first two characters make a word that is no name: one of ``stops``
    (盛赞, 齐聚, 高管) or, with ``dictionary``, a dictionary word not tagged as a name (章程,
    方便; many real names start with a word, 王国军, 江南春: only where the frame is weak)?"""
    head = name[:2]
    if head in stops:
        return True
    return dictionary and jieba.dt.FREQ.get(head, 0) > 0 \
        and not jieba.posseg.dt.word_tag_tab.get(head, "nr").startswith("nr")


def _add_next_persons(text: str, end: int, pats: _Patterns, add: Callable[[int, int, str, float], None]) -> None:
    """The persons joined by 、/和 to the one ending at ``end`` (a name list ends at a comma or a verb)."""
    while (more := pats.next_person.match(text, end)) is not None \
            and not _starts_with_a_word(more.group("name"), pats.not_name_starts):
        end = more.end("name")
        add(more.start("name"), end, "Person", 0.4)


def discover_mentions(text: str, known: Sequence[Mention], gazetteer: Gazetteer,
                      base: str | None = None, tokens: Sequence[tuple[int, int]] = ()) -> list[Mention]:
    """Mentions of entities absent from the gazetteer (never overlapping the kept ``known``).

    ``tokens`` are the (start, end) offsets of the segmenter's words; with them
    an unknown word right before a type head (某某小程序, 某某App) is a name too.
    Known mentions swallowed by a longer discovery (北京市网信办, 淘宝特价版) are
    left out of the kept set; the caller drops them by overlap.
    """
    pats = _patterns(base)
    local = [_left_trimmed(text, *m.span()) for m in pats.regulator.finditer(text)]
    compounds = _compounds(text, known, pats, gazetteer)
    quoted = [(m.start("list") + q.start(), m.start("list") + q.end()) for m in pats.quoted_list.finditer(text)
              for q in re.finditer(_NAME, m.group("list"))]  # “京东购物”小程序: a quoted name beats the 京东 inside it
    foreign = [_without_verb_tail(text, *(m.span("name") if m.group("name") else m.span("bare")))
               for m in pats.foreign.finditer(text)]
    known = _swallowed(known, local + compounds + quoted + foreign)
    taken = [(m.start, m.end) for m in known]
    found: list[Mention] = []

    def add(start: int, end: int, type_name: str, confidence: float) -> None:
        label = text[start:end]
        if not label or any(not (end <= s or start >= e) for s, e in taken) or label in gazetteer.alias_index:
            return
        taken.append((start, end))
        found.append(Mention(start, end, label, _entity(label, type_name, confidence), "discovered", confidence))

    for start, end in local:
        add(start, end, "Regulator", 0.7)
    for start, end in compounds:
        add(start, end, "App", 0.6)
    def add_quoted(start: int, end: int, type_name: str, confidence: float) -> None:
        if not pats.not_product.search(text[start:end]):
            add(start, end, type_name, confidence)

    for m in pats.quoted_list.finditer(text):
        for q in re.finditer(_NAME, m.group("list")):
            add_quoted(m.start("list") + q.start(), m.start("list") + q.end(), pats.types[m.group("type")], 0.7)
    for m in pats.quoted_after.finditer(text):
        add_quoted(m.start("name"), m.end("name"), pats.types[m.group("type")], 0.7)
    for pattern in (pats.owned, pats.launched):
        for m in pattern.finditer(text):
            add_quoted(m.start("name"), m.end("name"), "App", 0.6)
    for m in pats.company.finditer(text):
        start = m.start("body")
        for i in range(m.end("body") - 1, m.start("body") - 1, -1):  # the left edge: after the last function word
            if text[i] in _COMPANY_LEFT_STOP or (text[i] in _DATE_ENDS and text[i - 1:i].isdigit()):
                start = i + 1
                break
        start += next((len(w) for w in pats.left_cut_longest_first if text.startswith(w, start)), 0)
        body = text[start:m.start("suffix")]
        if _LATIN_NAME_AHEAD.match(text, m.end()) and not pats.not_acronym.intersection(_LATIN_WORD.findall(text, m.end(), m.end() + 8)[:1]):
            continue  # 法国时尚集团SMCP: a description of the Latin name after it
        if len(body) >= 2 and not _DESCRIPTIVE.search(body) and not (m.group("suffix") == "集团" and len(body) > 6) \
                and not pats.generic.fullmatch(body) and not _function_words(body) and not _COUNTING.match(body):
            add(start, m.end(), "Company", 0.6)
    for m in pats.short_company.finditer(text):
        span = _org_before(text, m.start(), pats, limit=10, title=False)
        if span is None or span[1] != m.start() or any(not (m.end() <= s or span[0] >= e) for s, e in taken) \
                or _DESCRIPTIVE.search(text[span[0]:span[1]]):
            continue
        kind = pats.short_endings.get(m.group()) or "Company"
        flags = _tagged_words(text[span[0]:span[1]])
        if any((f.startswith(_PROPER) and (f != "ns" or kind != "Company")) or jieba.dt.FREQ.get(w, 0) == 0
               for w, f in flags):
            add(span[0], m.end(), kind, 0.5)  # 盛灿科技, 郑州科技学院; not 美国金融科技 (a place and a trade)
    for m in pats.model.finditer(text):
        name = m.group("name")
        if name not in pats.not_model and name not in pats.not_latin:
            add(m.start("name"), m.end("name"), "Product", 0.5)
    given = pats.given
    glosses = [(b.start(), b.end()) for b in re.finditer(r"[（(][^（）()]{0,60}[）)]", text)]
    for m in pats.latin.finditer(text):
        if m.group() in pats.not_latin or any(a <= m.start() and m.end() <= b for a, b in glosses) \
                or re.search(r"(?:来源|作者|编辑|文|图)\s?[：:/|]\s?$", text[max(0, m.start() - 4):m.start()]):
            continue  # 卢卡斯·麦斯特里（Luca Maestri）: a gloss of a name; 来源：cnBeta: a byline
        if any(k.end == m.start() or k.end == m.start() - 1 and text[k.end] == " " for k in known):
            continue  # 华为Mate, 百度DuerOS: a model or product line of the brand before it
        first = m.group().split()[0]
        after_title = bool(pats.title_end.search(text, max(0, m.start() - 8), m.start()))
        kind = "Company" if pats.described.search(text, max(0, m.start() - 2), m.start()) \
            else "Person" if " " in m.group() and (first in given or after_title) \
            else "Product" if _PRODUCT_LIKE.search(m.group()) else "Company"
        add(m.start(), m.end(), kind, 0.4)
    orgs = [(k.start, k.end) for k in known if k.entity.type != "Person"]
    for m in _ACRONYM.finditer(text):  # WFP与阿里巴巴, AMD和英特尔: an acronym coordinated with a known organisation
        a, b = m.span()
        joined = (text[b:b + 1] in _JOINERS and any(s == b + 1 for s, _ in orgs)) or \
                 (a > 0 and text[a - 1] in _JOINERS and any(e == a - 1 for _, e in orgs))
        described = bool(pats.described.search(text, max(0, a - 2), a))  # 法国时尚集团SMCP
        if (joined or described) and m.group() not in pats.not_acronym:
            add(a, b, "Company", 0.4)
    held = (m for m in _HELD_COMPANY.finditer(text) if not _HOLDER_WORDS.search(m.group("name")))
    for m in (*pats.deal_target.finditer(text), *held):
        if _is_name(m.group("name")):
            add(m.start("name"), m.end("name"), "Company", 0.4)
    regulators = [k.end for k in [*known, *found] if k.entity.type == "Regulator"]
    for m in _SANCTION_TARGET.finditer(text) if regulators else ():
        if any(0 <= m.start() - end <= 6 for end in regulators) and _is_name(m.group("name")):
            add(m.start("name"), m.end("name"), "Company", 0.4)
    for start, end, kind in _list_members(text, known, taken):
        add(start, end, kind, 0.4)
    for (start, end), (h_start, h_end) in zip(tokens, tokens[1:]):
        head = text[h_start:h_end]
        if end == h_start and pats.types.get(head, "Company") != "Company" and _unknown_name(text[start:end]) \
                and not pats.not_product.search(text, start, end):  # 网约车平台: a trade, not a name
            add(start, end, pats.types[head], 0.5)
    for start, end in foreign:
        label = text[start:end].translate(_DOTS)
        iri = gazetteer.alias_index.get(label)
        if iri and not any(not (end <= s or start >= e) for s, e in taken):  # 蒂姆•库克 is 蒂姆·库克
            taken.append((start, end))
            found.append(Mention(start, end, text[start:end], gazetteer.entities[iri], "gazetteer", 0.9))
        else:
            add(start, end, "Person", 0.5)
    for m in (*pats.person.finditer(text), *pats.person_is.finditer(text)):
        end = _person_end(text, m.start("name"), m.end("name"))
        if _adverb_and_verb(m.group("name")) or _adverb_and_verb(text[m.start("name"):end]) \
                or _starts_with_a_word(text[m.start("name"):end], pats.not_name_starts, m.re is pats.person_is):
            continue  # 负责人曾说: an adverb that is also a surname; 董事长盛赞, 创始人齐聚: a word
        add(m.start("name"), end, "Person", 0.5)
        _add_next_persons(text, end, pats, add)  # 创始人王中军、王中磊入选
    for k in known:
        if k.entity.type == "Person":
            _add_next_persons(text, k.end, pats, add)  # 王兴和张涛分别出任…
    for m in pats.framed_person.finditer(text):
        group = next(g for g in ("a", "b", "c", "d") if m.group(g))
        add(m.start(group), m.end(group), "Person", 0.5)
        if group == "d":
            _add_next_persons(text, m.end(group), pats, add)  # 由毛文超和瞿芳于2013年创立
    for m in pats.titled_person.finditer(text):
        span = _org_before(text, m.start(), pats)
        if span is None:
            continue
        inside = [e for s, e in taken if span[0] <= s < span[1] and e <= span[1]]
        if inside:  # 淘宝C2M事业部总经理: the unit after a known name
            span = (max(inside), span[1])
            if span[1] - span[0] < 2 or not _is_name(text[span[0]:span[1]]) \
                    or pats.department.fullmatch(text, span[0], span[1]):
                continue  # 北京大学法学院教授: the department is the university's, no name of its own
        if not any(not (span[1] <= s or span[0] >= e) for s, e in taken):
            unit = re.search(r"(?:事业部|事业群|部门|业务部|业务)$", text[span[0]:span[1]])
            add(span[0], span[1], "BusinessUnit" if unit else "Company", 0.5)
    return found
