"""Metamorphic tests (issue 3): what real pages do to an article must not change its facts.

(a) Traditional Chinese: every seed file converted with OpenCC ``s2t`` (front matter
    included) keeps at least 95% of the facts of the Simplified build.
(b) Page junk: every seed's body wrapped in realistic web-page junk (a nav menu, ads, a
    spam title line, a "相关阅读" list whose headlines name 阿里巴巴/腾讯/微信 with verbs such as
    屏蔽/收购, a footer with the copyright, a comment widget whose comments name entities)
    gives no fact whose sentence comes from the junk.
(c) Half-width punctuation: seed 000 (and 003) with ，。：；（）turned into , . : ; ( )
    give the same facts; and seed 002, already half-width, gives the same facts when its
    punctuation is made full-width.

Facts are compared as sets of (source, predicate, subject, object).  Each test prints its
figures (facts kept, facts lost, extra facts) for the lead to quote.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from seeds_eval import SEEDS, build_facts, emit, fact_keys, seeds_run  # noqa: F401  (fixture)

_FRONT = re.compile(r"\A(---\s*\n.*?\n---\s*\n)(.*)\Z", re.S)


def _seed_files() -> list[Path]:
    return sorted(p for p in SEEDS.iterdir() if p.is_file() and not p.name.startswith("."))


def _seed(prefix: str) -> Path:
    for path in _seed_files():
        if path.name.startswith(prefix):
            return path
    pytest.skip(f"no seed {prefix}_* in {SEEDS}")


def _split_front(text: str) -> tuple[str, str]:
    m = _FRONT.match(text)
    return (m.group(1), m.group(2)) if m else ("", text)


def _describe(keys) -> str:
    return "\n".join(f"  {k}" for k in sorted(keys, key=str)[:40]) or "  (none)"


def _detail_changes(before, after) -> int:
    """Facts present in both whose (date, modality, amount) values differ (information only)."""
    def details(facts):
        out = {}
        for f in facts:
            key = (Path(str(f["source"])).name, f["predicate"], f.get("subject"), f.get("object"))
            out.setdefault(key, set()).add((f.get("date"), f.get("modality"), f.get("amount")))
        return out
    a, b = details(before), details(after)
    return sum(1 for k in a.keys() & b.keys() if a[k] != b[k])


def _facts_by_key(facts):
    out = {}
    for f in facts:
        out.setdefault((Path(str(f["source"])).name, f["predicate"], f.get("subject"), f.get("object")), f)
    return out


# ---------------------------------------------------------------------------- (a) s2t
@pytest.fixture(scope="module")
def traditional_facts(tmp_path_factory, seeds_run):
    opencc = pytest.importorskip("opencc")
    converter = opencc.OpenCC("s2t")
    folder = tmp_path_factory.mktemp("traditional")
    for path in _seed_files():
        (folder / path.name).write_text(converter.convert(path.read_text(encoding="utf-8")), encoding="utf-8")
    return build_facts([folder], tmp_path_factory.mktemp("traditional-store"))


def test_traditional_keeps_95_percent_of_facts(seeds_run, traditional_facts, capsys):
    clean, trad = fact_keys(seeds_run.facts), fact_keys(traditional_facts)
    kept = len(clean & trad) / len(clean)
    emit(capsys, f"[metamorphic s2t] facts kept {len(clean & trad)}/{len(clean)} = {kept:.1%}; "
                 f"lost {len(clean - trad)}, extra {len(trad - clean)}; "
                 f"kept facts with another date/modality/amount: {_detail_changes(seeds_run.facts, traditional_facts)}\n"
                 f" lost:\n{_describe(clean - trad)}\n extra:\n{_describe(trad - clean)}")
    assert kept >= 0.95, f"Traditional input keeps {kept:.1%} of the facts (< 95%); lost:\n{_describe(clean - trad)}"


# ---------------------------------------------------------------------------- (b) junk
SPAM_TITLE = "【重磅】腾讯封杀阿里巴巴全部链接？微信屏蔽淘宝内幕曝光，点击领取红包！"

NAV = """<header class="site-header"><div class="logo"><a href="/">科技新知网</a></div>
<nav class="main-nav"><ul>
<li><a href="/">首页</a></li><li><a href="/tech">科技</a></li><li><a href="/finance">财经</a></li>
<li><a href="/tag/alibaba">阿里巴巴</a></li><li><a href="/tag/tencent">腾讯</a></li>
<li><a href="/tag/wechat">微信</a></li><li><a href="/tag/pdd">拼多多</a></li><li><a href="/tag/jd">京东</a></li>
<li><a href="/login">登录</a></li><li><a href="/register">注册</a></li>
</ul></nav>
<div class="breadcrumb"><a href="/">首页</a> &gt; <a href="/tech">科技</a> &gt; 正文</div>
</header>"""

ADS_TOP = """<div class="ad ad-banner" id="ad-top"><a href="https://ads.example.com/c?id=1" rel="nofollow">
<img src="/ads/banner1.jpg" alt="广告"/><span>广告</span>阿里云服务器限时1折起，腾讯云新用户专享大礼包，立即抢购！</a></div>
<div class="spam-title"><h2>{spam}</h2></div>"""

RELATED = """<aside class="related"><h3>相关阅读</h3><ul>
<li><a href="/a/101">微信屏蔽抖音链接，字节跳动回应称系不正当竞争</a></li>
<li><a href="/a/102">阿里巴巴收购饿了么，交易额95亿美元</a></li>
<li><a href="/a/103">腾讯投资拼多多，持股比例上升至16.5%</a></li>
<li><a href="/a/104">美团被市场监管总局罚款34.42亿元</a></li>
<li><a href="/a/105">淘宝屏蔽百度搜索，阿里巴巴与腾讯再度交锋</a></li>
</ul></aside>"""

ADS_SIDE = """<div class="sidebar"><div class="ad"><span class="ad-label">推广</span>
<a href="https://ads.example.com/c?id=2">京东618大促：满300减50，拼多多百亿补贴同步开启</a></div>
<div class="hot"><h4>热门推荐</h4><ol>
<li><a href="/a/201">支付宝宣布接入微信支付？官方辟谣</a></li>
<li><a href="/a/202">抖音封禁淘宝外链，快手跟进</a></li>
</ol></div></div>"""

COMMENTS = """<section class="comments" id="comment-widget"><h3>网友评论（128）</h3>
<div class="comment"><span class="user">用户9527</span><span class="time">3小时前</span>
<p>微信早就该屏蔽淘宝了，阿里巴巴收购腾讯都不奇怪。</p><span class="like">赞(32)</span> <span class="reply">回复</span></div>
<div class="comment"><span class="user">科技老王</span><span class="time">5小时前</span>
<p>腾讯和京东合作了这么多年，拼多多也是腾讯投资的。</p><span class="like">赞(12)</span> <span class="reply">回复</span></div>
<div class="comment"><span class="user">匿名用户</span><span class="time">昨天 21:05</span>
<p>市场监管总局对阿里巴巴处以罚款182.28亿元，活该。</p><span class="like">赞(7)</span> <span class="reply">回复</span></div>
<form class="comment-form"><textarea placeholder="说点什么吧"></textarea><button>发表评论</button></form>
<div class="more"><a href="/comments?p=2">查看更多评论</a></div>
</section>"""

FOOTER = """<footer class="site-footer"><div class="links"><a href="/about">关于我们</a> | <a href="/contact">联系我们</a> |
<a href="/ads">广告服务</a> | <a href="/jobs">加入我们</a></div>
<p>Copyright © 2011-2021 科技新知网 版权所有 京ICP备12345678号-1 京公网安备11010502030000号</p>
<p>本站部分内容来自互联网，如有侵权请联系删除。违法和不良信息举报电话：010-12345678</p>
<div class="share">分享到：<a href="#">微信</a> <a href="#">微博</a> <a href="#">QQ空间</a></div>
</footer>
<script>var _hmt = _hmt || []; (function() { var hm = document.createElement("script"); })();</script>"""

#: Sentences of the junk: an extra fact whose sentence is one of these (or inside one) comes from the junk.
JUNK_TEXT = re.sub(r"<[^>]+>", "\n", "\n".join([NAV, ADS_TOP.format(spam=SPAM_TITLE), RELATED, ADS_SIDE,
                                                COMMENTS, FOOTER]))


def _body_html(text: str) -> str:
    """The seed's body as HTML: HTML bodies as they are; plain text (002) one <p> per line."""
    if re.search(r"<(p|div|br)\b", text, re.I):
        return text
    return "\n".join(f"<p>{html.escape(line.strip())}</p>" for line in text.splitlines() if line.strip())


def _wrap(body: str) -> str:
    return "\n".join([
        '<div class="page">', NAV, ADS_TOP.format(spam=SPAM_TITLE),
        '<div class="container"><article class="article-content">', body, "</article>",
        RELATED, ADS_SIDE, COMMENTS, "</div>", FOOTER, "</div>",
    ])


def _as_front_matter(path: Path) -> tuple[str, str]:
    """(front matter, body) of a seed; 002 (title and date lines, no front matter) gets one."""
    front, body = _split_front(path.read_text(encoding="utf-8"))
    if front:
        return front, body
    lines = [line for line in body.splitlines()]
    first = next(i for i, line in enumerate(lines) if line.strip())
    date_index = next((i for i in range(first + 1, min(first + 4, len(lines)))
                       if re.fullmatch(r"\s*\d{4}-\d{2}-\d{2}\s*", lines[i])), None)
    title = lines[first].strip()
    date = lines[date_index].strip() if date_index is not None else ""
    rest = [line for i, line in enumerate(lines) if i != date_index]  # the title line stays in the body
    front = f"---\ntitle: '{title}'\ndate: {date}\n---\n" if date else f"---\ntitle: '{title}'\n---\n"
    return front, "\n".join(rest)


@pytest.fixture(scope="module")
def junk_builds(tmp_path_factory):
    """(baseline facts, junk facts): the same front matter + HTML body without and with the junk."""
    plain = tmp_path_factory.mktemp("junk-baseline")
    junk = tmp_path_factory.mktemp("junk-wrapped")
    for path in _seed_files():
        front, body = _as_front_matter(path)
        body = _body_html(body)
        (plain / path.name).write_text(front + "\n" + body, encoding="utf-8")
        (junk / path.name).write_text(front + "\n" + _wrap(body), encoding="utf-8")
    return (build_facts([plain], tmp_path_factory.mktemp("junk-baseline-store")),
            build_facts([junk], tmp_path_factory.mktemp("junk-wrapped-store")))


def _from_junk(sentence: str) -> bool:
    sentence = (sentence or "").strip()
    if not sentence:
        return False
    pieces = [p.strip() for p in JUNK_TEXT.splitlines() if len(p.strip()) >= 4]
    core = re.sub(r"[\s。！？!?]+$", "", sentence)
    return any(core in p or p in sentence for p in pieces)


def test_page_junk_adds_no_facts(junk_builds, seeds_run, capsys):
    baseline, wrapped = junk_builds
    base_keys, junk_by_key = fact_keys(baseline), _facts_by_key(wrapped)
    extra = {k: f for k, f in junk_by_key.items() if k not in base_keys}
    from_junk = {k: f for k, f in extra.items() if _from_junk(f.get("sentence", ""))}
    lost = base_keys - set(junk_by_key)
    converted = fact_keys(seeds_run.facts)
    emit(capsys, f"[metamorphic junk] baseline {len(base_keys)} facts (original seeds {len(converted)}); "
                 f"wrapped {len(junk_by_key)}: extra {len(extra)}, of which from the junk {len(from_junk)}; "
                 f"lost {len(lost)}\n extra from the junk:\n"
                 + ("\n".join(f"  {k} <- {f.get('sentence')!r} [{f.get('rule')}]" for k, f in sorted(from_junk.items(), key=str))
                    or "  (none)")
                 + f"\n other extra:\n{_describe(set(extra) - set(from_junk))}\n lost:\n{_describe(lost)}")
    assert not from_junk, "facts extracted from page junk:\n" + "\n".join(
        f"  {k} <- {f.get('sentence')!r} ({f.get('rule')})" for k, f in sorted(from_junk.items(), key=str))


def test_junk_baseline_matches_original_seeds(junk_builds, seeds_run):
    """The junk test's baseline is the seeds themselves (002 re-dressed as front matter + HTML)."""
    baseline, _ = junk_builds
    original, base = fact_keys(seeds_run.facts), fact_keys(baseline)
    kept = len(original & base) / len(original)
    assert kept >= 0.95, f"re-dressing 002 as HTML changed the facts: lost {_describe(original - base)}"


# ---------------------------------------------------------------------------- (c) half-width
_TO_HALF = str.maketrans({"，": ",", "。": ".", "：": ":", "；": ";", "（": "(", "）": ")"})
_TO_FULL = {",": "，", ":": "：", ";": "；", "(": "（", ")": "）"}


def _halfwidth_body(path: Path) -> str:
    front, body = _split_front(path.read_text(encoding="utf-8"))
    # only text between tags: attribute values and URLs keep their characters
    return front + re.sub(r">([^<]+)<", lambda m: ">" + m.group(1).translate(_TO_HALF) + "<", body)


def _fullwidth_text(path: Path) -> str:
    """002 is plain text with half-width punctuation: make , : ; ( ) next to Chinese full-width."""
    text = path.read_text(encoding="utf-8")
    cjk = r"[\u4e00-\u9fff“”《》]"
    return re.sub(rf"(?<={cjk})[,:;()]|[,:;()](?={cjk})", lambda m: _TO_FULL[m.group()], text)


@pytest.fixture(scope="module")
def punctuation_builds(tmp_path_factory):
    folder = tmp_path_factory.mktemp("halfwidth")
    for prefix in ("000", "003"):
        path = _seed(prefix)
        (folder / path.name).write_text(_halfwidth_body(path), encoding="utf-8")
    path = _seed("002")
    (folder / path.name).write_text(_fullwidth_text(path), encoding="utf-8")
    return build_facts([folder], tmp_path_factory.mktemp("halfwidth-store"))


@pytest.mark.parametrize("prefix, change", [("000", "full-width -> half-width"), ("003", "full-width -> half-width"),
                                            ("002", "half-width -> full-width")])
def test_punctuation_width_gives_the_same_facts(seeds_run, punctuation_builds, prefix, change, capsys):
    name = _seed(prefix).name
    clean = {k for k in fact_keys(seeds_run.facts) if k[0] == name}
    changed = {k for k in fact_keys(punctuation_builds) if k[0] == name}
    kept = len(clean & changed) / len(clean) if clean else 1.0
    emit(capsys, f"[metamorphic punctuation {prefix}, {change}] facts kept {len(clean & changed)}/{len(clean)} "
                 f"= {kept:.1%}; lost {len(clean - changed)}, extra {len(changed - clean)}; kept facts with another "
                 f"date/modality/amount: {_detail_changes([f for f in seeds_run.facts if Path(str(f['source'])).name == name], [f for f in punctuation_builds if Path(str(f['source'])).name == name])}\n"
                 f" lost:\n{_describe(clean - changed)}\n extra:\n{_describe(changed - clean)}")
    assert changed == clean, (f"seed {prefix} ({change}): lost {len(clean - changed)}, extra {len(changed - clean)}\n"
                              f" lost:\n{_describe(clean - changed)}\n extra:\n{_describe(changed - clean)}")


@pytest.mark.parametrize("prefix", ["000", "003", "002"])
def test_punctuation_width_keeps_dates_and_modality(seeds_run, punctuation_builds, prefix):
    name = _seed(prefix).name
    before = [f for f in seeds_run.facts if Path(str(f["source"])).name == name]
    after = [f for f in punctuation_builds if Path(str(f["source"])).name == name]
    changed = _detail_changes(before, after)
    assert changed == 0, f"seed {prefix}: {changed} facts with another date/modality/amount after the width change"
