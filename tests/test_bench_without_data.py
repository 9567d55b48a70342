"""Bench scripts on a fresh clone without ``../shared/data``: one line naming the missing folder and
a non-zero exit, never a traceback, and never a result that reads as a pass ("0 lines lost",
exit 0) after checking nothing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"


@pytest.mark.parametrize("script, extra", [
    ("check_debris.py", []),  # printed "clean files: 0 ... lines removed: 0" and exited 0
    ("cat_roundtrip.py", []),  # ZeroDivisionError traceback
    ("bench_score.py", ["--modes", "plain"]),  # printed "plain: failed" and exited 0
    ("bench_limits.py", ["--sizes", "1000"]),  # printed "1000 failed (exit 1)" and exited 0
    ("eval_quality.py", ["--meaning"]),  # FileNotFoundError traceback (from eval_meaning.py)
    ("train_meaning.py", []),  # FileNotFoundError traceback
    ("fit_split_cuts.py", []),  # ValueError traceback (nothing to concatenate)
    ("window_demand.py", []),  # ZeroDivisionError traceback
])
def test_a_bench_script_without_the_data_fails_in_one_line(tmp_path, script, extra):
    out = subprocess.run([sys.executable, str(BENCH / script), "--data", str(tmp_path / "nothing"), *extra],
                         capture_output=True, text=True, timeout=300, check=False)
    assert out.returncode != 0, out.stdout
    text = out.stdout + out.stderr
    assert "Traceback" not in text and "nothing" in text, text
    assert "give --data" in text or "use --data" in text, text
    if script != "bench_score.py":  # bench_score prints each failed mode's reason on stdout
        assert out.stderr.count("\n") == 1, text


def test_the_default_data_is_only_the_folder_beside_the_project(tmp_path):
    """A clone at /tmp/x/clone must not take an unrelated /tmp/shared/data (two levels up) for its data."""
    import shutil

    (tmp_path / "shared" / "data").mkdir(parents=True)  # someone else's, higher up
    clone = tmp_path / "x" / "clone"
    (clone / "bench").mkdir(parents=True)
    shutil.copy(BENCH / "shared_data.py", clone / "bench" / "shared_data.py")
    code = "import shared_data; print(shared_data.default_data())"
    found = subprocess.run([sys.executable, "-c", code], cwd=clone / "bench", capture_output=True, text=True,
                           check=True).stdout.strip()
    assert found == str(tmp_path / "x" / "shared" / "data")  # beside the clone: absent, so --data is asked for
    import runpy  # this checkout: ../shared/data beside it, as documented

    assert runpy.run_path(str(BENCH / "shared_data.py"))["default_data"]() == BENCH.parent.parent / "shared" / "data"
