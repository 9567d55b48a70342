"""One Config dataclass; ``configs/*.toml`` map onto its fields and unknown keys are an error.

Each pipeline step owns one section. A TOML file only needs the keys it changes:
everything else keeps the defaults below (which ``configs/default.toml`` mirrors).
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, get_type_hints

from .errors import ConfigError
from .io.output import dumps
from .registry import CHECKS, EMBEDDERS, METRICS, TRANSLATOR_BACKENDS, Registry


def _known(registry: Registry, name: str, where: str) -> None:
    """A config value naming a registry entry: an unknown id is a bad configuration (exit 3), found when
    the config is read, whatever the registry's own error (a model registry's is ModelError)."""
    if name not in registry:
        raise ConfigError(f"unknown {registry.kind} {name!r} in {where} (known: {', '.join(registry)})")


@dataclass(frozen=True)
class LoadConfig:
    strip_boilerplate: bool = True  # remove page debris (navigation, share links, timestamps)
    dedupe_blocks: bool = True  # collapse blocks the page repeats (captions, timestamps)


@dataclass(frozen=True)
class SegmentConfig:
    en_abbreviations: tuple[str, ...] = ()  # extra English abbreviations that never end a sentence
    max_sentence_chars: int = 1000  # hard split of runaway "sentences" (tables, lists)
    max_quote_chars: int = 500  # a quotation closing within this many chars is never split inside
    split_quotes: bool = False  # cut at sentence ends inside quotations too (brackets still protect);
    # the aligner merges the parts again where the translation keeps the quotation whole

    def __post_init__(self) -> None:
        if self.max_sentence_chars < 20:
            got = self.max_sentence_chars
            raise ConfigError(f"[segment] max_sentence_chars must be 20 or more, not {got}")
        if self.max_quote_chars < 0:
            raise ConfigError(f"[segment] max_quote_chars must not be negative, got {self.max_quote_chars}")


@dataclass(frozen=True)
class AlignConfig:
    embedder: str = "usem3"  # key of mtreview.models.embed.EMBEDDERS
    use_paragraphs: bool = True  # align inside paragraphs when both sides have as many
    block_cross_cost: float = 0.3  # extra cost of a bead joining two paragraphs (when counts differ)
    unpaired_margin: float = 1.0  # as many paragraphs a side: aligned pairwise unless the whole
    # document aligns more than this much more cheaply (their paragraphs do not correspond)
    band: int = 30  # search band around the diagonal, in sentences (widens when the path reaches it)
    max_bead: int = 3  # most sentences on one side of a bead (2: 1-1, 1-2, 2-1, 2-2; 3 adds 1-3, 3-1;
    # 3 gains +0.001 F1 on the align-dev2 tune split and ja-en dev, same omission/addition detection)
    window_encode_limit: int = 300  # up to this many sentences a side, embed joined sentences; above, sum
    # the sentence embeddings (fewer encoder calls, slightly less accurate)
    window_encode_max: int = 2  # windows of more sentences than this sum their sentences' embeddings
    # even in short documents (3-windows: 1.4x fewer CPU-s a batch, tune F1 -0.0005; 1 = never embed
    # joined text: a further -0.003 to -0.015 F1)
    window_encode_short: float = 2.0  # ... unless the window's text is at most this x the side's median
    # sentence length (pieces of a caption or headline; ja-en dev +0.0015 F1 for almost no cost; 0 = off)
    window_on_demand: bool = True  # align with summed windows first, then encode only the joined windows
    # of merge beads that could join the best path were their cosine window_encode_gain higher, and
    # align again (see mtreview.align_windows); false = encode every window up front (dev sets: the
    # same alignments; 0.41 of the characters asked of the encoder; a batch of new text -31% CPU-s)
    window_encode_gain: float = 0.3  # most a joined window's cosine is taken to exceed its summed one
    # (0.1: 11 dev documents align differently, 0.15: 2, 0.2 and 0.3: none)
    skip_cost: float = 0.55  # cost of a 1-0 / 0-1 bead (lower = more omissions/additions)
    merge_cost: float = 0.45  # extra cost per sentence beyond 1-1 (prefer small beads; 0.35 gains
    # +0.003 / +0.005 F1 on the align-dev2 tune split but merges an added sentence into a 1-2 bead)
    size_scale: float = 0.75  # (1 - cosine) grows with bead size: x (1 + size_scale * ((a + b) / 2 - 1))
    dilution_weight: float = 4.0  # x how far a merged bead's cosine falls below its best 1-1 pair's
    # (with size_scale 0.75: +0.0015 / +0.0030 F1 on the align-dev2 tune split, same or better
    # omission / addition detection on the old dev sets, 1-0 / 0-1 false alarms 9 -> 5 on ja-en)
    margin_weight: float = 0.0  # weight of the knn margin subtracted from the cosine (0 = off)
    knn: int = 4  # neighbours in the margin
    length_weight: float = 0.25  # weight of the length-ratio term
    length_sigma: float = 0.25  # spread of log(JA chars / EN chars) around the document's ratio
    length_cap: float = 1.0  # most the squared length z-score / 2 may add (before length_weight)
    anchor_weight: float = 0.25  # weight of the number / Latin-name anchor term
    punctuation_anchors: bool = False  # quotation and question marks count as anchors too
    split_glued: bool = True  # cut a JA sentence holding two EN ones (headline glued to the text)
    split_margin: float = 0.1  # least gain of a kept cut (see mtreview.refine)
    split_heads: bool = True  # cut a headline glued to its sentence on both sides of a 1-1 bead (refine_heads)

    def __post_init__(self) -> None:
        for name in ("band", "max_bead", "knn", "window_encode_max"):
            if getattr(self, name) < 1:
                raise ConfigError(f"[align] {name} must be at least 1, got {getattr(self, name)}")
        if not self.window_encode_gain >= 0:  # NaN too
            raise ConfigError(f"[align] window_encode_gain must not be negative, got {self.window_encode_gain}")
        if self.window_encode_short < 0:
            raise ConfigError(f"[align] window_encode_short must not be negative, got {self.window_encode_short}")
        if self.length_sigma <= 0:
            raise ConfigError(f"[align] length_sigma must be positive, got {self.length_sigma}")
        _known(EMBEDDERS, self.embedder, "[align] embedder")


@dataclass(frozen=True)
class ModelsConfig:
    translator: str = ""  # local directory or hub id of an EN->JA model (Marian/M2M100/NLLB); "" = none
    back_translator: str = ""  # local directory or hub id of a JA->EN model; "" = none
    translator_backend: str = "transformers"  # transformers | ctranslate2
    lm: str = ""  # opt-in language-model log-prob signal (e.g. "gemma3-270m"); "" = off
    batch_size: int = 16
    cache_dir: str = ""  # where downloaded / converted models live; "" = ~/.cache/mtreview
    offline: bool = True  # never touch the network at run time

    def __post_init__(self) -> None:
        _known(TRANSLATOR_BACKENDS, self.translator_backend, "[models] translator_backend")


@dataclass(frozen=True)
class ChecksConfig:
    enabled: tuple[str, ...] = ()  # empty = every registered check
    disabled: tuple[str, ...] = ()
    severity: dict[str, str] = field(default_factory=dict)  # check id -> minor|major|critical
    allow: tuple[str, ...] = ()  # flagged texts never to report (exact, after normalisation)
    glossary: str = ""  # TSV or TBX glossary (relative paths: from the config file's folder)
    rules: tuple[dict[str, Any], ...] = ()  # [[checks.rules]] regular-expression rules (see checks/rules.py)
    params: dict[str, dict[str, Any]] = field(default_factory=dict)  # check id -> its parameters

    def __post_init__(self) -> None:
        if self.params:  # each check's Params dataclass types and validates its table
            object.__setattr__(self, "params", _check_params(self.params))


@dataclass(frozen=True)
class ScoreConfig:
    metrics: tuple[str, ...] = ("chrf", "bleu", "ter")  # keys of mtreview.score.metrics.METRICS
    quality_model: str = ""  # path to a quality model file; "" = the one shipped in the package

    def __post_init__(self) -> None:
        for metric in self.metrics:
            _known(METRICS, metric, "[score] metrics")


@dataclass(frozen=True)
class StoreConfig:
    url: str = "sqlite:///mtreview.db"  # any SQLAlchemy URL


@dataclass(frozen=True)
class BatchConfig:
    workers: int = 0  # 0 = all cores
    csv_bom: bool = False  # start the CSV tables with a UTF-8 BOM (Excel in a Japanese locale needs it)

    def __post_init__(self) -> None:
        if self.workers < 0:
            raise ConfigError(f"[batch] workers must be 0 (all cores) or more, got {self.workers}")


@dataclass(frozen=True)
class MqmConfig:
    """MQM scoring (``mtreview.score.mqm``): weights per severity, normalisation and the pass mark."""

    minor: float = 1.0  # weight of a minor error (MQM framework, Freitag et al. 2021)
    major: float = 5.0
    critical: float = 25.0
    non_translation: float = 25.0  # a segment left untranslated or unrelated as a whole
    non_translation_checks: tuple[str, ...] = ("omission", "untranslated")  # whole-segment flags of these
    per_words: int = 1000  # scores are weighted penalty points per this many source words
    threshold: float = 10.0  # an article / batch passes when its score is at most this
    count_undecided: bool = True  # undecided flags count (the machine's finding stands until rejected)

    def __post_init__(self) -> None:
        for name in ("minor", "major", "critical", "non_translation", "threshold"):
            if getattr(self, name) < 0:
                raise ConfigError(f"[mqm] {name} must not be negative, got {getattr(self, name)}")
        if self.per_words < 1:
            raise ConfigError(f"[mqm] per_words must be at least 1, got {self.per_words}")


@dataclass(frozen=True)
class LimitsConfig:
    """Hard bounds on one document, checked before segmenting and aligning (a one-line error beyond)."""

    max_chars: int = 2_000_000  # characters of one side's text
    max_sentences: int = 20_000  # sentences of one side

    def __post_init__(self) -> None:
        for name in ("max_chars", "max_sentences"):
            if getattr(self, name) < 1:
                raise ConfigError(f"[limits] {name} must be at least 1, got {getattr(self, name)}")


@dataclass(frozen=True)
class Config:
    load: LoadConfig = field(default_factory=LoadConfig)
    segment: SegmentConfig = field(default_factory=SegmentConfig)
    align: AlignConfig = field(default_factory=AlignConfig)
    models: ModelsConfig = field(default_factory=ModelsConfig)
    checks: ChecksConfig = field(default_factory=ChecksConfig)
    score: ScoreConfig = field(default_factory=ScoreConfig)
    store: StoreConfig = field(default_factory=StoreConfig)
    batch: BatchConfig = field(default_factory=BatchConfig)
    mqm: MqmConfig = field(default_factory=MqmConfig)
    limits: LimitsConfig = field(default_factory=LimitsConfig)

    def to_dict(self) -> dict[str, Any]:
        return _jsonable(dataclasses.asdict(self))

    def digest(self) -> str:
        """A short hash of the whole configuration, recorded with every score."""
        blob = dumps(self.to_dict()).encode()
        return hashlib.sha256(blob).hexdigest()[:12]

    def replace(self, **sections: Any) -> Config:
        """Return a copy with whole sections or ``section__key`` values replaced."""
        updates: dict[str, Any] = {}
        for key, value in sections.items():
            if "__" in key:
                sec, sub = key.split("__", 1)
                base = updates.get(sec, getattr(self, sec))
                updates[sec] = dataclasses.replace(base, **{sub: value})
            else:
                updates[key] = value
        return dataclasses.replace(self, **updates)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def coerce(section: str, name: str, hint: Any, value: Any) -> Any:
    """``value`` as read from TOML, checked against the type ``hint`` of ``[section] name``."""
    where = f"[{section}] {name}"
    origin = getattr(hint, "__origin__", None)
    if hint is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"{where}: expected true/false, got {value!r}")
        return value
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{where}: expected an integer, got {value!r}")
        return value
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"{where}: expected a number, got {value!r}")
        return float(value)
    if hint is str:
        if not isinstance(value, str):
            raise ConfigError(f"{where}: expected a string, got {value!r}")
        return value
    if origin is tuple and getattr(hint, "__args__", (str,))[0] is not str:
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise ConfigError(f"{where}: expected a list of tables ([[{section}.{name}]]), got {value!r}")
        return tuple(dict(v) for v in value)
    if origin is tuple:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{where}: expected a list of strings, got {value!r}")
        return tuple(value)
    if origin is dict:
        if not isinstance(value, dict):
            raise ConfigError(f"{where}: expected a table, got {value!r}")
        return dict(value)
    return value


def params_from_dict(cls: type, values: Mapping[str, Any], where: str) -> Any:
    """A frozen parameters dataclass ``cls`` built from a TOML table, each value coerced to its type."""
    known = {f.name for f in fields(cls)}
    unknown = set(values) - known
    if unknown:
        raise ConfigError(f"[{where}] unknown parameter(s): {', '.join(sorted(unknown))}"
                          f" (known: {', '.join(sorted(known)) or 'none'})")
    hints = get_type_hints(cls)
    return cls(**{k: coerce(where, k, hints[k], v) for k, v in values.items()})


def _check_params(params: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """``[checks.params]`` (check id -> table) validated against each check's ``Params``; the tables
    come back with their values coerced (1 -> 1.0 for a float parameter)."""
    out = {}
    for cid, table in params.items():
        check = CHECKS.lookup(cid, "[checks.params]")
        if not isinstance(table, Mapping):
            raise ConfigError(f"[checks.params.{cid}] must be a table, got {table!r}")
        parsed = params_from_dict(check.Params, table, f"checks.params.{cid}")
        out[cid] = {k: getattr(parsed, k) for k in table}
    return out


def from_dict(data: dict[str, Any], base: Config | None = None) -> Config:
    """Build a Config from nested dicts (as read from TOML) over ``base``; unknown keys fail."""
    base = base or Config()
    sections: dict[str, Any] = {}
    known = {f.name: f for f in fields(Config)}
    for sec_name, sec_value in data.items():
        if sec_name not in known:
            raise ConfigError(f"unknown config section [{sec_name}] (known: {', '.join(known)})")
        if not isinstance(sec_value, dict):
            raise ConfigError(f"config section [{sec_name}] must be a table")
        current = getattr(base, sec_name)
        hints = get_type_hints(type(current))
        sub_known = {f.name for f in fields(current)}
        updates = {}
        for key, value in sec_value.items():
            if key not in sub_known:
                raise ConfigError(
                    f"unknown config key [{sec_name}] {key} (known: {', '.join(sorted(sub_known))})"
                )
            updates[key] = coerce(sec_name, key, hints[key], value)
        sections[sec_name] = dataclasses.replace(current, **updates)
    return dataclasses.replace(base, **sections)


def config_path(given: str | None) -> str | None:
    """The config file a command uses: the one given, else ``$MTREVIEW_CONFIG`` (as the app reads it), else none."""
    return given or os.environ.get("MTREVIEW_CONFIG") or None


def config_files(path: str | Path | None, config: Config) -> tuple[str, ...]:
    """The files a command's configuration is read from: the config file at ``path`` and the glossary
    it names (inputs of the command: an output must not overwrite them)."""
    return tuple(str(f) for f in (path, config.checks.glossary) if f)


def load_config(path: str | Path | None = None) -> Config:
    """Defaults, overlaid with the TOML file at ``path`` if given."""
    if path is None:
        return Config()
    p = Path(path)
    if not p.is_file():
        raise ConfigError(f"config file not found: {p}")
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot parse config {p}: {exc}") from None
    config = from_dict(data)
    glossary = config.checks.glossary
    if glossary and not Path(glossary).is_absolute():  # a file named in a config lives beside it
        config = config.replace(checks__glossary=str(p.resolve().parent / glossary))
    return config
