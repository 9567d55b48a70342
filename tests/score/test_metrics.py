from __future__ import annotations

import pytest

from mtreview.errors import ConfigError
from mtreview.score.metrics import METRICS, Bleu, ChrF, Ter, get_metric, pair_scores

# (hypothesis, reference): real sentences from the seed article and a dev document.
PAIRS = [
    ("ソウル:北朝鮮は日曜日、「新たな多極化された国際秩序」を確立するためにロシアと戦略的・戦術的協力を進めることで合意したと発表した。",
     "ソウル:北朝鮮は日曜日、「新たな多極化された国際秩序」を確立するためにロシアと戦略的・戦術的協力を進めることで合意したと発表した。"),
    ("北の外務省は、プーチン大統領は平壌訪問の意志を再び示し、それは“早い時期“に実現する可能性があると述べたと述べた。",
     "北の外務省は、プーチン大統領が平壌訪問の意志を再び示し、それは「早い時期」に実現する可能性があると述べた。"),
    ("北朝鮮はロシアとの関係を積極的に強化しており、金正恩(キム・ジョンウン)総書記が9月にロシアを訪問した。",
     "北朝鮮はロシアとの関係を強化している。"),
    ("高さ27フィート（8.2メートル）の記念碑は土曜日の朝に作業員によって撤去された、と報道各社が報じた。",
     "この記念碑は1905年に建立され、プリンセス・アン郡裁判所の外、かつて奴隷競売が行われたのと同じ場所に建っていた。"),
]


@pytest.mark.parametrize(("metric", "expected", "corpus"), [
    ("chrf", [100.0, 77.62, 48.29, 9.99], 62.49),
    ("bleu", [100.0, 69.3, 21.53, 7.06], 54.69),
    ("ter", [0.0, 18.18, 183.33, 77.78], 45.9),
])
def test_japanese_scores(metric, expected, corpus):
    m = get_metric(metric, "ja")
    got = [round(m.sentence_score(h, r), 2) for h, r in PAIRS]
    assert got == expected
    result = m.corpus_score([h for h, _ in PAIRS], [r for _, r in PAIRS])
    assert round(result.score, 2) == corpus
    assert result.name == metric


@pytest.mark.parametrize(("metric", "expected", "tok"), [
    ("chrf", 64.06, "nc:6"),
    ("bleu", 29.7, "tok:13a"),
    ("ter", 28.57, "tok:tercom"),
])
def test_english_scores(metric, expected, tok):
    hyp = "Workers took down the monument on Saturday morning, media reported."
    ref = ("Workers took down the 27-foot (8.2-meter) tall monument on Saturday morning,"
           " media outlets reported.")
    m = get_metric(metric, "en")
    assert round(m.sentence_score(hyp, ref), 2) == expected
    assert tok in m.signature()


@pytest.mark.parametrize(("metric", "needle"), [
    ("bleu", "tok:ja-mecab"),
    ("ter", "pretok:ja-mecab"),
    ("chrf", "nc:6|nw:0"),
])
def test_japanese_signatures(metric, needle):
    sig = get_metric(metric, "ja").signature()
    assert needle in sig
    assert "tok:13a" not in sig
    assert "version:" in sig


def test_pair_scores_keys_and_missing_references():
    hyps = [PAIRS[1][0], PAIRS[2][0], "北朝鮮", ""]
    refs = [PAIRS[1][1], None, "", "北朝鮮"]
    rows, sigs = pair_scores(hyps, refs, "ja", ("chrf", "bleu"), "ref")
    assert [sorted(r) for r in rows] == [["bleu_ref", "chrf_ref"], [], [], []]
    assert round(rows[0]["chrf_ref"], 2) == 77.62
    assert sorted(sigs) == ["bleu_ref", "chrf_ref"]
    assert "tok:ja-mecab" in sigs["bleu_ref"]


def test_registry_and_errors():
    assert sorted(METRICS) == ["bleu", "chrf", "ter"]
    with pytest.raises(ConfigError, match="unknown metric 'comet'"):
        get_metric("comet", "ja")
    with pytest.raises(ConfigError, match="unsupported language"):
        get_metric("chrf", "fr")
    with pytest.raises(ValueError, match="2 hypotheses but 1 references"):
        get_metric("chrf", "ja").corpus_score(["a", "b"], ["a"])


@pytest.mark.parametrize("cls", [ChrF, Bleu, Ter])
def test_signature_before_any_score_comes_from_sacrebleu(cls):
    """A fresh metric has a signature (sacrebleu's public get_signature(), one reference)."""
    sig = cls("ja").signature()
    assert sig.startswith("nrefs:1|") and "version:" in sig
