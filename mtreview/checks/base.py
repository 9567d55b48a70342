"""The Check base class, its typed parameters and the runner.

Every check declares its parameters as a frozen ``Params`` dataclass (nested in the class);
``[checks.params.ID]`` tables are coerced and validated against it when the configuration
is built (unknown key -> ConfigError listing the known ones; wrong type -> ConfigError).
Checks are listed by id in ``mtreview.registry.CHECKS``: one not listed there never runs (and
a test fails).
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from ..config import ChecksConfig, params_from_dict
from ..errors import ConfigError
from ..records import Flag, Removed, Segment, Severity
from ..registry import CHECKS


@dataclass(frozen=True)
class Article:
    """What every check sees: the aligned segments of one article (no flags yet) and context."""

    segments: tuple[Segment, ...]
    glossary: tuple[tuple[str, ...], ...] = ()  # glossary.Term rows (en, ja[, forbidden])
    removed_tgt: tuple[Removed, ...] = ()
    document_level: bool = True  # False for independent rows (`mtreview score`)
    # the pipeline's sentence embedder (texts -> L2-normalised rows), for checks that compare
    # meaning across languages; None when no model is loaded (those checks fall back or skip)
    encode: Callable[[Sequence[str]], Any] | None = field(default=None, compare=False, repr=False)
    # the opt-in causal LM scorer (``[models] lm``, models/lm.py) for the meaning check; None when off
    lm: Any = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class NoParams:
    """The parameters of a check that has none."""


class Check:
    """Base class. Subclasses set the class attributes, a ``Params`` dataclass, and implement ``run``."""

    id: ClassVar[str]
    category: ClassVar[str]
    severity: ClassVar[Severity] = Severity.MINOR
    description: ClassVar[str] = ""
    Params: ClassVar[type] = NoParams  # a frozen dataclass: every field has a default

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "defaults" in cls.__dict__:
            raise TypeError(f"check {cls.__name__}: declare parameters as a frozen Params dataclass, "
                            "not a defaults dict (see checks/base.py)")

    def __init__(self, severity: Severity | None = None, **params: Any) -> None:
        self.params: Any = parse_params(type(self), params)
        self.level = severity or type(self).severity

    def flag(self, side: str, text: str, start: int, end: int, message: str, *,
             suggestion: str | None = None, severity: Severity | None = None) -> Flag:
        """Build a Flag of this check over ``text[start:end]``."""
        return Flag(
            check=self.id, category=self.category, severity=severity or self.level, side=side,
            start=start, end=end, text=text[start:end], message=message, suggestion=suggestion,
            base_severity=severity or type(self).severity,
        )

    def configure(self, config: ChecksConfig) -> None:
        """Read what the check needs from the whole [checks] section beyond its params (most need nothing)."""

    def run(self, article: Article) -> list[tuple[int, Flag]]:
        raise NotImplementedError


def parse_params(cls: type[Check], values: Mapping[str, Any]) -> Any:
    """``cls.Params`` built from ``values`` (a ``[checks.params.ID]`` table), each value coerced."""
    return params_from_dict(cls.Params, values, f"checks.params.{cls.id}")


def build_checks(config: ChecksConfig) -> list[Check]:
    """Instantiate the enabled checks with their configured severity and parameters."""
    for cid in (*config.enabled, *config.disabled, *config.severity, *config.params):
        CHECKS.lookup(cid, "[checks]")
    ids = config.enabled or tuple(CHECKS)
    out = []
    for cid in ids:
        if cid in config.disabled:
            continue
        sev = config.severity.get(cid)
        try:
            level = Severity.parse(sev) if sev else None
        except ValueError as exc:
            raise ConfigError(f"[checks.severity] {cid}: {exc}") from None
        check = CHECKS[cid](level, **config.params.get(cid, {}))
        check.configure(config)
        out.append(check)
    return out


def _norm(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split()).lower()


SUPPRESSION_CONTEXT = 8  # characters of context either side of the flagged text


def suppression_key(flag: Flag, side_text: str) -> str:
    """A stable key for "this flag on this text": check id + normalised flagged text + context.

    ``side_text`` is the segment's text on the flag's side. A reviewer's "false positive"
    decision is stored under this key (see store.py) and silences the same flag on the same
    words in the same context next time, wherever the segment appears.
    """
    ctx = SUPPRESSION_CONTEXT
    left = side_text[max(0, flag.start - ctx) : flag.start]
    right = side_text[flag.end : flag.end + ctx]
    blob = "\x1f".join((flag.check, _norm(flag.text), _norm(left), _norm(right)))
    return flag.check + ":" + hashlib.sha1(blob.encode("utf-8")).hexdigest()[:16]


def unsuppressed(flags: Sequence[Flag], src: str, tgt: str, suppressed: Collection[str]) -> tuple[Flag, ...]:
    """``flags`` of the segment with texts ``src`` / ``tgt`` without those whose suppression key
    (taken on the side's text) is in ``suppressed``."""
    if not suppressed:
        return tuple(flags)
    return tuple(f for f in flags if suppression_key(f, src if f.side == "src" else tgt) not in suppressed)


def run_checks(article: Article, checks: Sequence[Check], allow: Sequence[str] = (),
               suppressed: Collection[str] = ()) -> list[tuple[Flag, ...]]:
    """Run ``checks`` over ``article``; returns one sorted tuple of flags per segment.

    ``allow`` lists flagged texts never to report (config allow-list, compared after
    normalisation); ``suppressed`` holds suppression keys of flags reviewers rejected.
    """
    allowed = {_norm(a) for a in allow}
    per_seg: list[list[Flag]] = [[] for _ in article.segments]
    for check in checks:
        for idx, flag in check.run(article):
            if _norm(flag.text) and _norm(flag.text) in allowed:
                continue
            per_seg[idx].append(flag)
    return [unsuppressed(sorted(flags, key=lambda f: f.key), seg.src, seg.tgt, suppressed)
            for flags, seg in zip(per_seg, article.segments, strict=True)]
