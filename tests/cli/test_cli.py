from __future__ import annotations

import json
from pathlib import Path

import pytest

from mtreview.cli.main import main


def test_align_contract(seed_paths, capsys):
    en, ja = seed_paths
    assert main(["align", str(en), str(ja), "--format", "jsonl"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert rows
    for row in rows:
        assert set(row) == {"src_ids", "tgt_ids", "src", "tgt", "score"}
        assert isinstance(row["score"], float)
        assert (row["src"] == "") == (row["src_ids"] == [])
        assert (row["tgt"] == "") == (row["tgt_ids"] == [])
    # every sentence appears once, in order
    src_ids = [i for r in rows for i in r["src_ids"]]
    tgt_ids = [i for r in rows for i in r["tgt_ids"]]
    assert src_ids == list(range(len(src_ids)))
    assert tgt_ids == list(range(len(tgt_ids)))


def test_review_contract(seed_paths, capsys, tmp_path):
    en, ja = seed_paths
    out = tmp_path / "r.json"
    assert main(["review", str(en), str(ja), "--format", "json", "--out", str(out)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"schema_version", "meta", "segments", "removed", "summary"}
    assert json.loads(out.read_text(encoding="utf-8")) == data
    seg = data["segments"][0]
    assert {"id", "src", "tgt", "src_ids", "tgt_ids", "kind", "scores", "flags"} <= set(seg)
    assert data["meta"]["config_hash"]


@pytest.mark.parametrize(
    "make, reason",
    [
        (lambda d: d / "missing.txt", "no such file"),
        (lambda d: _write(d / "empty.txt", b""), "empty file"),
        (lambda d: _write(d / "blank.txt", b" \n\n "), "empty file"),
        (lambda d: _write(d / "bin.dat", bytes(range(256)) * 4), "binary"),
    ],
)
def test_bad_input_exits_nonzero_with_one_line(tmp_path, capsys, seed_paths, make, reason):
    en, _ = seed_paths
    bad = make(tmp_path)
    code = main(["review", str(en), str(bad)])
    err = capsys.readouterr().err
    assert code != 0
    assert reason in err
    assert len(err.strip().splitlines()) == 1


def test_same_language_is_an_error(seed_paths, capsys):
    en, _ = seed_paths
    code = main(["align", str(en), str(en)])
    err = capsys.readouterr().err
    assert code == 2
    assert "expected English text but this looks Japanese" in err or "looks English" in err


def _write(p, data: bytes):
    p.write_bytes(data)
    return p


# -- one segment file instead of two articles ------------------------------------------

PAIRS = Path(__file__).resolve().parents[1] / "data"


@pytest.mark.parametrize("name", ["pairs.tsv", "pairs.jsonl", "pairs.xlf", "pairs2.xlf", "pairs.tmx"])
def test_align_pair_file(name, capsys):
    assert main(["align", str(PAIRS / name), "--format", "jsonl"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(r["src_ids"], r["tgt_ids"]) for r in rows] == [([0], [0]), ([1], [1]), ([2], [2])]
    assert rows[0]["src"] == "UN says thousands of anti-Pakistan militants in Afghanistan"
    assert rows[0]["tgt"] == "数千人もの反パキスタン過激派がアフガニスタンに潜伏と国連が主張"


def test_review_pair_file_with_an_empty_side(capsys):
    assert main(["review", str(PAIRS / "pairs.csv"), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [s["kind"] for s in data["segments"]] == ["1-1", "1-0"]
    assert data["meta"]["src"]["format"] == "tsv"


@pytest.mark.parametrize(
    "args, message",
    [
        (["review", "{seed_en}"], "give two article files (EN_FILE JA_FILE) or one segment file"),
        (["review", "{pairs}", "{seed_ja}"], "a segment file holds both sides"),
        (["align", "{bad}"], "bad.jsonl:2: bad JSON"),
    ],
)
def test_pair_file_errors(args, message, seed_paths, tmp_path, capsys):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"src": "Hello.", "tgt": "こんにちは。"}\n{"src": \n', encoding="utf-8")
    paths = {"seed_en": seed_paths[0], "seed_ja": seed_paths[1], "pairs": PAIRS / "pairs.tsv", "bad": bad}
    code = main([a.format(**paths) for a in args])
    err = capsys.readouterr().err
    assert code == 2
    assert message in err
    assert len(err.strip().splitlines()) == 1
