"""Fine-tune the top of the joint e5 encoder (CometKiwi-style) on CPU, against frozen heads.

    nice python bench/kiwi_ft_cache.py [--layer 10]       # first: layer-L states (resumable)
    nice python bench/kiwi_finetune.py [--layer 10] [--epochs 2] [--report]

Rows: the en-ja DA, ESA (with the annotators' spans) and seeded critical-error rows, the synthetic
errors with known spans and the seeded MLQE-PE en-zh DA rows, as cached by kiwi_ft_cache.py.
Split frozen before any tuning (as kiwi_eval.py): en-ja sources with hash % 5 == 0 are REPORT,
read only with ``--report``; TUNE is cut into 5 GroupKFold folds by source (the folds of
kiwi_eval.py) and fold ``--fold`` is the validation fold; everything is fit on the other four
(plus all synthetic and en-zh rows). Printed on the SAME validation rows, side by side:
  fine-tuned   layers L+1..12 + sentence head + token head, trained jointly (``kiwi_ft_model``):
               score regression on ``target`` (set weights as train_quality.py; en-zh 1,
               synthetic 0) + class-balanced token BCE (ESA mostly-Japanese rows, synthetic rows)
  frozen       the Round 4 heads (kiwi_heads.py) on the shipped encoder's states: ridge on pooled
               layers 4/6/8/10/12 (alpha 10: Round 4's CV choice), + token-head
               aggregates and alignment; logistic token head on [mean of layers 6/9/12, best
               source cosine at layers 10/11/12]
  source-only  ridge on the source read alone (same encoder); chrF against the reference (ESA)
With ``--report`` the same fitted models score the REPORT split once.
"""

from __future__ import annotations

import argparse
import logging
import pickle
import sys
import time
from pathlib import Path

import kiwi_ft_cache
import kiwi_ft_model as km
import kiwi_heads as kh
import numpy as np
import qe_data
import train_quality
from embed_head import NAMES, fold_ids
from eval_quality import figures

SETS = ("da", "crit", "esa", "synth", "zh")
SENT_W = {**train_quality.SET_WEIGHTS, "zh": 1.0, "synth": 0.0}
log = logging.getLogger("kiwi_finetune")


def load(args):
    """(DataFrame of all cached rows in SETS order, list of km.Row, cache arrays per row)."""
    import pandas as pd

    frames, rows, extra = [], [], []
    for name in args.sets.split(","):
        ds = kiwi_ft_cache.rows_of(args.data, name, args)
        c = kiwi_ft_cache.load_cached(name, args.layer, ds)
        if c is None:
            raise SystemExit(f"the {name} rows are not all cached: run bench/kiwi_ft_cache.py --sets {name}")
        df = ds.to_pandas()
        for i in range(len(df)):
            a, b = c["off"][i], c["off"][i + 1]
            ta, tb = c["toff"][i], c["toff"][i + 1]
            chars = c["chars"][ta:tb]
            tags = np.full(len(chars), -1, np.float32)
            tagged = name == "synth" or (name == "esa" and kh.japanese(df.tgt[i]))
            if tagged:
                gold = np.zeros(len(df.tgt[i]), bool)
                for s, e, _m in df.spans[i]:
                    gold[s:e] = True
                tags = np.array([gold[s:e].any() if e > s else -1 for s, e in chars], np.float32)
            rows.append(km.Row(c["h"][a:b], tuple(c["src"][i]), tuple(c["tgt"][i]), tags,
                               float(df.target[i]), SENT_W[name]))
            extra.append({"chars": chars, "tok": c["tok"][ta:tb], "ptgt": c["ptgt"][i], "psrc": c["psrc"][i],
                          "solo": c["solo"][i]})
        frames.append(df)
    return pd.concat(frames, ignore_index=True), rows, extra


def token_rows(df, extra, ff, idx) -> list[dict]:
    """kiwi_heads.token_rows' dicts for rows ``idx``: X = [mean of layers 6/9/12, align 10/11/12]."""
    out = []
    for i in idx:
        chars = extra[i]["chars"]
        keep = chars[:, 1] > chars[:, 0]
        X = np.concatenate([extra[i]["tok"].astype(np.float32), ff[i]["tok12"][:, None].astype(np.float32)],
                           axis=1).mean(axis=1)
        X = np.hstack([X, ff[i]["align"]])[keep]
        text = df.tgt[i]
        gold = np.zeros(len(text), bool)
        for s, e, _m in df.spans[i]:
            gold[s:e] = True
        st, en = chars[keep, 0], chars[keep, 1]
        out.append({"X": X, "y": np.array([gold[s:e].any() for s, e in zip(st, en, strict=True)], bool),
                    "starts": st.tolist(), "ends": en.tolist(), "text": text, "gold": gold, "keep": keep})
    return out


def train(args, rows: list[km.Row], train_idx: np.ndarray, model: km.Kiwi) -> km.Kiwi:
    import torch

    torch.manual_seed(args.seed)
    tr = [rows[i] for i in train_idx]
    tags = np.concatenate([r.tags for r in tr])
    pos_weight = float((tags == 0).sum() / max((tags == 1).sum(), 1))
    enc = [p for p in model.top.parameters()]
    heads = [p for n, p in model.named_parameters() if not n.startswith("top.")]
    opt = torch.optim.AdamW([{"params": enc, "lr": args.lr}, {"params": heads, "lr": args.head_lr}],
                            weight_decay=0.01)
    rng = np.random.default_rng(args.seed)
    steps = args.epochs * len(km.batches(tr, args.batch))
    warm = max(1, steps // 10)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / warm, max(0.0, (steps - s) / max(steps - warm, 1))))
    log.info("training on %d rows (%d tagged tokens, pos_weight %.1f), %d steps", len(tr), int((tags >= 0).sum()),
             pos_weight, steps)
    step, t0 = 0, time.process_time()
    for ep in range(args.epochs):
        model.train()
        run_s = run_t = 0.0
        for k, idx in enumerate(km.batches(tr, args.batch, rng)):
            loss, ls, lt = km.loss(model, km.batch([tr[i] for i in idx]), pos_weight, args.tok_w)
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            step += 1
            run_s, run_t = 0.98 * run_s + 0.02 * ls, 0.98 * run_t + 0.02 * lt
            if k % 50 == 0:
                log.info("epoch %d step %d/%d: sentence loss %.4f token loss %.4f (%.0f CPU-s)", ep, step, steps,
                         run_s, run_t, time.process_time() - t0)
    return model


def span_figures(trows: list[dict], probs: list[np.ndarray], thr: float) -> dict[str, float]:
    from sklearn.metrics import roc_auc_score

    f = kh.char_f1(trows, [kh.mask(r, p, thr) for r, p in zip(trows, probs, strict=True)])
    ja = [j for j, r in enumerate(trows) if kh.japanese(r["text"])]
    y = np.concatenate([trows[j]["y"] for j in ja])
    p = np.concatenate([probs[j] for j in ja])
    f["token_auc"] = float(roc_auc_score(y, p)) if 0 < y.sum() < len(y) else float("nan")
    return f


def best_threshold(trows: list[dict], probs: list[np.ndarray]) -> float:
    ja = [j for j, r in enumerate(trows) if kh.japanese(r["text"])]
    grid = np.round(np.arange(0.30, 0.96, 0.025), 3)
    f1s = [kh.char_f1([trows[j] for j in ja], [kh.mask(trows[j], probs[j], t) for j in ja])["micro"] for t in grid]
    return float(grid[int(np.nanargmax(f1s))])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    qe_data.add_data_arg(parser)
    parser.add_argument("--layer", type=int, default=10, help="as kiwi_ft_cache.py --layer")
    parser.add_argument("--crit", type=int, default=4000, help="as kiwi_ft_cache.py --crit")
    parser.add_argument("--synth", type=int, default=2000, help="as kiwi_ft_cache.py --synth")
    parser.add_argument("--zh", type=int, default=3000, help="as kiwi_ft_cache.py --zh")
    parser.add_argument("--sets", default=",".join(SETS), help="cached sets to read (a smoke run: da,esa)")
    parser.add_argument("--limit", type=int, default=0, help="at most this many training rows, seeded (a smoke run)")
    parser.add_argument("--fold", type=int, default=0, help="the TUNE fold held out for validation")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--lr", type=float, default=3e-5, help="encoder layers' learning rate")
    parser.add_argument("--head-lr", type=float, default=1e-3)
    parser.add_argument("--tok-w", type=float, default=0.5, help="weight of the token loss")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--alpha", type=float, default=10.0,
                        help="ridge alpha of the frozen heads (10: Round 4's CV choice on these TUNE folds)")
    parser.add_argument("--state", default="", help="where the fitted models are kept (default: in the cache)")
    parser.add_argument("--standardise", action="store_true",
                        help="standardise the heads' inputs per feature (means / deviations of 1,000 training rows)")
    parser.add_argument("--probe", action="store_true",
                        help="ridge on the pooled layer-12 states of the saved fine-tuned top vs the frozen top")
    parser.add_argument("--report", action="store_true",
                        help="score the REPORT split once with the models a previous run fit and saved")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    import torch

    from mtreview.models.e5_tokens import E5Tokens

    torch.set_num_threads(args.threads)
    df, rows, extra = load(args)
    enja = df.set.isin(["da", "crit", "esa"]).to_numpy()
    tune = np.flatnonzero(enja & (df.split == "tune").to_numpy())
    folds = np.full(len(df), -1)
    folds[tune] = fold_ids(df.group.to_numpy()[tune])  # the folds of kiwi_eval.py (same rows, same order)
    val = np.flatnonzero(folds == args.fold)
    train_idx = np.flatnonzero(((folds >= 0) & (folds != args.fold)) | ~enja)
    if args.limit:
        train_idx = np.sort(np.random.default_rng(3).permutation(train_idx)[:args.limit])
        val = val[:args.limit]
    rep = np.flatnonzero(enja & (df.split == "report").to_numpy())
    print(f"layer {args.layer}; training rows {df.set[train_idx].value_counts().sort_index().to_dict()}; "
          f"validation (TUNE fold {args.fold}) {df.set[val].value_counts().sort_index().to_dict()}")

    e5 = E5Tokens()
    model = km.Kiwi.from_e5(e5, args.layer)
    state = Path(args.state or kiwi_ft_cache.CACHE / f"finetuned-l{args.layer}-fold{args.fold}.pkl")
    ff: list[dict] = [{}] * len(rows)
    if args.probe:
        return probe(args, df, rows, state, model, e5, train_idx[enja[train_idx]], val)
    if args.report:  # the models fit (and validated) before, scored once on REPORT
        if not state.exists():
            raise SystemExit(f"no fitted models at {state}: run without --report first")
        saved = pickle.loads(state.read_bytes())
        # strict=False: a state saved without --standardise has no head standardisation buffers (identity)
        model.load_state_dict({k: v.float() for k, v in saved["model"].items()}, strict=False)
        for i, f in zip(rep, km.frozen_features(model_top(e5, args.layer), [rows[i] for i in rep]), strict=True):
            ff[i] = f
        compare(f"REPORT (fit on TUNE folds other than {args.fold}, scored once)", df, rows, extra, ff, rep,
                model, saved["thr"], saved["frozen"])
        return 0
    t = time.process_time()
    scored = np.concatenate([train_idx[df.set[train_idx].isin(["da", "crit", "esa", "synth"]).to_numpy()], val])
    for i, f in zip(scored, km.frozen_features(model.top, [rows[i] for i in scored]), strict=True):
        ff[i] = f
    log.info("frozen features of %d rows: %.0f CPU-s", len(scored), time.process_time() - t)
    t = time.process_time()
    frozen = fit_frozen(df, extra, ff, train_idx[enja[train_idx]], train_idx[df.set[train_idx].to_numpy() == "synth"],
                        args.alpha)
    log.info("frozen heads: %.0f CPU-s", time.process_time() - t)
    if args.standardise:
        pick = np.random.default_rng(2).permutation(train_idx)[:1000]
        model.standardise([rows[i] for i in pick])
    t = time.process_time()
    train(args, rows, train_idx, model)
    log.info("fine-tuning: %.0f CPU-s", time.process_time() - t)
    esa_tr = train_idx[(df.set[train_idx] == "esa").to_numpy()]
    thr_rows = esa_tr[np.random.default_rng(1).permutation(len(esa_tr))[:800]]
    _, p_thr = km.predict(model, [rows[i] for i in thr_rows])
    thr_tr = token_rows(df, extra, ff, thr_rows)
    thr = best_threshold(thr_tr, [p[t["keep"]] for p, t in zip(p_thr, thr_tr, strict=True)])
    state.write_bytes(pickle.dumps({"model": {k: v.half() for k, v in model.state_dict().items()},
                                    "thr": thr, "frozen": frozen, "args": vars(args)}))
    compare(f"VALIDATION (TUNE fold {args.fold})", df, rows, extra, ff, val, model, thr, frozen)
    return 0


def probe(args, df, rows, state: Path, model, e5, tr: np.ndarray, val: np.ndarray) -> int:
    """Is the fine-tuned representation better, whatever the head? Ridge (alpha ``--alpha``) on the
    layer-12 means over translation and source tokens, fine-tuned top vs frozen top, same rows."""
    model.load_state_dict({k: v.float() for k, v in pickle.loads(state.read_bytes())["model"].items()}, strict=False)
    idx = np.concatenate([tr, val])
    y, w = df.target.to_numpy()[tr], train_quality.weights(df.iloc[tr])
    sub = df.iloc[val].reset_index(drop=True)
    print(f"\nprobe, VALIDATION (TUNE fold {args.fold}): ridge on pooled layer-12 states")
    print(f"{'':38s}" + "".join(f"{n:>15s}" for n in NAMES))
    for label, top in (("frozen top", model_top(e5, args.layer)), ("fine-tuned top", model.top)):
        feats = km.frozen_features(top, [rows[i] for i in idx])
        F = np.stack([np.concatenate([f["p12t"], f["p12s"]]) for f in feats]).astype(np.float32)
        r = kh.Ridge().fit(F[:len(tr)], y, w)
        v = figures(sub, r.predict(F[len(tr):], args.alpha))
        print(f"{label:38s}" + "".join(f"{v[n]:15.3f}" for n in NAMES))
    return 0


def model_top(e5, layer: int):
    from mtreview.models.e5_torch import from_e5

    return from_e5(e5, layer, 12)


def fit_frozen(df, extra, ff, tr: np.ndarray, synth: np.ndarray, alpha: float) -> dict:
    """The Round 4 frozen heads, fit on the training en-ja rows (+ synthetic rows for the token head)."""
    esa_ja = [i for i in tr if df.set[i] == "esa" and kh.japanese(df.tgt[i])]
    trows = token_rows(df, extra, ff, esa_ja)
    head = kh.TokenHead(0.1).fit(trows + token_rows(df, extra, ff, synth), trows)
    P = pooled(extra, ff, tr)
    A = aggs(df, extra, ff, tr, head)
    y, w = df.target.to_numpy()[tr], train_quality.weights(df.iloc[tr])
    S = np.stack([extra[i]["solo"].reshape(-1) for i in tr]).astype(np.float32)
    log.info("frozen token head threshold %.3f", head.threshold)
    return {"head": head, "ridge": (kh.Ridge().fit(P, y, w), alpha),
            "ridge_a": (kh.Ridge().fit(np.hstack([P, A]), y, w), alpha), "solo": (kh.Ridge().fit(S, y, w), alpha)}


def pooled(extra, ff, idx) -> np.ndarray:
    return np.stack([np.concatenate([extra[i]["ptgt"].reshape(-1), ff[i]["p12t"], extra[i]["psrc"].reshape(-1),
                                     ff[i]["p12s"]]) for i in idx]).astype(np.float32)


def aggs(df, extra, ff, idx, head) -> np.ndarray:
    probs = [head.probs(r["X"]) for r in token_rows(df, extra, ff, idx)]
    al = np.array([np.r_[ff[i]["align"].mean(axis=0), ff[i]["align"].min(axis=0)] if len(ff[i]["align"])
                   else np.zeros(6) for i in idx])
    return np.hstack([kh.aggregates(probs, head.threshold), al, np.stack([ff[i]["salign"].reshape(-1) for i in idx])])


def compare(label, df, rows, extra, ff, idx, model, thr, frozen) -> None:
    from embed_head import _chrf_line

    sub = df.iloc[idx].reset_index(drop=True)
    scores, probs = km.predict(model, [rows[i] for i in idx])
    head = frozen["head"]
    P = pooled(extra, ff, idx)
    (r, a), (ra, aa), (rs, as_) = frozen["ridge"], frozen["ridge_a"], frozen["solo"]
    S = np.stack([extra[i]["solo"].reshape(-1) for i in idx]).astype(np.float32)
    A = aggs(df, extra, ff, idx, head)
    table = {"fine-tuned (sentence head)": figures(sub, scores),
             "fine-tuned -max token prob": figures(sub, -np.array([p.max() if len(p) else 0 for p in probs])),
             f"frozen joint ridge (a={a:g})": figures(sub, r.predict(P, a)),
             f"frozen ridge + token aggs (a={aa:g})": figures(sub, ra.predict(np.hstack([P, A]), aa)),
             f"source-only ridge (a={as_:g})": figures(sub, rs.predict(S, as_))}
    print(f"\n{label}: {sub.set.value_counts().sort_index().to_dict()}")
    print(f"{'':38s}" + "".join(f"{n:>15s}" for n in NAMES))
    for k, v in table.items():
        print(f"{k:38s}" + "".join(f"{v[n]:15.3f}" for n in NAMES))
    _chrf_line(sub)
    esa = [i for i in idx if df.set[i] == "esa"]
    pos = {i: j for j, i in enumerate(idx)}
    trows = token_rows(df, extra, ff, esa)
    ft = span_figures(trows, [probs[pos[i]][t["keep"]] for i, t in zip(esa, trows, strict=True)], thr)
    fr = span_figures(trows, [head.probs(t["X"]) for t in trows], head.threshold)
    print(f"spans vs ESA annotators ({len(esa)} rows):  micro / macro / ja char F1, ja token AUC")
    for name, f, th in (("fine-tuned token head", ft, thr), ("frozen logistic token head", fr, head.threshold)):
        print(f"  {name:28s} {f['micro']:.3f} / {f['macro']:.3f} / {f['ja']:.3f}   AUC {f['token_auc']:.3f}"
              f"   (threshold {th:g})")


if __name__ == "__main__":
    sys.exit(main())
