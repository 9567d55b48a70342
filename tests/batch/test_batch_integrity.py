"""One writer per output folder, tables only from this run's results, workers that die with the batch."""

from __future__ import annotations

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
from mtreview.cli.main import main
from mtreview.config import from_dict
from mtreview.errors import InputError
from mtreview.io.output import BatchFolder

FIXTURES = TEST_DATA / "batch"
HASHING = from_dict({"align": {"embedder": "hashing"}})
ENV = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"}


def _folder(tmp_path: Path, copies: int = 1) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    for k in range(copies):
        for f in FIXTURES.glob("*.txt"):
            stem = f.name if copies == 1 else f"c{k:03d}-{f.name}"
            shutil.copy(f, folder / stem)
    return folder


def _config_file(tmp_path: Path) -> str:
    path = tmp_path / "hashing.toml"
    path.write_text('[align]\nembedder = "hashing"\n', encoding="utf-8")
    return str(path)


def _gone(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")  # zombie: dead, not yet reaped
    except FileNotFoundError:
        return True


def _wait_gone(pids: list[int], seconds: float) -> list[int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        alive = [p for p in pids if not _gone(p)]
        if not alive:
            return []
        time.sleep(0.2)
    return [p for p in pids if not _gone(p)]


def _children(pid: int) -> list[int]:
    import psutil

    try:
        return [c.pid for c in psutil.Process(pid).children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def test_second_writer_fails_at_once(tmp_path, capsys):
    out = tmp_path / "out"
    folder = _folder(tmp_path)
    with batch.locked(out):  # another run holds the folder
        code = main(["batch", str(folder), "--out", str(out), "--quiet", "--config", _config_file(tmp_path)])
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and f"another batch (pid {os.getpid()}) is writing to this folder" in err[0]
    assert not list((out / "articles").iterdir())  # refused before any work
    assert main(["batch", str(folder), "--out", str(out), "--quiet", "--workers", "1",
                 "--config", _config_file(tmp_path)]) == 0  # released: the next run works


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="flock and /proc")
def test_lock_of_a_killed_run_does_not_block(tmp_path):
    out = tmp_path / "out"
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from pathlib import Path\n"
         "from mtreview.batch import runner as batch\n"
         f"with batch.locked(Path({str(out)!r})):\n    print('locked', flush=True); time.sleep(120)"],
        env=ENV, stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "locked"
    with pytest.raises(Exception, match="another batch"):
        batch.run_batch(_folder(tmp_path), out, HASHING, workers=1, quiet=True)
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    assert BatchFolder(out).lock.is_file()  # the stale lock file is still there ...
    assert batch.run_batch(tmp_path / "in", out, HASHING, workers=1, quiet=True).reviewed == 3  # ... but not held


def test_tables_take_only_results_of_this_run(tmp_path, monkeypatch):
    folder = _folder(tmp_path)
    out = tmp_path / "out"
    batch.run_batch(folder, out, HASHING, workers=1, quiet=True)
    other = from_dict({"align": {"embedder": "hashing"}, "segment": {"max_sentence_chars": 900}})
    real = batch.process_article

    def racing(pair, stamp, config, out_dir, models=None):
        if pair.id == "express.co.uk.44141":
            return "ok"  # another run wrote (keeps) this article's file meanwhile: its hashes are not ours
        return real(pair, stamp, config, out_dir, models)

    monkeypatch.setattr(batch, "process_article", racing)
    result = batch.run_batch(folder, out, other, workers=1, quiet=True)
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["articles"] == {"total": 3, "reviewed": 2, "failed": 1}
    assert result.summary["articles"]["reviewed"] == 2
    articles = (out / "articles.csv").read_text(encoding="utf-8")
    assert "express.co.uk.44141" not in articles and "express.co.uk.44141" not in (
        out / "segments.csv").read_text(encoding="utf-8")
    error = json.loads((out / "errors.jsonl").read_text(encoding="utf-8"))
    assert error["id"] == "express.co.uk.44141" and error["error"] == "StaleResult"
    monkeypatch.setattr(batch, "process_article", real)
    assert batch.run_batch(folder, out, other, workers=1, quiet=True).reviewed == 1  # a rerun fixes it


def test_out_that_is_a_file_or_unwritable_fails_before_work(tmp_path, capsys, monkeypatch):
    folder = _folder(tmp_path)
    called = []
    monkeypatch.setattr(batch, "discover", lambda *a, **k: called.append(a))
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    argv = ["batch", str(folder), "--quiet", "--out"]
    assert main([*argv, str(tmp_path / "afile")]) == 2
    assert capsys.readouterr().err == f"mtreview: error: {tmp_path / 'afile'}: --out is a file, not a folder\n"
    assert main([*argv, str(tmp_path / "afile" / "sub")]) == 2
    assert "cannot write the output folder" in capsys.readouterr().err
    if os.geteuid() != 0:  # root may write anywhere
        ro = tmp_path / "ro"
        ro.mkdir()
        ro.chmod(0o500)
        try:
            assert main([*argv, str(ro / "out")]) == 2
            assert "cannot write the output folder (Permission denied)" in capsys.readouterr().err
        finally:
            ro.chmod(0o700)
    assert called == []  # nothing was read or reviewed


@pytest.mark.parametrize("argv, message", [
    (["review", "{en}", "{ja}", "--out", "{tmp}"], "--out is a folder, not a file"),
    (["review", "{en}", "{ja}", "--out", "{tmp}/afile/x.json"], "--out cannot be written"),
])
def test_review_out_is_checked_before_the_work(tmp_path, capsys, monkeypatch, argv, message):
    from mtreview import pipeline

    monkeypatch.setattr(pipeline, "review", lambda *a, **k: pytest.fail("reviewed before checking --out"))
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    paths = {"en": FIXTURES / "abcnews.420102.en.txt", "ja": FIXTURES / "abcnews.420102.ja.txt", "tmp": tmp_path}
    assert main([a.format(**paths) for a in argv]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0], err


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc")
def test_workers_die_with_a_killed_batch(tmp_path):
    folder = _folder(tmp_path, copies=30)  # 90 articles: still running when killed
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "mtreview", "batch", str(folder), "--out", str(out), "--quiet",
                             "--workers", "2", "--config", _config_file(tmp_path)],
                            env=ENV, start_new_session=True)
    workers: list[int] = []
    try:
        deadline = time.monotonic() + 240
        while not list(out.glob("articles/*.json")) and time.monotonic() < deadline:
            time.sleep(0.05)  # the workers are up and reviewing
        workers = _children(proc.pid)
        assert proc.poll() is None and len(workers) >= 2
        proc.send_signal(signal.SIGKILL)  # the parent only, not its process group
        proc.wait()
        assert _wait_gone(workers, 30) == []
    finally:
        for pid in [proc.pid, *workers]:
            if not _gone(pid):
                os.kill(pid, signal.SIGKILL)
    rerun = batch.run_batch(folder, out, HASHING, workers=1, quiet=True)  # a restart works at once
    assert rerun.summary["articles"]["reviewed"] == 90


def test_library_run_refuses_a_folder_of_other_files(tmp_path):
    """``run_batch`` itself (not only the CLI) leaves a folder that is no batch output alone:
    its summary.json would have been replaced."""
    inp = _folder(tmp_path)
    out = tmp_path / "mine"
    out.mkdir()
    (out / "summary.json").write_text("my own notes", encoding="utf-8")
    with pytest.raises(InputError, match="not a batch output folder"):
        batch.run_batch(inp, out, HASHING, workers=1, quiet=True)
    assert (out / "summary.json").read_text(encoding="utf-8") == "my own notes"
    assert sorted(p.name for p in out.iterdir()) == ["summary.json"]
    with pytest.raises(InputError, match="not a batch output folder"):
        batch.run_batch(inp, inp, HASHING, workers=1, quiet=True)  # the input folder itself


def test_a_second_input_into_the_same_output_folder_is_refused(tmp_path, capsys):
    """An editor runs desk 1 into runs/jan, then desk 2 into the same folder: the second run replaced
    desk 1's tables and summary without a word (and the review of an article named as one of desk 1's),
    leaving desk 1's other files in articles/ that no table counted. It is now refused before any work."""
    desk1, desk2 = tmp_path / "desk1", tmp_path / "desk2"
    desk1.mkdir()
    desk2.mkdir()
    for name in ("abcnews.420102", "express.co.uk.44141"):
        for side in ("en", "ja"):
            shutil.copy(FIXTURES / f"{name}.{side}.txt", desk1 / f"{name}.{side}.txt")
    shutil.copy(FIXTURES / "shizuoka_shimbun-ja.45497.en.txt", desk2 / "abcnews.420102.en.txt")  # same name,
    shutil.copy(FIXTURES / "shizuoka_shimbun-ja.45497.ja.txt", desk2 / "abcnews.420102.ja.txt")  # another article
    out = tmp_path / "runs jan"
    assert main(["batch", str(desk1), "--out", str(out), "--quiet", "--workers", "1",
                 "--config", _config_file(tmp_path)]) == 0
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file() and p.name != ".lock"}
    capsys.readouterr()
    assert main(["batch", str(desk2), "--out", str(out), "--quiet", "--workers", "1",
                 "--config", _config_file(tmp_path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "holds the results of 1 article(s) of another input" in err[0], err
    assert "'express.co.uk.44141'" in err[0] and "give another --out" in err[0]
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file() and p.name != ".lock"}
    assert after == before  # nothing of desk 1's run replaced
    # the same input resumes, and an article removed from it leaves the tables (the review view then
    # refuses its old record: tests/ui/test_app_user.py)
    assert batch.run_batch(desk1, out, HASHING, workers=1, quiet=True).skipped == 2
    for side in ("en", "ja"):
        (desk1 / f"express.co.uk.44141.{side}.txt").unlink()
    assert batch.run_batch(desk1, out, HASHING, workers=1, quiet=True).summary["articles"]["total"] == 1


def test_ctrl_c_while_the_tables_are_written_leaves_no_temporary_tables(tmp_path, monkeypatch):
    """The tables stream to hidden temporary files beside them (renamed at the end): Ctrl-C during
    that pass (seconds on a large batch) left `.articles.parquet.PID.tmp` and its twins in DIR for
    good. They are removed at the interrupt, the old tables stay whole, and the rerun completes."""
    from mtreview.batch import tables

    folder = _folder(tmp_path)
    out = tmp_path / "out"
    batch.run_batch(folder, out, HASHING, workers=1, quiet=True)
    before = {name: (out / name).read_bytes() for name in ("articles.parquet", "flags.csv", "summary.json")}
    real, calls = tables._rows, []

    def interrupted(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(tables, "_rows", interrupted)
    other = from_dict({"align": {"embedder": "hashing"}, "segment": {"max_sentence_chars": 900}})
    with pytest.raises(KeyboardInterrupt):
        batch.run_batch(folder, out, other, workers=1, quiet=True)
    assert sorted(p.name for p in out.iterdir() if p.name.endswith(".tmp")) == []
    assert {name: (out / name).read_bytes() for name in before} == before
    monkeypatch.setattr(tables, "_rows", real)
    assert batch.run_batch(folder, out, other, workers=1, quiet=True).skipped == 3


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="process groups")
def test_a_second_ctrl_c_does_not_hang_the_batch(tmp_path):
    """Ctrl-C pressed twice (the first seemed slow to act) hung `mtreview batch` for good: the run
    waited at exit for its workers, which ignore SIGINT and never got the word to stop. The workers
    are now stopped at the first Ctrl-C: the run exits 130 with one line, no traceback, and resumes."""
    folder = tmp_path / "in"
    folder.mkdir()
    for side in ("en", "ja"):  # 60 long articles (each the three fixtures, twice): stopping takes a while
        text = "\n\n".join(p.read_text(encoding="utf-8") for p in sorted(FIXTURES.glob(f"*.{side}.txt"))) * 2
        for k in range(60):
            (folder / f"a{k:02d}.{side}.txt").write_text(text.replace("2", str(k % 10)), encoding="utf-8")
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "mtreview", "batch", str(folder), "--out", str(out), "--quiet",
                             "--workers", "2", "--config", _config_file(tmp_path)],
                            env=ENV, start_new_session=True, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        deadline = time.monotonic() + 240
        while len(list(out.glob("articles/*.json"))) < 4 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert proc.poll() is None
        os.killpg(proc.pid, signal.SIGINT)  # as the terminal sends Ctrl-C: to the whole group, twice
        time.sleep(0.15)
        os.killpg(proc.pid, signal.SIGINT)
        _, err = proc.communicate(timeout=60)  # hung: TimeoutExpired
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == 130 and err.strip() == "mtreview: interrupted", err
    rerun = batch.run_batch(folder, out, HASHING, workers=1, quiet=True)
    assert rerun.summary["articles"]["reviewed"] == 60 and rerun.skipped >= 4
