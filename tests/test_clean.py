"""Tests of kg.clean: HTML → paragraphs, normalisers and boilerplate."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kg import clean


def texts(paragraphs):
    return [t for t, _ in paragraphs]


def test_inline_tags_join_without_spaces():
    html = '<p>微信用户不能分<a class="project-link" href="x">享淘</a>宝链接</p>'
    assert texts(clean.html_to_paragraphs(html)) == ["微信用户不能分享淘宝链接"]


def test_block_tags_break_paragraphs_and_scripts_are_dropped():
    html = (
        "<div>第一段<br>第二段<script>var x = '不要';</script><style>p{}</style>"
        "<p>第三<strong>段</strong></p><ul><li>甲</li><li>乙</li></ul>"
        "<iframe>广告</iframe><noscript>无</noscript>尾巴</div>"
    )
    assert texts(clean.html_to_paragraphs(html)) == ["第一段", "第二段", "第三段", "甲", "乙", "尾巴"]


def test_entities_unescaped_and_whitespace_collapsed():
    html = "<p>\u3000\u3000阿里&amp;腾讯&nbsp;&nbsp;合作\n  继续\u3000</p><p>   </p><p>&lt;b&gt;</p>"
    assert texts(clean.html_to_paragraphs(html)) == ["阿里&腾讯 合作 继续", "<b>"]


def test_captions_flagged_and_alt_text_ignored():
    html = (
        '<p>正文。</p><img alt="不是正文" src="a.png">'
        '<p class="img-desc">二手电商领域的爱回收和转转都已入驻小程序</p>'
        '<div class="img_wrapper"><img alt><span class="img_descr">新浪配图</span></div>'
        "<figure><img src=b><figcaption>图注</figcaption></figure>"
        '<p label="图片描述">盒马截图</p><p>△闲鱼客服聊天记录截图</p>'
    )
    result = clean.html_to_paragraphs(html)
    assert result == [
        ("正文。", False),
        ("二手电商领域的爱回收和转转都已入驻小程序", True),
        ("新浪配图", True),
        ("图注", True),
        ("盒马截图", True),
        ("△闲鱼客服聊天记录截图", True),
    ]
    assert "不是正文" not in "".join(texts(result))


def test_truncated_and_unclosed_html():
    assert texts(clean.html_to_paragraphs("<p>未闭合<b>粗体<p>下一段<div>截断的")) == ["未闭合粗体", "下一段", "截断的"]
    assert clean.html_to_paragraphs("") == []
    assert clean.html_to_paragraphs("<p>   </p>") == []


def test_ten_thousand_nested_divs():
    html = "<div>" * 10000 + "深层文本" + "</div>" * 10000 + "<p>之后</p>"
    assert texts(clean.html_to_paragraphs(html)) == ["深层文本", "之后"]


def test_nested_divs_without_closing_tags():
    assert texts(clean.html_to_paragraphs("<div>" * 10000 + "深层")) == ["深层"]


def test_controls_and_newlines():
    assert clean.strip_controls("a\x00b\r\nc\rd\x07\u200be") == "ab\nc\nde"


def test_traditional_to_simplified():
    assert clean.to_simplified("阿里巴巴與騰訊考慮互相開放生態系統") == "阿里巴巴与腾讯考虑互相开放生态系统"


def test_simplified_text_is_left_alone():
    # OpenCC t2s would turn 沈 into 沉 and 乾隆 into 干隆: Simplified text must not be converted
    for text in ("沈腾出演了乾隆", "覆盖全国的网络", "阿里巴巴与腾讯"):
        assert clean.to_simplified(text) == text


def test_half_width_punctuation_next_to_chinese():
    assert clean.normalize_punctuation("闲鱼即将上线微信小程序,互联网大厂拆墙更进一步") == (
        "闲鱼即将上线微信小程序，互联网大厂拆墙更进一步"
    )
    assert clean.normalize_punctuation("阿里巴巴(BABA.;.HK)旗下") == "阿里巴巴（BABA.;.HK）旗下"
    assert clean.normalize_punctuation("来源:网络整理?是!") == "来源：网络整理？是！"


def test_numbers_urls_and_tickers_untouched():
    text = "营收4557.12亿元，股价BABA.HK，见1688.com，网址https://a.cn/x?y=1,z:2，4,557人"
    assert clean.normalize_punctuation(text) == text
    assert clean.normalize_punctuation("a,b (c) d:e") == "a,b (c) d:e"


def test_punctuation_normalisation_keeps_length():
    text = "阿里(Alibaba)与腾讯:合作?不,对!"
    assert len(clean.normalize_punctuation(text)) == len(text)
    assert clean.normalize_punctuation(text) == "阿里（Alibaba）与腾讯：合作？不，对！"


BOILERPLATE = [
    "编者按：本文来自微信公众号“连线Insight”（ID：lxinsight），作者：向阳，编辑：子夜，36氪经授权发布。",
    "欢迎关注“创事记”的微信订阅号：sinachuangshiji",
    "文/新熵",
    "来源：新熵（ID：baoliaohui）",
    "原标题：小程序击穿AT柏林墙",
    "（声明：本文仅代表作者观点，不代表新浪网立场。）",
    "-END-",
    "分享",
    "编辑丨林明明",
    "记者丨郭美婷",
    "责任编辑：张三",
    "图源：视觉中国",
    "图片来源：网络",
    "点击这里阅读原文",
    "扫码关注我们",
    "返回搜狐，查看更多",
    "Copyright © 2021 36kr",
    "精度知天下，新闻更悦己",
    ".tech-con p{margin-bottom:30px}",
]


def test_boilerplate_lines_dropped():
    rules = clean.load_boilerplate()
    for line in BOILERPLATE:
        assert rules.is_boilerplate(line), line


def test_real_sentences_are_not_boilerplate():
    rules = clean.load_boilerplate()
    for line in (
        "从淘宝特价版到闲鱼，阿里频频向腾讯抛出橄榄枝，寻求与微信小程序合作。",
        "华少与拍拍严选负责人赖方潇在快手直播间销售二手手机，图源快手APP",
        "来源于用户的反馈显示，闲鱼的增长很快。" * 1,
        "点击率超过了行业平均水平。",
        "分享链接被微信屏蔽。",
    ):
        assert not rules.is_boilerplate(line), line


def test_byline_with_title_is_kept():
    rules = clean.load_boilerplate()
    line = "本文来自微信公众号：互联网怪盗团（ID：TMTphantom），作者：怪盗团团长裴培，头图来自：视觉中国"
    assert not rules.is_boilerplate(line)


def test_long_paragraph_starting_with_credit_is_kept():
    rules = clean.load_boilerplate()
    assert not rules.is_boilerplate("原标题：道歉信来源：中国青年报。" + "我公司发布了道歉信。" * 20)


def test_link_list_after_related_heading_dropped():
    paragraphs = [("正文第一段。", False), ("相关阅读：", False), ("阿里被罚182亿", False),
                  ("腾讯回应", False), ("这是一段很长的正文，它以句号结尾。", False)]
    assert texts(clean.drop_boilerplate(paragraphs)) == ["正文第一段。", "这是一段很长的正文，它以句号结尾。"]


def test_rules_file_format(tmp_path):
    rules = clean.BoilerplateRules.parse(["# comment", "", "^广告", "keep: 广告法", "stop: ^更多$"])
    assert rules.is_boilerplate("广告：买它")
    assert not rules.is_boilerplate("广告法规定")
    assert rules.is_stop("更多")


def test_clean_paragraphs_pipeline():
    result = clean.clean_paragraphs([("  原标题：某某  ", False), ("阿里與騰訊合作,開放生態。", False), ("\x00", False)])
    assert result == [("阿里与腾讯合作，开放生态。", False)]


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_cleaners_never_raise(text):
    for para, caption in clean.html_to_paragraphs(text):
        assert para and para == para.strip() and isinstance(caption, bool)
    for para, _ in clean.clean_paragraphs(clean.text_to_paragraphs(text)):
        assert para and "\n" not in para
    assert len(clean.normalize_punctuation(text)) == len(text)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["<p>", "</p>", "<div>", "<a>", "</a>", "<br>", "<script>", "&nbsp;",
                                 "&amp;", "阿里", "。", "<", ">", "\u3000", "\x00", "<!--", "-->"]), max_size=60))
def test_html_soup_never_raises(parts):
    for para, _ in clean.html_to_paragraphs("".join(parts)):
        assert para == para.strip()


# ---------------------------------------------------------------- page chrome (issue 3)
ARTICLE = "<p>阿里巴巴与腾讯考虑互相开放生态系统。</p><p>闲鱼也向微信提交了小程序申请。</p>"
BODY = ["阿里巴巴与腾讯考虑互相开放生态系统。", "闲鱼也向微信提交了小程序申请。"]


def test_chrome_elements_dropped():
    html = (
        '<header class="site-header"><a>首页</a></header><nav><a>阿里巴巴</a></nav>'
        f'<div class="main">{ARTICLE}</div>'
        '<aside>相关阅读</aside><form><textarea>说点什么</textarea><button>发表评论</button></form>'
        '<footer><p>Copyright 版权所有</p></footer>'
    )
    assert texts(clean.html_to_paragraphs(html)) == BODY


def test_chrome_classes_ids_and_roles_dropped():
    html = (
        '<div class="ad ad-banner">腾讯云限时1折</div><div id="hot_news"><p>微信屏蔽抖音</p></div>'
        f'<div class="content">{ARTICLE}</div>'
        '<section class="comments" id="comment-widget"><p>微信早就该屏蔽淘宝了。</p></section>'
        '<div class="commentList"><p>评论</p></div><ul class="share-bar"><li>微博</li></ul>'
        '<div role="navigation">导航</div><div class="breadcrumb">首页 &gt; 科技</div>'
    )
    assert texts(clean.html_to_paragraphs(html)) == BODY


def test_content_like_classes_are_not_chrome():
    # tokens are whole words: "header", "loader", "addr", "shadow" are not chrome tokens
    for cls in ("post-body", "article", "content", "text-remarks", "img_wrapper", "shadow", "address",
                "content-sidebar-wrap", "has-sidebar", "main-container"):
        html = f'<div class="{cls}">{ARTICLE}</div>'
        assert texts(clean.html_to_paragraphs(html)) == BODY, cls


def test_article_subtree_kept_alone():
    html = (
        '<div class="spam-title"><h2>【重磅】腾讯封杀阿里巴巴</h2></div><div class="page">'
        f'<article class="post"><header><h1>标题</h1></header>{ARTICLE}<footer>分享</footer></article>'
        '<div class="list"><p>淘宝屏蔽百度搜索</p></div></div>'
    )
    assert texts(clean.html_to_paragraphs(html)) == ["标题", *BODY]
    for attrs in ('itemprop="articleBody"', 'class="rich_media_content"', 'id="article_body"',
                  'class="entry-content clearfix"'):
        html = f'<div><p>站点标语</p><div {attrs}>{ARTICLE}</div><p>热门文章列表</p></div>'
        assert texts(clean.html_to_paragraphs(html)) == BODY, attrs


def test_article_inside_chrome_is_not_lost():
    # a whole page wrapped in one <form> (ASP.NET) or a chrome-looking wrapper
    for outer in ('<form id="aspnetForm">', '<div class="sidebar-layout-x">', '<div class="nav-content">'):
        tag = outer[1:outer.index(" ")]
        html = f'{outer}<nav>菜单</nav><article>{ARTICLE}</article></{tag}>'
        assert texts(clean.html_to_paragraphs(html)) == BODY, outer


def test_related_article_cards_in_sidebar_are_not_the_article():
    html = (f'<article class="story">{ARTICLE}</article>'
            '<aside class="sidebar"><article><p>阿里巴巴收购饿了么。</p></article></aside>')
    assert texts(clean.html_to_paragraphs(html)) == BODY


def test_small_article_card_does_not_hide_the_text():
    body = "<p>" + "阿里巴巴与腾讯考虑互相开放生态系统。" * 5 + "</p>"
    html = f'<div>{body}</div><article><p>卡片</p></article>'
    assert texts(clean.html_to_paragraphs(html)) == ["阿里巴巴与腾讯考虑互相开放生态系统。" * 5, "卡片"]


def test_inline_chrome_does_not_split_a_paragraph():
    html = '<p>阿里巴巴<span class="ad">广告</span>与腾讯合作。</p>'
    assert texts(clean.html_to_paragraphs(html)) == ["阿里巴巴与腾讯合作。"]


def test_page_of_only_chrome_keeps_its_text():
    assert texts(clean.html_to_paragraphs("<footer><p>只有页脚的文本。</p></footer>")) == ["只有页脚的文本。"]


def test_spam_headlines_and_comment_chrome_are_boilerplate():
    rules = clean.load_boilerplate()
    for line in ("【重磅】腾讯封杀阿里巴巴全部链接？微信屏蔽淘宝内幕曝光，点击领取红包！", "微信屏蔽淘宝内幕曝光",
                 "震惊！阿里巴巴竟然这样做", "阿里腾讯开战了？？？", "真的吗？假的吗？谁知道？",
                 "网友评论（128）", "赞(32)", "回复"):
        assert rules.is_boilerplate(line), line
    for line in ("“十万火急”！全市场都在焦急等待！", "【环球网科技综合报道】阿里巴巴宣布与腾讯合作。",
                 "阿里巴巴被曝光违规，市场监管总局介入调查。", "支付宝宣布接入微信支付？官方辟谣",
                 "又一个阿里小程序闯关微信！ _淘宝特价版+1688_双线反攻！"):
        assert not rules.is_boilerplate(line), line


# ---------------------------------------------------------------- half-width full stop
def test_half_width_full_stop_after_chinese():
    assert clean.normalize_punctuation("阿里巴巴被罚.随后腾讯回应.") == "阿里巴巴被罚。随后腾讯回应。"
    assert clean.normalize_punctuation("颓势.2021年1月,份额33.1%.据") == "颓势。2021年1月，份额33.1%。据"
    assert clean.normalize_punctuation("好的.”他说(BABA).阿里") == "好的。”他说（BABA）。阿里"


def test_dots_that_are_not_full_stops():
    text = "营收4557.12亿元，股价BABA.HK，见1688.com，美国U.S.经济，第1.章，微信.AI"
    assert clean.normalize_punctuation(text) == text
    assert clean.normalize_text("他说...然后走了") == "他说…然后走了"
    assert clean.normalize_text("等等......好") == "等等…好"
