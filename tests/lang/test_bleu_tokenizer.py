"""``mecab.bleu_tokenizer`` is sacrebleu's ``ja-mecab`` tokenizer rebuilt without importing sacrebleu:
it must split every text and sign itself exactly as sacrebleu does (the quality model's word counts
and TER's pre-tokenisation were made with sacrebleu's)."""

from __future__ import annotations

import pytest

from mtreview.lang import mecab

# invented texts: full- and half-width digits and letters, brackets, a made-up name, a newline,
# leading and trailing spaces, an empty line, English only
TEXTS = ["ヌブラスカ州の彼はそれを見ていました。", "  ＨＳＢＣは３億２０００万円を失った。 ",
         "「まさか」と言わずに、\n彼女は話をした", "COVID-19の感染者は1,234人（前日比+56）", "", "   ",
         "The sky is blue.", "ザルクフィンデル社長が来日するらしいよね？"]


@pytest.fixture(scope="module")
def sacrebleu_tokenizer():
    from sacrebleu.tokenizers.tokenizer_ja_mecab import TokenizerJaMecab

    return TokenizerJaMecab()


@pytest.mark.parametrize("text", TEXTS)
def test_splits_as_sacrebleu_does(sacrebleu_tokenizer, text):
    assert mecab.bleu_tokenizer()(text) == sacrebleu_tokenizer(text)


def test_signs_as_sacrebleu_does(sacrebleu_tokenizer):
    assert mecab.bleu_tokenizer().signature() == sacrebleu_tokenizer.signature()
    assert mecab.bleu_tokenizer() is mecab.bleu_tokenizer()  # one tagger per process
