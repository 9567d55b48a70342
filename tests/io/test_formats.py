"""Segment files (TSV/CSV, JSONL, XLIFF 1.2/2.0, TMX) and HTML pages."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from mtreview.errors import InputError
from mtreview.io.load import is_pair_file, load_bytes, load_document
from mtreview.io.segment_files import load_pairs, load_pairs_bytes, load_rows

DATA = Path(__file__).resolve().parents[1] / "data"
EN1 = "UN says thousands of anti-Pakistan militants in Afghanistan"
JA1 = "数千人もの反パキスタン過激派がアフガニスタンに潜伏と国連が主張"
EN3 = ("The report released this week said the group, known as the Tehreek-e-Taliban (TTP), has linked up "
       "with the Afghan-based affiliate of the Islamic State group.")


@pytest.mark.parametrize(
    "name, fmt, lines, ids",
    [
        ("pairs.tsv", "tsv", [2, 3, 4], ["s1", "s2", "s3"]),
        ("pairs.jsonl", "jsonl", [1, 2, 3], ["s1", "s2", "s3"]),
        ("pairs.xlf", "xliff", [1, 2, 3], ["s1", "s2", "s3"]),
        ("pairs2.xlf", "xliff", [1, 2, 3], ["s1", "s2", "s3"]),
        ("pairs.tmx", "tmx", [1, 2, 3], ["s1", "s2", "s3"]),
    ],
)
def test_segment_files(name, fmt, lines, ids):
    rows = load_rows(DATA / name)
    assert [r["line"] for r in rows] == lines
    assert [r["id"] for r in rows] == ids
    assert all(set(r) == {"line", "id", "src", "tgt", "ref", "mt"} for r in rows)
    assert rows[0]["src"] == EN1 and rows[0]["tgt"] == JA1
    assert rows[2]["src"] == EN3
    assert all(r["ref"] is None and r["mt"] is None for r in rows)
    src, tgt = load_pairs(DATA / name)
    assert (src.lang, tgt.lang, src.fmt, tgt.fmt) == ("en", "ja", fmt, fmt)
    assert len(src.blocks) == len(tgt.blocks) == 3
    assert all(b.kind == "segment" for b in (*src.blocks, *tgt.blocks))
    assert src.block_text(0) == EN1 and tgt.block_text(0) == JA1 and src.block_text(2) == EN3


def test_csv_with_en_ja_columns_ref_and_an_empty_side():
    rows = load_rows(DATA / "pairs.csv")
    assert [(r["line"], r["id"], r["ref"] is None, r["tgt"] == "") for r in rows] == [
        (2, "2", True, False), (3, "3", False, True),
    ]
    assert rows[1]["ref"].startswith("イスラマバード -- 国連の報告書は")
    src, tgt = load_pairs(DATA / "pairs.csv")
    assert len(src.blocks) == len(tgt.blocks) == 2
    assert tgt.blocks[1].start == tgt.blocks[1].end  # the empty side is a zero-length block
    assert tgt.block_text(1) == ""


QUOTE_EN = 'Putin may visit "at an early date," the ministry said.'
QUOTE_JA = "外務省によると、プーチン氏は「早期に」訪問する可能性がある。"


@pytest.mark.parametrize(
    "text, rows",
    [
        # Excel "Unicode text" / LibreOffice: a cell holding a quote is wrapped, its quotes doubled
        ('src\ttgt\n"Putin may visit ""at an early date,"" the ministry said."\t' + QUOTE_JA + "\n"
         + EN1 + "\t" + JA1 + "\n", [(QUOTE_EN, QUOTE_JA), (EN1, JA1)]),
        # every cell wrapped ("quote all text cells"), one holding a line break
        ('"src"\t"tgt"\n"' + EN1 + '"\t"' + JA1 + '"\n"Line one.\nLine two."\t"一行目。\n二行目。"\n',
         [(EN1, JA1), ("Line one.\nLine two.", "一行目。\n二行目。")]),
        # files mix the two (WMT's system outputs): a bare cell with quotes beside a quoted one
        ('src\ttgt\n"We will win," he said.\t"彼は""勝つ""と言った。"\n',
         [('"We will win," he said.', '彼は"勝つ"と言った。')]),
        # written without quoting (sacrebleu, COMET): quotes are text
        ('src\ttgt\n"We will win," he said.\t「勝つ」と彼は言った。\n"Enough is enough"\t「もうたくさんだ」\n',
         [('"We will win," he said.', "「勝つ」と彼は言った。"), ('"Enough is enough"', "「もうたくさんだ」")]),
    ],
)
def test_tsv_saved_by_a_spreadsheet_loses_its_quoting(tmp_path, text, rows):
    path = tmp_path / "pairs.tsv"
    path.write_bytes(text.replace("\n", "\r\n").encode("utf-16"))  # as Excel saves "Unicode text"
    assert [(r["src"], r["tgt"]) for r in load_rows(path)] == rows


def _partial_xliff(translated: int) -> str:
    """Four units, the first ``translated`` translated, the others holding a copy of their source (a CAT
    tool's "copy source to target" before translation)."""
    units = [(EN1, JA1), (EN3, "同報告書によると、同組織はイスラム国の支部と手を結んだ。"),
             ("Officials declined to comment.", "当局者はコメントを控えた。"),
             ("It was not clear when.", "時期は不明だ。")]
    body = "".join(f'<trans-unit id="u{i}"><source>{en}</source><target>{ja if i < translated else en}</target>'
                   "</trans-unit>" for i, (en, ja) in enumerate(units))
    return ('<?xml version="1.0" encoding="UTF-8"?><xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">'
            f'<file original="a" source-language="en" target-language="ja" datatype="plaintext"><body>{body}'
            "</body></file></xliff>")


def test_partly_translated_file_with_copies_of_the_source_is_reviewed(tmp_path):
    """One unit of four translated, three still holding their source: the English copies are untranslated
    units for the checks to flag, not a sign that the translation side is English."""
    path = tmp_path / "partial.xlf"
    path.write_text(_partial_xliff(1), encoding="utf-8")
    _, tgt = load_pairs(path)
    assert tgt.block_text(0) == JA1 and tgt.block_text(3) == "It was not clear when."
    from mtreview.io.segment_files import check_columns

    check_columns(load_rows(path), "partial.xlf")  # what `score` checks
    path.write_text(_partial_xliff(0), encoding="utf-8")
    with pytest.raises(InputError, match="every tgt segment is a copy of its source: nothing is translated yet"):
        load_pairs(path)


def _mutate(tmp_path, name, old, new, count=1):
    text = (DATA / name).read_text(encoding="utf-8")
    assert old in text
    out = tmp_path / name
    out.write_text(text.replace(old, new, count), encoding="utf-8")
    return out


@pytest.mark.parametrize(
    "name, old, new, message",
    [
        ("pairs.tsv", "id\tsrc\ttgt", "id\tsource_text\ttgt", "pairs.tsv:1: missing column src"),
        ("pairs.tsv", "s2\tISLAMABAD", "s2 ISLAMABAD", "pairs.tsv:3: expected 3 fields as in the header"),
        ("pairs.jsonl", '{"id": "s2"', '{"id": "s2",,', "pairs.jsonl:2: bad JSON"),
        ("pairs.jsonl", '"id": "s3", "src"', '"id": "s3", "text"', "pairs.jsonl:3: missing column src"),
        ("pairs.jsonl", '"id": "s1"', '"id": ["s1"]', "pairs.jsonl:1: 'id' must be text"),
        ("pairs.xlf", '<trans-unit id="s2">', '<trans-unit id="s2">\n<target>', "pairs.xlf:13: invalid XML"),
        ("pairs2.xlf", "</unit>", "</unitt>", "pairs2.xlf:9: invalid XML"),
        ("pairs.tmx", '<tuv xml:lang="en">', '<tuv xml:lang="en">&bad;', "pairs.tmx:7: invalid XML"),
    ],
)
def test_malformed_segment_files(tmp_path, name, old, new, message):
    bad = _mutate(tmp_path, name, old, new)
    with pytest.raises(InputError, match=re.escape(message)) as exc:
        load_rows(bad)
    assert "\n" not in str(exc.value)


@pytest.mark.parametrize(
    "langs, error",
    [
        (("en-US", "ja-JP"), None),
        (("EN", "JA"), None),
        (("fr", "de"), "pairs.tmx: unit 1: no en or ja variant"),
    ],
)
def test_tmx_language_codes(tmp_path, langs, error):
    text = (DATA / "pairs.tmx").read_text(encoding="utf-8")
    out = tmp_path / "pairs.tmx"
    out.write_text(text.replace('xml:lang="en"', f'xml:lang="{langs[0]}"')
                   .replace('xml:lang="ja"', f'xml:lang="{langs[1]}"'), encoding="utf-8")
    if error:
        with pytest.raises(InputError, match=error):
            load_rows(out)
    else:
        assert [(r["src"][:7], r["tgt"][:7]) for r in load_rows(out)] == [
            ("UN says", "数千人もの反パ"), ("ISLAMAB", "イスラマバード"), ("The rep", "今週発表された"),
        ]


@pytest.mark.parametrize(
    "name, data, error",
    [
        ("pairs.tsv", (DATA / "pairs.tsv").read_bytes(), None),
        ("upload.jsonl", (DATA / "pairs.jsonl").read_text(encoding="utf-8").encode("utf-16"), None),
        ("pairs.txt", (DATA / "pairs.tsv").read_bytes(), "pairs.txt: not a segment file"),
        ("pairs.tsv", b"id\tsrc\ttgt\n", "pairs.tsv: no segments found"),
        ("pairs.tsv", b"\xef\xbb\xbf \n", "pairs.tsv: empty file"),
    ],
)
def test_pairs_from_an_upload(name, data, error):
    if error:
        with pytest.raises(InputError, match=re.escape(error)):
            load_pairs_bytes(data, name)
        return
    src, tgt = load_pairs_bytes(data, name)
    assert (src.path, len(src.blocks), len(tgt.blocks)) == (name, 3, 3)
    assert tgt.block_text(0) == JA1


def test_wrong_language_column_is_an_error(tmp_path):
    bad = _mutate(tmp_path, "pairs.tsv", "id\tsrc\ttgt", "id\ttgt\tsrc")
    with pytest.raises(InputError, match=r"\(src side\): expected English text but this looks Japanese"):
        load_pairs(bad)


@pytest.mark.parametrize(
    "name, expected",
    [
        ("a.tsv", True), ("a.TSV", True), ("a.csv", True), ("a.jsonl", True), ("a.xlf", True),
        ("a.xliff", True), ("a.tmx", True), ("a.txt", False), ("a.html", False), ("a", False),
    ],
)
def test_is_pair_file(name, expected):
    assert is_pair_file(name) is expected


def test_article_loader_refuses_a_pair_file():
    with pytest.raises(InputError, match="a segment file holds both sides"):
        load_document(DATA / "pairs.tsv", "en")


# -- HTML ----------------------------------------------------------------------------

HTML_KINDS = ["headline", "caption", "body", "body", "body", "body", "body"]


@pytest.mark.parametrize("name", ["article.html", "upload-without-extension"])
def test_html_article(name):
    data = (DATA / "article.html").read_bytes()
    doc = load_bytes(data, name, "en")
    assert doc.fmt == "html"
    assert [b.kind for b in doc.blocks] == HTML_KINDS
    assert doc.block_text(0).startswith("North Korea stresses cooperation with Russia against US")
    assert doc.block_text(1).endswith("(AFP/Jiji)")
    assert doc.block_text(2).startswith("SEOUL: North Korea said Sunday")
    for banned in ("<", "gtag", "console.log", "cookies", "Home", "Copyright", "Related", "Facebook"):
        assert banned not in doc.text


def test_html_without_article_text_is_an_error():
    with pytest.raises(InputError, match=r"page\.html: no article text"):
        load_bytes(b"<html><body><nav><a href='/'>Home</a></nav></body></html>", "page.html")


def test_japanese_html_in_shift_jis():
    seed_path = Path(__file__).resolve().parents[2] / "data" / "samples" / "seed.ja.txt"
    seed = seed_path.read_text(encoding="utf-8")
    title = seed.split("\n\n")[1]
    paras = [p for p in seed.split("\n\n") if "。" in p][1:6]
    page = (
        f'<html><head><meta charset="shift_jis"><title>{title} | ニュース</title></head><body>'
        '<nav><ul><li><a href="/">ホーム</a></li><li><a href="/w">国際</a></li></ul></nav>'
        f"<article><h1>{title}</h1>" + "".join(f"<p>{p}</p>" for p in paras) + "</article>"
        "<footer>Copyright 2024 All rights reserved.</footer></body></html>"
    )
    doc = load_bytes(page.encode("cp932"), "ja.html", "ja")
    assert (doc.fmt, doc.encoding) == ("html", "shift_jis")
    assert [b.kind for b in doc.blocks] == ["headline"] + ["body"] * 5
    assert [doc.block_text(i) for i in range(6)] == [title, *paras]


# An article body copied from a CMS's source view or saved as .txt: markup and entities, no <html>.
FRAGMENT_EN = ("<p>SEOUL: North Korea said Sunday it had agreed with Russia to step up strategic &amp; tactical "
               "cooperation.</p>\n<p>Describing Foreign Minister Choe Son Hui&#8217;s talks in Moscow, the "
               "ministry said Putin may visit &ldquo;at an early date.&rdquo;</p>\n")
FRAGMENT_JA = "<p>金氏は9月にロシアを訪れた。<br>プーチン氏と会談した。</p>\n"


@pytest.mark.parametrize(
    "data, name, lang, blocks",
    [
        (FRAGMENT_EN, "body.txt", "en",
         ["SEOUL: North Korea said Sunday it had agreed with Russia to step up strategic & tactical cooperation.",
          "Describing Foreign Minister Choe Son Hui\u2019s talks in Moscow, the ministry said Putin may visit "
          "\u201cat an early date.\u201d"]),
        (FRAGMENT_JA, "body.txt", "ja", ["金氏は9月にロシアを訪れた。", "プーチン氏と会談した。"]),
        # a short fragment in an .html file: the extractor dropped it unwrapped
        (FRAGMENT_JA, "body.html", "ja", ["金氏は9月にロシアを訪れた。", "プーチン氏と会談した。"]),
    ],
)
def test_html_fragment_is_read_as_html(data, name, lang, blocks):
    doc = load_bytes(data.encode("utf-8"), name, lang)
    assert doc.fmt == "html"
    assert [doc.block_text(i) for i in range(len(doc.blocks))] == blocks


def test_article_in_a_layout_table_is_found():
    """Older sites lay the page out in a table: the article is in a cell, beside the menu's cell."""
    paras = ["【ソウル共同】北朝鮮外務省は２１日、ロシアと戦略的・戦術的協力を強化することで合意したと発表した。",
             "崔善姫（チェ・ソンヒ）外相が先週モスクワでプーチン大統領やラブロフ外相と会談した。"]
    page = ('<html><head><meta charset="utf-8"><title>北朝鮮、ロシアとの協力強調</title></head><body>'
            '<table width="760"><tr><td class="menu"><a href="/">トップ</a><br><a href="/news">ニュース</a></td>'
            '<td class="main"><h1>北朝鮮、ロシアとの協力強調</h1>' + "".join(f"<p>{p}</p>" for p in paras)
            + "</td></tr></table></body></html>")
    doc = load_bytes(page.encode("utf-8"), "page.html", "ja")
    assert [doc.block_text(i) for i in range(len(doc.blocks))] == ["北朝鮮、ロシアとの協力強調", *paras]


@pytest.mark.parametrize("text", ["<Analysis> Kim traveled to Russia in September.\n",
                                  "<b Kim traveled to Russia in September.\n",
                                  "<p> is the tag the page uses for a paragraph.\n"])
def test_text_that_only_starts_with_a_bracket_stays_text(text):
    doc = load_bytes(text.encode("utf-8"), "note.txt", "en")
    assert doc.fmt == "text" and doc.text.strip() == text.strip()


def test_rows_with_mt_and_ref_columns(tmp_path):
    rows = load_rows(DATA / "pairs.tsv")
    out = tmp_path / "scores.jsonl"
    out.write_text(
        "\n".join(json.dumps({"segid": 7 + i, "source": r["src"], "hyp": r["tgt"], "reference": r["tgt"]},
                             ensure_ascii=False) for i, r in enumerate(rows)) + "\n",
        encoding="utf-8",
    )
    got = load_rows(out)
    assert [(r["line"], r["id"]) for r in got] == [(1, "7"), (2, "8"), (3, "9")]
    # hyp is the translation under review: not also an MT output to compare it with (bleu_mt 100 to itself)
    assert got[0] == {"line": 1, "id": "7", "src": EN1, "tgt": JA1, "ref": JA1, "mt": None}
