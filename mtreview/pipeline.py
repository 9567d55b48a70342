"""The one orchestrator: review(src_doc, tgt_doc, config, models) -> Review.

load -> segment -> align -> score -> checks -> Review. The CLI, the UI and the batch
runner all call this; it holds no I/O of its own beyond what the models need.
"""

from __future__ import annotations

import logging
import platform
from collections.abc import Collection
from typing import Any

from . import __version__, align, refine, refine_heads, segment
from .checks import Article, build_checks, load_glossary, run_checks, unsuppressed
from .config import Config
from .errors import InputError
from .io import cat
from .models.bundle import Models, load_models
from .records import SEGMENT_FORMATS, Bead, Document, Flag, Review, Segment, Sentence
from .score import quality

log = logging.getLogger(__name__)


def _join(sents: list[Sentence], ids: tuple[int, ...], lang: str) -> str:
    sep = " " if lang == "en" else ""
    return sep.join(sents[i].text for i in ids)


def check_languages(src: Document, tgt: Document) -> None:
    if src.lang == tgt.lang:
        raise InputError(
            f"both files are in the same language ({src.lang}): give the English source and the Japanese translation"
        )
    if src.lang != "en" or tgt.lang != "ja":
        raise InputError(
            f"expected an English source and a Japanese translation, got {src.lang} and {tgt.lang}"
        )


def align_documents(src: Document, tgt: Document, config: Config, models: Models
                    ) -> tuple[list[Sentence], list[Sentence], list[align.Bead]]:
    """Segment both documents and align their sentences."""
    check_languages(src, tgt)
    limits = config.limits
    for doc, side in ((src, "source"), (tgt, "translation")):
        if len(doc.text) > limits.max_chars:
            raise InputError(f"{doc.path or side}: {len(doc.text):,} characters, more than the limit of "
                             f"{limits.max_chars:,} ([limits] max_chars)")
    ssents = segment.split(src, config.segment)
    tsents = segment.split(tgt, config.segment)
    for sents, doc, side in ((ssents, src, "source"), (tsents, tgt, "translation")):
        if len(sents) > limits.max_sentences:
            raise InputError(f"{doc.path or side}: {len(sents):,} sentences, more than the limit of "
                             f"{limits.max_sentences:,} ([limits] max_sentences)")
    if not ssents:
        raise InputError(f"{src.path or 'source'}: no sentences found")
    if not tsents:
        raise InputError(f"{tgt.path or 'translation'}: no sentences found")
    if is_prealigned(src, tgt):
        ssents = cat.attach_bare_placeholders(ssents, src.text)  # "…した。⟨2/⟩" is one sentence
        tsents = cat.attach_bare_placeholders(tsents, tgt.text)
        beads = unit_beads(ssents, tsents, len(src.blocks), models.embedder.encode)
    else:
        beads = align.align(
            [s.text for s in ssents], [s.text for s in tsents], models.embedder.encode, config.align,
            src_blocks=[s.block for s in ssents], tgt_blocks=[s.block for s in tsents],
        )
        if config.align.split_glued:
            ssents, tsents, beads = refine.split_glued(
                ssents, tsents, beads, models.embedder.encode, refine.RefineConfig(margin=config.align.split_margin))
        if config.align.split_heads:  # a headline glued on both sides of a 1-1 bead
            ssents, tsents, beads = refine_heads.split_heads(ssents, tsents, beads, models.embedder.encode)
    return ssents, tsents, beads


def is_prealigned(src: Document, tgt: Document) -> bool:
    """Both sides come from one segment file: unit i of the source is unit i of the translation."""
    return (
        src.fmt in SEGMENT_FORMATS and tgt.fmt in SEGMENT_FORMATS
        and len(src.blocks) == len(tgt.blocks) > 0
        and all(b.kind == "segment" for b in (*src.blocks, *tgt.blocks))
    )


def unit_beads(ssents: list[Sentence], tsents: list[Sentence], units: int,
               encode: align.Encode) -> list[Bead]:
    """One bead per unit (the sentences of block i on both sides), skipping units empty on both.

    The score is the cosine similarity of the two sides' embeddings (0.0 for a 1-0 / 0-1 bead).
    """
    src_ids: list[list[int]] = [[] for _ in range(units)]
    tgt_ids: list[list[int]] = [[] for _ in range(units)]
    for s in ssents:
        src_ids[s.block].append(s.id)
    for t in tsents:
        tgt_ids[t.block].append(t.id)
    both = [i for i in range(units) if src_ids[i] and tgt_ids[i]]
    scores: dict[int, float] = {}
    if both:
        se = encode([_join(ssents, tuple(src_ids[i]), "en") for i in both])
        te = encode([_join(tsents, tuple(tgt_ids[i]), "ja") for i in both])
        scores = {i: float(se[k] @ te[k]) for k, i in enumerate(both)}
    return [
        Bead(tuple(src_ids[i]), tuple(tgt_ids[i]), scores.get(i, 0.0))
        for i in range(units) if src_ids[i] or tgt_ids[i]
    ]


def unit_ids(src: Document, ssents: list[Sentence], tsents: list[Sentence], beads: list[Bead]
             ) -> list[str | None]:
    """The segment-file unit id of each bead of ``unit_beads`` (units empty on both sides have no bead)."""
    return [src.blocks[ssents[b.src_ids[0]].block if b.src_ids else tsents[b.tgt_ids[0]].block].unit_id
            for b in beads]


def check_rows(srcs: list[str], tgts: list[str], config: Config) -> list[tuple[Flag, ...]]:
    """Run the checks on independent sentence pairs (no document context), one row at a time."""
    checks = build_checks(config.checks)
    glossary = load_glossary(config.checks.glossary)
    out = []
    for k, (s, t) in enumerate(zip(srcs, tgts, strict=True)):
        seg = Segment(id=k, src=cat.mask(s), tgt=cat.mask(t), src_ids=(0,) if s else (), tgt_ids=(0,) if t else ())
        article = Article(segments=(seg,), glossary=glossary, document_level=False)
        out.append(cat.unmask_flags(run_checks(article, checks, config.checks.allow)[0], s, t))
    return out


def meaning_meta(checks: list[Any], models: Models) -> dict[str, Any]:
    """``meaning_model`` for the review record: which head made the meaning flags, or why none."""
    check = next((c for c in checks if c.id == "meaning"), None)
    if check is None:
        return {}
    lm = models.lm
    if lm is None:
        return {"meaning_model": {"ran": False, "why": "[models] lm is off"}}
    if not check.params.active:
        return {"meaning_model": {"ran": False, "why": "[checks.params.meaning] active = false"}}
    from .score.meaning import load_head

    head = load_head(check.params.model)
    return {"meaning_model": {"ran": True, "version": head.version, "lm": lm.name,
                              "lm_version": lm.version, "threshold": head.threshold}}


def real_flags(found: tuple[Flag, ...], seg: Segment, suppressed: Collection[str] = ()) -> tuple[Flag, ...]:
    """Flags the checks ``found`` on a segment's masked texts, read back on its real texts
    (``seg``), without those whose suppression key is in ``suppressed``.

    The key is computed here, on the real text: a reviewer's Reject stores the key of the flag as
    shown (inline tags included), so the masked text (tags blanked out) would give another key
    whenever a tag lies within the key's context, and the rejected flag would come back.
    """
    return unsuppressed(cat.unmask_flags(found, seg.src, seg.tgt), seg.src, seg.tgt, suppressed)


def review(src: Document, tgt: Document, config: Config | None = None, models: Models | None = None,
           suppressed: Collection[str] = ()) -> Review:
    """Review one article: segment, align, score and check it.

    ``suppressed`` holds suppression keys of flags reviewers rejected (``store.Store.suppressed_keys``).
    """
    config = config or Config()
    glossary = load_glossary(config.checks.glossary)  # a bad glossary fails before any model loads
    models = models or load_models(config)
    ssents, tsents, beads = align_documents(src, tgt, config, models)
    units = unit_ids(src, ssents, tsents, beads) if is_prealigned(src, tgt) else [None] * len(beads)
    segments = tuple(
        Segment(
            id=k,
            src=_join(ssents, b.src_ids, "en"),
            tgt=_join(tsents, b.tgt_ids, "ja"),
            src_ids=b.src_ids,
            tgt_ids=b.tgt_ids,
            score=b.score,
            unit_id=unit,
        )
        for k, (b, unit) in enumerate(zip(beads, units, strict=True))
    )
    masked = tuple(Segment(**{**seg.__dict__, "src": cat.mask(seg.src), "tgt": cat.mask(seg.tgt)})
                   for seg in segments)  # inline-tag placeholders (XLIFF/TMX) are not numbers
    article = Article(segments=masked, removed_tgt=tgt.removed, glossary=glossary,
                      encode=models.embedder.encode, lm=models.lm)
    checks = build_checks(config.checks)
    flags = [real_flags(f, seg, suppressed) for f, seg in
             zip(run_checks(article, checks, config.checks.allow), segments, strict=True)]
    segments = tuple(
        Segment(**{**seg.__dict__, "flags": f}) for seg, f in zip(segments, flags, strict=True)
    )
    scored = quality.score_segments(segments, models, config)
    segments = tuple(
        Segment(**{**seg.__dict__, "scores": {**seg.scores, **sc}, "quality": q})
        for seg, sc, q in zip(segments, scored.scores, scored.quality, strict=True)
    )
    meta = {
        "mtreview": __version__,
        "python": platform.python_version(),
        "config": config.to_dict(),
        "config_hash": config.digest(),
        "models": models.describe(),
        "src": {"path": src.path, "format": src.fmt, "encoding": src.encoding, "sentences": len(ssents)},
        "tgt": {"path": tgt.path, "format": tgt.fmt, "encoding": tgt.encoding, "sentences": len(tsents)},
        "checks": [c.id for c in checks],
        **scored.meta,
        **meaning_meta(checks, models),
    }
    return Review(meta=meta, segments=segments, removed={"src": src.removed, "tgt": tgt.removed})
