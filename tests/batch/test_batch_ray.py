"""`mtreview batch --engine ray` on a real local Ray cluster (2 CPUs): same outputs as the local engine,
resumable, and nothing lost or doubled when a worker actor is killed mid-run."""

from __future__ import annotations

import csv
import os
import shutil
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import TEST_DATA

from mtreview.batch import runner as batch
from mtreview.cli.main import main

ray = pytest.importorskip("ray", reason="the ray extra is not installed")

FIXTURES = TEST_DATA / "batch"
OUTPUTS = ("articles.csv", "articles.parquet", "segments.csv", "segments.parquet", "flags.csv",
           "flags.parquet", "summary.json", "errors.jsonl")


def _snapshot(out: Path) -> dict[str, bytes]:
    """Every output file but the run log (the only one with timestamps)."""
    files = {name: (out / name).read_bytes() for name in OUTPUTS}
    files.update({f"articles/{p.name}": p.read_bytes() for p in sorted((out / "articles").iterdir())})
    return files


def _once(when: Callable[[], Any], act: Callable[[Any], None], pause: float) -> threading.Thread:
    """A started thread that polls ``when()`` every ``pause`` seconds (for up to 120 s) and, the first
    time it returns something truthy, calls ``act`` with it: an event made to happen mid-run."""

    def watch() -> None:
        deadline = time.time() + 120
        while time.time() < deadline:
            found = when()
            if found:
                act(found)
                return
            time.sleep(pause)

    thread = threading.Thread(target=watch)
    thread.start()
    return thread


def _folder(tmp_path: Path) -> Path:
    """The batch fixtures plus an article whose translation carries a paragraph of another (flags)."""
    folder = tmp_path / "in"
    shutil.copytree(FIXTURES, folder)
    for f in folder.iterdir():
        f.chmod(0o644)
    shutil.copy(FIXTURES / "abcnews.420102.en.txt", folder / "padded.en.txt")
    extra = (FIXTURES / "shizuoka_shimbun-ja.45497.ja.txt").read_text(encoding="utf-8").split("\n\n")[1]
    ja = (FIXTURES / "abcnews.420102.ja.txt").read_text(encoding="utf-8").rstrip("\n")
    (folder / "padded.ja.txt").write_text(f"{ja}\n\n{extra}", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def local_ray():
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


@pytest.mark.slow  # starting Ray takes seconds
def test_ray_engine_matches_local_engine_and_resumes(tmp_path, local_ray):
    folder = _folder(tmp_path)
    local = batch.run_batch(folder, tmp_path / "local", workers=1, quiet=True)
    remote = batch.run_batch(folder, tmp_path / "ray", workers=2, quiet=True, engine="ray")
    assert (remote.articles, remote.reviewed, remote.failed) == (local.articles, local.reviewed, local.failed) == (
        4, 4, 0)
    assert _snapshot(tmp_path / "ray") == _snapshot(tmp_path / "local")
    again = batch.run_batch(folder, tmp_path / "ray", workers=2, quiet=True, engine="ray")
    assert (again.reviewed, again.skipped) == (0, 4)
    assert _snapshot(tmp_path / "ray") == _snapshot(tmp_path / "local")


def _many(tmp_path: Path, copies: int) -> Path:
    """``copies`` articles: the fixtures under new names (the same review, another id)."""
    folder = tmp_path / "many"
    folder.mkdir()
    stems = sorted({p.name.split(".en.txt")[0] for p in FIXTURES.glob("*.en.txt")})
    for n in range(copies):
        stem = stems[n % len(stems)]
        for lang in ("en", "ja"):
            shutil.copy(FIXTURES / f"{stem}.{lang}.txt", folder / f"a{n:03d}.{lang}.txt")
    return folder


def _actor_pids() -> list[int]:
    """Processes of this test's Ray cluster that run a review actor."""
    import psutil

    pids = []
    for proc in psutil.Process(os.getpid()).children(recursive=True):
        try:
            title = " ".join(proc.cmdline())
        except psutil.Error:
            continue
        if "ReviewActor" in title:
            pids.append(proc.pid)
    return pids


@pytest.mark.slow
def test_killed_worker_actor_loses_and_doubles_nothing(tmp_path, local_ray):
    folder = _many(tmp_path, 12)
    out = tmp_path / "out"
    killed: list[int] = []

    def first_actor_once_a_review_is_written() -> int | None:
        done = list((out / "articles").glob("*.review.json")) if (out / "articles").is_dir() else []
        pids = _actor_pids()
        return pids[0] if done and pids else None

    def kill(pid: int) -> None:
        os.kill(pid, signal.SIGKILL)
        killed.append(pid)

    killer = _once(first_actor_once_a_review_is_written, kill, 0.05)
    result = batch.run_batch(folder, out, workers=2, quiet=True, engine="ray")
    killer.join()
    assert killed, "no actor was killed: the test did not exercise a worker death"
    assert (result.articles, result.reviewed, result.failed) == (12, 12, 0)  # a doubled row would count twice
    names = sorted(p.name for p in (out / "articles").iterdir())
    assert names == [f"a{n:03d}.review.json" for n in range(12)]
    with (out / "articles.csv").open(encoding="utf-8", newline="") as fh:
        ids = [row["article_id"] for row in csv.DictReader(fh)]
    assert ids == [f"a{n:03d}" for n in range(12)]
    reference = batch.run_batch(folder, tmp_path / "local", workers=1, quiet=True)
    assert reference.reviewed == 12
    assert _snapshot(out) == _snapshot(tmp_path / "local")


@pytest.mark.parametrize(("address", "code", "message"), [
    ("127.0.0.1:1", 1, "no Ray cluster answers at 127.0.0.1:1"),
    ("headnode", 3, "--ray-address must be HOST:PORT"),
])
def test_unreachable_ray_address_is_one_line_error(tmp_path, capsys, address, code, message):
    assert main(["batch", str(FIXTURES), "--out", str(tmp_path / "out"), "--engine", "ray",
                 "--ray-address", address, "--quiet"]) == code
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1


@pytest.mark.slow
def test_killed_actor_redoes_one_small_block_whatever_the_run_size(tmp_path, local_ray):
    """A run is cut into blocks of at most ``ROWS_PER_BLOCK`` articles (one Ray task each), not into
    4 blocks per worker: a killed actor redoes only the articles of its current block. Here 200 rows
    on 2 actors (the old cut: 8 blocks of 25); an actor is killed after its 20th article and at most
    ``ROWS_PER_BLOCK - 1`` articles may be reviewed twice, every status still arriving once."""
    from mtreview.batch import ray_engine
    from mtreview.batch.pairs import Pair, Side
    from mtreview.config import Config

    calls = tmp_path / "calls"
    calls.mkdir()
    n, kill_after = 200, 20
    assert kill_after > ray_engine.ROWS_PER_BLOCK  # so that the old cut would redo all of them
    todo = [(Pair(f"a{i:03d}", Side(text="x"), Side(text="y")), {}) for i in range(n)]

    def load_models(config):
        return None

    def process(pair, stamp, config, out, models):  # one file per call: who reviewed what, how often
        import os as _os
        import time as _time

        _time.sleep(0.1)
        (calls / f"{pair.id}.{_os.getpid()}.{_time.time_ns()}").touch()
        return "ok"

    killed: list[int] = []

    def actor_past_its_20th_article() -> int | None:
        per_pid: dict[str, int] = {}
        for f in calls.iterdir():
            pid = f.name.split(".")[1]
            per_pid[pid] = per_pid.get(pid, 0) + 1
        return next((int(pid) for pid, count in per_pid.items() if count >= kill_after), None)

    def kill(pid: int) -> None:
        os.kill(pid, signal.SIGKILL)
        killed.append(pid)

    killer = _once(actor_past_its_20th_article, kill, 0.01)
    statuses = list(ray_engine.run(todo, Config(), tmp_path / "out", 2, load_models=load_models,
                                   process=process))
    killer.join()
    assert killed, "no actor was killed: the test did not exercise a worker death"
    assert sorted(statuses) == [(f"a{i:03d}", "ok") for i in range(n)]  # each status once
    reviews: dict[str, int] = {}
    for f in calls.iterdir():
        reviews[f.name.split(".")[0]] = reviews.get(f.name.split(".")[0], 0) + 1
    assert sorted(reviews) == [f"a{i:03d}" for i in range(n)]
    redone = sorted(a for a, k in reviews.items() if k > 1)
    assert len(redone) < ray_engine.ROWS_PER_BLOCK, redone


@pytest.mark.slow
def test_temporary_file_of_a_write_cut_mid_run_is_gone_at_the_end(tmp_path, local_ray):
    """An actor killed between creating its temporary file and renaming it (``write_atomic``) leaves
    ``articles/.<id>.review.json.<pid>.tmp``; the retried article is written under another name, so
    the run must remove such files when the map is done, not only at the start of the next run.
    Here the stray file is made once the first review is written (deterministic, unlike a kill)."""
    folder = _many(tmp_path, 6)
    out = tmp_path / "out"
    stray = out / "articles" / ".a000.review.json.999999.tmp"
    made: list[bool] = []

    def a_review_is_written() -> bool:
        return (out / "articles").is_dir() and any((out / "articles").glob("*.review.json"))

    def leave_a_temporary_file(_: bool) -> None:
        stray.write_text("{half a file", encoding="utf-8")
        made.append(True)

    writer = _once(a_review_is_written, leave_a_temporary_file, 0.02)
    result = batch.run_batch(folder, out, workers=2, quiet=True, engine="ray")
    writer.join()
    assert made and result.reviewed == 6
    assert sorted(p.name for p in (out / "articles").iterdir()) == [f"a{n:03d}.review.json" for n in range(6)]
