"""Train the meaning head (mtreview/score/meaning.py) on ESA error spans + synthetic errors; export it.

    python bench/train_meaning.py [--data ../shared/data] [--out mtreview/resources/meaning_head.npz]

Token features come from the LM token cache that ``bench/lm_tokens.py`` fills (rows not scored
yet are left out and counted). A token's label is 1 when any of its characters lies in an error
span (ESA: the annotators' spans, minor and major; synth: the corrupted part). The head is a
class-balanced logistic regression (scikit-learn at training, numpy at inference); the flag
threshold is the one with the best character F1 on the training ESA rows (mostly-Japanese rows
only, see ``japanese``), ``major`` the
probability above which a span is a major flag (the 90th percentile of flagged tokens).
"""

from __future__ import annotations

import argparse
import logging
import sys

import meaning_data
import numpy as np
import qe_data

from mtreview.score import meaning

VERSION = "meaning-lr-1"
SEED = 13
C = 0.1
# Fit on the synthetic errors only: of the three variants (synth, ESA + synth, ESA), the best
# character F1 on mostly-Japanese ESA rows by the frozen 5-fold CV (bench/eval_meaning.py;
# chosen on that same CV); the ESA rows still set the threshold.
TRAIN = "synth"
log = logging.getLogger("train_meaning")


def cached_tokens(lm, kind: str, contexts, texts) -> list:
    """TokenLogProbs per row from the cache only (None where not scored yet)."""
    _, keys = lm.token_keys(kind, contexts, texts)
    got = lm.cache.get_tokens(sorted(set(keys)))
    return [got.get(k) for k in keys]


def token_rows(lm, df) -> list[dict | None]:
    """Per row of ``df``: {X, y (or None), starts, ends, text, sent} or None when not cached yet.

    ``sent`` holds the row's sentence-level LM figures (means of cond / prior / gain and of the
    reverse direction where cached)."""
    cond = cached_tokens(lm, "cond", df.src.tolist(), df.tgt.tolist())
    prior = cached_tokens(lm, "prior", [None] * len(df), df.tgt.tolist())
    rev = cached_tokens(lm, "rev", df.tgt.tolist(), df.src.tolist())
    rev_prior = cached_tokens(lm, "rev_prior", [None] * len(df), df.src.tolist())
    spans = df.spans.tolist() if "spans" in df else [None] * len(df)
    out: list[dict | None] = []
    for k, text in enumerate(df.tgt.tolist()):
        c, p = cond[k], prior[k]
        if c is None or p is None:
            out.append(None)
            continue
        lead = len(text) - len(text.lstrip())  # the LM scored the stripped text
        text = text.strip()
        X = meaning.token_features(text, c.logprob, p.logprob, c.start, c.end)
        gold = _gold_chars(text, spans[k] or (), lead)
        y = None
        if spans[k] is not None:
            y = np.array([gold[a:b].any() for a, b in zip(c.start, c.end, strict=True)], dtype=float)
        r, rp = rev[k], rev_prior[k]
        sent = {"cond": c.mean, "prior": p.mean, "gain": c.mean - p.mean,
                "rev_gain": (r.mean - rp.mean) if r is not None and rp is not None else np.nan}
        out.append({"X": X, "y": y, "starts": c.start, "ends": c.end, "text": text, "sent": sent, "gold": gold})
    return out


def _gold_chars(text: str, spans, lead: int = 0) -> np.ndarray:
    """Characters of ``text`` (the stripped translation) inside a span (offsets into the unstripped one)."""
    gold = np.zeros(len(text), dtype=bool)
    for a, b, _ in spans:
        gold[max(0, a - lead) : max(0, b - lead)] = True
    return gold


def fit(rows: list[dict]):
    from sklearn.linear_model import LogisticRegression

    X = np.vstack([r["X"] for r in rows])
    y = np.concatenate([r["y"] for r in rows])
    mean, scale = X.mean(axis=0), X.std(axis=0) + 1e-6
    lr = LogisticRegression(C=C, class_weight="balanced", max_iter=2000, random_state=SEED)
    lr.fit((X - mean) / scale, y)
    return mean, scale, lr.coef_[0], float(lr.intercept_[0])


def char_counts(rows: list[dict], probs: list[np.ndarray], threshold: float) -> tuple[int, int, int]:
    """(true positive, predicted, gold) characters over ``rows`` at ``threshold``."""
    tp = pred_n = gold_n = 0
    for r, p in zip(rows, probs, strict=True):
        pred = np.zeros(len(r["text"]), dtype=bool)
        for a, b, _ in meaning.spans(p, r["starts"], r["ends"], threshold, r["text"]):
            pred[a:b] = True
        tp += int((pred & r["gold"]).sum())
        pred_n += int(pred.sum())
        gold_n += int(r["gold"].sum())
    return tp, pred_n, gold_n


def f1(tp: int, pred: int, gold: int) -> float:
    return 2 * tp / (pred + gold) if pred + gold else float("nan")


def best_threshold(rows: list[dict], probs: list[np.ndarray]) -> float:
    grid = np.round(np.arange(0.30, 0.95, 0.025), 3)
    scores = [f1(*char_counts(rows, probs, t)) for t in grid]
    return float(grid[int(np.nanargmax(scores))])


def japanese(text: str) -> bool:
    """Mostly Japanese: under 20% Latin letters. Untranslated or chatty English output (a few
    ESA rows, whose spans cover hundreds of characters) is the ``untranslated`` check's job; the
    head is trained and tuned on the other rows, so that it does not learn "Latin = error"."""
    return sum(c.isascii() and c.isalpha() for c in text) < 0.2 * max(1, len(text))


def build(rows_train: list[dict], rows_tune: list[dict], meta: dict) -> meaning.MeaningModel:
    rows_train = [r for r in rows_train if japanese(r["text"])]
    rows_tune = [r for r in rows_tune if japanese(r["text"])]
    mean, scale, coef, intercept = fit(rows_train)
    model = meaning.MeaningModel(VERSION, meaning.TOKEN_FEATURES, mean, scale, coef, intercept, 0.5, 1.0, meta)
    probs = [model.token_probs(r["X"]) for r in rows_tune]
    thr = best_threshold(rows_tune, probs)
    flagged = np.concatenate([p[p >= thr] for p in probs] + [np.zeros(0)])
    major = float(np.quantile(flagged, 0.9)) if len(flagged) else 1.0
    return meaning.MeaningModel(VERSION, meaning.TOKEN_FEATURES, mean, scale, coef, intercept, thr, major, meta)


def load_rows(data, sets=("esa", "synth")) -> dict[str, tuple]:
    """{set: (DataFrame, rows)} keeping only rows already in the token cache (column ``row``:
    the row's number in the full set)."""
    import lm_tokens

    lm = lm_tokens.scorer()
    out = {}
    for name in sets:
        df = meaning_data.load(name, data)
        rows = token_rows(lm, df)
        keep = [i for i, r in enumerate(rows) if r is not None]
        log.info("%s: %d of %d rows have LM token features", name, len(keep), len(df))
        out[name] = (df.iloc[keep].assign(row=keep).reset_index(drop=True), [rows[i] for i in keep])
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    qe_data.add_data_arg(parser)
    parser.add_argument("--out", default=str(meaning.DEFAULT_HEAD))
    parser.add_argument("--train", choices=("synth", "esa+synth", "esa"), default=TRAIN,
                        help="the token-labelled rows to fit on (default: %(default)s)")
    args = parser.parse_args(argv)
    if not (args.data / "qe-dev").is_dir():
        raise SystemExit(f"no qe-dev folder under {args.data} (use --data)")
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    got = load_rows(args.data)
    _, esa = got["esa"]
    synth = got["synth"][1]
    train = {"synth": synth, "esa+synth": esa + synth, "esa": esa}[args.train]
    meta = {"trained_on": {"rows": args.train, "esa_rows_for_threshold": len(esa), "synth_rows": len(synth)},
            "lm": "gemma3-270m", "recipe": "bench/train_meaning.py"}
    model = build(train, esa, meta)
    meaning.save_head(args.out, model)
    print(f"wrote {args.out}: {VERSION}, threshold {model.threshold}, major {model.major:.3f}, "
          f"{len(train)} rows / {sum(len(r['y']) for r in train)} tokens")
    return 0


if __name__ == "__main__":
    sys.exit(main())
