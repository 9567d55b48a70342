"""Cold start of the CLI: heavy packages a plain ``mtreview review`` never needs stay unimported."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from mtreview.cli.main import _command, build_parser
from tests.conftest import ROOT

PROBE = """
import sys
from mtreview.cli.main import build_parser
build_parser()  # registers every subcommand (export, score, models, config, schema)
print(" ".join(sorted({m.split(".")[0] for m in sys.modules} & {"sqlalchemy", "alembic", "pyarrow", "pandas"})))
"""


def test_building_the_cli_imports_no_database_or_table_library():
    # `mtreview review` paid ~0.3 CPU-s importing sqlalchemy through cli.export -> ui.export -> ui.store
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    run = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, timeout=120,
                         cwd=ROOT)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.split() == []


FEATURES_PROBE = """
import sys
from mtreview.score.features import text_features
text_features("Workers took down the 27-foot monument.", "作業員が高さ27フィートの記念碑を撤去した。")
print("sacrebleu" in sys.modules)
"""


def test_the_quality_features_count_japanese_words_without_importing_sacrebleu():
    # every `mtreview review` imported the whole sacrebleu package (~0.04 CPU-s) for its MeCab word split
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    run = subprocess.run([sys.executable, "-c", FEATURES_PROBE], capture_output=True, text=True, env=env,
                         timeout=120, cwd=ROOT)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.split() == ["False"]


def _probe(code: str, **env_vars: str) -> list[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]), **env_vars}
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MTREVIEW_EMBED_THREADS"):
        if var not in env_vars:
            env.pop(var, None)
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120,
                         cwd=ROOT)
    assert run.returncode == 0, run.stderr[-2000:]
    return run.stdout.split()


REVIEW_PARSER_PROBE = """
import sys
from mtreview.cli.main import build_parser
build_parser("review").parse_args(["review", "a.en.txt", "a.ja.txt"])
heavy = {"numpy", "mtreview.pipeline", "mtreview.cli.export", "mtreview.cli.score", "mtreview.cli.models",
         "mtreview.cli.config", "mtreview.io.schema", "mtreview.ui.export", "mtreview.io.html_report"}
print(" ".join(sorted(heavy & set(sys.modules))) or "none")
"""


def test_parsing_a_review_command_line_imports_neither_numpy_nor_the_other_subcommands():
    # `review` imported the pipeline (numpy) with the CLI and every subcommand's module to build its parser
    assert _probe(REVIEW_PARSER_PROBE) == ["none"]


@pytest.mark.parametrize("argv, command", [
    (["review", "a", "b"], "review"), (["-v", "--quiet", "score", "x.tsv"], "score"), (["--version"], None),
    (["-h", "review"], None), (["--", "review"], None), ([], None)])
def test_the_subcommand_is_the_first_word_that_is_not_an_option(argv, command):
    assert _command(argv) == command


def test_no_option_before_the_subcommand_takes_a_value():
    # _command skips every option before the subcommand as a word of its own
    optionals = [a for a in build_parser()._actions if a.option_strings]
    assert optionals and all(a.nargs == 0 for a in optionals), [(a.dest, a.nargs) for a in optionals]


def test_a_parser_of_the_core_subcommands_still_rejects_the_others_and_lists_all_in_help():
    assert set(build_parser("review")._subparsers._group_actions[0].choices) == {"align", "review", "batch", "app"}
    full = set(build_parser()._subparsers._group_actions[0].choices)
    assert {"score", "export", "schema", "models", "config"} <= full


THREADS_PROBE = """
import os
from mtreview.cli.main import _numpy_with_embedder_threads
_numpy_with_embedder_threads()
import numpy
from threadpoolctl import threadpool_info
print(*sorted({i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"}),
      os.environ.get("OPENBLAS_NUM_THREADS", "unset"))
"""


def test_numpy_starts_with_the_embedders_one_blas_thread_and_the_environment_is_left_as_it_was():
    assert _probe(THREADS_PROBE) == ["1", "unset"]


def test_a_blas_thread_count_the_user_set_is_kept():
    assert _probe(THREADS_PROBE, OPENBLAS_NUM_THREADS="2") == ["2", "2"]
