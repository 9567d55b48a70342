"""Block kinds: datelines and credits (the page-level kinds are tested in test_debris/test_load)."""

from __future__ import annotations

import pytest

from mtreview.io.structure import classify, dateline_end, is_credit
from mtreview.records import Block


@pytest.mark.parametrize(
    "text, lang, expected",
    [
        ("SEOUL: North Korea said Sunday", "en", "SEOUL:"),
        ("VIRGINIA BEACH, Va. -- The city of Virginia Beach removed", "en", "VIRGINIA BEACH, Va. --"),
        ("AURORA, Colo. (AP) - A car drove through a crowd", "en", "AURORA, Colo. (AP) -"),
        ("ISLAMABAD -- A U.N. report says", "en", "ISLAMABAD --"),
        ("BARCELONA will be known as a selling club this summer", "en", ""),
        ("UN says thousands of anti-Pakistan militants", "en", ""),
        ("ソウル:北朝鮮は日曜日、", "ja", "ソウル:"),
        ("バージニア州バージニア・ビーチ -- バージニアビーチ市は", "ja", "バージニア州バージニア・ビーチ --"),
        ("【ワシントン共同】米政府は", "ja", "【ワシントン共同】"),
        ("【写真】スペクティからのアラート画面", "ja", ""),
        ("【動画】Rソックス・ベッツが", "ja", ""),
        ("北朝鮮はロシアとの関係を積極的に強化しており、", "ja", ""),
    ],
)
def test_dateline(text, lang, expected):
    assert text[: dateline_end(text, lang)] == expected


@pytest.mark.parametrize(
    "line, expected",
    [
        ("AP", True), ("Reuters", True), ("(AFP=時事)", True), ("（共同）", True), ("(ロイター=共同)", True),
        ("Reporting by Hyonhee Shin; Editing by Lincoln Feast", True),
        ("APEC leaders met in Lima.", False), ("North Korea", False),
    ],
)
def test_is_credit(line, expected):
    assert is_credit(line) is expected


@pytest.mark.parametrize(
    "blocks, caption_end, kinds",
    [
        (["Virginia Beach takes down Confederate monument", "VIRGINIA BEACH, Va. -- The city removed it.",
          "The council voted unanimously Thursday night."], None, ["headline", "body", "body"]),
        (["SEOUL:", "North Korea said Sunday it had agreed with Russia.", "AP"], None,
         ["dateline", "body", "credit"]),
        (["North Korea stresses cooperation with Russia", "Kim and Putin met in September (AFP/Jiji)",
          "North Korea said Sunday it had agreed with Russia."], None, ["headline", "caption", "body"]),
        (["North Korea stresses cooperation with Russia", "Kim and Putin met in September",
          "Kim traveled to Russia", "SEOUL: North Korea said Sunday it had agreed with Russia."], 3,
         ["headline", "caption", "caption", "body"]),
        (["North Korea said Sunday it had agreed with Russia.", "AP"], None, ["body", "credit"]),
    ],
)
def test_classify(blocks, caption_end, kinds):
    text = "\n\n".join(blocks)
    spans, pos = [], 0
    for b in blocks:
        spans.append((pos, pos + len(b)))
        pos += len(b) + 2
    end = spans[caption_end - 1][1] + 1 if caption_end else None
    got = classify(text, spans, "en", end)
    assert all(isinstance(b, Block) for b in got)
    assert [b.kind for b in got] == kinds
