"""The fixed, seeded row sets of the meaning model (token-level LM evidence), frozen before tuning.

Gemma 3 270M runs ~1-5 rows/s on a 2-core CPU, so the meaning model is trained and measured on
subsets of qe-dev chosen up front (``SEED``), each cached token by token in
``bench/.cache/lm-scores.sqlite`` by ``bench/lm_tokens.py``:
  seed   the aligned segments of the seed article (``mtreview/resources/samples/seed.*``)
  crit   150 ERR + 150 NOT MLQE-PE critical-error rows (AUC does not depend on the balance)
  esa    every translation of 24 WMT24 ESA source paragraphs of at most 300 characters, with
         the annotators' error spans (character offsets into the translation)
  synth  professional translations with one synthetic error of known span (``synth_errors.py``)
  da     all 1000 MLQE-PE DA rows
Cross-validation folds are frozen too: a row's fold is its source's hash modulo ``FOLDS``
(``fold``), so translations of one source never straddle folds and every script agrees.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import qe_data

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SEED = 29
FOLDS = 5
CRIT_PER_LABEL = 150
ESA_SOURCES = 24
ESA_MAX_SRC_CHARS = 300
SETS = ("seed", "crit", "esa", "synth", "da")


def fold(df) -> np.ndarray:
    return (df.group.to_numpy() % FOLDS).astype(int)


def esa_spans(data: Path):
    """The ESA dev rows (src, tgt, ref, human, group, spans) with spans as [(start, end_exclusive, major)]."""
    import pandas as pd

    d = pd.read_csv(data / "qe-dev" / "wmt24-esa-en-ja.dev-spans.tsv", sep="\t", quoting=0,
                    keep_default_na=False, dtype=str)

    def parse(blob: str) -> list[tuple[int, int, bool]]:
        out = []
        for s in json.loads(blob):
            if not str(s.get("start")).isdigit() or not str(s.get("end")).isdigit():
                continue  # an error without a position (an omission: null or "missing")
            out.append((int(s["start"]), int(s["end"]) + 1, s.get("severity") == "major"))
        return out

    import hashlib

    return pd.DataFrame({
        "src": d.src, "tgt": d.mt, "ref": d.ref, "set": "esa", "human": d.score.astype(float),
        "group": d.src.map(lambda s: int(hashlib.sha1(s.encode()).hexdigest()[:8], 16)),
        "spans": d.spans.map(parse),
    })


def seed_pairs():
    """The (src, tgt) segments the pipeline aligns in the seed article, in order."""
    import pandas as pd

    from mtreview.config import Config
    from mtreview.io.load import load_document
    from mtreview.pipeline import _join, align_documents, load_models

    config = Config()
    samples = ROOT / "mtreview" / "resources" / "samples"
    src = load_document(samples / "seed.en.txt", "en", config.load)
    tgt = load_document(samples / "seed.ja.txt", "ja", config.load)
    ssents, tsents, beads = align_documents(src, tgt, config, load_models(config))
    rows = [(_join(ssents, b.src_ids, "en"), _join(tsents, b.tgt_ids, "ja")) for b in beads]
    rows = [(s, t) for s, t in rows if s.strip() and t.strip()]
    return pd.DataFrame({"src": [s for s, _ in rows], "tgt": [t for _, t in rows], "set": "seed",
                         "human": np.nan, "group": 0})


def load(name: str, data: Path = qe_data.DEFAULT_DATA):
    """One fixed row set (see the module docstring) as a DataFrame with src, tgt, set, human, group."""
    rng = np.random.default_rng(SEED)
    if name == "seed":
        return seed_pairs()
    if name == "synth":
        import synth_errors

        return synth_errors.load(data)
    if name == "esa":
        esa = esa_spans(data)
        short = esa[esa.src.str.len() <= ESA_MAX_SRC_CHARS]
        sources = np.array(sorted(short.src.unique()))
        chosen = set(rng.choice(sources, size=ESA_SOURCES, replace=False))
        return esa[esa.src.isin(chosen) & (esa.tgt.str.strip() != "")].reset_index(drop=True)
    df = qe_data.load_sets(data)
    if name == "da":
        return df[df.set == "da"].reset_index(drop=True)
    if name == "crit":
        crit = df[df.set == "crit"]
        parts = []
        for label in (0.0, 1.0):
            pool = crit[crit.human == label]
            parts.append(pool.iloc[np.sort(rng.choice(len(pool), size=CRIT_PER_LABEL, replace=False))])
        import pandas as pd

        return pd.concat(parts).reset_index(drop=True)
    raise ValueError(f"unknown set {name!r} (known: {', '.join(SETS)})")
