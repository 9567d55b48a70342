"""Frozen records that flow through the pipeline.

load -> Document (text + blocks + removed debris)
segment -> Sentence (offsets into Document.text)
align -> Bead (src ids, tgt ids, score)
checks -> Flag (offsets into a segment's src or tgt text)
pipeline -> Segment, Review

Every offset is a Python ``str`` index (code points) into the exact text shown
to the user, so ``text[start:end]`` is always the flagged or segmented words.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any


class Severity(enum.IntEnum):
    """Flag severity, ordered so that ``Severity.MAJOR > Severity.MINOR``."""

    MINOR = 1
    MAJOR = 2
    CRITICAL = 3

    @classmethod
    def parse(cls, value: str | Severity) -> Severity:
        if isinstance(value, Severity):
            return value
        try:
            return cls[str(value).strip().upper()]
        except KeyError:
            names = ", ".join(s.label for s in cls)
            raise ValueError(f"unknown severity {value!r} (expected one of: {names})") from None

    @property
    def label(self) -> str:
        return self.name.lower()


LANGS = ("en", "ja")
SIDES = ("src", "tgt")
SEGMENT_FORMATS = ("tsv", "jsonl", "xliff", "tmx")  # Document.fmt of files already split into units
SCHEMA_VERSION = "1.1"  # of the JSON records (review, batch summary): see mtreview.io.schema


def _check_span(start: int, end: int, length: int | None = None) -> None:
    if start < 0 or end < start:
        raise ValueError(f"bad span [{start}, {end})")
    if length is not None and end > length:
        raise ValueError(f"span [{start}, {end}) outside text of length {length}")


@dataclass(frozen=True)
class Block:
    """A paragraph-like unit of a document (headline, caption, body paragraph ...)."""

    start: int
    end: int
    kind: str = "para"  # headline | caption | dateline | body | credit | para | segment
    unit_id: str | None = None  # a segment file's unit (kind "segment"): its id in the file, or its line

    def __post_init__(self) -> None:
        _check_span(self.start, self.end)


@dataclass(frozen=True)
class Removed:
    """Page debris taken out of a document before segmentation, kept for display."""

    start: int
    end: int
    text: str
    reason: str  # navigation | share | timestamp | duplicate | tags | footer | ...

    def __post_init__(self) -> None:
        _check_span(self.start, self.end)

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text, "reason": self.reason}


@dataclass(frozen=True)
class Document:
    """One side of an article as loaded: the text the user gave (decoded) and its structure.

    ``blocks`` are the article's paragraphs after debris removal, as spans of ``text``.
    ``removed`` lists what was taken out. ``fmt`` names the input format
    (text | scraped | html | tsv | jsonl | xliff | tmx).
    """

    text: str
    lang: str
    blocks: tuple[Block, ...]
    removed: tuple[Removed, ...] = ()
    path: str | None = None
    fmt: str = "text"
    encoding: str = "utf-8"
    newline: str = "lf"  # line endings of the input before normalising to "\n": lf | crlf | cr | mixed

    def __post_init__(self) -> None:
        if self.lang not in LANGS:
            raise ValueError(f"unsupported language {self.lang!r}")
        for b in self.blocks:
            _check_span(b.start, b.end, len(self.text))
        for r in self.removed:
            _check_span(r.start, r.end, len(self.text))

    def block_text(self, i: int) -> str:
        b = self.blocks[i]
        return self.text[b.start : b.end]


@dataclass(frozen=True)
class Sentence:
    """A sentence with character offsets into ``Document.text``."""

    id: int
    start: int
    end: int
    text: str
    block: int = 0

    def __post_init__(self) -> None:
        _check_span(self.start, self.end)
        if len(self.text) != self.end - self.start:
            raise ValueError(f"sentence {self.id}: text length does not match span")


@dataclass(frozen=True)
class Bead:
    """An alignment unit: source sentence ids and target sentence ids (either may be empty)."""

    src_ids: tuple[int, ...]
    tgt_ids: tuple[int, ...]
    score: float = 0.0

    def __post_init__(self) -> None:
        if not self.src_ids and not self.tgt_ids:
            raise ValueError("a bead needs at least one sentence")

    @property
    def kind(self) -> str:
        return f"{len(self.src_ids)}-{len(self.tgt_ids)}"


@dataclass(frozen=True)
class Flag:
    """A problem a reviewer must look at, with the exact character span in one side's text."""

    check: str
    category: str
    severity: Severity
    side: str
    start: int
    end: int
    message: str
    text: str = ""
    suggestion: str | None = None
    # the severity the check gives by itself, before a [checks.severity] override (the quality
    # model counts flags by it); not part of the record written to disk
    base_severity: Severity | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.side not in SIDES:
            raise ValueError(f"flag side must be 'src' or 'tgt', not {self.side!r}")
        _check_span(self.start, self.end)

    @property
    def key(self) -> tuple[int, int, int, str]:
        """Stable sort key: by position, then severity (worst first), then check id."""
        return (0 if self.side == "src" else 1, self.start, -int(self.severity), self.check)

    def to_dict(self) -> dict[str, Any]:
        return {
            "check": self.check,
            "category": self.category,
            "severity": self.severity.label,
            "side": self.side,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "message": self.message,
            "suggestion": self.suggestion,
        }


@dataclass(frozen=True)
class Segment:
    """One aligned bead with its texts, scores and flags: the unit a reviewer works on."""

    id: int
    src: str
    tgt: str
    src_ids: tuple[int, ...]
    tgt_ids: tuple[int, ...]
    score: float = 0.0
    scores: dict[str, float] = field(default_factory=dict)
    quality: float | None = None
    flags: tuple[Flag, ...] = ()
    unit_id: str | None = None  # the segment file's unit this segment is (its id column / key, XLIFF
    # trans-unit id, TMX tuid, else its line); None for an aligned article

    @property
    def kind(self) -> str:
        return f"{len(self.src_ids)}-{len(self.tgt_ids)}"

    @property
    def worst(self) -> Severity | None:
        return max((f.severity for f in self.flags), default=None)

    def to_dict(self) -> dict[str, Any]:
        out = {
            "id": self.id,
            "src": self.src,
            "tgt": self.tgt,
            "src_ids": list(self.src_ids),
            "tgt_ids": list(self.tgt_ids),
            "kind": self.kind,
            "align_score": round(self.score, 4),
            "scores": {k: round(v, 4) for k, v in sorted(self.scores.items())},
            "quality": None if self.quality is None else round(self.quality, 2),
            "flags": [f.to_dict() for f in self.flags],
        }
        if self.unit_id is not None:  # only segments of a segment file have one (schema 1.1)
            out["unit_id"] = self.unit_id
        return out


@dataclass(frozen=True)
class Review:
    """The full record of one reviewed article."""

    meta: dict[str, Any]
    segments: tuple[Segment, ...]
    removed: dict[str, tuple[Removed, ...]] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        kinds: dict[str, int] = {}
        by_check: dict[str, int] = {}
        by_sev: dict[str, int] = {s.label: 0 for s in Severity}
        for seg in self.segments:
            kinds[seg.kind] = kinds.get(seg.kind, 0) + 1
            for f in seg.flags:
                by_check[f.check] = by_check.get(f.check, 0) + 1
                by_sev[f.severity.label] += 1
        # the mean of the values as written (rounded), so that a record read back gives the same summary
        qualities = [round(s.quality, 2) for s in self.segments if s.quality is not None]
        return {
            "segments": len(self.segments),
            "flagged_segments": sum(1 for s in self.segments if s.flags),
            "kinds": dict(sorted(kinds.items())),
            "flags_by_check": dict(sorted(by_check.items())),
            "flags_by_severity": by_sev,
            "mean_quality": round(sum(qualities) / len(qualities), 2) if qualities else None,
            "removed": {side: len(items) for side, items in sorted(self.removed.items())},
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "meta": self.meta,
            "segments": [s.to_dict() for s in self.segments],
            "removed": [
                {"side": side, **r.to_dict()} for side, items in sorted(self.removed.items()) for r in items
            ],
            "summary": self.summary(),
        }


def flag_from_dict(d: dict[str, Any]) -> Flag:
    return Flag(
        check=d["check"], category=d["category"], severity=Severity.parse(d["severity"]), side=d["side"],
        start=int(d["start"]), end=int(d["end"]), message=d["message"], text=d.get("text", ""),
        suggestion=d.get("suggestion"),
    )


def review_from_dict(data: dict[str, Any]) -> Review:
    """Rebuild a Review from ``Review.to_dict()`` output (e.g. a batch result file)."""
    segments = tuple(
        Segment(
            id=int(s["id"]), src=s["src"], tgt=s["tgt"], src_ids=tuple(s["src_ids"]), tgt_ids=tuple(s["tgt_ids"]),
            score=float(s.get("align_score", 0.0)), scores=dict(s.get("scores", {})), quality=s.get("quality"),
            flags=tuple(flag_from_dict(f) for f in s.get("flags", [])), unit_id=s.get("unit_id"),
        )
        for s in data["segments"]
    )
    counts = data.get("summary", {}).get("removed", {})
    removed: dict[str, list[Removed]] = {side: [] for side in counts}  # a side with nothing removed too
    for r in data.get("removed", []):
        removed.setdefault(r["side"], []).append(Removed(r["start"], r["end"], r["text"], r["reason"]))
    return Review(meta=data.get("meta", {}), segments=segments,
                  removed={k: tuple(v) for k, v in removed.items()})
