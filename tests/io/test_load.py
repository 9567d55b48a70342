from __future__ import annotations

from pathlib import Path

import pytest

from mtreview.config import LoadConfig
from mtreview.errors import InputError
from mtreview.io.load import _western, decode, load_bytes, load_document, load_text, paragraphs

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"
TEST_DATA = Path(__file__).resolve().parents[1] / "data"

SEED_JA = (SAMPLES / "seed.ja.txt").read_text(encoding="utf-8")
SEED_EN = (SAMPLES / "seed.en.txt").read_text(encoding="utf-8")
HEADLINE_JA = (
    "北朝鮮はロシアとの協調を米国に対して強調、プーチン大統領が「早期に」訪問する可能性があると述べた"
)
CAPTION_JA = (
    "北朝鮮はロシアとの関係を積極的に強化しており、金正恩(キム・ジョンウン)総書記が9月にロシアを訪問し、"
    "プーチン大統領と首脳会談を行ったことでも注目された。(AFP=時事)"
)
SEED_REMOVED = [
    ("site", "Since 1975"),
    ("site", "日本語で読むアラビアのニュース"),
    ("navigation", "• facebook"),
    ("navigation", "• twitter"),
    ("navigation", "• Home"),
    ("navigation", "• 日本"),
    ("navigation", "• " + HEADLINE_JA),
    ("duplicate", CAPTION_JA),
    ("share", "Short Url:"),
    ("timestamp", "21 Jan 2024 11:01:28 GMT9"),
    ("duplicate", "21 Jan 2024 11:01:28 GMT9"),
    ("tags", "topics"),
    ("tags", "特に人気"),
    ("tags", "オススメ"),
    ("footer", "return to top"),
]
SEED_KINDS = ["headline", "caption"] + ["body"] * 13 + ["credit"]


# -- encodings ---------------------------------------------------------------------

# Shift_JIS / EUC-JP / ISO-2022-JP cannot encode "•": pages in those encodings use "・" for bullets.
SEED_JA_LEGACY = SEED_JA.replace("•", "・")


def test_decode_damaged_utf8_keeps_the_text():
    data = SEED_JA.encode("utf-8")
    got, encoding = decode(data[:1000] + data[1001:], "seed")
    assert encoding == "utf-8"
    assert got.count("\ufffd") == 2  # the two continuation bytes left without their lead byte
    assert got.startswith(SEED_JA[:300]) and got.endswith(SEED_JA[-300:])


MANIFEST = "id,en_path,ja_path,date,desk\r\n" + "".join(
    f"a{i:03d},articles/a{i:03d}.en.txt,articles/a{i:03d}.ja.txt,2024-01-{i % 28 + 1:02d},"
    f"{'政治' if i % 10 == 0 else 'world'}\r\n" for i in range(50))


@pytest.mark.parametrize(
    "text, data, expected",
    [
        (SEED_JA, SEED_JA.encode("utf-8"), "utf-8"),
        (SEED_JA, b"\xef\xbb\xbf" + SEED_JA.encode("utf-8"), "utf-8-sig"),
        (SEED_JA, SEED_JA.encode("utf-16"), "utf-16"),
        (SEED_JA, SEED_JA.encode("utf-16-le"), "utf-16-le"),
        (SEED_JA, SEED_JA.encode("utf-16-be"), "utf-16-be"),
        (SEED_EN, SEED_EN.encode("utf-16-le"), "utf-16-le"),
        (SEED_JA_LEGACY, SEED_JA_LEGACY.encode("shift_jis"), "shift_jis"),
        (SEED_JA_LEGACY, SEED_JA_LEGACY.encode("cp932"), "shift_jis"),
        (SEED_JA_LEGACY, (SEED_JA_LEGACY + "①").encode("cp932"), "cp932"),
        (SEED_JA_LEGACY, SEED_JA_LEGACY.encode("euc_jp"), "euc_jp"),
        (SEED_JA_LEGACY, SEED_JA_LEGACY.encode("iso2022_jp"), "iso2022_jp"),
        (SEED_JA_LEGACY[:120], SEED_JA_LEGACY[:120].encode("euc_jp"), "euc_jp"),
        (SEED_JA_LEGACY[:120], SEED_JA_LEGACY[:120].encode("shift_jis"), "shift_jis"),
        # mostly ASCII with a few Japanese words (a manifest saved by Japanese Excel): was big5hkscs mojibake
        (MANIFEST, MANIFEST.encode("cp932"), "shift_jis"),
        (MANIFEST, MANIFEST.encode("euc_jp"), "euc_jp"),
        (SEED_EN[:1500] + "\nトヨタ自動車\n", (SEED_EN[:1500] + "\nトヨタ自動車\n").encode("shift_jis"), "shift_jis"),
    ],
)
def test_decode_encodings(text, data, expected):
    got, encoding = decode(data, "seed")
    assert encoding == expected
    assert got.startswith(text)


WINDOWS_EN = [
    "The president said \u201cwe will win\u201d on Monday \u2013 and left.\nIt cost \u20ac500.\n",
    "Caf\u00e9 owners in S\u00e3o Paulo \u2018welcomed\u2019 the news.\n" + SEED_EN[:300],
]


@pytest.mark.parametrize("text", WINDOWS_EN)
def test_english_saved_on_windows_decodes_as_windows_1252(text):
    """A few curly quotes, dashes or accents in English: cp1252, not a mojibake code page."""
    got, encoding = decode(text.encode("cp1252"), "notes.txt")
    assert (got, encoding) == (text, "cp1252")


def test_text_that_is_not_english_with_a_few_western_bytes_is_not_windows_1252():
    russian = "\u041f\u0440\u0435\u0437\u0438\u0434\u0435\u043d\u0442 \u0441\u043a\u0430\u0437\u0430\u043b.\n" * 20
    assert _western(russian.encode("cp1251")) is None  # too many high bytes for English with a few quotes
    assert _western(b"plain ASCII only\n") is None  # nothing to decide: UTF-8 took it already
    for enc in ("shift_jis", "euc_jp"):  # English with a few Japanese words: multi-byte runs, not quotes
        assert _western((SEED_EN[:1500] + "\nトヨタ自動車\n").encode(enc)) is None


@pytest.mark.parametrize("enc", ["utf-8", "utf-16", "shift_jis", "euc_jp"])
def test_seed_page_in_each_encoding_cleans_the_same(enc):
    doc = load_bytes(SEED_JA_LEGACY.encode(enc), f"seed.{enc}.txt", "ja")
    assert len(doc.removed) == len(SEED_REMOVED)
    assert [b.kind for b in doc.blocks] == SEED_KINDS


@pytest.mark.parametrize(
    "data, message",
    [
        (bytes(range(256)) * 4, "binary file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), "binary file"),
        (b"", "empty file"),
        (b" \n\t\r\n", "empty file"),
        ("\u3000\n\n".encode(), "empty file"),
        (b"\xef\xbb\xbf", "empty file"),
        (b"12345 678\n", "no English or Japanese text found"),
        # a translator's other files, said by name (an RTF would have loaded with its markup as text)
        (b"%PDF-1.7\n" + bytes(range(256)), "a PDF file, not text: save it as plain text"),
        (b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)), "a zipped document .Word .docx"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)), "an old Office document"),
        (b"{\\rtf1\\ansi\\deff0 Kim traveled to Russia in September.}", "an RTF document, not text"),
    ],
)
def test_bad_bytes(data, message):
    with pytest.raises(InputError, match=message) as exc:
        load_bytes(data, "upload.txt")
    assert "\n" not in str(exc.value)
    assert str(exc.value).startswith("upload.txt: ")


@pytest.mark.parametrize(
    "text, lang, message",
    [
        (SEED_EN, "ja", "expected Japanese text but this looks English"),
        (SEED_JA, "en", "expected English text but this looks Japanese"),
        (SEED_EN, "fr", "unsupported language 'fr'"),
        # the Chinese edition given for the Japanese translation: Han characters, no kana
        ("朝鲜与俄罗斯同意加强合作\n\n朝鲜外务省星期日表示，朝鲜已同意与俄罗斯加强战略和战术合作，以建立一个新的多极国际秩序。\n",
         "ja", "expected Japanese text but this looks Chinese"),
        ("北韓外務省星期日表示，北韓已同意與俄羅斯加強戰略和戰術合作，以建立一個新的多極國際秩序。\n",
         None, "expected Japanese text but this looks Chinese"),
    ],
)
def test_wrong_language(text, lang, message):
    with pytest.raises(InputError, match=message):
        load_text(text, lang, path="x.txt")


@pytest.mark.parametrize(
    "page, style",
    [
        (SEED_JA, "lf"),
        (SEED_JA.replace("\n", "\r\n"), "crlf"),
        (SEED_JA.replace("\n", "\r"), "cr"),
        (SEED_JA.replace("\n", "\r\n", 3), "mixed"),
    ],
)
def test_newlines_are_normalised_and_recorded(page, style):
    doc = load_text(page, "ja")
    assert doc.newline == style
    assert doc.text == SEED_JA
    assert [(r.reason, r.text) for r in doc.removed] == SEED_REMOVED


@pytest.mark.parametrize("para", ["\u2029", "\x0c", "\n\u2029\n"])
def test_other_paragraph_breaks_split_an_article(para):
    """The Unicode paragraph separator (text from JavaScript or JSON) and a page break: paragraphs as
    with blank lines."""
    plain = load_text(SEED_JA, "ja")
    doc = load_text(SEED_JA.replace("\n\n", para), "ja")
    texts = [plain.block_text(i) for i in range(len(plain.blocks))]
    assert [doc.block_text(i) for i in range(len(doc.blocks))] == texts



# -- the scraped seed page ---------------------------------------------------------


def test_seed_page_removed_lines_exactly():
    doc = load_document(SAMPLES / "seed.ja.txt", "ja")
    assert doc.fmt == "scraped"
    assert [(r.reason, r.text) for r in doc.removed] == SEED_REMOVED
    for r in doc.removed:
        assert doc.text[r.start : r.end] == r.text


def test_seed_page_blocks_and_kinds():
    doc = load_document(SAMPLES / "seed.ja.txt", "ja")
    assert [b.kind for b in doc.blocks] == SEED_KINDS
    texts = [doc.text[b.start : b.end] for b in doc.blocks]
    assert texts[0] == HEADLINE_JA
    assert texts[1] == CAPTION_JA
    assert texts[2].startswith("ソウル:北朝鮮は日曜日、")
    assert texts[-1] == "AP"
    # every article paragraph of the page (a line with 。) is kept verbatim, exactly once
    article = [ln.strip() for ln in SEED_JA.split("\n") if "。" in ln]
    assert len(article) == 15  # 14 paragraphs + the repeated caption
    assert sorted(set(article)) == sorted(t for t in texts if "。" in t)
    # the first caption is the one kept; the repeat right below it is the duplicate
    dup = next(r for r in doc.removed if r.reason == "duplicate" and r.text == CAPTION_JA)
    assert doc.blocks[1].end < dup.start


def test_seed_english_loses_nothing():
    doc = load_document(SAMPLES / "seed.en.txt", "en")
    assert doc.removed == ()
    assert doc.fmt == "text"
    assert [(b.start, b.end) for b in doc.blocks] == [(b.start, b.end) for b in paragraphs(doc.text)]
    assert [b.kind for b in doc.blocks] == SEED_KINDS
    assert doc.block_text(2).startswith("SEOUL: North Korea said Sunday")


@pytest.mark.parametrize(
    "name, blocks, kinds",
    [
        ("clean/abcnews.420102.en.txt", 3, ["headline", "body", "body"]),
        ("clean/abcnews.420102.ja.txt", 3, ["headline", "body", "body"]),
        ("clean/yahoo-ja.978303.en.txt", 9, ["body"] * 9),  # its title ends with a period,
        ("clean/yahoo-ja.978303.ja.txt", 9, ["headline"] + ["body"] * 8),
    ],
)
def test_clean_news_loses_nothing(name, blocks, kinds):
    doc = load_document(TEST_DATA / name)
    assert doc.removed == ()
    assert [(b.start, b.end) for b in doc.blocks] == [(b.start, b.end) for b in paragraphs(doc.text)]
    assert len(doc.blocks) == blocks
    assert [b.kind for b in doc.blocks] == kinds


@pytest.mark.parametrize(
    "config, reasons",
    [
        (LoadConfig(), [r for r, _ in SEED_REMOVED]),
        (LoadConfig(strip_boilerplate=False), ["duplicate", "duplicate"]),
        (LoadConfig(dedupe_blocks=False),
         ["site", "site"] + ["navigation"] * 5 + ["share", "timestamp", "timestamp"]
         + ["tags"] * 3 + ["footer"]),
        (LoadConfig(strip_boilerplate=False, dedupe_blocks=False), []),
    ],
)
def test_config_knobs(config, reasons):
    doc = load_text(SEED_JA, "ja", config=config)
    assert [r.reason for r in doc.removed] == reasons
