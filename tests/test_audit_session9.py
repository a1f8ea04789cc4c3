"""Fixes from a sixth held-out set (merger-control fines, music copyright, the 3Q war,
foreign executives): each test shows a general way such articles state a fact, next to
a near miss that must keep its old reading.
"""

from __future__ import annotations

import re

from conftest import extract_text, triples  # noqa: F401  (extractor: a conftest fixture)

from kg.masking import Masked, closeness, coordinated

ARTICLE_DATE = "2021-06-01"


def facts(extractor, text):
    return extract_text(extractor, text, ARTICLE_DATE)


def mentions(extractor, text):
    return [(m.text, m.entity.label) for m in extractor.tagger.mentions(text)]


def of(extractor, text, predicate):
    return {(f.subject.label, f.object.label if f.object else None)
            for f in facts(extractor, text) if f.predicate == predicate}


# ------------------------------------------------------------------ a legal name is one mention
def test_trade_words_and_legal_form_belong_to_the_known_company(extractor):
    found = mentions(extractor, "对阿里巴巴投资有限公司、阅文集团和深圳市丰巢网络技术有限公司处以罚款。")
    assert ("阿里巴巴投资有限公司", "阿里巴巴") in found
    assert ("深圳市丰巢网络技术有限公司", "丰巢") in found


def test_a_word_that_is_no_trade_word_keeps_the_name_apart(extractor):
    found = mentions(extractor, "阿里巴巴投资了一家公司。")
    assert ("阿里巴巴", "阿里巴巴") in found  # 投资 here is the verb: no legal form follows


def test_a_list_of_legal_names_is_fined_member_by_member(extractor):
    text = ("12月14日，市场监管总局依法对阿里巴巴投资有限公司收购银泰商业（集团）有限公司股权等案作出行政处罚决定，"
            "对阿里巴巴投资有限公司、阅文集团和深圳市丰巢网络技术有限公司分别处以50万元人民币罚款。")
    assert of(extractor, text, "fines") == {("市场监管总局", "阿里巴巴"), ("市场监管总局", "阅文集团"),
                                          ("市场监管总局", "丰巢")}


# ------------------------------------------------------------------ lists governed by 对
def test_fenbie_after_a_list_under_dui_keeps_the_list(extractor):
    assert of(extractor, "市场监管总局对阿里巴巴、阅文集团和丰巢分别处以50万元罚款。", "fines") == {
        ("市场监管总局", "阿里巴巴"), ("市场监管总局", "阅文集团"), ("市场监管总局", "丰巢")}


def test_fenbie_after_a_list_of_subjects_still_opens_a_clause():
    # 腾讯收购A、B分别…: without 对 before the list, 分别 opens a new clause (old reading)
    text = "\ue000收购\ue001、\ue002分别上线"
    masked = Masked(text=text, slots={0: ("x",), 3: ("x",), 5: ("x",)})
    assert coordinated(masked, 3, None, clause_verbs=("分别",), governors=("对",)) == [3]
    governed = "对\ue001、\ue002分别处以"
    masked = Masked(text=governed, slots={1: ("x",), 3: ("x",)})
    assert coordinated(masked, 1, None, clause_verbs=("分别",), governors=("对",)) == [1, 3]


def test_of_two_matches_of_one_trigger_the_object_nearest_it_wins():
    pattern = re.compile(r"(?P<S>S).{0,40}?对(?P<O>[AB]).{0,40}?(?P<T>罚)")
    text = "S对A作出决定，对B罚"
    far = pattern.search(text)
    near = re.compile(r"(?P<S>S).*，对(?P<O>[AB]).{0,40}?(?P<T>罚)").search(text)
    assert far.group("O") == "A" and near.group("O") == "B"
    assert closeness(near) < closeness(far)


# ------------------------------------------------------------------ 其 after 对
def test_dui_qi_points_at_the_object_of_the_clause_before(extractor):
    text = "国家网信办依法对滴滴全球股份有限公司处以80.26亿元罚款，对其董事长兼CEO程维、总裁柳青各处100万元罚款。"
    assert of(extractor, text, "holds_position") == {("程维", "滴滴"), ("柳青", "滴滴")}
    assert {(f.object.label, f.amount) for f in facts(extractor, text) if f.predicate == "fines"} == {
        ("滴滴", 8.026e9)}  # the 100万 are the persons' fines, not the company's


def test_qi_opening_a_clause_without_dui_is_still_the_topic(extractor):
    text = "拼多多依靠微信起家，其营收在2020年超过594亿元。"
    assert ("拼多多", None) in of(extractor, text, "reports_metric")


# ------------------------------------------------------------------ regulators
def test_a_regulators_prohibition_is_an_order_not_a_block(extractor):
    text = "市场监管总局发布公告，依法禁止腾讯控股有限公司申报的虎牙公司与斗鱼国际控股有限公司合并案。"
    found = facts(extractor, text)
    assert ("市场监管总局", "腾讯") in of(extractor, text, "orders")
    assert not [f for f in found if f.predicate == "blocks"]


def test_a_summons_with_a_demand_orders_each_company(extractor):
    text = "国家版权局约谈腾讯音乐、阿里音乐和网易云音乐等主要网络音乐服务商，要求其避免哄抬价格。"
    assert of(extractor, text, "orders") == {("国家版权局", "腾讯音乐"), ("国家版权局", "阿里音乐"),
                                           ("国家版权局", "网易云音乐")}
    assert of(extractor, "国家版权局约谈腾讯音乐，腾讯音乐表示将积极配合。", "orders") == set()


# ------------------------------------------------------------------ persons
def test_a_person_taking_up_a_post_after_an_adverb(extractor):
    assert ("王晓峰", "摩拜") in of(extractor, "王晓峰将继续担任摩拜CEO。", "holds_position")
    assert ("齐向东", "360") in of(extractor, "奇虎360总裁齐向东表示，360不会妥协。", "holds_position")


def test_a_known_name_after_a_name_dot_is_part_of_a_person(extractor):
    found = mentions(extractor, "卡巴斯基实验室创始人尤金・卡巴斯基以工业网络攻击为例。")
    assert ("尤金・卡巴斯基", "尤金・卡巴斯基") in found
    assert of(extractor, "卡巴斯基实验室创始人尤金・卡巴斯基以工业网络攻击为例。", "holds_position") == {
        ("尤金・卡巴斯基", "卡巴斯基")}


def test_a_business_model_after_a_launch_verb_is_no_product(extractor):
    launched = of(extractor, "今年4月10日，淘宝网还推出了B2C平台“淘宝商城”。", "launches")
    assert launched == {("淘宝", "天猫")}
    assert ("苹果", "iPhone XS") in of(extractor, "苹果推出了iPhone XS。", "launches")
