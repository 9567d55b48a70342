"""The JSON Schemas of the records, validated against real outputs (review, score, batch summary)."""

from __future__ import annotations

import json
import shutil

import jsonschema
import pytest
from conftest import TEST_DATA

from mtreview.batch import runner as batch
from mtreview.cli.main import main
from mtreview.io import schema


def _validator(name):
    cls = jsonschema.validators.validator_for(schema.SCHEMAS[name])
    cls.check_schema(schema.SCHEMAS[name])
    return cls(schema.SCHEMAS[name])


def test_schema_command_prints_each_schema(capsys):
    for name in ("review", "score", "batch"):
        assert main(["schema", name]) == 0
        printed = json.loads(capsys.readouterr().out)
        assert printed == schema.SCHEMAS[name]
        assert printed["$schema"].endswith("2020-12/schema")


@pytest.mark.parametrize("inputs", [["pairs.tsv"], ["cat/phrase.xlf"]])
def test_review_record_validates(inputs, tmp_path):
    out = tmp_path / "r.json"
    assert main(["review", *(str(TEST_DATA / i) for i in inputs), "--out", str(out), "--format", "text"]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["schema_version"] == schema.SCHEMA_VERSION
    _validator("review").validate(data)


def test_review_schema_rejects_what_readers_cannot_use(tmp_path):
    out = tmp_path / "r.json"
    assert main(["review", str(TEST_DATA / "pairs.tsv"), "--out", str(out), "--format", "text"]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    v = _validator("review")
    bad = json.loads(json.dumps(data))
    bad["segments"][0]["flags"] = [{"check": "x", "category": "c", "severity": "fatal", "side": "tgt", "start": 0,
                                    "end": 1, "text": "a", "message": "m", "suggestion": None}]
    assert any("fatal" in e.message for e in v.iter_errors(bad))
    del bad["schema_version"]
    assert any("schema_version" in e.message for e in v.iter_errors(bad))


def test_score_lines_validate(capsys):
    assert main(["score", str(TEST_DATA / "pairs.tsv")]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert lines
    v = _validator("score")
    for line in lines:
        v.validate(line)


def test_batch_summary_and_article_records_validate(tmp_path):
    shutil.copytree(TEST_DATA / "batch", tmp_path / "in")
    batch.run_batch(tmp_path / "in", tmp_path / "out", workers=1, quiet=True)
    _validator("batch").validate(json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8")))
    v = _validator("review")
    records = sorted((tmp_path / "out" / "articles").glob("*.review.json"))
    assert len(records) == 3
    for p in records:
        v.validate(json.loads(p.read_text(encoding="utf-8")))
