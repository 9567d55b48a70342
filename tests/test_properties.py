"""Property tests (Hypothesis) of the core invariants, on generated English/Japanese articles:

- every sentence of each side is in exactly one bead, and beads keep sentence order;
- every flag's span slices its segment side to exactly the flag's text;
- a review survives JSON (``to_dict`` -> ``json`` -> ``review_from_dict``) unchanged.

A bounded, derandomized number of examples keeps the run short and the same on every machine.
"""

from __future__ import annotations

import json

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from mtreview import pipeline  # noqa: E402
from mtreview.config import from_dict  # noqa: E402
from mtreview.errors import InputError  # noqa: E402
from mtreview.io.load import load_text  # noqa: E402
from mtreview.models.embed import get_embedder  # noqa: E402
from mtreview.records import review_from_dict  # noqa: E402

EXAMPLES = settings(max_examples=20, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
FEW = settings(EXAMPLES, max_examples=10)  # a whole review per example
CONFIG = from_dict({"align": {"embedder": "hashing"}})
MODELS = pipeline.Models(embedder=get_embedder("hashing"))

EN_WORDS = ["the", "Prime", "Minister", "said", "Tokyo", "on", "Monday", "3.5", "percent", "U.S.", "Mr.",
            "Abe", "talks", "would", "\"resume\"", "in", "2024,", "(AP)", "$1.2", "billion", "e-mail",
            "https://example.com/a?b=1", "Co.", "No.", "1", "café", "naïve", "—", "’s", "10,000"]
JA_CHUNKS = ["首相は", "東京で", "月曜日に", "3.5%", "述べた", "「会談を再開する」", "と", "米国の", "１０００人",
             "（共同）", "が", "安倍氏", "は", "交渉", "を", "2024年", "ＵＲＬ", "https://example.com", "ー",
             "㈱", "…", "再開", "した", "サッカー", "！", "？"]
EN_ENDS = [".", "?", "!", ".\"", "..."]
JA_ENDS = ["。", "！", "？", "」。", ""]


@st.composite
def en_sentence(draw) -> str:
    words = draw(st.lists(st.sampled_from(EN_WORDS), min_size=1, max_size=12))
    return " ".join(words).capitalize() + draw(st.sampled_from(EN_ENDS))


@st.composite
def ja_sentence(draw) -> str:
    return "".join(draw(st.lists(st.sampled_from(JA_CHUNKS), min_size=1, max_size=10))) + draw(
        st.sampled_from(JA_ENDS))


@st.composite
def article(draw, sentence, sep: str) -> str:
    """Paragraphs of sentences, joined by blank lines, single newlines or nothing at all."""
    paras = draw(st.lists(st.lists(sentence(), min_size=1, max_size=3), min_size=1, max_size=4))
    joiner = draw(st.sampled_from(["\n\n", "\n", "\r\n\r\n", sep]))
    return joiner.join(sep.join(p) for p in paras)


def _documents(en: str, ja: str):
    try:
        return load_text(en, "en"), load_text(ja, "ja")
    except InputError:  # e.g. a generated text that reads as the other language: not this test's business
        hypothesis.assume(False)


@EXAMPLES
@given(en=article(en_sentence, " "), ja=article(ja_sentence, ""))
def test_every_sentence_is_in_exactly_one_bead_in_order(en, ja):
    src, tgt = _documents(en, ja)
    ssents, tsents, beads = pipeline.align_documents(src, tgt, CONFIG, MODELS)
    for side, sents in (("src_ids", ssents), ("tgt_ids", tsents)):
        ids = [i for b in beads for i in getattr(b, side)]
        assert ids == list(range(len(sents)))  # each once, none missing, in order
    assert all(b.src_ids or b.tgt_ids for b in beads)


@FEW
@given(en=article(en_sentence, " "), ja=article(ja_sentence, ""))
def test_flag_spans_slice_to_their_text_and_reviews_round_trip_through_json(en, ja):
    src, tgt = _documents(en, ja)
    review = pipeline.review(src, tgt, CONFIG, MODELS)
    for seg in review.segments:
        for flag in seg.flags:
            text = seg.src if flag.side == "src" else seg.tgt
            assert 0 <= flag.start <= flag.end <= len(text)
            assert text[flag.start:flag.end] == flag.text, (flag.check, flag.text)
    data = review.to_dict()
    again = review_from_dict(json.loads(json.dumps(data, ensure_ascii=False, sort_keys=True)))
    assert again.to_dict() == data


@EXAMPLES
@given(rows=st.lists(st.tuples(en_sentence(), ja_sentence()), min_size=1, max_size=6))
def test_row_checks_flag_spans_slice_to_their_text(rows):
    srcs, tgts = [r[0] for r in rows], [r[1] for r in rows]
    for src, tgt, flags in zip(srcs, tgts, pipeline.check_rows(srcs, tgts, CONFIG), strict=True):
        for flag in flags:
            assert (src if flag.side == "src" else tgt)[flag.start:flag.end] == flag.text


@EXAMPLES
@given(article_id=st.text(min_size=1, max_size=300))
def test_safe_names_are_file_names(article_id):
    from mtreview.batch.pairs import MAX_NAME_BYTES, safe_name

    name = safe_name(article_id)
    assert 0 < len(name.encode("utf-8")) <= MAX_NAME_BYTES
    assert "/" not in name and "\x00" not in name and not name.startswith(".")
    assert safe_name(article_id) == name


TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)


@EXAMPLES
@given(rows=st.lists(st.tuples(TEXT, TEXT), min_size=1, max_size=5))
def test_jsonl_segment_files_round_trip_any_text(tmp_path_factory, rows):
    from mtreview.io.segment_files import load_rows

    path = tmp_path_factory.mktemp("jsonl") / "pairs.jsonl"
    path.write_text("".join(json.dumps({"src": s, "tgt": t}, ensure_ascii=False) + "\n" for s, t in rows),
                    encoding="utf-8")
    try:
        got = load_rows(path)
    except InputError as exc:  # refused with a reason (e.g. binary-looking control characters), never a crash
        assert str(exc).startswith(str(path))
        return
    assert [(r["src"], r["tgt"]) for r in got] == rows
