"""Fixes from a fifth held-out set of platform articles (penalty notices with several
targets, link walls, short names): each test shows a general way such articles state a
fact, next to a near miss that must keep its old reading.
"""

from __future__ import annotations

import pytest
from conftest import extract_text, triples  # noqa: F401  (extractor: a conftest fixture)

from kg.cues import pick_amount
from kg.quantity import find_quantities

ARTICLE_DATE = "2022-07-21"


def facts(extractor, text):
    return extract_text(extractor, text, ARTICLE_DATE)


def fines(extractor, text):
    return {(f.object.label, f.amount) for f in facts(extractor, text) if f.predicate == "fines"}


# ------------------------------------------------------------------ fines: one amount per target
def test_each_target_of_a_decision_gets_its_own_amount(extractor):
    text = "国家网信办对滴滴全球股份有限公司处人民币80.26亿元罚款，对腾讯、阿里巴巴各处人民币100万元罚款。"
    assert fines(extractor, text) == {("滴滴", 8.026e9), ("腾讯", 1e6), ("阿里巴巴", 1e6)}


def test_a_total_in_a_clause_that_names_nobody_is_still_the_fine(extractor):
    text = "市场监管总局对阿里巴巴处以其2019年中国境内销售额4557.12亿元4%的罚款，计182.28亿元。"
    assert fines(extractor, text) == {("阿里巴巴", 1.8228e10)}


def test_pick_amount_last_stays_inside_its_window():
    text = "对甲处80亿元罚款，对乙处100万元罚款。"
    quantities = find_quantities(text)
    trigger = text.index("罚款")
    assert pick_amount(quantities, trigger, "money_last").value == 1e6  # the old reading: last of the sentence
    assert pick_amount(quantities, trigger, "money_last", within=(0, text.index("，"))).value == 8e9
    assert pick_amount(quantities, trigger, "money_last", within=(0, 1)).value == 1e6  # none inside: as before


# ------------------------------------------------------------------ link walls
@pytest.mark.parametrize("text, expected", [
    ("抖音的分享链接在微信、QQ内同样遭到限制。", {("微信", "blocks", "抖音"), ("QQ", "blocks", "抖音")}),
    ("用户无法在微信中直接打开淘宝商品链接。", {("微信", "blocks", "淘宝")}),
    ("多闪发布当天，其分享链接便遭到微信封禁。", {("微信", "blocks", "多闪")}),
])
def test_links_limited_inside_an_app(extractor, text, expected):
    assert expected <= triples(facts(extractor, text))


@pytest.mark.parametrize("text", ["用户可以在微信中直接打开淘宝商品链接。", "抖音的分享链接在微信、QQ内都能打开。"])
def test_links_that_open_are_no_wall(extractor, text):
    assert not [f for f in facts(extractor, text) if f.predicate == "blocks"]


# ------------------------------------------------------------------ 其 after 旗下
@pytest.mark.parametrize("text", [
    "2019年1月，字节跳动旗下的社交App多闪刚刚发布，其分享链接便遭到微信封禁。",
    "字节跳动旗下的多闪刚刚发布。其分享链接便遭到微信封禁。",
])
def test_a_clause_about_what_a_group_owns_is_about_the_owned_one(extractor, text):
    found = triples(facts(extractor, text))
    assert ("微信", "blocks", "多闪") in found
    assert ("微信", "blocks", "字节跳动") not in found


def test_without_qixia_the_opening_name_stays_the_topic(extractor):
    found = triples(facts(extractor, "字节跳动与多闪团队刚刚发布新版，其分享链接便遭到微信封禁。"))
    assert ("微信", "blocks", "字节跳动") in found


# ------------------------------------------------------------------ lists: 将 "will" and counted groups
def test_a_list_goes_on_before_jiang_meaning_will(extractor):
    text = "阿里巴巴旗下的阿里云智能、淘天集团、本地生活集团和菜鸟集团六大业务集团将分拆。"
    owned = {o for s, p, o in triples(facts(extractor, text)) if p == "owns" and s == "阿里巴巴"}
    assert {"阿里云", "淘天集团", "菜鸟"} <= owned
    assert not any(o.startswith("六大") for o in owned)  # a count of groups is no group


def test_jiang_before_a_name_still_opens_a_clause(extractor):
    found = triples(facts(extractor, "滴滴收购了ofo、阿里将ofo并入饿了么。"))
    assert ("滴滴", "acquires", "ofo") in found
    assert ("滴滴", "acquires", "阿里巴巴") not in found


@pytest.mark.parametrize("text, name", [("三一重工集团和五粮液集团签约。", "三一重工集团"),
                                        ("三一重工集团和五粮液集团签约。", "五粮液集团")])
def test_a_name_may_open_with_a_number(extractor, text, name):
    assert name in {m.text for m in extractor.tagger.mentions(text)}


def test_a_name_that_owns_the_next_is_no_list_member(extractor):
    found = triples(facts(extractor, "美团小程序的支付环节将支持微信支付和快手自有的快手支付。"))
    assert {("美团", "supports_payment", "微信支付"), ("美团", "supports_payment", "快手支付")} <= found
    assert ("美团", "supports_payment", "快手") not in found


# ------------------------------------------------------------------ 其 after 持有/收购
@pytest.mark.parametrize("text, holder, held", [
    ("拼多多上市时，腾讯持有其约14.7%的股份。", "腾讯", "拼多多"),
    ("京东成立十年后，腾讯收购其15%股权。", "腾讯", "京东"),
])
def test_qi_after_holding_a_stake_is_not_the_holder(extractor, text, holder, held):
    found = triples(facts(extractor, text))
    assert (holder, "invests_in", held) in found
    assert not any(s == o for s, p, o in found)


# ------------------------------------------------------------------ mini programs on a named platform
def test_a_mini_program_launched_on_a_named_platform_is_not_on_wechat(extractor):
    found = triples(facts(extractor, "饿了么外卖小程序上线抖音。"))
    assert ("饿了么外卖", "launches_on", "抖音") in found
    assert not any(o == "微信" for _, _, o in found)


# ------------------------------------------------------------------ deal prices and the period of a figure
@pytest.mark.parametrize("text, target, amount, unit", [
    ("字节跳动以约40亿美元收购了上海移动游戏开发商沐瞳科技。", "沐瞳科技", 4e9, "USD"),
    ("字节跳动已完成对VR创业公司Pico的收购，交易金额约90亿元。", "Pico", 9e9, "CNY"),
    ("2019年4月，转转宣布收购找靓机，找靓机估值30亿元。", "找靓机", None, None),  # the target's own figure
    ("滴滴因2016年收购优步中国时未依法申报，被处以50万元罚款。", "优步中国", None, None),  # a fine, no price
])
def test_a_deal_price_stands_in_the_deal_clause(extractor, text, target, amount, unit):
    deal = [f for f in facts(extractor, text) if f.predicate == "acquires" and f.object.label == target]
    assert [(f.amount, f.unit) for f in deal] == [(amount, unit)]


def test_the_year_of_a_turnover_dates_no_order(extractor):
    text = ("10月8日，市场监管总局公布了处罚决定。市场监管总局责令美团停止违法行为，"
            "并处以其2020年中国境内销售额1147.48亿元3%的罚款，计34.42亿元。")
    found = facts(extractor, text)
    assert [f.date for f in found if f.predicate == "orders"] != ["2020"]
    assert [f.date for f in found if f.predicate == "reports_metric"] == ["2020"]  # the figure keeps its year


# ------------------------------------------------------------------ owners and investors of a fifth held-out set
@pytest.mark.parametrize("text, expected", [
    ("2018年4月，阿里巴巴联合蚂蚁金服以95亿美元全资收购饿了么。",
     {("阿里巴巴", "acquires", "饿了么"), ("蚂蚁集团", "acquires", "饿了么")}),
    ("达达集团于2020年上市，京东为其第一大股东。", {("京东", "invests_in", "达达集团")}),
    ("字节跳动同月还投资了芯片设计企业希姆计算。", {("字节跳动", "invests_in", "希姆计算")}),
    ("作为阿里巴巴旗下的本地生活平台，饿了么此前从未在抖音开设小程序。", {("阿里巴巴", "owns", "饿了么")}),
    ("饿了么此前主要依靠支付宝、淘宝等阿里系入口获取流量。",
     {("阿里巴巴", "owns", "支付宝"), ("阿里巴巴", "owns", "淘宝")}),
])
def test_owners_and_investors_stated_in_passing(extractor, text, expected):
    assert expected <= triples(facts(extractor, text))


def test_qi_after_a_copula_is_the_topic_not_the_last_list_member(extractor):
    text = "据了解，丰巢是由顺丰、申通、中通、韵达、普洛斯等联合投资成立的智能快递柜企业，顺丰为其第一大股东。"
    found = triples(facts(extractor, text))
    assert ("顺丰", "invests_in", "丰巢") in found
    assert ("顺丰", "invests_in", "普洛斯") not in found


# ------------------------------------------------------------------ AI and mobility names (2023–2025)
@pytest.mark.parametrize("text, expected, wrong", [
    ("吉利控股集团旗下网约车平台曹操出行将与吉利旗下的极氪合作推出定制网约车。",
     {("吉利", "owns", "曹操出行"), ("吉利", "owns", "极氪")}, ("吉利", "owns", "网约车")),
    ("DeepSeek是量化私募幻方量化旗下的大模型公司。", {("幻方量化", "owns", "DeepSeek")}, None),
    ("腾讯旗下AI助手元宝宣布接入DeepSeek-R1满血版。", {("腾讯", "owns", "腾讯元宝")}, ("腾讯", "owns", "DeepSeek")),
    ("美团旗下的美团打车、阿里巴巴旗下的高德打车以及吉利系的曹操出行等竞争对手纷纷加大补贴力度。",
     {("阿里巴巴", "owns", "高德打车")}, ("阿里巴巴", "owns", "吉利")),
])
def test_owners_of_newer_platforms(extractor, text, expected, wrong):
    found = triples(facts(extractor, text))
    assert expected <= found
    assert wrong not in found


@pytest.mark.parametrize("text", ["这是个吉利的数字，元宝很值钱。"])
def test_common_words_that_are_also_names_need_context(extractor, text):
    assert not extractor.tagger.mentions(text)


# ------------------------------------------------------------------ found by a review of this session's change
@pytest.mark.parametrize("text, wrong", [
    ("美团存在违法行为。市场监管总局发布通报，网信办责令其停止违法行为。", ("国家网信办", "orders", "市场监管总局")),
    ("腾讯投资了拼多多，拼多多上市后腾讯成为其第二大股东。", ("拼多多", "invests_in", "腾讯")),
])
def test_qi_never_names_the_one_directing_nor_the_holder(extractor, text, wrong):
    assert wrong not in triples(facts(extractor, text))


def test_a_figure_named_after_another_name_leaves_the_date_alone(extractor):
    found = facts(extractor, "2016年阿里巴巴利润大增，并全资收购了优酷土豆。")
    assert [f.date for f in found if f.predicate == "acquires"] == ["2016"]
