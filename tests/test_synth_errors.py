"""Synthetic meaning errors (bench/synth_errors.py): each corruption changes the translation
where its span says and nowhere else."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import synth_errors as synth

POOL = ["東京都は新型ウイルスの対策を発表した。", "マイクロソフトは決算を公表した。"]
SRC = "The government announced new measures on Monday in Tokyo."


def check(ref: str, kind: str, seed: int = 1):
    got = synth.corrupt(SRC, ref, kind, seed, POOL)
    assert got is not None
    tgt, used, spans = got
    assert tgt != ref and spans
    # outside the spans, the text is the reference's: same prefix before the first span
    first = min(a for a, _ in spans)
    assert tgt[:first] == ref[:first]
    return tgt, used, spans


def test_number_changes_only_the_number():
    tgt, used, spans = check("政府は15日に新しい対策を発表した。", "number")
    assert used == "number" and tgt[spans[0][0] : spans[0][1]].isdigit() and "15" not in tgt


def test_negate_turns_the_predicate_negative():
    tgt, used, spans = check("政府は新しい対策を発表します。", "negate")
    assert used == "negate" and tgt.endswith("ません。") and tgt[spans[0][0] : spans[0][1]] == "ません"


def test_swap_exchanges_agent_and_object():
    tgt, used, spans = check("米国が日本を支援した。", "swap")
    assert used == "swap" and tgt.startswith("日本が米国を")
    assert sorted(tgt[a:b] for a, b in spans) == ["日本", "米国"]


def test_swap_falls_back_when_there_is_no_agent():
    _, used, _ = check("とても静かな朝だった。", "swap")
    assert used != "swap"


def test_english_leaves_source_words():
    tgt, used, spans = check("政府は月曜日、東京で新たな対策を発表した。", "english")
    a, b = spans[0]
    assert used == "english" and all(w in SRC for w in tgt[a:b].split())


def test_nothing_to_corrupt_is_none():
    assert synth.corrupt("Hi.", "はい", "number", 0, ["はい"]) is None
