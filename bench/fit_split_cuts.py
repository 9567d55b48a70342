"""Fit a learned judge of refine.split_glued's cuts on the align-dev2 tune split, cross-validated by document.

    python bench/fit_split_cuts.py --cache emb.npz --c 0.1             # CV figures
    python bench/fit_split_cuts.py --cache emb.npz --c 0.1 --old-dev   # and fitted on all of tune, on old dev

Every candidate cut that ``refine.split_glued`` scores on the tune documents, in both layouts
(``paras``: shared paragraph breaks, ``flat``: one running block), becomes one row of
``split_judge.FEATURES``, labelled 1 when its English and its Japanese cut both fall on the same
gold boundary (whitespace-free character offsets). A logistic regression is fitted on four fifths
of the documents (a document's two layouts stay in one fold) and judges the cuts of the rest. Its
threshold is chosen on out-of-fold probabilities inside the training fifths, counting what a cut
does to strict F1 (``--right`` for a cut on a true boundary, -1 in a bead with none, 0 elsewhere).
The held-out documents are refined with the chosen cuts (then ``split_heads``, as the pipeline
does) and scored by ``eval_align.score_document``: the CV figure is strict F1 over held-out
documents only, beside the hand formula's figure on the same documents and an oracle (the right
candidate whenever one exists). ``learned``: the model decides whether and where a bead is cut;
``placed``: the formula decides which beads are cut, the model where. Only the tune split is read
(never report, issue 11). Findings: ``bench/results/align_learned.txt``.

The same is done, as a further experiment, for cuts of a 1-1 bead on both sides (a learned
``refine_heads``: ``heads``; ``--wide`` takes every plausible place, not only the rules').
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import math
import re
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import eval_align as ea  # noqa: E402
import split_judge as sj  # noqa: E402

from mtreview import align, pipeline, refine, refine_heads, segment  # noqa: E402
from mtreview.config import Config  # noqa: E402

LAYOUTS = ("paras", "flat")


KINDS = ("glued", "heads")  # refine.split_glued's cuts; both-sides cuts of a 1-1 bead (a learned refine_heads)
# the both-sides experiment (a learned refine_heads): its candidates, per English place the MAX_JA
# Japanese places nearest the length the English left half predicts, within MAX_LOG_RATIO
MAX_LOG_RATIO = 0.7
MAX_JA = 3
RIGHT = 2.0  # what a cut on a true boundary is counted worth when the threshold is chosen (--right)
WIDE = False  # True: every plausible place on both sides, not only the hand rules' (--wide)


_EN_WIDE = re.compile(r"(?<=[.!?:;\"”’)*])\s+(?=\S)|\s+(?=[\"“‘(*]?[A-Z0-9])")


def wide_en_places(text: str) -> list[int]:
    """Every English word start after an end mark, a colon, a closing quote or bracket, or before a
    capitalised word or a number: the hand rules' places and more (the model judges them)."""
    return sorted({m.end() for m in _EN_WIDE.finditer(text) if m.start() > 0 and m.end() < len(text)}
                  | set(sj.en_places(text)))


def wide_ja_places(text: str) -> list[int]:
    """Every Japanese morpheme boundary except inside a run of digits, Latin letters or katakana."""
    tokens = refine._tokens(text)
    out = set(sj.ja_places(text))
    for left, right in itertools.pairwise(tokens):
        a, b = left.surface[-1], right.surface[0]
        if (a.isascii() and a.isalnum() and b.isascii() and b.isalnum()) or (
                refine._katakana(a) and refine._katakana(b)):
            continue
        if b in "、。，．！？」』）)" or right.pos[0] in ("助詞", "助動詞") or right.pos[1] == "非自立可能":
            continue
        out.add(right.start)
    return sorted(out)


def head_jobs(src, tgt, beads) -> tuple[list[tuple], float]:
    """Both-sides candidate cuts of every 1-1 bead, as ``refine.cut_jobs`` gives them, and the
    document's log(JA/EN chars): per English place, the ``MAX_JA`` Japanese places whose left half
    is nearest the length the English left half predicts (within ``MAX_LOG_RATIO``)."""
    mu = math.log((sum(len(t.text) for t in tgt) + 10.0) / (sum(len(s.text) for s in src) + 10.0))
    ratio = math.exp(mu)
    jobs = []
    for bi, bead in enumerate(beads):
        if len(bead.src_ids) != 1 or len(bead.tgt_ids) != 1:
            continue
        e, j = src[bead.src_ids[0]].text, tgt[bead.tgt_ids[0]].text
        ja = dict(refine.boundaries(j))
        for off in (wide_ja_places(j) if WIDE else refine_heads.ja_head_ends(j)):
            ja.setdefault(off, False)
        if not ja:
            continue
        for oe in (wide_en_places(e) if WIDE else sj.en_places(e)):
            le, re_ = e[:oe].rstrip(), e[oe:].lstrip()
            if min(len(le), len(re_)) < 4:
                continue
            fit = sorted((miss, oj) for oj in ja
                         if (miss := refine.misfit(j[:oj], j[oj:], len(le) * ratio, 4, MAX_LOG_RATIO)) is not None)
            jobs += [(bi, (0, oe), (0, oj), ja[oj], (le, re_, j[:oj], j[oj:])) for _, oj in fit[:MAX_JA]]
    return jobs, mu


@dataclasses.dataclass
class Rows:
    """Candidate cuts of one document: jobs, piece vectors, features, labels."""

    src: list
    tgt: list
    beads: list
    jobs: list
    vec: dict
    x: np.ndarray
    y: np.ndarray


@dataclasses.dataclass
class Doc:
    doc: str
    layout: str
    gold: list
    glued: Rows  # refine.split_glued's candidates on the aligner's beads
    heads: Rows  # both-sides candidates after the hand formula's glued cuts (as the pipeline runs)


def _starts(sents) -> list[int]:
    out, pos = [], 0
    for s in sents:
        out.append(pos)
        pos += len(ea.squeeze(s.text))
    return out


def _position(sents, starts, ids, cut) -> int:
    k, off = cut
    sid = ids[k]
    return starts[sid] + (len(ea.squeeze(sents[sid].text[:off])) if off else 0)


def labels(src, tgt, beads, gold, jobs) -> np.ndarray:
    """1 for a job whose two cuts fall on the same gold boundary (whitespace-free offsets)."""
    same = ("".join(ea.squeeze(s.text) for s in src) == "".join(ea.squeeze(g[0]) for g in gold)
            and "".join(ea.squeeze(t.text) for t in tgt) == "".join(ea.squeeze(g[1]) for g in gold))
    if not same:
        raise SystemExit("a tune document's text differs from its gold pairs: labels cannot be placed")
    ge, gj = ea._spans([ea.squeeze(g[0]) for g in gold]), ea._spans([ea.squeeze(g[1]) for g in gold])
    gold_cuts = {(a[1], b[1]) for a, b in zip(ge[:-1], gj[:-1], strict=True)}
    ss, ts = _starts(src), _starts(tgt)
    return np.asarray([float((_position(src, ss, beads[bi].src_ids, e), _position(tgt, ts, beads[bi].tgt_ids, j))
                             in gold_cuts) for bi, e, j, _, _ in jobs])


def rows(kind: str, src, tgt, beads, gold, encode, rc) -> Rows:
    jobs, mu = sj.cut_jobs(src, tgt, beads, rc) if kind == "glued" else head_jobs(src, tgt, beads)
    vec = refine.piece_vectors(encode, (t for *_, p in jobs for t in p)) if jobs else {}
    x = sj.features(jobs, vec, mu, beads, src, tgt)
    return Rows(list(src), list(tgt), list(beads), jobs, vec, x, labels(src, tgt, beads, gold, jobs))


def collect(data: Path, config: Config, encode) -> list[Doc]:
    rc = refine.RefineConfig(margin=config.align.split_margin)
    docs = []
    for layout in LAYOUTS:
        folder = data / "align-dev2" / layout
        for doc in ea.doc_ids(folder, "tune"):  # never "report"
            s_doc, t_doc = ea._load_pair(folder, doc, "paragraphs", config)
            gold = ea.read_gold(folder / f"{doc}.gold.tsv")
            src, tgt = segment.split(s_doc, config.segment), segment.split(t_doc, config.segment)
            beads = align.align([s.text for s in src], [t.text for t in tgt], encode, config.align,
                                src_blocks=[s.block for s in src], tgt_blocks=[t.block for t in tgt])
            glued = rows("glued", src, tgt, beads, gold, encode, rc)
            after = refine.apply_cuts(src, tgt, beads, sj.job_cuts(glued.jobs, _formula(glued, rc), glued.vec))
            docs.append(Doc(doc, layout, gold, glued, rows("heads", *after, gold, encode, rc)))
    return docs


def _fit(x: np.ndarray, y: np.ndarray, c: float, learner: str):
    """A model with ``prob(x)``: logistic regression (shipped) or, to compare, gradient-boosted trees."""
    if learner == "hgb":
        from sklearn.ensemble import HistGradientBoostingClassifier

        clf = HistGradientBoostingClassifier(max_iter=200, learning_rate=0.05, max_leaf_nodes=7, max_depth=3,
                                             l2_regularization=1.0, random_state=0).fit(x, y)
        return Sk(clf, 0.5)
    from sklearn.linear_model import LogisticRegression

    mean, scale = x.mean(0), x.std(0)
    scale[scale == 0] = 1.0
    lr = LogisticRegression(C=c, max_iter=5000).fit((x - mean) / scale, y)
    return sj.CutModel(sj.FEATURES, mean, scale, lr.coef_[0], float(lr.intercept_[0]),
                                   0.5, "")


@dataclasses.dataclass(frozen=True)
class Sk:
    clf: object
    threshold: float

    def prob(self, x: np.ndarray) -> np.ndarray:
        return self.clf.predict_proba(x)[:, 1] if len(x) else np.zeros(0)


def fit(train: list[Rows], c: float, learner: str = "lr", groups: list[str] | None = None, inner: int = 4):
    """A model fitted on the rows of ``train``; its threshold chosen on out-of-fold probabilities
    (``inner`` folds by document inside ``train``: in-sample probabilities are too sure of themselves)."""
    keep = [k for k, r in enumerate(train) if r.jobs]
    train, groups = [train[k] for k in keep], [(groups or [str(k) for k in range(len(train))])[k] for k in keep]
    model = _fit(np.vstack([r.x for r in train]), np.concatenate([r.y for r in train]), c, learner)
    names = sorted(set(groups))
    fold_of = {n: i % inner for i, n in enumerate(names)}
    held: list[tuple[Rows, np.ndarray]] = []
    for f in range(inner):
        part = [r for r, g in zip(train, groups, strict=True) if fold_of[g] != f]
        sub = _fit(np.vstack([r.x for r in part]), np.concatenate([r.y for r in part]), c, learner)
        held += [(r, sub.prob(r.x)) for r, g in zip(train, groups, strict=True) if fold_of[g] == f]
    return dataclasses.replace(model, threshold=_threshold(held))


def _threshold(held: list[tuple[Rows, np.ndarray]]) -> float:
    """The threshold that gains most strict pairs over the beads of ``train``, counted as the metric
    counts them: a cut on a true boundary turns a wrong bead into two right ones (+2), a cut in a bead
    that holds no true boundary breaks a right one (-1), a cut at the wrong place of a bead that holds
    one changes nothing (0)."""
    best_p = []
    for r, p in held:
        has = {r.jobs[k][0] for k in range(len(r.jobs)) if r.y[k]}
        for bi, k in sj.choose(r.jobs, p, -1.0).items():
            best_p.append((p[k], RIGHT if r.y[k] else 0.0 if bi in has else -1.0))
    if not best_p:
        return 1.0
    best_p.sort(key=lambda t: -t[0])
    gains = np.cumsum([u for _, u in best_p])
    k = int(np.argmax(gains))
    if gains[k] <= 0:
        return 1.0  # no cut pays
    return float(best_p[k + 1][0] + best_p[k][0]) / 2 if k + 1 < len(best_p) else float(best_p[k][0]) - 1e-6


def _mu(src, tgt) -> float:
    return math.log((sum(len(t.text) for t in tgt) + 10.0) / (sum(len(s.text) for s in src) + 10.0))


def _formula(r: Rows, rc: refine.RefineConfig) -> dict[int, int]:
    """The hand formula's choice (refine.split_glued), as job indices."""
    return sj.formula(r.jobs, r.vec, _mu(r.src, r.tgt), rc)


def _pick(kind: str, r: Rows, model, rc: refine.RefineConfig) -> dict[int, int]:
    """Bead -> job: ``formula`` (the library), ``learned`` (the model decides whether and where),
    ``placed`` (the formula decides which beads are cut, the model where), ``oracle``."""
    if kind == "formula":
        return _formula(r, rc)
    if kind == "oracle":
        return _oracle(r)
    if not r.jobs:
        return {}
    if kind == "learned":
        return sj.choose(r.jobs, model.prob(r.x), model.threshold)
    best = sj.choose(r.jobs, model.prob(r.x), -math.inf)
    return {bi: k for bi, k in best.items() if bi in _formula(r, rc)}


def _oracle(r: Rows) -> dict[int, int]:
    out: dict[int, int] = {}
    for k, job in enumerate(r.jobs):
        if r.y[k]:
            out.setdefault(job[0], k)
    return out


def _run(d: Doc, glued: str, heads: str, models: dict, encode, rc) -> ea.Counts:
    """Refine ``d`` with the glued / heads decision named (formula, learned, oracle) and score it."""
    g = d.glued
    src, tgt, beads = refine.apply_cuts(g.src, g.tgt, g.beads, sj.job_cuts(g.jobs, _pick(glued, g, models["glued"], rc),
                                                                           g.vec))
    if heads == "formula":
        src, tgt, beads = refine_heads.split_heads(src, tgt, beads, encode)
    else:
        h = d.heads if glued == "formula" else rows("heads", src, tgt, beads, d.gold, encode, rc)
        chosen = (_oracle(h) if heads == "oracle" else
                  sj.choose(h.jobs, models["heads"].prob(h.x), models["heads"].threshold) if h.jobs else {})
        src, tgt, beads = refine.apply_cuts(src, tgt, beads, sj.job_cuts(h.jobs, chosen, h.vec))
    texts = [(" ".join(src[i].text for i in b.src_ids), "".join(tgt[j].text for j in b.tgt_ids)) for b in beads]
    return ea.score_document(d.gold, texts)[0]


COMBOS = [("formula", "formula"), ("learned", "formula"), ("placed", "formula"), ("formula", "learned"),
          ("learned", "learned"), ("oracle", "formula"), ("formula", "oracle")]
OLD_DEV = [(pair, mode) for pair in ("en-ja", "ja-en") for mode in ("paragraphs", "joined")]


def old_dev(data: Path, config: Config, encode, model, out) -> None:
    """The glued judge fitted on all of tune, applied to the old align-dev sets (never fitted on
    them), beside the hand formula: strict F1 per set (``split_heads`` after, as in the pipeline)."""
    rc = refine.RefineConfig(margin=config.align.split_margin)
    for pair, mode in OLD_DEV:
        folder = data / "align-dev" / pair
        totals = {kind: ea.Counts() for kind in ("formula", "learned", "placed")}
        for doc in ea.doc_ids(folder, "all"):
            s_doc, t_doc = ea._load_pair(folder, doc, mode, config)
            gold = ea.read_gold(folder / f"{doc}.gold.tsv")
            src, tgt = segment.split(s_doc, config.segment), segment.split(t_doc, config.segment)
            beads = align.align([s.text for s in src], [t.text for t in tgt], encode, config.align,
                                src_blocks=[s.block for s in src], tgt_blocks=[t.block for t in tgt])
            jobs, mu = sj.cut_jobs(src, tgt, beads, rc)
            vec = refine.piece_vectors(encode, (t for *_, p in jobs for t in p)) if jobs else {}
            r = Rows(src, tgt, beads, jobs, vec, sj.features(jobs, vec, mu, beads, src, tgt), np.zeros(len(jobs)))
            for kind, counts in totals.items():
                s2, t2, b2 = refine.apply_cuts(src, tgt, beads, sj.job_cuts(jobs, _pick(kind, r, model, rc), vec))
                s2, t2, b2 = refine_heads.split_heads(s2, t2, b2, encode)
                texts = [(" ".join(s2[i].text for i in b.src_ids), "".join(t2[j].text for j in b.tgt_ids)) for b in b2]
                counts.add(ea.score_document(gold, texts)[0])
        out.write(f"dev/{pair}/{mode:<11}" + "".join(f"  {kind} F1 {c.figures()['f1']:.4f}"
                                                      for kind, c in totals.items()) + "\n")


def cross_validate(docs: list[Doc], config: Config, encode, c: float, folds: int, out, learner: str = "lr") -> dict:
    rc = refine.RefineConfig(margin=config.align.split_margin)
    names = sorted({d.doc for d in docs})
    fold_of = {n: i % folds for i, n in enumerate(names)}
    totals = {(combo, layout): ea.Counts() for combo in COMBOS for layout in LAYOUTS}
    per_doc: dict[tuple, dict[str, ea.Counts]] = {}
    for f in range(folds):
        train = [d for d in docs if fold_of[d.doc] != f]
        models = {kind: fit([getattr(d, kind) for d in train], c, learner, [d.doc for d in train])
                  for kind in KINDS}
        for d in (d for d in docs if fold_of[d.doc] == f):
            for combo in COMBOS:
                counts = _run(d, *combo, models, encode, rc)
                totals[(combo, d.layout)].add(counts)
                per_doc.setdefault((combo, d.layout), {})[d.doc] = counts
        out.write(f"fold {f}: thresholds glued {models['glued'].threshold:.3f} heads {models['heads'].threshold:.3f}\n")
    figs = {}
    for (combo, layout), counts in totals.items():
        fig = figs[(combo, layout)] = counts.figures()
        out.write(f"{layout:<6}glued {combo[0]:<8} heads {combo[1]:<8} CV (held-out tune documents): "
                  f"P {fig['precision']:.4f} R {fig['recall']:.4f} F1 {fig['f1']:.4f} "
                  f"refR {fig['refined_recall']:.4f}"
                  + (_interval(per_doc[(combo, layout)], per_doc[(("formula", "formula"), layout)])
                     if combo[0] in ("learned", "placed") or combo[1] == "learned" else "") + "\n")
    return figs


def _interval(new: dict[str, ea.Counts], base: dict[str, ea.Counts], draws: int = 2000) -> str:
    """A 90% interval of F1(new) - F1(base) by resampling the held-out documents (seeded)."""
    docs = sorted(new)
    arr = np.array([[getattr(c[d], k) for k in ("strict", "pred", "gold")] for c in (new, base) for d in docs],
                   dtype=np.float64).reshape(2, len(docs), 3)
    rng = np.random.default_rng(0)
    idx = rng.integers(0, len(docs), size=(draws, len(docs)))
    sums = arr[:, idx, :].sum(axis=2)  # (2, draws, 3)
    f1 = 2 * sums[..., 0] / (sums[..., 1] + sums[..., 2])
    lo, hi = np.percentile(f1[0] - f1[1], [5, 95])
    return f"  delta F1 90% [{lo:+.4f}, {hi:+.4f}]"


def main(argv: list[str] | None = None) -> int:
    global WIDE, RIGHT
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=ea.DEFAULT_DATA)
    ap.add_argument("--cache", type=Path, default=None, help="embedding cache (.npz) as in eval_align.py")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--c", type=float, nargs="+", default=[1.0], help="inverse regularisation strength(s)")
    ap.add_argument("--learner", choices=["lr", "hgb"], default="lr",
                    help="lr: logistic regression; hgb: gradient-boosted trees, to compare")
    ap.add_argument("--right", type=float, default=RIGHT,
                    help="worth of a right cut against -1 for a wrong one when choosing the threshold (2: both "
                         "halves become right pairs; 1: only one surely does)")
    ap.add_argument("--wide", action="store_true", help="heads experiment: every plausible place as a candidate")
    ap.add_argument("--old-dev", action="store_true",
                    help="refit the glued judge on all tune documents (first --c) and apply it to the old dev sets")
    args = ap.parse_args(argv)
    if not args.data.is_dir():
        print(f"no such folder: {args.data} (give --data)", file=sys.stderr)
        return 1
    WIDE, RIGHT = args.wide, args.right
    config = Config()
    models = pipeline.load_models(config)
    cached = ea.CachedEmbedder(models.embedder, args.cache)
    docs = collect(args.data, config, cached.encode)
    cached.save()
    for kind in KINDS:
        rs = [getattr(d, kind) for d in docs]
        sys.stdout.write(f"{kind}: {len(docs)} tune documents x layouts, {sum(len(r.jobs) for r in rs)} candidate "
                         f"cuts, {int(sum(r.y.sum() for r in rs))} on a gold boundary\n")
    for c in args.c:
        sys.stdout.write(f"-- C = {c}\n")
        cross_validate(docs, config, cached.encode, c, args.folds, sys.stdout, args.learner)
        cached.save()
    if args.old_dev:
        model = fit([d.glued for d in docs], args.c[0], args.learner, [d.doc for d in docs])
        sys.stdout.write(f"-- the glued judge fitted on all of tune (C = {args.c[0]}, threshold "
                         f"{model.threshold:.3f}); tune below is its training fit, not a CV figure\n")
        rc = refine.RefineConfig(margin=config.align.split_margin)
        for layout in LAYOUTS:
            totals = {kind: ea.Counts() for kind in ("formula", "learned", "placed")}
            for d in (d for d in docs if d.layout == layout):
                for kind, counts in totals.items():
                    counts.add(_run(d, kind, "formula", {"glued": model}, cached.encode, rc))
            sys.stdout.write(f"dev2/{layout}/tune     " + "".join(f"  {kind} F1 {c.figures()['f1']:.4f}"
                                                               for kind, c in totals.items()) + "\n")
        old_dev(args.data, config, cached.encode, model, sys.stdout)
        cached.save()
        if args.learner == "lr":
            for name, w in sorted(zip(sj.FEATURES, model.coef, strict=True), key=lambda p: -abs(p[1])):
                sys.stdout.write(f"  {name:<18}{w:+.3f}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
