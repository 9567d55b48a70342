"""MQM scores from flags and decisions; the MQM Viewer / Marot TSV."""

from __future__ import annotations

import csv
import io

import pytest

from mtreview.checks import suppression_key
from mtreview.config import MqmConfig, from_dict
from mtreview.errors import ConfigError
from mtreview.records import flag_from_dict
from mtreview.score import mqm
from mtreview.ui.store import SegmentState

SRC = "Police said 12 people were killed in the attack on Monday."  # 11 words
TGT = "警察によると、月曜日の攻撃で21人が死亡した。"


def _flag(check, severity, start, end, side="tgt", text=None, category="accuracy/mistranslation"):
    body = SRC if side == "src" else TGT
    return {"check": check, "category": category, "severity": severity, "side": side, "start": start,
            "end": end, "text": text if text is not None else body[start:end], "message": "m", "suggestion": None}


def _seg(flags, sid=0, src=SRC, tgt=TGT):
    return {"id": sid, "src": src, "tgt": tgt, "flags": flags}


@pytest.mark.parametrize(
    "text, words",
    [(SRC, 11), ("ISLAMABAD -- A U.N. report says more than 6,000 Pakistani insurgents", 10),
     ("don't stop", 2), ("", 0), ("-- ...", 0)],
)
def test_source_words(text, words):
    assert mqm.source_words(text) == words


def test_weights_add_up_per_thousand_words():
    seg = _seg([_flag("numbers", "major", 14, 16), _flag("punctuation", "minor", 22, 23)])
    s = mqm.segment_score(seg, MqmConfig())
    assert (s.penalty, s.words, s.errors["major"], s.errors["minor"]) == (6.0, 11, 1, 1)
    assert s.score == round(6 * 1000 / 11, 4) and not s.passed
    heavy = mqm.segment_score(seg, MqmConfig(major=10.0, minor=0.5))
    assert heavy.penalty == 10.5


def test_decisions_accepted_count_rejected_do_not():
    f1, f2 = _flag("numbers", "major", 14, 16), _flag("punctuation", "minor", 22, 23)
    seg = _seg([f1, f2])
    decided = {"numbers": "accept", "punctuation": "reject"}

    def decide(flag, _seg):
        return decided[flag["check"]]

    assert mqm.segment_score(seg, MqmConfig(), decide).penalty == 5.0
    assert mqm.segment_score(seg, MqmConfig(), lambda f, s: None).penalty == 6.0  # undecided count
    assert mqm.segment_score(seg, MqmConfig(count_undecided=False), lambda f, s: None).penalty == 0.0


def test_store_decisions_by_suppression_key():
    f = _flag("numbers", "major", 14, 16)
    key = suppression_key(flag_from_dict(f), TGT)
    decide = mqm.store_decider({0: SegmentState(0, decisions=((key, "reject"),))})
    assert decide(f, _seg([f])) == "reject"
    assert decide(f, _seg([f], sid=1)) is None


@pytest.mark.parametrize(
    "flag, expected",
    [
        (_flag("omission", "major", 7, 11, side="src", category="accuracy/omission"), "major"),  # part only
        (_flag("numbers", "major", 0, len(TGT)), "major"),  # not a non-translation check
    ],
)
def test_non_translation_is_a_whole_segment_omission(flag, expected):
    assert mqm.level(flag, _seg([flag]), MqmConfig()) == expected


def test_a_whole_source_flagged_beside_a_translation_is_not_a_non_translation():
    """The omission check flags the whole source when the translation is "about 48% shorter than
    expected" (it cannot say which clause is missing): the segment is translated, so the flag weighs
    its severity (minor 1), not 25 as if nothing had been translated; with no translation it is a
    non-translation; an English target flagged as a whole by `untranslated` is one too."""
    whole = _flag("omission", "minor", 0, len(SRC), side="src", category="accuracy/omission")
    assert mqm.level(whole, _seg([whole]), MqmConfig()) == "minor"
    assert mqm.segment_score(_seg([whole]), MqmConfig()).penalty == 1.0
    assert mqm.level(whole, _seg([whole], tgt=" "), MqmConfig()) == "non_translation"
    english = "Police said 12 people were killed."
    left = {**_flag("untranslated", "major", 0, len(english), category="accuracy/untranslated"), "text": english}
    assert mqm.level(left, _seg([left], tgt=english), MqmConfig()) == "non_translation"


def test_untranslated_segment_weighs_25():
    seg = _seg([_flag("omission", "major", 0, len(SRC), side="src", category="accuracy/omission")], tgt="")
    assert mqm.segment_score(seg, MqmConfig()).penalty == 25.0


def test_article_and_batch_combine_penalties_and_words():
    review = {"segments": [_seg([_flag("numbers", "major", 14, 16)]), _seg([], sid=1)]}
    segs, art = mqm.review_scores(review, MqmConfig())
    assert [s.penalty for s in segs] == [5.0, 0.0]
    assert (art.penalty, art.words) == (5.0, 22)
    assert art.score == round(5000 / 22, 4)
    batch = mqm.combine([art, mqm.MqmScore(0.0, 978, {}, 1000, 10.0)], MqmConfig())
    assert (batch.words, batch.score, batch.passed) == (1000, 5.0, True)
    assert batch.to_dict()["errors"] == {"minor": 0, "major": 1, "critical": 0, "non_translation": 0}


def test_threshold_decides_pass():
    s = mqm.MqmScore(10.0, 1000, {}, 1000, 10.0)
    assert s.passed and not mqm.MqmScore(10.5, 1000, {}, 1000, 10.0).passed
    assert not mqm.MqmScore(1.0, 0, {}, 1000, 10.0).passed  # an error in a text without words


def test_mqm_config_section_is_validated():
    assert from_dict({"mqm": {"major": 4}}).mqm.major == 4.0
    with pytest.raises(ConfigError, match=r"\[mqm\] per_words must be at least 1"):
        from_dict({"mqm": {"per_words": 0}})
    with pytest.raises(ConfigError, match=r"\[mqm\] critical must not be negative"):
        from_dict({"mqm": {"critical": -1}})


def test_anthea_tsv_reads_as_mqm_viewer_data():
    f = _flag("numbers", "major", 14, 16)
    review = {"segments": [_seg([f]), _seg([], sid=1, src="Officials declined.", tgt="当局はコメントを控えた。")]}
    text = mqm.anthea_tsv([("article-1", review, None)], MqmConfig(), system="deepl")
    rows = list(csv.reader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE))
    assert rows[0] == list(mqm.ANTHEA_COLUMNS)
    assert all(len(r) == 10 for r in rows)
    assert rows[1][:4] == ["deepl", "article-1", "1", "1"]
    assert rows[1][6] == "警察によると、月曜日の攻撃で<v>21</v>人が死亡した。"
    assert rows[1][7:9] == ["Accuracy/Mistranslation", "Major"]
    assert rows[2][3:] == ["2", "mtreview", "Officials declined.", "当局はコメントを控えた。",
                           "No-error", "No-error", "{}"]


def test_anthea_rejected_flag_leaves_a_no_error_line():
    f = _flag("numbers", "major", 14, 16)
    text = mqm.anthea_tsv([("a", {"segments": [_seg([f])]}, lambda fl, s: "reject")], MqmConfig())
    assert text.splitlines()[1].endswith("No-error\tNo-error\t{}")
