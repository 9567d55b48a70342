"""Review -> JSON / JSONL / text. Deterministic: sorted keys, ensure_ascii=False (``output.dumps``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, TextIO

from ..records import Bead, Review, Sentence
from ..registry import REVIEW_FORMATS
from .output import dumps, review_record


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


def tsv_cell(text: str) -> str:
    """Text as one TSV cell: a tab or line break inside it (a hard-wrapped sentence, a cell that held
    a line break) becomes a space, so each row stays one line with its columns."""
    return text.translate(_TSV_BREAKS)


_TSV_BREAKS = {ord(c): " " for c in "\t\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"}


def write_jsonl(rows: Iterable[dict[str, Any]], out: TextIO) -> None:
    for row in rows:
        out.write(dumps(row) + "\n")


def write_json(review: Review, out: TextIO) -> None:
    """The full review record (``output.review_record``), indented."""
    out.write(dumps(review_record(review), indent=2) + "\n")


def write_segments_jsonl(review: Review, out: TextIO) -> None:
    """One JSON object per segment."""
    write_jsonl((s.to_dict() for s in review.segments), out)


def write_text(review: Review, out: TextIO) -> None:
    out.write(text_summary(review))


def write_review(review: Review, out: TextIO, fmt: str = "json") -> None:
    """``review`` in ``fmt``, an id of ``registry.REVIEW_FORMATS``."""
    REVIEW_FORMATS.lookup(fmt)(review, out)


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
