"""`mtreview batch --engine ray` on a real local Ray cluster (2 CPUs): same outputs as the local engine,
resumable, and nothing lost or doubled when a worker actor is killed mid-run."""

from __future__ import annotations

import csv
import os
import shutil
import signal
import threading
import time
from pathlib import Path

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

    def kill_one_actor_mid_run() -> None:
        deadline = time.time() + 120
        while time.time() < deadline:
            done = list((out / "articles").glob("*.review.json")) if (out / "articles").is_dir() else []
            pids = _actor_pids()
            if done and pids:
                os.kill(pids[0], signal.SIGKILL)
                killed.append(pids[0])
                return
            time.sleep(0.05)

    killer = threading.Thread(target=kill_one_actor_mid_run)
    killer.start()
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
