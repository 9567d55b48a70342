"""Debris rules on pages of the same kind as the seed (other sites' chrome around real article text)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from mtreview.config import LoadConfig
from mtreview.io.debris import clean, is_timestamp

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"
EN = (SAMPLES / "seed.en.txt").read_text(encoding="utf-8").split("\n\n")
JA = [p for p in (SAMPLES / "seed.ja.txt").read_text(encoding="utf-8").split("\n\n") if "。" in p]

# An English edition of the same site: menu, breadcrumb, repeated caption, short URL, two timestamps,
# body, credit, tag list, read-more, copyright, return to top.
PAGE_EN = "\n".join([
    "Since 1975",
    "  • facebook",
    "  • twitter",
    "  • Home",
    "  • World",
    "  • " + EN[0],
    "",
    EN[0],
    "",
    EN[1],
    EN[1],
    "Short Url: https://arab.news/abc12",
    "Updated 21 January 2024",
    "21 Jan 2024 11:01:28 GMT9",
    "",
    EN[2],
    "",
    EN[3],
    "",
    "AP",
    "",
    "topics",
    "North Korea",
    "Russia",
    "",
    "Read more",
    "Copyright © 2024 Arab News. All rights reserved.",
    "return to top",
])
PAGE_EN_REMOVED = [
    ("site", "Since 1975"), ("navigation", "• facebook"), ("navigation", "• twitter"),
    ("navigation", "• Home"), ("navigation", "• World"), ("navigation", "• " + EN[0]),
    ("duplicate", EN[1]), ("share", "Short Url: https://arab.news/abc12"),
    ("timestamp", "Updated 21 January 2024"), ("timestamp", "21 Jan 2024 11:01:28 GMT9"),
    ("tags", "topics"), ("tags", "North Korea"), ("tags", "Russia"),
    ("navigation", "Read more"), ("footer", "Copyright © 2024 Arab News. All rights reserved."),
    ("footer", "return to top"),
]

# A Japanese page of another site: cookie banner, breadcrumb, date line, share row, related list.
PAGE_JA = "\n".join([
    "当サイトではクッキーを使用しています。サイトの利用を続けるとクッキーの使用に同意したものとみなします。",
    "ホーム > 国際 > アジア",
    "",
    "北朝鮮、ロシアとの協調を強調",
    "2024年1月21日 11時01分",
    "シェア",
    "ツイート",
    "",
    JA[2],
    "",
    JA[3],
    "",
    "(AFP=時事)",
    "",
    "関連記事",
    "北朝鮮がミサイル発射",
    "韓国が安保理に要請",
    "",
    "Copyright © 2024 Jiji Press Ltd. 無断転載を禁じます。",
    "このページのトップへ",
])
PAGE_JA_REMOVED = [
    ("footer", PAGE_JA.split("\n")[0]), ("navigation", "ホーム > 国際 > アジア"),
    ("timestamp", "2024年1月21日 11時01分"), ("share", "シェア"), ("share", "ツイート"),
    ("tags", "関連記事"), ("tags", "北朝鮮がミサイル発射"), ("tags", "韓国が安保理に要請"),
    ("footer", "Copyright © 2024 Jiji Press Ltd. 無断転載を禁じます。"), ("footer", "このページのトップへ"),
]


# The seed's site again, another section: the section label above the headline, a caption
# without sentence punctuation (so the headline is found as the line the breadcrumb
# repeats) and a tag list split by blank lines.
HEAD = (SAMPLES / "seed.ja.txt").read_text(encoding="utf-8").split("\n\n")[1]
OTHER = (
    "韓国は木曜日、エスカレートする北朝鮮のミサイル発射実験と威嚇について、"
    "安保理に「沈黙を破る」よう求めた"
)
PAGE_JA2 = "\n".join([
    "Since 1975", "日本語で読むアラビアのニュース", "  • facebook", "  • twitter", "  • Home", "  • ビジネス",
    "  • " + HEAD, "", "ビジネス", HEAD, "", "プーチン大統領と金正恩総書記 (AFP)", "Short Url:",
    "21 Jan 2024 11:01:28 GMT9",
    "", JA[2], "", JA[3], "", "AFP", "", "topics", "", "北朝鮮", "", "ロシア", "", "特に人気", OTHER,
    "", "return to top",
])
PAGE_JA2_REMOVED = [
    ("site", "Since 1975"), ("site", "日本語で読むアラビアのニュース"), ("navigation", "• facebook"),
    ("navigation", "• twitter"), ("navigation", "• Home"), ("navigation", "• ビジネス"),
    ("navigation", "• " + HEAD), ("navigation", "ビジネス"), ("share", "Short Url:"),
    ("timestamp", "21 Jan 2024 11:01:28 GMT9"),
    ("tags", "topics"), ("tags", "北朝鮮"), ("tags", "ロシア"), ("tags", "特に人気"), ("tags", OTHER),
    ("footer", "return to top"),
]


# The seed's site, a feature page: three photo captions each shown twice (one with a
# leading space), padded headline lines, a bulleted summary sentence and a byline line.
CAP1 = "平壌とモスクワの間の連携は武器協力の疑惑について国際的な懸念を高めている"
CAP2 = "安保理の常任理事国であるロシアと中国"
CAP3 = "北朝鮮はロシアとの関係を積極的に強化している。"
SUMMARY = "北朝鮮は日曜日、ロシアと戦略的・戦術的協力を進めることで合意したと発表した。"
PAGE_JA3 = "\n".join([
    "Since 1975", "日本語で読むアラビアのニュース", "  • facebook", "  • twitter", "  • Home", "  • 特集",
    "  • " + HEAD + "   ", "", HEAD + "   ", "", CAP1, CAP1, " " + CAP2, CAP2, CAP3, CAP3, "Short Url:",
    "22 Oct 2020 12:10:57 GMT9", "22 Oct 2020 12:10:57 GMT9", "  • " + SUMMARY, "", "アラブニュース東京", "",
    JA[2], "", JA[3],
])
PAGE_JA3_REMOVED = [
    ("site", "Since 1975"), ("site", "日本語で読むアラビアのニュース"), ("navigation", "• facebook"),
    ("navigation", "• twitter"), ("navigation", "• Home"), ("navigation", "• 特集"),
    ("navigation", "• " + HEAD), ("duplicate", CAP1), ("duplicate", CAP2), ("duplicate", CAP3),
    ("share", "Short Url:"), ("timestamp", "22 Oct 2020 12:10:57 GMT9"),
    ("duplicate", "22 Oct 2020 12:10:57 GMT9"),
]


@pytest.mark.parametrize(
    "page, lang, removed, kinds",
    [
        (PAGE_EN, "en", PAGE_EN_REMOVED, ["headline", "caption", "body", "body", "credit"]),
        (PAGE_JA, "ja", PAGE_JA_REMOVED, ["headline", "body", "body", "credit"]),
        (PAGE_JA2, "ja", PAGE_JA2_REMOVED, ["headline", "caption", "body", "body", "credit"]),
        (PAGE_JA3, "ja", PAGE_JA3_REMOVED, ["headline"] + ["caption"] * 3 + ["body"] * 4),
    ],
)
def test_pages_of_the_same_kind(page, lang, removed, kinds):
    blocks, got = clean(page, lang, LoadConfig())
    assert [(r.reason, r.text) for r in got] == removed
    assert [b.kind for b in blocks] == kinds
    for r in got:
        assert page[r.start : r.end] == r.text
    kept = [page[b.start : b.end] for b in blocks]
    for para in (EN[:4] if lang == "en" else JA[2:4] + [HEAD] * (page == PAGE_JA2)):
        assert kept.count(para) == 1


@pytest.mark.parametrize(
    "line, expected",
    [
        ("21 Jan 2024 11:01:28 GMT9", True),
        ("Updated 21 January 2024", True),
        ("January 21, 2024 at 11:01 a.m. EST", True),
        ("2024-01-21T02:01:28Z", True),
        ("2024年1月21日 11時01分", True),
        ("更新日時：2024年1月21日(日) 11:01", True),
        ("1/21(日) 11:01配信", True),
        ("Published: Sun 21 Jan 2024", True),
        ("On Thursday, South Korea urged the Security Council to act.", False),
        ("同省は、1月14日の発射実験は定期的な活動のひとつだと述べた。", False),
        ("Seibu 3x-2 vs Lotte, 9th inning", False),
        ("2024 Olympics", False),
    ],
)
def test_is_timestamp(line, expected):
    assert is_timestamp(line) is expected


@pytest.mark.parametrize(
    "line, reason",
    [
        ("READ MORE: North Korea fires missile as Kim warns of nuclear conflict", "navigation"),
        ("Read more: " + EN[0], "navigation"),
        ("【関連記事】" + HEAD, "navigation"),
        ("関連記事：" + HEAD, "navigation"),
        ("Share this article", "share"),
        ("Facebook Twitter LinkedIn Email", "share"),
        ("https://arab.news/abc12", "share"),
        ("Skip to main content", "navigation"),
        ("Copyright 2024 Arab News. All rights reserved.", "footer"),
        ("ページの先頭へ", "footer"),
    ],
)
def test_debris_lines_anywhere(line, reason):
    """Lines that are page chrome wherever they stand, even between two body paragraphs."""
    page = "\n\n".join([EN[0], EN[2], line, EN[3]])
    _, removed = clean(page, "en", LoadConfig())
    assert [(r.reason, r.text) for r in removed] == [(reason, line)]


@pytest.mark.parametrize(
    "line, lang",
    [
        ("Topics: North Korea Russia Vladimir Putin Kim Jong Un", "en"),
        ("Tags: North Korea, Russia, diplomacy", "en"),
        ("タグ：北朝鮮 ロシア プーチン大統領", "ja"),
        ("キーワード: 北朝鮮、ロシア", "ja"),
    ],
)
def test_inline_tag_list_below_the_article(line, lang):
    """A tag list on one line with its label ("Topics: ..."), below the last paragraph."""
    paras = EN[:4] if lang == "en" else JA[3:6]
    _, removed = clean("\n\n".join([*paras, line]), lang, LoadConfig())
    assert [(r.reason, r.text) for r in removed] == [("tags", line)]


@pytest.mark.parametrize(
    "page, lang",
    [
        # a bullet list of key points at the end of an article is article text
        ("\n\n".join([EN[0], EN[2], "Key points:\n• 6,000 insurgents\n• Jan. 14 launch"]), "en"),
        # bullets right under the headline (a summary) stay too
        ("\n\n".join([EN[0], "• Putin may visit Pyongyang\n• Choe met Lavrov", EN[2], EN[3]]), "en"),
        # a sentence that starts like a link label is article text
        ("\n\n".join([EN[0], EN[2], "Related: the ministry said the launch was routine.", EN[3]]), "en"),
        # a labelled line that is a sentence, or sits in the article, is article text
        ("\n\n".join([EN[0], EN[2], EN[3], "Topics: the two leaders discussed trade. Nothing else."]), "en"),
        ("\n\n".join([EN[0], EN[2], "Topics: North Korea Russia", EN[3]]), "en"),
        # short repeated lines are not page repeats
        ("\n\n".join([JA[2], "「はい」", JA[3], "「はい」"]), "ja"),
        ("\n\n".join(["西武・外崎が初サヨナラ打", JA[2], "関連する動き", JA[3]]), "ja"),
        # a body paragraph that repeats the photo caption further down is article text
        ("\n\n".join([EN[0], EN[1], EN[2], EN[3], EN[1], EN[4]]), "en"),
        # a whole article run into one bulleted line (a page's share row glued in front of it):
        # the line is not a menu item that lists itself
        ("• facebook • twitter" + "".join(JA[2:6]), "ja"),
    ],
)
def test_article_structures_lose_nothing(page, lang):
    blocks, removed = clean(page, lang, LoadConfig())
    assert removed == ()
    pos = 0
    for line in page.split("\n"):
        start, pos = pos, pos + len(line) + 1
        if line.strip():
            assert any(b.start <= start and start + len(line) <= b.end for b in blocks), line


@pytest.mark.parametrize(
    "page, lang, blocks",
    [
        # a headline line right above its caption is its own block
        (HEAD + "\n" + JA[1], "ja", 2),
        # a hard-wrapped English paragraph stays one block
        (textwrap.fill(EN[2], 72) + "\n\n" + textwrap.fill(EN[3], 60), "en", 2),
        # a Japanese paragraph wrapped at a fixed width stays one block
        ("\n".join(textwrap.wrap(JA[2], 20)), "ja", 1),
        # one paragraph per line, no blank lines between them
        ("\n".join(JA[2:6]), "ja", 4),
        (EN[0] + "\n" + "\n".join(EN[2:5]), "en", 4),
        # a line broken by hand after a comma goes on: one sentence, one block
        ("North Korea has been strengthening its ties with Russia,\nmost visibly when leader Kim Jong Un "
         "traveled to Russia in September for a summit with President Vladimir Putin.", "en", 1),
        ("北朝鮮はロシアとの関係を積極的に強化しており、\n金正恩総書記が9月にロシアを訪問し、プーチン大統領と"
         "首脳会談を行ったことでも注目された。", "ja", 1),
        # a short label without a comma still ends its block
        ("Kim in Russia\nNorth Korean leader Kim Jong Un traveled to Russia in September for a summit with "
         "President Vladimir Putin.", "en", 2),
    ],
)
def test_blocks_from_lines(page, lang, blocks):
    got, removed = clean(page, lang, LoadConfig())
    assert removed == ()
    assert len(got) == blocks
