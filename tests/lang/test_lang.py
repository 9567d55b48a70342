"""mtreview.lang: language facts written once, and the code outside it that reuses them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mtreview.lang import en, ja, page

PACKAGE = Path(__file__).resolve().parents[2] / "mtreview"


@pytest.mark.parametrize(("word", "month"), [("january", 1), ("jan", 1), ("sept", 9), ("sep", 9), ("may", 5),
                                              ("december", 12)])
def test_month_words(word, month):
    assert en.MONTHS[word] == month


def test_month_abbreviations_exclude_whole_words():
    assert "may" not in en.MONTH_ABBREVIATIONS and "june" not in en.MONTH_ABBREVIATIONS
    assert {"jan", "sep", "sept", "dec"} <= en.MONTH_ABBREVIATIONS


def test_month_pattern_prefers_the_longest_word():
    m = re.match(f"(?:{en.MONTH_PATTERN})", "september")
    assert m is not None and m.group() == "september"


def test_not_person_names():
    assert {"Monday", "December", "President", "The"} <= en.NOT_PERSON_NAMES
    assert "Lingard" not in en.NOT_PERSON_NAMES


@pytest.mark.parametrize(("ch", "expected"), [("あ", True), ("カ", True), ("ー", True), ("漢", True), ("々", True),
                                              ("・", False), ("ｶ", False), ("a", False), ("、", False)])
def test_ja_letters(ch, expected):
    assert ja.is_ja(ch) is expected


@pytest.mark.parametrize("ch", ["・", "ｶ", "ゝ", "㐀"])
def test_ja_script_is_wider_than_the_letters(ch):
    assert re.match(f"[{ja.JA_SCRIPT}]", ch) and not ja.is_ja(ch)


ZH = "朝鲜外务省星期日表示，朝鲜已同意与俄罗斯加强战略和战术合作，以建立一个新的多极国际秩序。"
ZH_TW = "北韓外務省星期日表示，北韓已同意與俄羅斯加強戰略和戰術合作，以建立一個新的多極國際秩序。"
JA_KANJI_HEAVY = "北朝鮮外務省は日曜日、露朝両国が戦略的・戦術的協力強化で合意したと発表、新国際秩序構築を強調した。"


@pytest.mark.parametrize(("text", "chinese"), [
    (ZH, True), (ZH_TW, True), (ZH * 2 + "「优の良品」", True),  # a brand name with の: still Chinese
    (JA_KANJI_HEAVY, False), (JA_KANJI_HEAVY * 5, False),
    ("国際秩序構築", False), ("中華人民共和国国務院総理李強" * 2, False),  # too few Han to tell
    ("Kim traveled to Russia in September.", False),
])
def test_looks_chinese(text, chinese):
    assert ja.looks_chinese(text) is chinese


def test_fold_width_keeps_length():
    assert ja.fold_width("ＡＢＣ　１２３！") == "ABC 123!"
    assert ja.ja_ratio("日本 abc") == pytest.approx(2 / 5)


def test_page_phrases_each_once_and_folded():
    seen = [p.casefold() for phrases in page._TABLE.values() for p in phrases]
    assert len(seen) == len(set(seen))
    assert page.LOADER_PHRASES["share"] == "share" and page.LOADER_PHRASES["pr"] == "navigation"
    assert "photo" in page.CHECK_PHRASES and "photo" not in page.LOADER_PHRASES  # check only
    assert "privacy policy" in page.LOADER_PHRASES and "privacy policy" not in page.CHECK_PHRASES  # loader only
    assert "return to top" in page.CHECK_PHRASES and "return to top" in page.LOADER_PHRASES


def test_sentence_boundary_tables_agree():
    assert en.NUMBERING_ABBREVIATIONS <= en.TITLE_ABBREVIATIONS  # numbering words are titles before a number
    assert en.BRACKET_PAIRS.items() <= en.QUOTE_PAIRS.items()
    assert all(w.startswith("と") and len(w) > 1 for w in ja.TO_WORDS)
    assert set(ja.QUOTE_MARKS) <= set(ja.QUOTE_PAIRS) and "と" not in ja.QUOTING_PARTICLES
    assert all(w in en.GLUE_WORDS for w in ("the", "of", "said"))


def test_morphs_keep_offsets_and_conjugation_types():
    from mtreview.lang import mecab

    text = "彼は見れる。"
    ms = mecab.morphs(text)
    assert all(text[m.start : m.end] == m.surface for m in ms)
    verb = next(m for m in ms if m.pos == "動詞")
    assert verb.lemma == "見る" and verb.kana == "ミレル" and verb.lemma_kana == "ミル"
    assert mecab.conjugation("見る").startswith("上一段") and mecab.conjugation("走る").startswith("五段")
    assert mecab.conjugation("見る走る") == ""  # not one word


def test_refinement_and_style_checks_parse_a_sentence_into_nodes_once(monkeypatch):
    from mtreview import refine
    from mtreview.lang import mecab

    real, seen = mecab.tagger(), []

    def counting() -> object:
        return lambda text: seen.append(text) or real(text)

    monkeypatch.setattr(mecab, "tagger", counting)
    monkeypatch.setattr(refine, "tagger", counting, raising=False)  # where the refinement parsed on its own
    mecab.nodes.cache_clear()
    mecab.morphs.cache_clear()
    text = "岩渕ＨＣ「メダルへ団結」ラグビー７人制男子、４カ月ぶり合宿"
    toks, ms = refine._tokens(text), mecab.morphs(text)
    assert seen == [text]
    assert [(t.start, t.end, t.surface, t.pos[0]) for t in toks] == [(m.start, m.end, m.surface, m.pos) for m in ms]
    assert next(t.form for t in toks if t.pos[0] == "名詞") == "*" and not toks[0].unknown
    mecab.nodes.cache_clear()
    mecab.morphs.cache_clear()


def _outside_lang() -> list[Path]:
    return [p for p in PACKAGE.rglob("*.py") if "lang" not in p.relative_to(PACKAGE).parts]


@pytest.mark.parametrize("fact", [r"\bjanuary\b", r"^\s*import fugashi", r"TokenizerJaMecab", r"\\u3041",
                                  r"\bmessrs\b", r"\bjeopardy\b"])
def test_language_facts_live_in_lang_only(fact):
    rx = re.compile(fact, re.IGNORECASE | re.MULTILINE)
    spelled = [str(p.relative_to(PACKAGE)) for p in _outside_lang() if rx.search(p.read_text(encoding="utf-8"))]
    assert spelled == []


@pytest.mark.parametrize("a, b, same", [
    ("Spain", "Spanish", True), ("Greece", "Greeks", True), ("Japan", "Japanese", True), ("Russia", "Russian", True),
    ("Champion League", "Championship League", True), ("Biden", "Joe Biden", True), ("Zelensky", "Zelenskyy", True),
    ("Austria", "Australia", False), ("Iran", "Iraq", False), ("Johnson", "Johnston", False),
    ("Colombia", "Columbia", False),
    ("Slovakia", "Slovenia", False),
])
def test_same_name(a, b, same):
    from mtreview.lang.names import same_name

    assert same_name(a, b) is same


# invented sentences: auxiliaries and pronouns (pos2 "*"), a made-up name (an unknown word), digits,
# Latin script, a newline and a tab (``tokens`` reads them as spaces), a quotation
MECAB_ROWS = ["ヌブラスカ州の彼はそれを見ていました。", "これは私のペンです。", "ＨＳＢＣは３億２０００万円を失った。",
              "「まさか」と言わずに、\n彼女は\tCOVID-19の話をした", "ザルクフィンデル社長が来日するらしいよね？"]


@pytest.mark.parametrize("text", MECAB_ROWS)
def test_token_rows_from_the_node_parse_equal_the_text_output(text):
    """``tokens`` takes its rows (surface, pos1, pos2, lemma) from the node parse the style checks cache;
    they are the rows of MeCab's text output, which ``tokens`` parsed a second time before."""
    from mtreview.lang import mecab

    flat = text.replace("\n", " ").replace("\t", " ")
    assert mecab._nodes_read_as_text()
    assert mecab._from_nodes(flat) == mecab._parsed(flat)
    assert any(n.unknown for t in MECAB_ROWS for n in mecab.nodes(t))  # the unknown-word case is covered


def test_tokens_are_the_same_with_or_without_the_node_parse(monkeypatch):
    from mtreview.lang import mecab

    mecab.tokens.cache_clear()
    shared = [mecab.tokens(t) for t in MECAB_ROWS]
    mecab.tokens.cache_clear()
    monkeypatch.setattr(mecab, "_nodes_read_as_text", lambda: False)  # another dictionary: the text output
    own = [mecab.tokens(t) for t in MECAB_ROWS]
    mecab.tokens.cache_clear()
    assert shared == own
    assert any(t.pos2 == "" for toks in own for t in toks) and any(t.lemma == "私-代名詞" for t in own[1])
