"""Where the shared dev data lives: ``../shared/data`` beside the project (``bench/README.md``).

Only that place: a folder named ``shared/data`` higher up (a clone under /tmp finding an unrelated
/tmp/shared) is not the project's data. Elsewhere, every bench script takes ``--data DIR`` with
this as its default.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def default_data() -> Path:
    return ROOT.parent / "shared" / "data"
