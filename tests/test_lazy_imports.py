"""Cold start of the CLI: heavy packages a plain ``mtreview review`` never needs stay unimported."""

from __future__ import annotations

import os
import subprocess
import sys

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
