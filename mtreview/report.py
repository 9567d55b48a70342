"""Review -> JSON / JSONL / text. Deterministic: sorted keys, ensure_ascii=False."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any, TextIO

from .records import Bead, Review, Sentence


def dumps(obj: Any, indent: int | None = None) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, indent=indent)


def bead_rows(beads: Sequence[Bead], src: Sequence[Sentence], tgt: Sequence[Sentence]) -> list[dict[str, Any]]:
    """The `mtreview align` contract: one object per bead, in document order."""
    return [
        {
            "src_ids": list(b.src_ids),
            "tgt_ids": list(b.tgt_ids),
            "src": " ".join(src[i].text for i in b.src_ids),
            "tgt": "".join(tgt[i].text for i in b.tgt_ids),
            "score": round(b.score, 4),
        }
        for b in beads
    ]


def write_jsonl(rows: Iterable[dict[str, Any]], out: TextIO) -> None:
    for row in rows:
        out.write(dumps(row) + "\n")


def write_review(review: Review, out: TextIO, fmt: str = "json") -> None:
    data = review.to_dict()
    if fmt == "json":
        out.write(dumps(data, indent=2) + "\n")
    elif fmt == "jsonl":
        write_jsonl(data["segments"], out)
    elif fmt == "text":
        out.write(text_summary(review))
    else:  # pragma: no cover - argparse restricts choices
        raise ValueError(f"unknown format {fmt!r}")


def _clip(s: str, n: int = 70) -> str:
    s = " ".join(s.split())
    return s if len(s) <= n else s[: n - 1] + "…"


def text_summary(review: Review) -> str:
    """A readable summary of the flagged segments for a terminal."""
    summ = review.summary()
    lines = [
        f"{summ['segments']} segments ({', '.join(f'{k}: {v}' for k, v in summ['kinds'].items())}), "
        f"{summ['flagged_segments']} flagged",
    ]
    if summ["mean_quality"] is not None:
        lines.append(f"mean quality: {summ['mean_quality']}")
    removed = review.removed
    for side in ("src", "tgt"):
        items = removed.get(side, ())
        if items:
            lines.append(f"removed from {side}: {len(items)} page-debris block(s)")
    for seg in review.segments:
        if not seg.flags:
            continue
        lines.append("")
        q = "" if seg.quality is None else f"  quality {seg.quality:.0f}"
        lines.append(f"[{seg.id}] {seg.kind}{q}")
        lines.append(f"  EN: {_clip(seg.src)}")
        lines.append(f"  JA: {_clip(seg.tgt, 50)}")
        for f in seg.flags:
            where = f"{f.side}[{f.start}:{f.end}]"
            lines.append(f"  - {f.severity.label:<8} {f.check:<14} {where:<14} 「{_clip(f.text, 30)}」 {f.message}")
    return "\n".join(lines) + "\n"
