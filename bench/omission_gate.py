"""What the omission check's clause ablation costs and finds, with and without its gate.

The ablation (``checks/clauses.py`` ``clause_gains``) encodes the source once per clause for every
pair in its length band; the gate (``omission.gate_log`` / ``gate_sim``) skips the mildly short
pairs whose source and translation already match well. On the gold pairs of align-dev with
injected errors (``bench/eval_checks.py``, seeded), per setting: omission recall (injections whose
pair carries an omission flag) and precision (omission flags on a pair injected with an omission /
all omission flags), and the texts and characters the ablation sent to the encoder beyond the
pair's own two (which the pipeline's cache already holds).

    python bench/omission_gate.py                       # tune split: the grid, drop_clause and the standard mix
    python bench/omission_gate.py --report -0.25,0.65   # then the report split once: off vs that gate, aggregates
    python bench/omission_gate.py --shares 0,0.1,0.15   # the default gate, clauses under a share of the source not cut

Only the omission check runs (its flags do not depend on the others).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import eval_checks as ec  # noqa: E402
from inject import INJECTORS, drop_clause  # noqa: E402
from shared_data import default_data  # noqa: E402

import mtreview.checks.alignment as omission_module  # noqa: E402
from mtreview.checks import build_checks  # noqa: E402
from mtreview.checks.clauses import en_clauses, without  # noqa: E402
from mtreview.config import Config, from_dict  # noqa: E402

COST = {"pairs": 0, "texts": 0, "chars": 0}


def _counting(encode, pairs, min_share=0.0):
    """``clause_gains`` that counts what it adds to the encoder's work (one text per clause cut)."""
    for src, _ in pairs:
        cl = en_clauses(src)
        cut = [c for c in cl if c[1] - c[0] >= min_share * len(src)] if len(cl) >= 2 else []
        if cut:
            COST["pairs"] += 1
            COST["texts"] += len(cut)
            COST["chars"] += sum(len(without(src, c)) for c in cut)
    return CLAUSE_GAINS(encode, pairs, min_share)


CLAUSE_GAINS = omission_module.clause_gains
omission_module.clause_gains = _counting
FLAGS: list[tuple] = []  # every omission flag of a setting's run, in order (to compare settings)
RUN_CHECKS = ec.run_checks


def _recording(art, checks):
    out = RUN_CHECKS(art, checks)
    FLAGS.extend((k, f.start, f.end, f.severity.label, f.message) for k, fs in enumerate(out) for f in fs)
    return out


ec.run_checks = _recording


def measure(docs, params: dict[str, float], rounds: int, seed: int) -> dict[str, int]:
    config = from_dict({"checks": {"params": {"omission": params}}}) if params else Config()
    checks = [c for c in build_checks(config.checks) if c.id == "omission"]
    for k in COST:
        COST[k] = 0
    FLAGS.clear()
    stats = ec.injected(docs, checks, rounds, seed)["omission"]
    return {"injected": stats["injected"], "found": stats["found"], "flags": stats["flags"],
            "tp": stats["tp_flags"], **COST, "record": list(FLAGS)}


def show(label: str, m: dict, first: dict) -> None:
    rec = m["found"] / m["injected"] if m["injected"] else float("nan")
    prec = m["tp"] / m["flags"] if m["flags"] else float("nan")
    # flags (segment, span, severity, message) of this run that the first setting's run lacks, and back
    diff = len(set(m["record"]) ^ set(first["record"])) if m["record"] != first["record"] else 0
    print(f"  {label:<24} recall {m['found']:>4}/{m['injected']:<4} {rec:.3f}  precision {m['tp']:>4}/{m['flags']:<4}"
          f" {prec:.3f}  ablated pairs {m['pairs']:>5}  texts {m['texts']:>5}  chars {m['chars']:>7}"
          f"  flags unlike row 1 {diff}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=default_data())
    ap.add_argument("--rounds", type=int, default=4)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--logs", default="-0.2,-0.25,-0.3", help="gate_log values of the grid")
    ap.add_argument("--sims", default="0.55,0.6,0.65,0.7", help="gate_sim values of the grid")
    ap.add_argument("--report", metavar="LOG,SIM", help="only the report split: the gate off vs this setting")
    ap.add_argument("--shares", help="instead of the gate grid: the default gate with each of these "
                    "omission.ablation_share values (e.g. 0,0.1,0.15,0.2)")
    args = ap.parse_args()
    ec.ENCODE = ec.cached_encoder(Config().align.embedder)
    split = "report" if args.report else "tune"
    docs = ec.read_docs(args.data, "en-ja", split) + ec.read_docs(args.data, "ja-en", split)
    print(f"# omission gate: split={split} docs={len(docs)} rounds={args.rounds} seed={args.seed}")
    off = {"gate_log": -0.1, "gate_sim": 1.0}
    if args.shares:
        grid = [(f"share {x}", {"ablation_share": float(x)}) for x in args.shares.split(",")]
    elif args.report:
        log, sim = (float(x) for x in args.report.split(","))
        grid = [("off", off), (f"log {log} sim {sim}", {"gate_log": log, "gate_sim": sim})]
    else:
        grid = [("off", off)] + [(f"log {log} sim {sim}", {"gate_log": float(log), "gate_sim": float(sim)})
                                 for log in args.logs.split(",") for sim in args.sims.split(",")]
    for mix, kinds in (("drop_clause", [drop_clause]), ("standard mix", INJECTORS)):
        ec.KINDS = kinds
        print(f"## injected: {mix}")
        first = None
        for label, params in grid:
            m = measure(docs, params, args.rounds, args.seed)
            first = first or m
            show(label, m, first)


if __name__ == "__main__":
    main()
