"""Tests of kg.ingest.iter_documents: formats, metadata, encodings and bad input."""

from __future__ import annotations

import io
import itertools
import os
import sys
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.ingest import decode_bytes, ingest_text, iter_documents, parse_date

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
DATA = Path(__file__).resolve().parent / "data" / "ingest"
SINA = REPO.parent / "shared" / "corpora" / "sina-news-2018" / "articles.jsonl"


class Errors(list):
    """Collects on_error calls as (where, reason) pairs."""

    def __call__(self, where: str, reason: str) -> None:
        self.append((where, reason))

    def skipped(self):
        return [(w, r) for w, r in self if not r.startswith("warning:")]

    def warnings(self):
        return [(w, r) for w, r in self if r.startswith("warning:")]


def ingest(*paths, **kwargs):
    errors = Errors()
    docs = list(iter_documents([str(p) for p in paths], errors, **kwargs))
    return docs, errors


@pytest.fixture(scope="module")
def seeds():
    docs, errors = ingest(SEEDS)
    assert errors == []
    return {d.id: d for d in docs}


# ---------------------------------------------------------------- seeds

SEED_META = {
    "000_e901d874b565968c.txt": ("闲鱼需要微信小程序", "2021-04-12", "html"),
    "001_a7473772ea82ce08.txt": ("淘宝特价版将上线微信小程序？AT柏林墙或被击穿", "2021-03-19", "html"),
    "002_0477f6d369b79cc7.txt": ("闲鱼即将上线微信小程序，互联网大厂拆墙更进一步", "2024-11-17", "text"),
    "003_4190482cfc1b7c75.txt": ("又一个阿里小程序闯关微信！ _淘宝特价版+1688_双线反攻！", "2021-04-27", "html"),
    "004_bbb6cb67fd4aab28.txt": ("阿里与腾讯考虑互相开放生态系统，下面是我的初步看法", "2021-07-15", "html"),
}


def test_seed_ids_titles_dates_formats(seeds):
    assert sorted(seeds) == sorted(SEED_META)
    for doc_id, (title, date, fmt) in SEED_META.items():
        doc = seeds[doc_id]
        assert (doc.title, doc.date, doc.format) == (title, date, fmt)
        assert doc.source_path.endswith(doc_id)
        assert len(doc.content_hash) == 64


def test_seed_metadata(seeds):
    doc = seeds["000_e901d874b565968c.txt"]
    assert doc.author == "36kr"
    assert doc.categories == ("新媒体", "36kr", "资讯")
    assert doc.url is None  # headimg/thumbnail are not the article URL


def test_paragraph_offsets(seeds):
    for doc in seeds.values():
        parts = [doc.text[s:e] for s, e in doc.paragraphs]
        assert "\n".join(parts) == doc.text
        assert all(p and p == p.strip() and "\n" not in p for p in parts)


def test_36kr_inline_links_joined(seeds):
    assert "微信用户不能分享淘宝链接" in seeds["000_e901d874b565968c.txt"].text


def test_boilerplate_removed(seeds):
    text000 = seeds["000_e901d874b565968c.txt"].text
    assert "本文来自" not in text000 and "编者按" not in text000
    assert text000.startswith("从淘宝特价版到闲鱼")
    text001 = seeds["001_a7473772ea82ce08.txt"].text
    for gone in ("欢迎关注", "原标题", "文/新熵", "来源：新熵", "声明："):
        assert gone not in text001
    text002 = seeds["002_0477f6d369b79cc7.txt"].text
    for gone in ("来源:网络整理", "来源：网络整理", "编辑丨", "记者丨", "2024-11-17"):
        assert gone not in text002
    assert not text002.endswith("分享")
    assert "-END-" not in seeds["003_4190482cfc1b7c75.txt"].text


def test_byline_with_position_kept(seeds):
    assert "作者：怪盗团团长裴培，头图来自" in seeds["004_bbb6cb67fd4aab28.txt"].text


def test_plain_text_title_is_first_paragraph(seeds):
    doc = seeds["002_0477f6d369b79cc7.txt"]
    first = doc.text[doc.paragraphs[0][0]:doc.paragraphs[0][1]]
    assert first == doc.title
    assert "阿里巴巴（BABA.;.HK）旗下" in doc.text  # half-width punctuation normalised


def test_captions_flagged(seeds):
    doc = seeds["000_e901d874b565968c.txt"]
    captions = [doc.text[slice(*doc.paragraphs[i])] for i in doc.captions]
    assert "二手电商领域的爱回收和转转都已入驻小程序" in captions
    assert "华少与拍拍严选负责人赖方潇在快手直播间销售二手手机，图源快手APP" in captions
    doc2 = seeds["002_0477f6d369b79cc7.txt"]
    assert [doc2.text[slice(*doc2.paragraphs[i])] for i in doc2.captions] == ["△闲鱼客服聊天记录截图"]


def test_same_id_for_file_folder_and_glob():
    by_file, _ = ingest(SEEDS / "000_e901d874b565968c.txt")
    by_glob, _ = ingest(str(SEEDS) + "/00[01]_*.txt")
    assert [d.id for d in by_file] == ["000_e901d874b565968c.txt"]
    assert [d.id for d in by_glob] == ["000_e901d874b565968c.txt", "001_a7473772ea82ce08.txt"]
    by_root, _ = ingest(SEEDS / "000_e901d874b565968c.txt", root=str(REPO))
    assert by_root[0].id == "seeds/000_e901d874b565968c.txt"


def test_duplicate_arguments_read_once():
    docs, _ = ingest(SEEDS / "000_e901d874b565968c.txt", SEEDS)
    assert len(docs) == 5


# ---------------------------------------------------------------- other formats

def test_jsonl_bad_middle_line():
    docs, errors = ingest(DATA / "bad_middle.jsonl")
    assert [d.id for d in docs] == ["bad_middle.jsonl#a1", "https://example.com/fine", "bad_middle.jsonl#4"]
    assert len(errors.skipped()) == 1
    where, reason = errors.skipped()[0]
    assert where.endswith("bad_middle.jsonl:2") and "invalid JSON" in reason
    assert [d.date for d in docs] == ["2021-04-07", "2021-04-10", None]
    assert docs[1].text == "市场监管总局对阿里巴巴处以182.28亿元罚款。"
    assert {d.format for d in docs} == {"jsonl"}
    assert docs[0].content_hash != docs[2].content_hash


def test_markdown():
    docs, errors = ingest(DATA / "article.md")
    assert errors == []
    doc = docs[0]
    assert (doc.format, doc.title, doc.date) == ("markdown", "淘宝特价版上线微信小程序", "2021-03-19")
    assert "据彭博社报道，阿里巴巴计划在微信上开通淘宝特价版小程序。" in doc.text
    assert "截图" not in doc.text and "](" not in doc.text and "**" not in doc.text
    assert "第一点：支持微信支付。" in doc.text.split("\n")


def test_traditional_input_gives_simplified_text():
    docs, _ = ingest(DATA / "traditional.html")
    doc = docs[0]
    assert doc.title == "阿里与腾讯"
    assert doc.date == "2021-07-15"
    assert doc.text == "阿里巴巴与腾讯考虑互相开放生态系统，微信支付将进入淘宝。\n这是一个重大让步。"


def test_bare_html_metadata(tmp_path):
    page = ('<!DOCTYPE html><html><head><title>标题</title><meta property="article:published_time" '
            'content="2021-04-12T08:00:00+08:00"><link rel="canonical" href="https://example.com/a"></head>'
            "<body><p>正文一。</p><script>x()</script></body></html>")
    (tmp_path / "page.txt").write_text(page, encoding="utf-8")
    doc = ingest(tmp_path / "page.txt")[0][0]
    assert (doc.format, doc.title, doc.date, doc.url, doc.id) == (
        "html", "标题", "2021-04-12", "https://example.com/a", "https://example.com/a")
    assert doc.text == "正文一。"


def test_stdin(monkeypatch):
    data = (DATA / "bad_middle.jsonl").read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    errors = Errors()
    docs = list(iter_documents(["-"], errors))
    assert [d.id for d in docs] == ["-#a1", "https://example.com/fine", "-#4"]
    assert errors.skipped()[0][0] == "-:2"


# ---------------------------------------------------------------- encodings

def test_encodings_of_a_seed_decode_to_the_same_text(tmp_path):
    original = (SEEDS / "002_0477f6d369b79cc7.txt").read_text(encoding="utf-8")
    expected = ingest(SEEDS / "002_0477f6d369b79cc7.txt")[0][0]
    for encoding in ("gbk", "gb18030", "utf-16", "utf-8-sig", "utf-16-be"):
        data = original.encode(encoding)
        if encoding == "utf-16-be":
            data = b"\xfe\xff" + data
        path = tmp_path / f"seed-{encoding}.txt"
        path.write_bytes(data)
        docs, errors = ingest(path)
        assert errors == [], encoding
        assert docs[0].text == expected.text, encoding
        assert docs[0].title == expected.title and docs[0].date == expected.date


def test_big5_decodes_to_the_same_simplified_text(tmp_path):
    import opencc

    original = (SEEDS / "002_0477f6d369b79cc7.txt").read_text(encoding="utf-8")
    big5 = opencc.OpenCC("s2t").convert(original).encode("big5hkscs", errors="ignore")
    (tmp_path / "big5.txt").write_bytes(big5)
    (tmp_path / "utf8.txt").write_bytes(big5.decode("big5hkscs").encode("utf-8"))
    docs, errors = ingest(tmp_path / "big5.txt", tmp_path / "utf8.txt")
    assert errors == []
    assert docs[0].text == docs[1].text
    assert "闲鱼即将上线微信小程序" in docs[0].text  # converted back to Simplified


def test_decode_bytes_prefers_plausible_chinese():
    text = "阿里巴巴与腾讯考虑互相开放生态系统，微信支付将进入淘宝。"
    assert decode_bytes(text.encode("gbk"))[:2] == (text, "gb18030")
    trad = "阿里巴巴與騰訊考慮互相開放生態系統，微信支付將進入淘寶。"
    assert decode_bytes(trad.encode("big5"))[:2] == (trad, "big5hkscs")


def test_invalid_utf8_bytes_replaced_with_warning(tmp_path):
    data = ("阿里巴巴与腾讯考虑互相开放生态系统。" * 20).encode("utf-8") + b"\xff\xfe\x80" + "结尾。".encode()
    (tmp_path / "mixed.txt").write_bytes(data)
    docs, errors = ingest(tmp_path / "mixed.txt")
    assert len(docs) == 1 and docs[0].text.endswith("结尾。")
    assert errors.warnings() and "invalid UTF-8" in errors.warnings()[0][1]


def test_garbage_bytes_skipped(tmp_path):
    (tmp_path / "noise.txt").write_bytes(bytes(range(128, 256)) * 40)
    docs, errors = ingest(tmp_path / "noise.txt")
    assert docs == [] and "undecodable" in errors.skipped()[0][1]


# ---------------------------------------------------------------- bad input

def test_binary_empty_and_whitespace_files_skipped(tmp_path):
    (tmp_path / "a_image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(200))
    with zipfile.ZipFile(tmp_path / "b_archive.txt", "w") as archive:
        archive.writestr("x.txt", "阿里")
    (tmp_path / "c_nul.txt").write_bytes(b"\x00\x01\x02\x03" * 100)
    (tmp_path / "d_empty.txt").write_bytes(b"")
    (tmp_path / "e_blank.txt").write_text(" \n\t\u3000\n", encoding="utf-8")
    docs, errors = ingest(tmp_path)
    assert docs == []
    reasons = {Path(w).name: r for w, r in errors}
    assert reasons == {
        "a_image.txt": "binary file (PNG image)",
        "b_archive.txt": "binary file (ZIP archive)",
        "c_nul.txt": "binary file (NUL bytes)",
        "d_empty.txt": "empty file",
        "e_blank.txt": "only whitespace",
    }


def test_nul_and_control_characters_removed(tmp_path):
    (tmp_path / "ctl.txt").write_bytes("阿里\x00巴巴\x07被罚。\r\n腾讯\x1b回应。\r\n".encode())
    docs, errors = ingest(tmp_path / "ctl.txt")
    assert docs[0].text == "阿里巴巴被罚。\n腾讯回应。"


def test_broken_front_matter_still_ingested(tmp_path):
    (tmp_path / "broken.txt").write_text("---\ntitle: [unclosed\ndate: : :\n---\n<p>正文还在。</p>\n", encoding="utf-8")
    docs, errors = ingest(tmp_path / "broken.txt")
    assert docs[0].text == "正文还在。" and docs[0].title is None
    assert "broken YAML front matter" in errors.warnings()[0][1]


def test_front_matter_without_body_skipped(tmp_path):
    (tmp_path / "nobody.txt").write_text("---\ntitle: 空\n---\n\n", encoding="utf-8")
    docs, errors = ingest(tmp_path / "nobody.txt")
    assert docs == [] and errors.skipped()[0][1].startswith("no text")


@pytest.mark.parametrize("bad", ["2021-13-45", "明天"])
def test_impossible_date_is_a_warning(tmp_path, bad):
    (tmp_path / "d.txt").write_text(f"---\ntitle: 题\ndate: '{bad}'\n---\n正文。\n", encoding="utf-8")
    docs, errors = ingest(tmp_path / "d.txt")
    assert docs[0].date is None and docs[0].text == "正文。"
    assert errors.skipped() == [] and "date" in errors.warnings()[0][1]


def test_symlink_loop_terminates(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.txt").write_text("阿里巴巴。", encoding="utf-8")
    os.symlink(tmp_path, tmp_path / "a" / "loop")
    os.symlink(tmp_path / "a", tmp_path / "a" / "self")
    docs, _ = ingest(tmp_path)
    assert [d.id for d in docs] == ["a/x.txt"]


def test_hidden_files_skipped(tmp_path):
    (tmp_path / ".hidden.txt").write_text("隐藏。", encoding="utf-8")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.txt").write_text("隐藏。", encoding="utf-8")
    (tmp_path / "shown.txt").write_text("可见。", encoding="utf-8")
    assert [d.id for d in ingest(tmp_path)[0]] == ["shown.txt"]


def test_paths_with_spaces_and_chinese(tmp_path):
    folder = tmp_path / "新闻 文件夹"
    folder.mkdir()
    (folder / "阿里 巴巴.txt").write_text("阿里巴巴被罚。", encoding="utf-8")
    docs, errors = ingest(folder)
    assert errors == [] and docs[0].id == "阿里 巴巴.txt" and docs[0].text == "阿里巴巴被罚。"


def test_missing_path_and_empty_glob(tmp_path):
    docs, errors = ingest(tmp_path / "nope.txt", str(tmp_path / "*.none"))
    assert docs == []
    assert [r for _, r in errors] == ["no such file or directory", "no file matches this pattern"]


def test_file_disappearing_during_build(tmp_path):
    for name in ("a.txt", "b.txt", "c.txt"):
        (tmp_path / name).write_text(f"{name}的正文。", encoding="utf-8")
    errors = Errors()
    docs = iter_documents([str(tmp_path)], errors)
    first = next(docs)
    (tmp_path / "b.txt").unlink()
    rest = list(docs)
    assert [d.id for d in [first, *rest]] == ["a.txt", "c.txt"]
    assert errors[0][0].endswith("b.txt") and errors[0][1].startswith("cannot read:")


def test_200k_character_single_line(tmp_path):
    line = "阿里巴巴向微信提交了小程序申请，" * 12500  # 200,000 characters, no newline
    (tmp_path / "long.txt").write_text(line, encoding="utf-8")
    docs, errors = ingest(tmp_path / "long.txt")
    assert errors == [] and len(docs[0].text) == 200000 and len(docs[0].paragraphs) == 1


def test_ten_thousand_nested_divs_file(tmp_path):
    (tmp_path / "deep.html").write_text("<div>" * 10000 + "深层文本。" + "</div>" * 10000, encoding="utf-8")
    assert ingest(tmp_path / "deep.html")[0][0].text == "深层文本。"


# ---------------------------------------------------------------- dates

@pytest.mark.parametrize("value, expected", [
    ("Mon, 12 Apr 2021 06:42:53 GMT", "2021-04-12"),
    ("2021-04-12", "2021-04-12"),
    ("2021-04-12T23:30:00+08:00", "2021-04-12"),
    ("2021/4/12", "2021-04-12"),
    ("2021.4.12", "2021-04-12"),
    ("2021年4月12日", "2021-04-12"),
    ("2021年4月12日 10:00", "2021-04-12"),
    ("20210412", "2021-04-12"),
    ("2021-13-45", None),
    ("2021-02-30", None),
    ("明天", None),
    ("", None),
    (None, None),
])
def test_parse_date(value, expected):
    assert parse_date(value) == expected


def test_parse_date_objects():
    import datetime as dt

    assert parse_date(dt.date(2021, 4, 12)) == "2021-04-12"
    assert parse_date(dt.datetime(2021, 4, 12, 6, 42)) == "2021-04-12"


# ---------------------------------------------------------------- properties

@settings(max_examples=150, deadline=None)
@given(st.text(max_size=500))
def test_arbitrary_text_never_raises(text):
    errors = Errors()
    doc = ingest_text(text, "x", errors)
    if doc is not None:
        assert "\n".join(doc.text[s:e] for s, e in doc.paragraphs) == doc.text
    else:
        assert errors.skipped()


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=400))
def test_arbitrary_bytes_never_raise(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("bytes") / "x.txt"
    path.write_bytes(data)
    docs, errors = ingest(path)
    assert len(docs) + len(errors.skipped()) == 1


# ---------------------------------------------------------------- real corpus

@pytest.mark.skipif(not SINA.exists(), reason=f"Sina corpus not found at {SINA} (outside the repo)")
def test_first_300_lines_of_sina_corpus(tmp_path):
    sample = tmp_path / "sina300.jsonl"
    with SINA.open("rb") as source:
        sample.write_bytes(b"".join(itertools.islice(source, 300)))
    docs, errors = ingest(sample)
    assert len(docs) + len(errors.skipped()) == 300
    assert len(docs) >= 250
    assert all(r.startswith("no text") for _, r in errors.skipped())
    assert all(d.id.startswith("sina300.jsonl#") and d.text and d.title for d in docs)
    assert all(d.categories for d in docs)


def test_utf16_without_bom(tmp_path):
    (tmp_path / "u16.txt").write_bytes("Alibaba and Tencent\n阿里巴巴与腾讯合作。\n".encode("utf-16-le"))
    docs, errors = ingest(tmp_path / "u16.txt")
    assert docs[0].text == "Alibaba and Tencent\n阿里巴巴与腾讯合作。"
    assert errors.skipped() == []


def test_unchanged_documents_are_not_cleaned(tmp_path):
    """A rebuild passes ``unchanged``: known documents come back with their hash and no text."""
    from kg.ingest import iter_documents

    lines = ['{"id": 1, "title": "甲", "content": "阿里巴巴今天发布了新产品。"}',
             '{"id": 2, "title": "乙", "content": "腾讯今天发布了新产品。"}']
    path = tmp_path / "a.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    full = list(iter_documents([str(path)]))
    known = {full[0].id: full[0].content_hash}
    again = list(iter_documents([str(path)], unchanged=lambda i, h: known.get(i) == h))
    assert [d.id for d in again] == [d.id for d in full]
    assert again[0].text == "" and again[0].content_hash == full[0].content_hash
    assert again[1].text == full[1].text and again[1] == full[1]
