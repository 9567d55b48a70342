"""Seed acceptance: every check over the seed article, paragraph pairs aligned by hand.

tests/data/seed_pairs.tsv holds the article's 16 paragraph pairs (data/samples/seed.*.txt)
and four lines of page debris the loader may leave in (as 0-1 segments).
"""

from __future__ import annotations

import pytest

from mtreview.checks import Article, build_checks, run_checks
from mtreview.config import ChecksConfig
from mtreview.records import Segment
from tests.conftest import TEST_DATA


def seed_article() -> Article:
    rows = (TEST_DATA / "seed_pairs.tsv").read_text(encoding="utf-8").splitlines()[1:]
    pairs = [row.split("\t") for row in rows]
    return Article(segments=tuple(
        Segment(k, en, ja, (k,) if en else (), (k,) if ja else ()) for k, (en, ja) in enumerate(pairs)
    ))


SEOUL_EN = (
    'SEOUL: North Korea said Sunday it had agreed with Russia to step up strategic and tactical '
    'cooperation in order to build a "new multipolar international order," as the two countries try '
    'to present a united front against the United States amid their separate, deepening standoffs '
    'with Washington.'
)
QUOTE_10 = ("”両国の核心的利益を守り、新しい多極化された国際秩序を確立するために、"
            "戦略的・戦術的協力をさらに強化する強い意志 “")
# (segment, check, side, start, end, text, severity)
EXPECTED = [
    (1, "punctuation", "tgt", 26, 36, "(キム・ジョンウン)", "minor"),  # half-width parentheses
    (1, "inconsistency", "tgt", 36, 39, "総書記", "major"),  # 金正恩総書記 once, 金(正恩)委員長 twice
    (2, "boilerplate", "tgt", 0, 10, "Short Url:", "major"),
    (3, "boilerplate", "tgt", 0, 25, "21 Jan 2024 11:01:28 GMT9", "major"),
    (4, "omission", "src", 0, 295, SEOUL_EN, "minor"),  # real: "as the two countries try ..." missing
    (4, "punctuation", "tgt", 3, 4, ":", "minor"),  # ソウル:北朝鮮
    (5, "punctuation", "tgt", 15, 23, "(チェ・ソンヒ)", "minor"),
    (5, "inconsistency", "tgt", 49, 54, "北の外務省", "minor"),  # elsewhere 北朝鮮外務省
    (5, "quotes", "tgt", 81, 88, "“早い時期 “", "major"),
    (5, "repetition", "tgt", 99, 107, "と述べたと述べた", "major"),
    (7, "inconsistency", "tgt", 16, 21, "北の外務省", "minor"),
    (10, "quotes", "tgt", 43, 101, QUOTE_10, "major"),
    (11, "inconsistency", "tgt", 47, 51, "北朝鮮省", "minor"),
    (18, "boilerplate", "tgt", 0, 6, "topics", "major"),
    (19, "boilerplate", "tgt", 0, 13, "return to top", "major"),
]


@pytest.fixture(scope="module")
def seed_flags():
    return [(i, f.check, f.side, f.start, f.end, f.text, f.severity.label)
            for i, fs in enumerate(run_checks(seed_article(), build_checks(ChecksConfig()))) for f in fs]


def test_seed_flags_are_exactly_the_known_defects(seed_flags):
    assert seed_flags == EXPECTED


@pytest.mark.parametrize("index, check, suggestion", [
    (5, "quotes", "「早い時期」"),
    (5, "repetition", "と述べた"),
    (4, "punctuation", "："),
    (11, "inconsistency", "北朝鮮外務省"),
    (1, "inconsistency", "委員長"),
])
def test_seed_suggestions(index, check, suggestion):
    flags = run_checks(seed_article(), build_checks(ChecksConfig()))[index]
    assert [f.suggestion for f in flags if f.check == check] == [suggestion]


def test_correct_paragraphs_stay_quiet(seed_flags):
    flagged = {i for i, *_ in seed_flags}
    correct = {0, 6, 8, 9, 12, 13, 14, 15, 16, 17}  # headline, body paragraphs without defects, "AP"
    assert not flagged & correct


def test_seed_through_the_cli(seed_paths, capsys):
    """The whole pipeline on the seed files: the known defects come out, whatever the alignment."""
    import json

    from mtreview.cli.main import main

    en, ja = seed_paths
    assert main(["review", str(en), str(ja), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    flags = [(f["check"], f["text"]) for s in data["segments"] for f in s["flags"]]
    assert ("repetition", "と述べたと述べた") in flags
    assert ("quotes", "“早い時期 “") in flags
    assert ("punctuation", ":") in flags
    assert {t for c, t in flags if c == "inconsistency"} >= {"北の外務省", "北朝鮮省"}
    assert {"委員長", "総書記"} & {t for c, t in flags if c == "inconsistency"}
    for s in data["segments"]:
        for f in s["flags"]:
            side = s["src"] if f["side"] == "src" else s["tgt"]
            assert side[f["start"] : f["end"]] == f["text"]


def test_missing_glossary_file_is_a_one_line_config_error(seed_paths, tmp_path, capsys):
    from mtreview.cli.main import main

    cfg = tmp_path / "c.toml"
    cfg.write_text('[checks]\nglossary = "no/such/glossary.tsv"\n', encoding="utf-8")
    en, ja = seed_paths
    assert main(["review", str(en), str(ja), "--config", str(cfg)]) == 3
    err = capsys.readouterr().err.strip().splitlines()
    missing = tmp_path.resolve() / "no" / "such" / "glossary.tsv"  # relative to the config file's folder
    assert err == [f"mtreview: error: glossary file not found: {missing}"]
