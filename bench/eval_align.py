"""Evaluate segmentation + alignment against gold segment pairs: align-dev2 tune / report, old align-dev.

    python bench/eval_align.py                     # every set, mtreview and the two peers (slow: encodes)
    python bench/eval_align.py --sets tune --systems mtreview --errors   # tune split only, missed pairs
    python bench/eval_align.py --json              # machine-readable figures
    python bench/eval_align.py --sets dev/en-ja/joined --split even      # half of an old dev set

Sets: ``dev2/{paras,flat}/{tune,report}`` are the align-dev2 documents (WMT22/23 en-ja, mixed
domains) with shared paragraph breaks or as one running block per side; ``dev/{en-ja,ja-en}/
{paragraphs,lines,joined}`` the old align-dev news documents (see Modes). The **report split**
of align-dev2 is frozen by ``split_of``: a document whose sha1(id) ends in an even hex digit is
report, the rest tune (111 / 95 documents). Methods are tuned on tune only; the report split is
measured in aggregate, and ``--errors`` never prints its documents.

Systems, over the same sentences (mtreview's segmenter) and the same encoder: ``mtreview``
(``pipeline.align_documents``: align + refine), ``gale-church`` (lengths only) and ``vecalign``
(Vecalign-style DP, see ``align_peers.py``). Bead texts join EN sentences with " " and JA
sentences with "".

Metrics (all micro-averaged over gold pairs / predicted beads of a language pair):
- strict P/R/F1: a predicted bead equals a gold pair when both sides are equal after removing
  all whitespace (1-0 and 0-1 beads count as predictions).
- refined recall: a gold pair is recovered when the predicted beads lying inside it (both sides
  non-empty, each side inside the gold side) together cover it exactly on both sides. Positions
  are character offsets in the whitespace-free document, so a short bead cannot match by accident
  elsewhere in the text.

Modes: ``paragraphs`` loads the files as given (blank lines separate paragraphs); ``joined``
joins every paragraph of a document into one block with no newline left: EN paragraphs are
joined with a single space, JA paragraphs with nothing (the hardest case: a headline without
final punctuation runs into the next sentence); ``lines`` keeps one paragraph per line but
removes the blank lines, so the document is one block whose line breaks remain.
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import hashlib
import json
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import align_peers  # noqa: E402
from shared_data import default_data  # noqa: E402

from mtreview import align, pipeline, segment  # noqa: E402
from mtreview.config import Config  # noqa: E402
from mtreview.io.load import load_document, load_text  # noqa: E402

DEFAULT_DATA = default_data()
_WS = re.compile(r"\s+")
_PARA = re.compile(r"\s*\n[ \t\u3000]*\n\s*")


def squeeze(text: str) -> str:
    return _WS.sub("", text)


@dataclass
class Counts:
    gold: int = 0
    pred: int = 0
    strict: int = 0
    refined: int = 0
    docs: int = 0
    reachable: int = 0  # gold pairs whose both sides are whole runs of the segmenter's sentences

    def add(self, other: Counts) -> None:
        for k in ("gold", "pred", "strict", "refined", "docs", "reachable"):
            setattr(self, k, getattr(self, k) + getattr(other, k))

    def figures(self) -> dict[str, float | int]:
        p = self.strict / self.pred if self.pred else 0.0
        r = self.strict / self.gold if self.gold else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        rr = self.refined / self.gold if self.gold else 0.0
        return {"docs": self.docs, "gold": self.gold, "pred": self.pred, "precision": round(p, 4),
                "recall": round(r, 4), "f1": round(f, 4), "refined_recall": round(rr, 4),
                "reachable": round(self.reachable / self.gold, 4) if self.gold else 0.0}


def read_gold(path: Path) -> list[tuple[str, str]]:
    rows = []
    lines = path.read_text(encoding="utf-8").splitlines()
    for line in lines[1:]:
        if not line.strip():
            continue
        en, _, ja = line.partition("\t")
        rows.append((en, ja))
    return rows


def lines(text: str) -> str:
    """All paragraphs of ``text`` in one block: one paragraph per line, no blank line."""
    return "\n".join(p.strip() for p in _PARA.split(text.strip()) if p.strip())


def joined(text: str, lang: str) -> str:
    """All paragraphs of ``text`` in one block, no newline left."""
    sep = " " if lang == "en" else ""
    parts = [p.strip() for p in _PARA.split(text.strip())]
    return sep.join(p.replace("\n", sep) for p in parts if p)


def _spans(texts: list[str]) -> list[tuple[int, int]]:
    out, pos = [], 0
    for t in texts:
        out.append((pos, pos + len(t)))
        pos += len(t)
    return out


def score_document(gold: list[tuple[str, str]], beads: list[tuple[str, str]]) -> tuple[Counts, list[int]]:
    """Counts for one document and the indices of gold pairs not recovered strictly."""
    gold_n = [(squeeze(a), squeeze(b)) for a, b in gold]
    pred_n = [(squeeze(a), squeeze(b)) for a, b in beads]
    c = Counts(gold=len(gold_n), pred=len(pred_n), docs=1)
    avail = Counter(pred_n)
    strict_ok = []
    for g in gold_n:
        ok = avail[g] > 0
        if ok:
            avail[g] -= 1
            c.strict += 1
        strict_ok.append(ok)
    gs, gt = _spans([a for a, _ in gold_n]), _spans([b for _, b in gold_n])
    ps, pt = _spans([a for a, _ in pred_n]), _spans([b for _, b in pred_n])
    same_text = "".join(a for a, _ in gold_n) == "".join(a for a, _ in pred_n) and \
        "".join(b for _, b in gold_n) == "".join(b for _, b in pred_n)
    for g, (ga, gb), (ta, tb) in zip(gold_n, gs, gt, strict=True):
        if not same_text:  # fall back to the substring definition
            inside = [p for p in pred_n if p[0] and p[1] and p[0] in g[0] and p[1] in g[1]]
            if "".join(p[0] for p in inside) == g[0] and "".join(p[1] for p in inside) == g[1]:
                c.refined += 1
            continue
        src_cov = tgt_cov = 0
        for p, (pa, pb), (qa, qb) in zip(pred_n, ps, pt, strict=True):
            if p[0] and p[1] and ga <= pa and pb <= gb and ta <= qa and qb <= tb:
                src_cov += pb - pa
                tgt_cov += qb - qa
        if src_cov == gb - ga and tgt_cov == tb - ta and gb > ga and tb > ta:
            c.refined += 1
    return c, [i for i, ok in enumerate(strict_ok) if not ok]


def reachable(gold: list[tuple[str, str]], src: list[str], tgt: list[str]) -> list[bool]:
    """Gold pairs that some alignment of these sentences could get right (the segmentation's bound).

    A pair is reachable when both of its sides start and end at sentence boundaries of the
    segmenter (whitespace-free character offsets); a strict miss of a reachable pair is the
    aligner's, an unreachable one the segmenter's. None reachable when the texts differ.
    """
    gold_n = [(squeeze(a), squeeze(b)) for a, b in gold]
    src_n, tgt_n = [squeeze(t) for t in src], [squeeze(t) for t in tgt]
    if "".join(a for a, _ in gold_n) != "".join(src_n) or "".join(b for _, b in gold_n) != "".join(tgt_n):
        return [False] * len(gold_n)
    cuts_s = {0} | {e for _, e in _spans(src_n)}
    cuts_t = {0} | {e for _, e in _spans(tgt_n)}
    gs, gt = _spans([a for a, _ in gold_n]), _spans([b for _, b in gold_n])
    return [a in cuts_s and b in cuts_s and c in cuts_t and d in cuts_t
            for (a, b), (c, d) in zip(gs, gt, strict=True)]


def split_of(doc: str) -> str:
    """The frozen report split of align-dev2: the last hex digit of sha1(id) even -> "report".

    Fixed before any tuning (issue 11) and never changed: methods are tuned on "tune" only;
    "report" is measured, in aggregate, and its errors are never printed.
    """
    return "report" if int(hashlib.sha1(doc.encode("utf-8")).hexdigest()[-1], 16) % 2 == 0 else "tune"


def doc_ids(folder: Path, split: str) -> list[str]:
    ids = sorted(p.name[: -len(".gold.tsv")] for p in folder.glob("*.gold.tsv"))
    if split == "even":
        ids = ids[0::2]
    elif split == "odd":
        ids = ids[1::2]
    elif split in ("tune", "report"):
        ids = [d for d in ids if split_of(d) == split]
    return ids


@dataclass(frozen=True)
class EvalSet:
    """A named group of documents: ``folder`` relative to the data, a layout and a split."""

    name: str
    folder: str
    mode: str  # paragraphs | lines | joined (applied to the loaded texts)
    split: str  # all | even | odd | tune | report


def eval_sets(names: list[str], split: str) -> list[EvalSet]:
    """``dev2/paras/tune`` ... ``dev/ja-en/joined``; ``split`` narrows the old dev sets only."""
    out = []
    for name in names:
        parts = name.split("/")
        if parts[0] == "dev2":
            layout, part = parts[1], parts[2]
            out.append(EvalSet(name, f"align-dev2/{layout}", "paragraphs", part))
        else:
            out.append(EvalSet(name, f"align-dev/{parts[1]}", parts[2], split))
    return out


DEV2_SETS = [f"dev2/{layout}/{part}" for layout in ("paras", "flat") for part in ("tune", "report")]
DEV_SETS = [f"dev/{pair}/{mode}" for pair in ("en-ja", "ja-en") for mode in ("paragraphs", "joined")]
SYSTEMS = ("mtreview", "gale-church", "vecalign")
# segmenter rules that --without can switch off, to measure each one's effect
ABLATIONS = {"ja-polite-end": "_JA_POLITE_END", "en-clause-start": "_EN_CLAUSE_START",
             "ja-colon-end": "_JA_COLON_END", "en-colon-end": "_EN_COLON_END", "ja-quote-end": "_JA_QUOTE_END",
             "site-tail": "_EN_SITE_TAIL", "ja-caption-note": "_JA_NOTE_END", "en-caption-note": "_EN_NOTE_END",
             "en-ellipsis-headline": "_EN_HEADLINE_REST", "ja-ellipsis-end": "_JA_ELLIPSIS_END",
             "ja-emoticon-end": "_JA_EMOTICON_END"}


def _may_read_errors(es: EvalSet, doc: str) -> bool:
    """Errors of align-dev2's report split are never printed (whatever the flags)."""
    return not es.folder.startswith("align-dev2") or split_of(doc) == "tune"


def _load_pair(folder: Path, doc: str, mode: str, config: Config):
    src = load_document(folder / f"{doc}.en.txt", "en", config.load)
    tgt = load_document(folder / f"{doc}.ja.txt", "ja", config.load)
    if mode == "joined":
        src = load_text(joined(src.text, "en"), "en", path=src.path)
        tgt = load_text(joined(tgt.text, "ja"), "ja", path=tgt.path)
    elif mode == "lines":
        src = load_text(lines(src.text), "en", path=src.path)
        tgt = load_text(lines(tgt.text), "ja", path=tgt.path)
    return src, tgt


def evaluate(data: Path, es: EvalSet, config: Config, models: pipeline.Models, systems: tuple[str, ...],
             errors: bool, out) -> dict[str, Counts]:
    """Counts per system over the documents of ``es``; errors are printed for mtreview only,
    and never for documents of the report split."""
    folder = data / es.folder
    if not folder.is_dir():
        raise SystemExit(f"no such folder: {folder} (give --data)")
    totals = {name: Counts() for name in systems}
    for doc in doc_ids(folder, es.split):
        src, tgt = _load_pair(folder, doc, es.mode, config)
        gold = read_gold(folder / f"{doc}.gold.tsv")
        for name in systems:
            if name == "mtreview":
                ssents, tsents, beads = pipeline.align_documents(src, tgt, config, models)
                ids = [(b.src_ids, b.tgt_ids) for b in beads]
            else:
                ssents, tsents = segment.split(src, config.segment), segment.split(tgt, config.segment)
                args = ([s.text for s in ssents], [t.text for t in tsents],
                        [s.block for s in ssents], [t.block for t in tsents])
                ids = (align_peers.gale_church(*args) if name == "gale-church"
                       else align_peers.vecalign(*args, encode=models.embedder.encode))
            texts = [(" ".join(ssents[i].text for i in a), "".join(tsents[j].text for j in b)) for a, b in ids]
            counts, missed = score_document(gold, texts)
            reach = reachable(gold, [s.text for s in ssents], [t.text for t in tsents])
            counts.reachable = sum(reach)
            totals[name].add(counts)
            if errors and missed and name == "mtreview" and _may_read_errors(es, doc):
                _print_errors(doc, gold, texts, missed, reach, out)
    return totals


def evaluate_edits(data: Path, pair: str, config: Config, models: pipeline.Models, split: str) -> dict:
    """Omission / addition detection: drop one sentence of a correct 1-1 bead and look for the skip.

    For each document (paragraphs as given) the middle 1-1 bead of its own alignment is taken;
    its JA sentence is removed (the EN sentence must become a 1-0 bead), then instead its EN
    sentence is removed (the JA sentence must become a 0-1 bead). Also counts the 1-0 / 0-1
    beads found in the unedited documents, which have no real omissions (false alarms).
    """
    folder = data / "align-dev" / pair
    out = {"docs": 0, "omissions_found": 0, "additions_found": 0, "beads": 0, "false_skips": 0}
    for doc in doc_ids(folder, split):
        src = load_document(folder / f"{doc}.en.txt", "en", config.load)
        tgt = load_document(folder / f"{doc}.ja.txt", "ja", config.load)
        ssents, tsents = segment.split(src, config.segment), segment.split(tgt, config.segment)
        run = functools.partial(align.align, encode=models.embedder.encode, config=config.align)
        beads = run([s.text for s in ssents], [t.text for t in tsents],
                    src_blocks=[s.block for s in ssents], tgt_blocks=[t.block for t in tsents])
        out["beads"] += len(beads)
        out["false_skips"] += sum(1 for b in beads if not b.src_ids or not b.tgt_ids)
        ones = [b for b in beads if len(b.src_ids) == 1 and len(b.tgt_ids) == 1]
        if not ones:
            continue
        out["docs"] += 1
        i, j = ones[len(ones) // 2].src_ids[0], ones[len(ones) // 2].tgt_ids[0]
        t2 = [t for t in tsents if t.id != j]
        edited = run([s.text for s in ssents], [t.text for t in t2],
                     src_blocks=[s.block for s in ssents], tgt_blocks=[t.block for t in t2])
        out["omissions_found"] += any(b.src_ids == (i,) and not b.tgt_ids for b in edited)
        s2 = [s for s in ssents if s.id != i]
        edited = run([s.text for s in s2], [t.text for t in tsents],
                     src_blocks=[s.block for s in s2], tgt_blocks=[t.block for t in tsents])
        out["additions_found"] += any(b.tgt_ids == (j,) and not b.src_ids for b in edited)
    return out


def _print_errors(doc: str, gold, beads, missed: list[int], reach: list[bool], out) -> None:
    out.write(f"=== {doc}: {len(missed)} gold pairs missed\n")
    pred_keys = [(squeeze(a), squeeze(b)) for a, b in beads]
    for i in missed:
        en, ja = gold[i]
        ge, gj = squeeze(en), squeeze(ja)
        who = "aligner" if reach[i] else "segmenter"
        out.write(f"- gold {i} ({who}): EN {en[:160]}\n           JA {ja[:100]}\n")
        near = [k for k, (a, b) in enumerate(pred_keys)
                if (a and (a in ge or ge in a)) or (b and (b in gj or gj in b))]
        for k in near[:4]:
            a, b = beads[k]
            out.write(f"    pred {k}: EN {a[:160]!r}\n            JA {b[:100]!r}\n")


class CachedEmbedder:
    """Wraps an embedder with a text -> vector cache (optionally kept on disk between runs)."""

    def __init__(self, inner, path: Path | None) -> None:
        import numpy as np

        self._np = np
        self.inner, self.path = inner, path
        self.name, self.version = inner.name, inner.version
        self.cache: dict[str, object] = {}
        if path and path.is_file():
            data = np.load(path, allow_pickle=False)
            self.cache = dict(zip(data["texts"].tolist(), data["vecs"], strict=True))

    def encode(self, texts):
        todo = sorted({t for t in texts if t not in self.cache})
        if todo:
            self.cache.update(zip(todo, self.inner.encode(todo), strict=True))
        return self._np.stack([self.cache[t] for t in texts])

    def save(self) -> None:
        if self.path and self.cache:
            texts = list(self.cache)
            vecs = self._np.stack([self.cache[t] for t in texts])
            self._np.savez(self.path, texts=self._np.array(texts), vecs=vecs)


def _parse_set(items: list[str], config: Config) -> Config:
    for item in items:
        key, _, value = item.partition("=")
        section, _, name = key.partition(".")
        current = getattr(getattr(config, section), name)
        typed = type(current)(value) if not isinstance(current, bool) else value.lower() == "true"
        config = config.replace(**{f"{section}__{name}": typed})
    return config


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="shared data folder (has align-dev/)")
    ap.add_argument("--sets", nargs="+", default=DEV2_SETS + DEV_SETS, metavar="SET",
                    help="dev2/{paras,flat}/{tune,report}, dev/{en-ja,ja-en}/{paragraphs,lines,joined}; "
                         "'tune' = the dev2 tune sets only (for tuning)")
    ap.add_argument("--systems", nargs="+", default=list(SYSTEMS), choices=SYSTEMS)
    ap.add_argument("--split", choices=["all", "even", "odd"], default="all",
                    help="old dev sets: every document, or every other one (sorted by id)")
    ap.add_argument("--embedder", default=None, help="override [align] embedder (e.g. hashing)")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    ap.add_argument("--errors", action="store_true",
                    help="print the gold pairs mtreview missed (never for the dev2 report split)")
    ap.add_argument("--edits", action="store_true",
                    help="also measure omission / addition detection on the old dev sets")
    ap.add_argument("--set", nargs="*", default=[], metavar="SECTION.KEY=VALUE",
                    help="override config values, e.g. align.skip_cost=0.4")
    ap.add_argument("--cache", type=Path, default=None, help="keep embeddings in this .npz between runs")
    ap.add_argument("--without", nargs="*", default=[], choices=sorted(ABLATIONS),
                    help="switch a segmenter rule off (ablation): its pattern never matches")
    args = ap.parse_args(argv)
    for rule in args.without:
        setattr(segment, ABLATIONS[rule], re.compile(r"(?!)"))
    names = [n for item in args.sets for n in (
        [s for s in DEV2_SETS if s.endswith("/tune")] if item == "tune" else [item])]
    for n in names:
        ok = n in DEV2_SETS or (n.startswith("dev/") and len(n.split("/")) == 3
                                and n.split("/")[1] in ("en-ja", "ja-en")
                                and n.split("/")[2] in ("paragraphs", "lines", "joined"))
        if not ok:
            raise SystemExit(f"unknown set {n!r}")

    config = _parse_set(args.set, Config())
    if args.embedder:
        config = config.replace(align__embedder=args.embedder)
    models = pipeline.load_models(config)
    cached = CachedEmbedder(models.embedder, args.cache)
    models = dataclasses.replace(models, embedder=cached)
    results = {}
    for es in eval_sets(names, args.split):
        t0 = time.perf_counter()
        totals = evaluate(args.data, es, config, models, tuple(args.systems), args.errors, sys.stdout)
        cached.save()  # after each set, so an interrupted run keeps what it encoded
        sys.stderr.write(f"{es.name}: {time.perf_counter() - t0:.0f} s\n")
        for system, counts in totals.items():
            fig = counts.figures()
            fig["seconds"] = round(time.perf_counter() - t0, 2) if system == "mtreview" else None
            results[f"{es.name}/{system}"] = fig
    edits = {}
    if args.edits:
        for pair in ("en-ja", "ja-en"):
            edits[pair] = evaluate_edits(args.data, pair, config, models, args.split)
    cached.save()
    if args.json:
        results.update({f"{pair}/edits": e for pair, e in edits.items()})
        json.dump(results, sys.stdout, indent=2, sort_keys=True)
        sys.stdout.write("\n")
        return 0
    head = (f"{'set':<22}{'system':<13}{'docs':>5}{'gold':>6}{'pred':>6}{'P':>8}{'R':>8}{'F1':>8}{'refR':>8}"
            f"{'reach':>8}")
    sys.stdout.write(head + "\n" + "-" * len(head) + "\n")
    for key, f in results.items():
        name, system = key.rsplit("/", 1)
        sys.stdout.write(f"{name:<22}{system:<13}{f['docs']:>5}{f['gold']:>6}{f['pred']:>6}{f['precision']:>8.4f}"
                         f"{f['recall']:>8.4f}{f['f1']:>8.4f}{f['refined_recall']:>8.4f}{f['reachable']:>8.4f}\n")
    for pair, e in edits.items():
        sys.stdout.write(f"{pair} edits: omissions found {e['omissions_found']}/{e['docs']}, additions found "
                         f"{e['additions_found']}/{e['docs']}, 1-0/0-1 beads in unedited docs "
                         f"{e['false_skips']}/{e['beads']}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
