"""Where the shared dev data lives: ``../shared/data`` beside the project.

Searched upwards from the project root, so that a git worktree one level deeper finds it too.
Every bench script takes ``--data DIR`` with this as its default.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def default_data() -> Path:
    for base in ROOT.parents:
        if (base / "shared" / "data").is_dir():
            return base / "shared" / "data"
    return ROOT.parent / "shared" / "data"
