"""Tests for kg.timex: NOTES.md "Dates", issue 3, negatives, properties."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.timex import DateContext, TimeExpr


def run(article: str | None, *sentences: str) -> list[TimeExpr]:
    """Resolve ``sentences`` in order; return the expressions of the last one."""
    ctx = DateContext(article)
    out: list[TimeExpr] = []
    for s in sentences:
        out = ctx.resolve(s)
    return out


def values(article: str | None, *sentences: str) -> list[str | None]:
    return [e.value for e in run(article, *sentences)]


# -- NOTES.md "Dates", with article date and preceding context ------------------
@pytest.mark.parametrize(
    "article, sentences, expected",
    [
        # 000
        ("2021-04-12", ["4月7日，继淘宝特价版之后，闲鱼也被曝出向微信提交了小程序申请。"], ["2021-04-07"]),
        ("2021-04-12", ["早在2013年，双方便已相互封禁。"], ["2013"]),
        # 000: a 4月7日 lede four sentences after "2020年9月" (现阶段 resets; stale context)
        ("2021-04-12", ["2020年9月，阿里巴巴副总裁平畴曾在接受采访时提到。", "不过，闲鱼的体量都显得不足。",
                        "现阶段闲鱼乃至整个移动互联网都面临着流量红利消逝的现状。", "针对线上流量，闲鱼正在寻求合作。",
                        "4月7日，财联社报道称，闲鱼也向微信提交了小程序申请。"], ["2021-04-07"]),
        ("2021-04-12", ["截至2020年年底，阿里中国零售市场移动月活数为9.02亿。"], ["2020-12"]),
        ("2021-04-12", ["其交易额在2020年底已经达到1.6万亿元。"], ["2020-12"]),
        ("2021-04-12", ["阿里巴巴2020财年的交易额破万亿美元。"], ["2020"]),
        # 001
        ("2021-03-19", ["3月15日，有消息人士称阿里巴巴计划在腾讯微信上开通淘宝特价版小程序。"], ["2021-03-15"]),
        ("2021-03-19", ["如今看来，这一判断正在成为现实。3月17日，淘宝特价版客服表示有微信小程序。"], ["2021-03-17"]),
        ("2021-03-19", ["3月15日，有消息人士称。", "早在春节前夕，就有相关媒体报道称。"], ["2021-02"]),
        ("2021-03-19", ["一个月后，2020年8月20日抖音又从服务费开始区别对待。", "10月9日，抖音直接关闭了第三方商品进入直播间的通道。"],
         ["2020-10-09"]),
        ("2021-03-19", ["最早可以追溯至2008年，那一年，淘宝网屏蔽百度搜索。"], ["2008", "2008"]),
        ("2021-03-19", ["阿里和腾讯之间的彼此筑“墙”，发生在2013年下半年，淘宝对微信进行封禁。",
                        "同年11月，腾讯封禁阿里旗下社交软件“来往”的红包活动。"], ["2013-11"]),
        ("2021-03-19", ["快手方面也曾在2019年年底暂停淘宝外链。"], ["2019-12"]),
        ("2021-03-19", ["2020年3月份，淘宝决定重启淘宝特价版，同月26日，正式发布淘宝特价版。"], ["2020-03", "2020-03-26"]),
        ("2021-03-19", ["根据财报显示之后2020年第四季度就冲过1亿。"], ["2020"]),
        ("2021-03-19", ["拼多多则冲过2020年Q2的6.8亿用户。"], ["2020"]),
        ("2021-03-19", ["三季度，拼多多、京东、阿里的年度活跃用户数量分别净增加。"], ["2020"]),
        # 002 (repost dated 2024-11-17, written around January 2024)
        ("2024-11-17", ["1月22日,有消息称,闲鱼即将推出微信小程序。"], ["2024-01-22"]),
        ("2024-11-17", ["阿里巴巴电商业务将在2021年密集进军微信小程序。",
                        "今年春节前夕,阿里巴巴尝试让旗下淘宝特价版登录微信小程序。"], ["2021-02"]),
        ("2024-11-17", ["阿里巴巴电商业务将在2021年密集进军微信小程序。", "今年春节前夕,阿里巴巴尝试。",
                        "当时,该小程序的名称为“向值”。", "随后,同年3月,又有消息称闲鱼向微信提交了小程序申请。"], ["2021-03"]),
        ("2024-11-17", ["2023年618前夕,天猫推出全新微信小程序商城“天猫有品”。"], ["2023-06"]),
        ("2024-11-17", ["2021年,“反垄断”、“互联”成为互联网领域的关键词。", "工信部要求企业按照整改要求。",
                        "不过,近期,各大厂商却出现了积极张开双臂的迹象。", "不久前,禁播5年的《王者荣耀》抖音直播被解禁。",
                        "1月21日起,玩家可以在抖音直播观看《王者荣耀》。"], ["2024-01-21"]),
        # 003
        ("2021-04-27", ["距离阿里巴巴向微信申请开通淘宝特价版小程序，至今已经一个多月。"], ["2021-03"]),
        ("2021-04-27", ["去年抖音直播电商切断与阿里的链接。"], ["2020"]),
        ("2021-04-27", ["1688早在4年前，也就是微信小程序刚推出的时候，就开通了微信小程序。"], ["2017"]),
        ("2021-04-27", ["2021年2月2日夜，阿里巴巴集团发布2021财年3季度业绩公告。"], ["2021-02-02", "2021"]),
        ("2021-04-27", ["此前于3月25日，汪海向媒体表示。"], [None, "2021-03-25"]),
        # 004
        ("2021-07-15", ["例如前几天高德地图就在微信朋友圈进行了广告投放。"], ["2021-07"]),
        ("2021-07-15", ["2021年5月底，微信已经基本关闭了“小程序唤起APP”的功能。"], ["2021-05"]),
    ],
)
def test_notes_examples(article: str, sentences: list[str], expected: list[str | None]) -> None:
    assert values(article, *sentences) == expected


# -- the forms listed in issue 3 and the brief ---------------------------------------
@pytest.mark.parametrize(
    "article, sentence, expected, explicit",
    [
        ("2021-04-12", "2021年4月7日，闲鱼提交申请。", "2021-04-07", True),
        ("2021-04-12", "2021年4月，闲鱼提交申请。", "2021-04", True),
        ("2021-04-12", "2021年，闲鱼提交申请。", "2021", True),
        ("2021-04-12", "发布于2021-04-07。", "2021-04-07", True),
        ("2021-04-12", "发布于2021/4/7。", "2021-04-07", True),
        ("2021-04-12", "发布于２０２１年４月７日。", "2021-04-07", True),
        ("2021-04-12", "二〇二一年三月五日", "2021-03-05", True),
        ("2021-04-12", "3月，闲鱼提交申请。", "2021-03", False),
        ("2021-04-12", "3月份，闲鱼提交申请。", "2021-03", False),
        ("2021-04-12", "今年，闲鱼提交申请。", "2021", False),
        ("2021-04-12", "明年将上线。", "2022", False),
        ("2021-04-12", "前年上线。", "2019", False),
        ("2021-04-12", "两年前上线。", "2019", False),
        ("2021-04-12", "一年前上线。", "2020", False),
        ("2021-04-12", "年底上线。", "2021-12", False),
        ("2021-04-12", "年初上线。", "2021", False),
        ("2021-04-12", "今年春节前夕上线。", "2021-02", False),
        ("2020-03-01", "春节前夕上线。", "2020-01", False),
        ("2021-04-12", "双11当天上线。", "2020-11", False),
        ("2021-12-01", "双十一期间上线。", "2021-11", False),
        ("2021-04-12", "将于12月上线。", "2021-12", False),
        ("2021-04-12", "12月上线。", "2020-12", False),
        ("2021-04-12", "近日，闲鱼提交申请。", "2021-04", False),
        ("2021-04-12", "昨天，闲鱼提交申请。", "2021-04-11", False),
        ("2021-04-12", "当天，闲鱼提交申请。", "2021-04-12", False),
        ("2021-04-12", "3个月前上线。", "2021-01", False),
        ("2021-04-12", "5天前上线。", "2021-04-07", False),
        ("2021-04-12", "2020年Q4财报。", "2020", True),
        ("2021-04-12", "2020年第四季度财报。", "2020", True),
        ("2021-04-12", "2013年下半年。", "2013", True),
        ("2021-04-12", "2013年年末。", "2013-12", True),
        ("2021-04-12", "2013年底。", "2013-12", True),
        ("2021-04-12", "截至2020年年底，", "2020-12", True),
        (None, "2021年4月7日", "2021-04-07", True),
        (None, "4月7日", None, False),
        (None, "去年", None, False),
    ],
)
def test_forms(article: str | None, sentence: str, expected: str | None, explicit: bool) -> None:
    exprs = run(article, sentence)
    assert [e.value for e in exprs][:1] == [expected]
    assert exprs[0].explicit is explicit


def test_same_day_and_next_day_use_the_anchor() -> None:
    assert values("2021-04-12", "2021年4月10日，市场监管总局做出处罚。", "当天，阿里巴巴发布致歉信。") == ["2021-04-10"]
    assert values("2021-04-12", "2021年4月10日，处罚。", "次日，阿里召开电话会。") == ["2021-04-11"]
    assert values("2021-04-12", "2021年4月10日，处罚。", "同日，阿里回应。") == ["2021-04-10"]


def test_month_end_uses_anchor_month() -> None:
    assert values("2021-04-12", "2020年8月，抖音发布新规。", "月底，抖音关闭外链。") == ["2020-08"]


def test_prior_is_returned_without_value() -> None:
    (e,) = run("2021-04-12", "此前转转曾试图发展全品类。")
    assert e.text == "此前" and e.value is None


def test_context_updates_across_sentences() -> None:
    ctx = DateContext("2021-04-12")
    ctx.resolve("2013年，淘宝率先关闭了微信到淘宝商品和店铺的渠道。")
    assert ctx.context == "2013"
    assert [e.value for e in ctx.resolve("同年，微信回应。")] == ["2013"]
    assert [e.value for e in ctx.resolve("当年，腾讯回应。")] == ["2013"]
    assert [e.value for e in ctx.resolve("次年，阿里回应。")] == ["2014"]


def test_jinnian_is_article_year_after_plain_past_year() -> None:
    # rule 3: a plain earlier year does not move 今年
    assert values("2021-04-12", "2020年拼多多营收增长。", "今年阿里加大投入。") == ["2021"]
    assert values("2021-04-12", "2020年拼多多营收增长。", "今年2月，阿里加大投入。") == ["2021-02"]


def test_impossible_dates_do_not_raise() -> None:
    assert values("2021-04-12", "2021年13月45日") == [None]
    assert values("2021-04-12", "2月30日") == [None]
    assert values("2021-04-12", "2021年2月30日") == [None]
    assert values("2021-04-12", "2021-02-30") == [None]


def test_offsets_point_into_the_sentence() -> None:
    s = "据报道，2021年4月7日，闲鱼也被曝出向微信提交了小程序申请。"
    (e,) = run("2021-04-12", s)
    assert s[e.start:e.end] == e.text == "2021年4月7日"


@pytest.mark.parametrize(
    "sentence",
    [
        "对于巨头之间彼此筑“墙”十三年之久的互联网来说",
        "禁播5年的《王者荣耀》",
        "近十年来",
        "闲鱼GMV突破2000亿元",
        "淘宝特价版又和阿里内贸B2B平台1688打通",
        "微信支付与支付宝的比例约为3比1",
        "618",
        "客服电话13800138000，或拨打400-820-8820",
        "24小时客服",
        "L5级以上的鱼小铺用户",
        "过去12个月的活跃买家数",
        "2018-2019的两年时间里",
        "今日头条和前天猫总裁",
        "万一出了问题，千万不要慌",
        "近2000年的历史",
        "5G手机和iPhone12",
    ],
)
def test_non_dates(sentence: str) -> None:
    assert run("2021-04-12", sentence) == []


def test_no_article_date_is_safe() -> None:
    assert values(None, "今年春节前夕") == [None]
    assert values(None, "2013年", "同年11月") == ["2013-11"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(list("0123456789年月日号今去明前同当天底初季度Q第一二三十春节前夕双十一618此近几个多至已经-/.，。 ")) ), max_size=4),
       st.sampled_from([None, "2021-04-12", "2024-01-01", "bad"]))
def test_property_dateish_text(sentences: list[str], article: str | None) -> None:
    ctx = DateContext(article)
    for s in sentences:
        for e in ctx.resolve(s):
            assert 0 <= e.start < e.end <= len(s)
            assert s[e.start:e.end] == e.text
            assert e.value is None or len(e.value) in (4, 7, 10)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_property_arbitrary_text(s: str) -> None:
    for e in DateContext("2021-04-12").resolve(s):
        assert s[e.start:e.end] == e.text
