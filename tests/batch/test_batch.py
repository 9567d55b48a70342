from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, TEST_DATA

from mtreview.batch import runner as batch
from mtreview.batch.inputs import discover
from mtreview.batch.pairs import safe_name
from mtreview.cli.main import main
from mtreview.config import from_dict
from mtreview.records import review_from_dict

FIXTURES = TEST_DATA / "batch"
IDS = ["abcnews.420102", "express.co.uk.44141", "shizuoka_shimbun-ja.45497"]
OUTPUTS = ("articles.csv", "articles.parquet", "segments.csv", "segments.parquet", "flags.csv",
           "flags.parquet", "summary.json", "errors.jsonl")


def write_padded(folder: Path) -> None:
    """An article whose translation carries a paragraph of another article: additions to flag."""
    shutil.copy(FIXTURES / "abcnews.420102.en.txt", folder / "padded.en.txt")
    extra = (FIXTURES / "shizuoka_shimbun-ja.45497.ja.txt").read_text(encoding="utf-8").split("\n\n")[1]
    ja = (FIXTURES / "abcnews.420102.ja.txt").read_text(encoding="utf-8").rstrip("\n")
    (folder / "padded.ja.txt").write_text(f"{ja}\n\n{extra}", encoding="utf-8")


def _folder(tmp_path: Path, with_defect: bool = False) -> Path:
    folder = tmp_path / "in"
    shutil.copytree(FIXTURES, folder)
    for f in folder.iterdir():
        f.chmod(0o644)
    if with_defect:
        write_padded(folder)
    return folder


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _snapshot(out: Path) -> dict[str, bytes]:
    files = {name: (out / name).read_bytes() for name in OUTPUTS}
    files.update({f"articles/{p.name}": p.read_bytes() for p in sorted((out / "articles").iterdir())})
    return files


def test_folder_with_metadata(tmp_path):
    out = tmp_path / "out"
    result = batch.run_batch(_folder(tmp_path), out, workers=1, quiet=True)
    assert (result.articles, result.reviewed, result.skipped, result.failed) == (3, 3, 0, 0)
    articles = _read_csv(out / "articles.csv")
    assert [(a["article_id"], a["date"], a["desk"], a["translator"]) for a in articles] == [
        ("abcnews.420102", "2021-03-01", "world", "tanaka"),
        ("express.co.uk.44141", "2021-03-02", "world", "sato"),
        ("shizuoka_shimbun-ja.45497", "2021-03-02", "local", "tanaka"),
    ]
    data = json.loads((out / "articles" / "express.co.uk.44141.review.json").read_text(encoding="utf-8"))
    assert data["meta"]["article"] == {
        "id": "express.co.uk.44141", "date": "2021-03-02", "desk": "world", "translator": "sato",
        "src_path": str(tmp_path / "in" / "express.co.uk.44141.en.txt"),
        "tgt_path": str(tmp_path / "in" / "express.co.uk.44141.ja.txt"),
    }
    review = review_from_dict(data)
    assert review.segments[0].src == "Queen and Adam Lambert: Brian May celebrates Roger Taylor's birthday"
    segments = _read_csv(out / "segments.csv")
    assert sum(1 for s in segments if s["article_id"] == "express.co.uk.44141") == len(review.segments)
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["articles"] == {"total": 3, "reviewed": 3, "failed": 0}
    assert summary["segments"] == len(segments)
    assert (out / "errors.jsonl").read_text(encoding="utf-8") == ""


def test_cli_without_tty_prints_one_line_and_no_progress_bar(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["batch", str(_folder(tmp_path)), "--out", str(out), "--workers", "1"]) == 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        f"3 article(s) reviewed, 0 failed (3 reviewed in this run, 0 skipped: unchanged since an earlier run);"
        f" outputs in {out}\n")
    assert batch.review_file(out, "abcnews.420102").is_file()
    assert batch.review_file(out, "desk/1").name == "desk_1.review.json"


def test_table_columns(tmp_path):
    out = tmp_path / "out"
    batch.run_batch(_folder(tmp_path, with_defect=True), out, workers=1, quiet=True)
    import pyarrow.parquet as pq

    checks = json.loads((out / "summary.json").read_text(encoding="utf-8"))["checks"]
    check_cols = [f"check_{c}" for c in checks]
    counts = ["flags_total", "flags_minor", "flags_major", "flags_critical", *check_cols, "worst_severity",
              "worst_rank"]
    scores = json.loads((out / "summary.json").read_text(encoding="utf-8"))["scores"]
    expected = {
        "segments": ["article_id", "date", "desk", "translator", "segment_id", "kind", "src_ids", "tgt_ids",
                     "src", "tgt", "align_score", "quality", *(f"score_{s}" for s in scores), *counts,
                     "mqm_penalty"],
        "articles": ["article_id", "date", "desk", "translator", "src_path", "tgt_path", "segments",
                     "flagged_segments", "src_sentences", "tgt_sentences", "unaligned_src", "unaligned_tgt",
                     "mean_quality", "min_quality", "mean_align_score", *(f"mean_score_{s}" for s in scores),
                     *counts, "mqm_penalty", "mqm_words", "mqm_score", "mqm_pass", "config_hash", "input_hash"],
        "flags": ["article_id", "segment_id", "check", "category", "severity", "side", "start", "end", "text",
                  "message", "suggestion"],
    }
    assert {"addition", "omission"} <= set(checks)
    for name, columns in expected.items():
        assert pq.read_schema(out / f"{name}.parquet").names == columns
        with (out / f"{name}.csv").open(encoding="utf-8") as fh:
            assert next(csv.reader(fh)) == columns
    padded = next(a for a in _read_csv(out / "articles.csv") if a["article_id"] == "padded")
    assert padded["date"] == ""  # no metadata row for it
    flags = _read_csv(out / "flags.csv")
    assert int(padded["flags_total"]) == sum(1 for f in flags if f["article_id"] == "padded") > 0
    assert {f["check"] for f in flags if f["severity"] != "minor"} == {"addition"}  # + a minor spelling variant
    # MQM: the article's score is the one mqm computes from its review record; the summary adds them up
    from mtreview.config import MqmConfig
    from mtreview.score import mqm

    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    arts = pq.read_table(out / "articles.parquet").to_pylist()
    expected_errors = dict.fromkeys(mqm.LEVELS, 0)
    for a in arts:
        record = json.loads(batch.review_file(out, a["article_id"]).read_text(encoding="utf-8"))
        _, expected_mqm = mqm.review_scores(record, MqmConfig())
        assert (a["mqm_penalty"], a["mqm_words"], a["mqm_score"], a["mqm_pass"]) == (
            expected_mqm.penalty, expected_mqm.words, expected_mqm.score, expected_mqm.passed)
        expected_errors = {k: n + expected_mqm.errors[k] for k, n in expected_errors.items()}
    # the summary's counted errors per level add up to its penalty (they were all 0 beside a penalty)
    assert summary["mqm"]["errors"] == expected_errors and sum(expected_errors.values()) > 0
    assert sum(getattr(MqmConfig(), k) * n for k, n in summary["mqm"]["errors"].items()) == summary["mqm"]["penalty"]
    assert summary["mqm"]["articles_passed"] == sum(a["mqm_pass"] for a in arts)
    assert summary["mqm"]["penalty"] == sum(a["mqm_penalty"] for a in arts) > 0
    assert summary["mqm"]["words"] == sum(a["mqm_words"] for a in arts)
    # every flag's text is the exact span of its segment side
    segs = {(s["article_id"], s["segment_id"]): s for s in _read_csv(out / "segments.csv")}
    for f in flags:
        text = segs[(f["article_id"], f["segment_id"])][f["side"]]
        assert text[int(f["start"]):int(f["end"])] == f["text"]


def _manifest_rows(folder: Path, inline: bool) -> list[dict[str, str]]:
    meta = {r["name"]: r for r in _read_csv(folder / "metadata.csv")}
    rows = []
    for i in IDS:
        en, ja = folder / f"{i}.en.txt", folder / f"{i}.ja.txt"
        sides = ({"en_text": en.read_text(encoding="utf-8"), "ja_text": ja.read_text(encoding="utf-8")}
                 if inline else {"en_path": f"{i}.en.txt", "ja_path": str(ja)})
        rows.append({"id": i, **sides,
                     "date": meta[i]["date"], "desk": meta[i]["desk"], "translator": meta[i]["translator"]})
    return rows


def _write_jsonl(folder: Path, inline: bool) -> Path:
    path = folder / "manifest.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in _manifest_rows(folder, inline)),
                    encoding="utf-8")
    return path


def _write_csv(folder: Path, inline: bool) -> Path:
    path = folder / "manifest.csv"
    rows = [{k.replace("en_", "src_").replace("ja_", "tgt_"): v for k, v in r.items()}
            for r in _manifest_rows(folder, inline)]
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return path


def _write_parquet(folder: Path, inline: bool) -> Path:
    import pandas as pd

    path = folder / "manifest.parquet"
    pd.DataFrame(_manifest_rows(folder, inline)).to_parquet(path, index=False)
    return path


def _write_dataset(folder: Path, inline: bool) -> Path:
    import datasets

    path = folder / "dataset"
    datasets.Dataset.from_list(_manifest_rows(folder, inline)).save_to_disk(str(path))
    return path


def _write_dataset_dict(folder: Path, inline: bool) -> Path:
    import datasets

    path = folder / "dataset_dict"
    ds = datasets.Dataset.from_list(_manifest_rows(folder, inline))
    datasets.DatasetDict({"test": ds}).save_to_disk(str(path))
    return path


@pytest.mark.parametrize("write, inline", [
    (_write_jsonl, False), (_write_jsonl, True), (_write_csv, True), (_write_csv, False),
    (_write_parquet, True), (_write_dataset, True), (_write_dataset_dict, False),
])
def test_manifest_inputs_match_folder(tmp_path, write, inline):
    folder = _folder(tmp_path)
    batch.run_batch(folder, tmp_path / "ref", workers=1, quiet=True)
    manifest = write(folder, inline)
    out = tmp_path / "out"
    batch.run_batch(manifest, out, workers=1, quiet=True)
    assert (out / "errors.jsonl").read_text(encoding="utf-8") == ""
    for name in ("segments.csv", "flags.csv", "summary.json"):
        assert (out / name).read_bytes() == (tmp_path / "ref" / name).read_bytes(), name
    articles = _read_csv(out / "articles.csv")
    assert [a["article_id"] for a in articles] == IDS
    assert [a["translator"] for a in articles] == ["tanaka", "sato", "tanaka"]
    expected_src = "" if inline else str(folder / "abcnews.420102.en.txt")
    assert articles[0]["src_path"] == expected_src


def test_bad_articles_are_reported_and_skipped(tmp_path, caplog):
    folder = _folder(tmp_path)
    (folder / "binary.en.txt").write_bytes(bytes(range(256)) * 4)
    shutil.copy(folder / "abcnews.420102.ja.txt", folder / "binary.ja.txt")
    (folder / "empty.en.txt").write_bytes(b"")
    shutil.copy(folder / "abcnews.420102.ja.txt", folder / "empty.ja.txt")
    shutil.copy(folder / "abcnews.420102.en.txt", folder / "swapped.ja.txt")
    shutil.copy(folder / "abcnews.420102.ja.txt", folder / "swapped.en.txt")
    shutil.copy(folder / "abcnews.420102.en.txt", folder / "lonely.en.txt")
    out = tmp_path / "out"
    result = batch.run_batch(folder, out, workers=1, quiet=True)
    assert (result.reviewed, result.failed) == (3, 3)
    errors = [json.loads(line) for line in (out / "errors.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(e["id"], e["error"]) for e in errors] == [
        ("binary", "InputError"), ("empty", "InputError"), ("lonely", "InputError"),
        ("swapped", "InputError"),
    ]
    reasons = [e["reason"] for e in errors]
    assert reasons[0].endswith("binary.en.txt: binary file, not text")
    assert reasons[1].endswith("empty.en.txt: empty file")
    assert reasons[2] == "needs one English and one Japanese file, found 0 Japanese files"
    assert reasons[3].endswith("swapped.en.txt: expected English text but this looks Japanese")
    assert [a["article_id"] for a in _read_csv(out / "articles.csv")] == IDS
    assert json.loads((out / "summary.json").read_text(encoding="utf-8"))["articles"] == {
        "total": 7, "reviewed": 3, "failed": 4}
    # the run log counts as the summary does (it said 6 articles, 3 failed: the unpaired one left out)
    run = json.loads((out / "run.log.jsonl").read_text(encoding="utf-8").splitlines()[-1])
    assert (run["articles"], run["reviewed"], run["skipped"], run["failed"]) == (7, 3, 0, 4)
    # each failed article is named on stderr, the unpaired and unreadable ones too (only the
    # articles whose review failed were)
    warned = " ".join(r.getMessage() for r in caplog.records if r.levelname == "WARNING")
    assert all(f"article {e['id']} failed" in warned for e in errors)


def test_the_opening_count_tells_unreadable_from_unpaired(tmp_path, caplog):
    """One article to review, one whose English file cannot be read, one with no Japanese file:
    the run's first line counts each once, under its own name (the unreadable one was "not paired")."""
    import logging

    for lang in ("en", "ja"):
        shutil.copy(FIXTURES / f"abcnews.420102.{lang}.txt", tmp_path / f"a.{lang}.txt")
    manifest = tmp_path / "manifest.csv"
    manifest.write_text("id,en_path,ja_path\nok,a.en.txt,a.ja.txt\ngone,gone.en.txt,a.ja.txt\nhalf,a.en.txt,\n",
                        encoding="utf-8")
    with caplog.at_level(logging.INFO, logger="mtreview.batch.runner"):
        result = batch.run_batch(manifest, tmp_path / "out", workers=1, quiet=True)
    assert (result.reviewed, result.failed) == (1, 0)
    said = [r.getMessage() for r in caplog.records if r.levelname == "INFO" and "to review" in r.getMessage()]
    assert said == ["3 article(s): 1 to review, 0 already done, 1 unreadable, 1 not paired"]


def test_resume_skips_finished_and_redoes_changed(tmp_path):
    folder = _folder(tmp_path)
    out = tmp_path / "out"
    first = batch.run_batch(folder, out, workers=1, quiet=True)
    before = _snapshot(out)
    second = batch.run_batch(folder, out, workers=1, quiet=True)
    assert (first.reviewed, first.skipped, second.reviewed, second.skipped) == (3, 0, 0, 3)
    assert _snapshot(out) == before
    # an edited article is reviewed again; the others are not
    ja = folder / "express.co.uk.44141.ja.txt"
    ja.write_text(ja.read_text(encoding="utf-8") + "\n\n追加の段落です。\n", encoding="utf-8")
    third = batch.run_batch(folder, out, workers=1, quiet=True)
    assert (third.reviewed, third.skipped) == (1, 2)
    # a different configuration reviews everything again; the worker count is not part of it
    assert batch.run_batch(folder, out, workers=2, quiet=True).reviewed == 0
    config = from_dict({"segment": {"max_sentence_chars": 900}})
    assert batch.run_batch(folder, out, config, workers=1, quiet=True).reviewed == 3


def test_interrupted_run_resumes_to_identical_outputs(tmp_path, monkeypatch):
    folder = _folder(tmp_path, with_defect=True)
    batch.run_batch(folder, tmp_path / "clean", workers=1, quiet=True)
    calls = {"n": 0}
    real = batch.review_article

    def flaky(pair, config, models=None):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt  # Ctrl-C in the middle of the third article
        return real(pair, config, models)

    monkeypatch.setattr(batch, "review_article", flaky)
    out = tmp_path / "out"
    with pytest.raises(KeyboardInterrupt):
        batch.run_batch(folder, out, workers=1, quiet=True)
    assert len(list((out / "articles").glob("*.review.json"))) == 2
    assert not (out / "summary.json").exists()
    monkeypatch.setattr(batch, "review_article", real)
    resumed = batch.run_batch(folder, out, workers=1, quiet=True)
    assert (resumed.reviewed, resumed.skipped) == (2, 2)
    assert _snapshot(out) == _snapshot(tmp_path / "clean")


@pytest.mark.slow
def test_killed_process_tree_resumes_to_identical_outputs(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    n = 24
    for k in range(n):  # enough articles that the batch is still running when it is killed
        src = FIXTURES / f"{IDS[k % 3]}"
        shutil.copy(f"{src}.en.txt", folder / f"a{k:02d}.en.txt")
        shutil.copy(f"{src}.ja.txt", folder / f"a{k:02d}.ja.txt")
    cmd = [sys.executable, "-m", "mtreview", "batch", str(folder), "--workers", "2", "--quiet", "--out"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run([*cmd, str(tmp_path / "clean")], cwd=ROOT, env=env, check=True, timeout=600)
    out = tmp_path / "out"
    proc = subprocess.Popen([*cmd, str(out)], cwd=ROOT, env=env, start_new_session=True)
    deadline = time.monotonic() + 300
    while len(list(out.glob("articles/*.review.json"))) < 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    os.killpg(proc.pid, signal.SIGKILL)  # parent and workers, mid-batch
    proc.wait()
    done = len(list(out.glob("articles/*.review.json")))
    assert 3 <= done < n
    assert not (out / "summary.json").exists()
    subprocess.run([*cmd, str(out)], cwd=ROOT, env=env, check=True, timeout=600)
    assert _snapshot(out) == _snapshot(tmp_path / "clean")
    assert not list(out.glob("articles/.*.tmp"))


@pytest.mark.parametrize("level, overrides, code", [
    ("critical", "", 0),
    ("major", "", 5),
    ("minor", "", 5),
    ("critical", '[checks.severity]\naddition = "critical"\n', 5),
])
def test_fail_on_exit_codes(tmp_path, capsys, level, overrides, code):
    folder = _folder(tmp_path, with_defect=True)
    config = tmp_path / "c.toml"
    config.write_text('[checks]\nenabled = ["addition"]\n' + overrides, encoding="utf-8")
    out = tmp_path / "out"
    argv = ["batch", str(folder), "--out", str(out), "--workers", "1", "--quiet", "--config", str(config)]
    assert main([*argv, "--fail-on", level]) == code
    err = capsys.readouterr().err
    assert ("severity " + level + " or worse" in err) == (code == 5)
    assert all((out / name).is_file() for name in OUTPUTS)  # outputs are written before the verdict
    assert main(argv) == 0


@pytest.mark.parametrize("argv_tail, code, message", [
    (["missing-folder"], 2, "no such file or folder"),
    (["manifest.txt"], 2, "expected a folder, a saved dataset or a .jsonl/.csv/.parquet manifest"),
    (["nocols.jsonl"], 2, "needs columns id, en_path|en_text and ja_path|ja_text; found id, text"),
    (["onlybad"], 2, "no article could be reviewed"),
])
def test_bad_batch_input_is_one_line_error(tmp_path, capsys, argv_tail, code, message):
    (tmp_path / "manifest.txt").write_text("x", encoding="utf-8")
    (tmp_path / "nocols.jsonl").write_text('{"id": "a", "text": "b"}\n', encoding="utf-8")
    (tmp_path / "onlybad").mkdir()
    (tmp_path / "onlybad" / "x.en.txt").write_bytes(b"")
    (tmp_path / "onlybad" / "x.ja.txt").write_bytes(b"")
    path = str(tmp_path / argv_tail[0])
    assert main(["batch", path, "--out", str(tmp_path / "out"), "--workers", "1", "--quiet"]) == code
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0]


@pytest.mark.parametrize("article_id, name", [
    ("abc.123", "abc.123"), ("desk/2024/01", "desk_2024_01"), ("..", "_.."), ("記事 1", "記事_1"),
])
def test_safe_names(article_id, name):
    assert safe_name(article_id) == name


def test_duplicate_ids_are_reported(tmp_path):
    manifest = tmp_path / "m.jsonl"
    rows = [{"id": "a/1", "en_text": "One sentence.", "ja_text": "一文です。"},
            {"id": "a_1", "en_text": "Two sentences.", "ja_text": "二文です。"}]
    manifest.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    pairs, problems = discover(manifest)
    assert [p.id for p in pairs] == ["a/1"]
    assert [(p.id, p.reason) for p in problems] == [
        ("a_1", "duplicate article id (file name 'a_1' already used)")]


@pytest.mark.parametrize("name, split", [
    ("abcnews.420102.en.txt", ("abcnews.420102", "en")),
    ("seed.ja.html", ("seed", "ja")),
    ("page.EN.HTM", ("page", "en")),
    ("notes.txt", None),
    (".en.txt", None),
    ("metadata.csv", None),
])
def test_folder_file_names(name, split):
    from mtreview.batch.inputs import _split_name

    assert _split_name(name) == split


def test_negative_workers_is_a_usage_error_and_in_a_config_a_config_error(tmp_path, capsys):
    """`--workers -1` is a bad command line (64, as any bad argument); `[batch] workers = -1` a bad config (3)."""
    assert main(["batch", str(_folder(tmp_path)), "--out", str(tmp_path / "out"), "--workers", "-1"]) == 64
    assert capsys.readouterr().err.splitlines()[-1] == (
        "mtreview batch: error: argument --workers: must be 0 (all cores) or more, got -1")
    config = tmp_path / "c.toml"
    config.write_text("[batch]\nworkers = -1\n", encoding="utf-8")
    assert main(["batch", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--config", str(config)]) == 3
    assert capsys.readouterr().err == "mtreview: error: [batch] workers must be 0 (all cores) or more, got -1\n"
    assert not (tmp_path / "out").exists()


def test_progress_bar_only_imports_tqdm_when_it_is_shown(monkeypatch):
    """No bar (--quiet, or stderr not a terminal): tqdm is not imported (its import is CPU every run pays)."""
    monkeypatch.setitem(sys.modules, "tqdm", None)  # importing it now fails
    with batch._progress(3, quiet=True) as bar:
        bar.update(1)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: False)
    with batch._progress(3, quiet=False) as bar:
        bar.update(1)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    with pytest.raises(ImportError), batch._progress(3, quiet=False):
        pass
    monkeypatch.delitem(sys.modules, "tqdm")
    with batch._progress(3, quiet=False) as bar:
        bar.update(3)
        assert bar.n == 3 and bar.total == 3


def test_engine_ray_without_ray_installed_exits_as_a_missing_package(tmp_path, capsys, monkeypatch):
    """README: exit 4 = "a model or optional package is not available" (as `datasets` input without
    the extra); `--engine ray` without Ray exited 3, the code of a bad configuration file."""
    monkeypatch.setitem(sys.modules, "ray", None)  # importing it now fails
    config = tmp_path / "hashing.toml"
    config.write_text('[align]\nembedder = "hashing"\n', encoding="utf-8")
    assert main(["batch", str(_folder(tmp_path)), "--out", str(tmp_path / "out"), "--engine", "ray",
                 "--workers", "1", "--config", str(config)]) == 4
    assert capsys.readouterr().err.strip().splitlines()[-1] == (
        "mtreview: error: --engine ray needs Ray: pip install 'mtreview[ray]'")
