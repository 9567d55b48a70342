"""bench/bench_cold.py without running a review: its import-time parser, its command lines and its
one-line refusal when the sample or the --base checkout is missing."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

from tests.conftest import ROOT

SCRIPT = ROOT / "bench" / "bench_cold.py"
_spec = importlib.util.spec_from_file_location("bench_cold", SCRIPT)
bench_cold = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_cold)

IMPORTTIME = """import time: self [us] | cumulative | imported package
import time:       120 |        120 |   _io
import time:      3589 |     274954 | mtreview.cli.main
import time:     12726 |     237466 |   mtreview.pipeline
some other line on stderr
import time:       985 |     114626 |       numpy
"""


def test_importtime_rows_are_read_slowest_first_without_the_header():
    rows = bench_cold.parse_importtime(IMPORTTIME)
    assert rows == [(274954, 3589, "mtreview.cli.main"), (237466, 12726, "mtreview.pipeline"),
                    (114626, 985, "numpy"), (120, 120, "_io")]


def test_the_review_command_line():
    argv = bench_cold.review_argv("/venv/bin/python", False, "a.en.txt", "a.ja.txt", "/tmp/o.json")
    assert argv == ["/venv/bin/python", "-m", "mtreview", "review", "a.en.txt", "a.ja.txt", "--format", "json",
                    "--out", "/tmp/o.json"]
    assert bench_cold.review_argv("/venv/bin/python", True, "e", "j", "o")[0] == "/venv/bin/mtreview"


def test_no_bytecode_mode_sets_the_variable_and_bytecode_mode_removes_it(monkeypatch):
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    assert "PYTHONDONTWRITEBYTECODE" not in bench_cold.tree_env(ROOT, True)
    monkeypatch.delenv("PYTHONDONTWRITEBYTECODE")
    env = bench_cold.tree_env(ROOT, False)
    assert env["PYTHONDONTWRITEBYTECODE"] == "1" and env["PYTHONPATH"] == str(ROOT)


def test_a_missing_sample_fails_in_one_line(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(bench_cold, "ROOT", tmp_path)
    assert bench_cold.main(["--runs", "1"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "seed.en.txt" in err and "Traceback" not in err


def test_a_missing_base_checkout_fails_in_one_line(tmp_path):
    run = subprocess.run([sys.executable, str(SCRIPT), "--base", str(tmp_path / "nothing")],
                         capture_output=True, text=True, timeout=60, check=False)
    assert run.returncode == 1 and run.stdout == ""
    assert run.stderr.count("\n") == 1 and "nothing" in run.stderr, run.stderr
