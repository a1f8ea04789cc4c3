"""Fixes from probing 2020–2022 platform-regulation wording (reviews, 二选一 cases, links).

The sentences are written for these tests; each shows a general way such articles
state a fact, next to a near miss that must keep its old reading.
"""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import extract_text, triples  # noqa: F401  (extractor: a conftest fixture)

from kg.cues import Cues
from kg.rules import RuleError
from kg.wordlists import ontology_dir

ARTICLE_DATE = "2021-08-01"


def facts(extractor, text):
    return extract_text(extractor, text, ARTICLE_DATE)


# ------------------------------------------------------------------ 其 as the object of its clause
@pytest.mark.parametrize("text", [
    "滴滴出行于2021年6月30日在纽交所上市，7月2日网络安全审查办公室宣布对其实施网络安全审查。",
    "滴滴出行于2021年6月30日在纽交所上市。7月2日，网络安全审查办公室宣布对其实施网络安全审查。",
])
def test_qi_after_dui_is_not_the_actor_of_its_own_clause(extractor, text):
    """对其实施: 其 is whom the clause's actor acts on (and 其实 here is no 'in fact')."""
    assert ("网络安全审查办公室", "investigates", "滴滴出行") in triples(facts(extractor, text))


def test_qi_as_a_possessive_still_points_at_the_actor(extractor):
    found = triples(facts(extractor, "阿里巴巴对其旗下的淘宝进行了调整。"))
    assert ("阿里巴巴", "owns", "淘宝") in found


def test_qi_shi_meaning_in_fact_is_no_reference(extractor):
    found = triples(facts(extractor, "美团上线了新功能。其实，市场监管总局对滴滴出行进行了调查。"))
    assert ("市场监管总局", "investigates", "滴滴出行") in found
    assert not any(p == "investigates" and o == "美团" for _, p, o in found)


# ------------------------------------------------------------------ a regulator before a clause
def test_a_clause_between_the_regulator_and_dui(extractor):
    text = "2020年12月24日，市场监管总局根据举报，依法对阿里巴巴集团控股有限公司实施“二选一”等涉嫌垄断行为立案调查。"
    assert ("市场监管总局", "investigates", "阿里巴巴") in triples(facts(extractor, text))


def test_another_name_between_keeps_the_regulator_out(extractor):
    assert not facts(extractor, "市场监管总局表示，阿里巴巴对此次调查积极配合。")


# ------------------------------------------------------------------ implicit payment subject
def test_an_implicit_subject_is_never_the_namesake_of_the_payment_service(extractor):
    """微信小程序 names the platform 微信: it does not 'support 微信支付'; the app does."""
    text = "阿里巴巴旗下的优酷已经上线微信小程序，但支付仍只能使用微信支付。"
    found = triples(facts(extractor, text))
    assert ("优酷", "supports_payment", "微信支付") in found
    assert ("微信", "supports_payment", "微信支付") not in found


# ------------------------------------------------------------------ 据…报道
@pytest.mark.parametrize("source", ["媒体", "晚点LatePost", "《财经》"])
def test_according_to_any_outlet_is_reported(extractor, source):
    (fact,) = [f for f in facts(extractor, f"据{source}报道，淘宝已向微信提交了小程序申请。")
               if f.predicate == "applies_to"]
    assert fact.modality == "reported"


def test_a_report_in_a_later_clause_does_not_make_the_fact_reported(extractor):
    (fact,) = [f for f in facts(extractor, "淘宝已向微信提交了小程序申请，据媒体报道，审核仍在进行。")
               if f.predicate == "applies_to"]
    assert fact.modality == "asserted"


@pytest.mark.parametrize("scope, words, message", [
    ("sentence_regex", ["据(报道"], r"modality.json: reported.sentence_regex: bad regular expression '据\(报道'"),
    ("nera", ["据悉"], r"modality.json: reported.nera: unknown scope"),
])
def test_a_bad_cue_table_is_named_when_the_cues_are_read(tmp_path, scope, words, message):
    base = tmp_path / "ontology"
    shutil.copytree(ontology_dir(None), base)
    path = base / "lexicon" / "modality.json"
    table = json.loads(path.read_text(encoding="utf-8"))
    table["reported"][scope] = words
    path.write_text(json.dumps(table, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(RuleError, match=message):
        Cues(str(base))


# ------------------------------------------------------------------ 与 + a verb of two parties
def test_a_name_joined_by_yu_before_a_partner_verb_is_no_list_member(extractor):
    found = triples(facts(extractor, "字节跳动旗下的抖音与京东签署了战略合作协议。"))
    assert ("字节跳动", "owns", "抖音") in found
    assert ("字节跳动", "owns", "京东") not in found
    assert ("抖音", "cooperates_with", "京东") in found


@pytest.mark.parametrize("text, a, b", [
    ("阿里旗下的淘宝与天猫都是电商平台。", "阿里巴巴", "天猫"),           # no partner verb: a list
    ("腾讯2012年与阿里巴巴、中国平安联手成立了众安在线。", "腾讯", "中国平安"),  # joined by 、: both partners
])
def test_lists_without_a_partner_after_yu_stay_whole(extractor, text, a, b):
    assert any(s == a and o == b for s, _, o in triples(facts(extractor, text)))


def test_a_name_before_qixia_starts_its_own_phrase(extractor):
    found = triples(facts(extractor, "字节跳动旗下的抖音和腾讯旗下的快手在短视频领域竞争激烈。"))
    assert {("字节跳动", "owns", "抖音"), ("腾讯", "owns", "快手")} <= found
    assert ("字节跳动", "owns", "腾讯") not in found


def test_qi_before_a_shareholder_word_is_not_the_shareholder(extractor):
    found = triples(facts(extractor, "2021年2月，快手在港交所上市，腾讯是其第一大股东。"))
    assert ("腾讯", "invests_in", "快手") in found


# ------------------------------------------------------------------ topic chains (rules with "topic_chain": true)
def test_topic_chain_variant_of_a_pattern():
    from kg.rules import topic_chain
    variant = topic_chain("{S:Actor}(?!版)<0,14>@block{O:App}", ["随后", "而"])
    assert variant.startswith("(?:^|[，,；;])(?:随后|而)?{S:Actor}(?!版)")
    assert variant.endswith("@block{O:App}")
    assert topic_chain("{S:Actor}<<0,20!mentions>>@acquire{O:App}") is None  # no clause gap to replace
    assert topic_chain("在{O:App}上@enter{S:App}") is None


@pytest.mark.parametrize("text, subject", [
    ("微信对外链的管控由来已久，早在2013年就封杀了淘宝的外链。", "微信"),
    ("2013年，而微信对外链一向严格，封杀了淘宝的外链。", "微信"),           # an opener before the subject
])
def test_the_subject_of_an_earlier_clause_carries_over(extractor, text, subject):
    assert (subject, "blocks", "淘宝") in triples(facts(extractor, text))


@pytest.mark.parametrize("text", [
    "微信对外链的管控由来已久，京东也在2013年封杀了淘宝的外链。",   # the last clause has its own subject
    "微信发布了公告，他表示已封杀淘宝的外链。",                      # a pronoun opens the last clause
    "用户喜欢微信的设计，早在2013年就封杀了淘宝的外链。",            # 微信 does not open its clause
    "微信对外链的管控由来已久，张小龙曾多次表态，早在2013年就封杀了淘宝的外链。",  # a clause between opens with a person
])
def test_no_topic_chain_past_another_subject(extractor, text):
    assert ("微信", "blocks", "淘宝") not in triples(facts(extractor, text))


def test_a_recalled_subject_only_where_the_sentence_names_none(extractor):
    """仅支持微信支付 recalls an app from before only when the sentence has no payer of its own."""
    text = "4月，闲鱼也提交了微信小程序申请。值得注意的是，饿了么微信小程序目前仅支持微信支付。"
    found = triples(facts(extractor, text))
    assert ("饿了么", "supports_payment", "微信支付") in found
    assert ("闲鱼", "supports_payment", "微信支付") not in found
    assert ("微信", "supports_payment", "微信支付") not in found  # 饿了么微信小程序 is 饿了么's


def test_a_recalled_subject_where_the_sentence_names_none(extractor):
    found = triples(facts(extractor, "拣值了小程序短暂上线。支付功能只有微信支付。"))
    assert ("拣值了", "supports_payment", "微信支付") in found


@pytest.mark.parametrize("text, dated", [
    ("4月，闲鱼提交了申请。饿了么App则同时支持支付宝和微信支付。", False),   # 同时 = both, no time
    ("4月，闲鱼提交了申请。同时，饿了么App支持支付宝。", True),             # 同时， = at that time
])
def test_tongshi_carries_a_date_only_as_a_connective(extractor, text, dated):
    (fact,) = [f for f in facts(extractor, text) if f.predicate == "supports_payment" and f.object.label == "支付宝"]
    assert (fact.date == "2021-04") is dated


def test_an_ambiguous_name_joined_to_another_name_is_a_name(extractor):
    """菜鸟 is also 'a newbie': joined by 与 to 顺丰 it is the company; joined to 新手, a word."""
    found = triples(facts(extractor, "菜鸟与顺丰互相关闭数据接口。"))
    assert {("菜鸟", "blocks", "顺丰"), ("顺丰", "blocks", "菜鸟")} <= found
    names = {m.text for m in extractor.tagger.mentions("他是个菜鸟和新手。")}
    assert "菜鸟" not in names


def test_an_organisation_before_a_title_starts_after_a_verb_of_inviting(extractor):
    found = triples(facts(extractor, "会议特邀海淀区教委副主任赵建国出席。"))
    assert ("赵建国", "holds_position", "海淀区教委") in found


@pytest.mark.parametrize("name", ["Net-a-Porter", "Coca-Cola"])
def test_a_hyphenated_latin_name_is_one_name(extractor, name):
    assert (name, "launches_on", "天猫") in triples(facts(extractor, f"{name}宣布入驻天猫。"))


def test_qi_opening_a_sentence_points_at_the_topic_of_the_one_before(extractor):
    text = ("闲鱼作为阿里社区梦想的重要产品，需要进一步扩展流量。"
            "目前其虽然是二手电商头部玩家，但也面临着爱回收、快手等流量平台的夹击。")
    found = triples(facts(extractor, text))
    assert {("闲鱼", "competes_with", "爱回收"), ("闲鱼", "competes_with", "快手")} <= found
    assert not any(s == "阿里巴巴" and p == "competes_with" for s, p, _ in found)


def test_qi_after_a_name_in_its_own_sentence_stays_with_the_nearest(extractor):
    text = "海择资本投资了马蜂窝。2017年马蜂窝宣布其交易额超过100亿元。"
    (fact,) = [f for f in facts(extractor, text) if f.predicate == "reports_metric"]
    assert fact.subject.label == "马蜂窝"


def test_erzhe_is_the_two_subjects_named_before_not_the_clause_own_name(extractor):
    text = ("拼多多于2018年7月在美国上市。四个月后，同程艺龙作为小程序第一股在港上市，其流量来自于微信平台。"
            "腾讯也是二者的大股东。")
    found = triples(facts(extractor, text))
    assert {("腾讯", "invests_in", "拼多多"), ("腾讯", "invests_in", "同程艺龙")} <= found
    assert ("腾讯", "invests_in", "微信") not in found


def test_cannot_do_without_is_no_negation(extractor):
    (fact,) = [f for f in facts(extractor, "搜狗流量的保持，仍然离不开与腾讯的合作。") if f.predicate == "cooperates_with"]
    assert fact.modality == "asserted"


def test_a_cue_before_a_turning_clause_is_not_the_trigger_s(extractor):
    (fact,) = [f for f in facts(extractor, "转转曾试图发展全品类，但失败后决定收购找靓机。") if f.predicate == "acquires"]
    assert fact.modality == "asserted"
    (fact,) = [f for f in facts(extractor, "转转曾试图收购找靓机。") if f.predicate == "acquires"]
    assert fact.modality == "planned"


def test_a_cue_after_a_change_of_topic_is_not_the_trigger_s(extractor):
    text = "拣值了小程序短暂上线以后，很快就被暂停服务，至于原因是主动下架还是被封禁都未可知。"
    (fact,) = [f for f in facts(extractor, text) if f.predicate == "suspends"]
    assert fact.modality == "asserted"
    (fact,) = [f for f in facts(extractor, "拣值了小程序是否会被暂停服务还未可知。") if f.predicate == "suspends"]
    assert fact.modality == "hypothetical"


@pytest.mark.parametrize("text, pair", [
    ("拼多多上市，同程艺龙也接入了微信，腾讯也是二者的大股东。", {"拼多多", "同程艺龙"}),   # two subjects, not the App 微信
    ("拼多多上市了。美团和京东上市后，腾讯是二者的大股东。", {"美团", "京东"}),           # coordinated subjects
    ("拼多多上市了。腾讯投资了阿里巴巴和京东二者。", {"阿里巴巴", "京东"}),             # named right before 二者
])
def test_the_pair_of_erzhe(extractor, text, pair):
    found = {o for s, p, o in triples(facts(extractor, text)) if s == "腾讯" and p == "invests_in"}
    assert found == pair


def test_a_failure_after_but_still_negates_the_talks(extractor):
    (fact,) = [f for f in facts(extractor, "阿里巴巴与京东洽谈合作，但最终告吹。") if f.predicate == "cooperates_with"]
    assert fact.modality == "negated"


def test_an_adjective_with_bu_is_no_negation(extractor):
    text = "北京市市场监管局对京东、天猫、唯品会三家平台不正当价格行为分别处以50万元顶格罚款。"
    fines = [f for f in facts(extractor, text) if f.predicate == "fines"]
    assert {f.object.label for f in fines} == {"京东", "天猫", "唯品会"}
    assert {f.modality for f in fines} == {"asserted"}


def test_ren_after_a_name_is_the_verb(extractor):
    names = {m.text for m in extractor.tagger.mentions("校长高松任中国矿业大学党委书记。") if m.entity.type == "Person"}
    assert "高松任" not in names
