"""Machine-translation models behind one small protocol: ``translate`` and ``score``.

Backends (``TRANSLATOR_BACKENDS``):
  transformers  Marian, M2M100 and NLLB seq2seq models through Hugging Face transformers
  ctranslate2   the same models converted to CTranslate2 (faster on CPU)

Models load from a local directory or a hub id, safetensors only, never running remote code,
and offline by default (``models.offline``). Nothing loads at import time: ``load_translator``
builds a model once per (path, backend, direction) and the pipeline injects it.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from ..config import ModelsConfig
from ..errors import ModelError
from ..registry import TRANSLATOR_BACKENDS

log = logging.getLogger(__name__)

INSTALL_HINT = "pip install 'mtreview[mt]'"
# Language codes of the multilingual families: M2M100 uses ISO 639-1, NLLB FLORES-200 codes.
LANG_CODES = {"m2m_100": {"en": "en", "ja": "ja"}, "nllb": {"en": "eng_Latn", "ja": "jpn_Jpan"}}


class Translator(Protocol):
    name: str
    version: str

    def translate(self, texts: Sequence[str]) -> list[str]:
        """Translate each text (greedy decoding, deterministic); output in input order."""
        ...

    def score(self, src_texts: Sequence[str], tgt_texts: Sequence[str]) -> list[float]:
        """Mean log-probability per target token of ``tgt`` given ``src`` (forced decoding), <= 0."""
        ...


def by_length(texts: Sequence[str], batch_size: int) -> list[list[int]]:
    """Indices of ``texts`` in batches of similar length (longest first); stable for ties."""
    order = sorted(range(len(texts)), key=lambda i: (-len(texts[i]), i))
    return [order[k : k + batch_size] for k in range(0, len(order), batch_size)]


def _import_torch() -> tuple[Any, Any]:
    try:
        import torch
        import transformers
    except ImportError as exc:
        raise ModelError(
            f"MT models need torch and transformers: {INSTALL_HINT} ({exc.name} is missing)"
        ) from None
    return torch, transformers


def resolve(path_or_id: str, config: ModelsConfig) -> tuple[str, bool]:
    """(what to pass to from_pretrained, local_files_only) for a directory or a hub id."""
    p = Path(path_or_id).expanduser()
    if p.is_dir():
        return str(p), True
    looks_like_path = path_or_id.startswith((".", "/", "~")) or path_or_id.count("/") > 1 or p.exists()
    if looks_like_path:
        raise ModelError(f"model directory not found: {path_or_id}")
    return path_or_id, config.offline


def _max_new(n_src_tokens: int, cap: int = 512) -> int:
    """Decoding limit for a source of ``n_src_tokens`` tokens (a real model stops at EOS first)."""
    return min(cap, 2 * n_src_tokens + 10)


def _cap(model_config: Any) -> int:
    """The longest output the model's position embeddings allow (start token excluded)."""
    return max(1, min(512, int(getattr(model_config, "max_position_embeddings", 512) or 512) - 2))


class HFTranslator:
    """A transformers seq2seq model (Marian / M2M100 / NLLB) for one direction."""

    def __init__(self, path_or_id: str, config: ModelsConfig,
                 src_lang: str = "en", tgt_lang: str = "ja") -> None:
        torch, transformers = _import_torch()
        self._torch = torch
        where, local_only = resolve(path_or_id, config)
        kwargs: dict[str, Any] = {"local_files_only": local_only, "trust_remote_code": False}
        if config.cache_dir:
            kwargs["cache_dir"] = config.cache_dir
        try:
            mconf = transformers.AutoConfig.from_pretrained(where, **kwargs)
            self.tokenizer = transformers.AutoTokenizer.from_pretrained(where, **kwargs)
            self.model = transformers.AutoModelForSeq2SeqLM.from_pretrained(
                where, use_safetensors=True, **kwargs)
        except (OSError, ValueError) as exc:
            if Path(where).is_dir():
                hint = " (not a transformers model folder: it needs config.json, the tokenizer files and the weights)"
            elif local_only:
                hint = " (offline: set [models] offline = false or run `mtreview models download`)"
            else:
                hint = ""
            raise ModelError(f"cannot load MT model {path_or_id}: {str(exc).splitlines()[0]}{hint}") from None
        self.model.eval()
        self.cap = _cap(mconf)
        self.family = "nllb" if "Nllb" in type(self.tokenizer).__name__ else mconf.model_type
        self.name = path_or_id
        self.version = f"{mconf.model_type}/transformers-{transformers.__version__}"
        self.batch_size = max(1, config.batch_size)
        self.gen_kwargs: dict[str, Any] = {"num_beams": 1, "do_sample": False, "forced_eos_token_id": None}
        codes = LANG_CODES.get(self.family)
        if codes:
            self.tokenizer.src_lang = codes[src_lang]
            self.tokenizer.tgt_lang = codes[tgt_lang]
            self.gen_kwargs["forced_bos_token_id"] = self.tokenizer.convert_tokens_to_ids(codes[tgt_lang])

    def translate(self, texts: Sequence[str]) -> list[str]:
        out: list[str] = [""] * len(texts)
        for batch in by_length(texts, self.batch_size):
            enc = self.tokenizer([texts[i] for i in batch], return_tensors="pt", padding=True,
                                 truncation=True)
            lengths = enc["attention_mask"].sum(dim=1).tolist()
            with self._torch.inference_mode():
                gen = self.model.generate(**enc, max_new_tokens=max(_max_new(n, self.cap) for n in lengths),
                                          **self.gen_kwargs)
            # Greedy decoding is causal: cutting each output at its own length limit gives
            # exactly what the text would get alone, whatever else shares its batch.
            start = 1  # the decoder start token
            for i, ids, n in zip(batch, gen.tolist(), lengths, strict=True):
                keep = ids[: start + _max_new(n, self.cap)]
                out[i] = self.tokenizer.decode(keep, skip_special_tokens=True).strip()
        return out

    def score(self, src_texts: Sequence[str], tgt_texts: Sequence[str]) -> list[float]:
        if len(src_texts) != len(tgt_texts):
            raise ValueError(f"{len(src_texts)} sources but {len(tgt_texts)} targets")
        torch = self._torch
        out = [0.0] * len(src_texts)
        for batch in by_length(src_texts, self.batch_size):
            enc = self.tokenizer([src_texts[i] for i in batch], text_target=[tgt_texts[i] for i in batch],
                                 return_tensors="pt", padding=True, truncation=True)
            labels = enc.pop("labels")
            pad = self.tokenizer.pad_token_id
            labels = labels.masked_fill(labels == pad, -100)
            with torch.inference_mode():
                logits = self.model(**enc, labels=labels).logits
            logp = torch.log_softmax(logits.float(), dim=-1)
            mask = labels != -100
            tok = logp.gather(-1, labels.clamp(min=0).unsqueeze(-1)).squeeze(-1) * mask
            means = tok.sum(-1) / mask.sum(-1).clamp(min=1)
            for i, v in zip(batch, means.tolist(), strict=True):
                out[i] = float(v)
        return out


class CT2Translator:
    """A model converted to CTranslate2, with the original Hugging Face tokenizer."""

    def __init__(self, path_or_id: str, config: ModelsConfig,
                 src_lang: str = "en", tgt_lang: str = "ja") -> None:
        try:
            import ctranslate2
            import transformers
        except ImportError as exc:
            raise ModelError(
                f"the ctranslate2 backend needs `pip install 'mtreview[mt,ct2]'` ({exc.name} is missing)"
            ) from None
        where, local_only = resolve(path_or_id, config)
        ct2_dir = Path(where) / "ctranslate2" if Path(where).is_dir() else None
        if ct2_dir is None or not (ct2_dir / "model.bin").is_file():
            ct2_dir = convert_ct2(where, config)
        try:
            self.tokenizer = transformers.AutoTokenizer.from_pretrained(
                where, local_files_only=local_only, trust_remote_code=False)
            self.model = ctranslate2.Translator(str(ct2_dir), device="cpu", intra_threads=2)
        except (OSError, ValueError, RuntimeError) as exc:
            raise ModelError(f"cannot load MT model {path_or_id}: {str(exc).splitlines()[0]}") from None
        mconf = transformers.AutoConfig.from_pretrained(where, local_files_only=local_only)
        self.cap = _cap(mconf)
        family = "nllb" if "Nllb" in type(self.tokenizer).__name__ else getattr(mconf, "model_type", "")
        codes = LANG_CODES.get(family)
        self.prefix = [codes[tgt_lang]] if codes else None
        if codes:
            self.tokenizer.src_lang = codes[src_lang]
        self.name = path_or_id
        self.version = f"{family}/ctranslate2-{ctranslate2.__version__}"
        self.batch_size = max(1, config.batch_size)

    def _tokens(self, texts: Sequence[str], target: bool = False) -> list[list[str]]:
        kw = {"text_target": list(texts)} if target else {"text": list(texts)}
        ids = self.tokenizer(**kw, truncation=True)["input_ids"]
        return [self.tokenizer.convert_ids_to_tokens(x) for x in ids]

    def translate(self, texts: Sequence[str]) -> list[str]:
        out: list[str] = [""] * len(texts)
        for batch in by_length(texts, self.batch_size):
            toks = self._tokens([texts[i] for i in batch])
            res = self.model.translate_batch(
                toks, beam_size=1, max_decoding_length=max(_max_new(len(t), self.cap) for t in toks),
                target_prefix=[self.prefix] * len(toks) if self.prefix else None)
            for i, r, t in zip(batch, res, toks, strict=True):
                ids = self.tokenizer.convert_tokens_to_ids(r.hypotheses[0][: _max_new(len(t), self.cap)])
                out[i] = self.tokenizer.decode(ids, skip_special_tokens=True).strip()
        return out

    def score(self, src_texts: Sequence[str], tgt_texts: Sequence[str]) -> list[float]:
        if len(src_texts) != len(tgt_texts):
            raise ValueError(f"{len(src_texts)} sources but {len(tgt_texts)} targets")
        out = [0.0] * len(src_texts)
        for batch in by_length(src_texts, self.batch_size):
            src = self._tokens([src_texts[i] for i in batch])
            tgt = self._tokens([tgt_texts[i] for i in batch], target=True)
            eos = self.tokenizer.eos_token
            tgt = [t[:-1] if t and t[-1] == eos else t for t in tgt]  # score_batch adds EOS itself
            if self.prefix:
                tgt = [t[1:] if t and t[0] == self.prefix[0] else t for t in tgt]
            prefix = [self.prefix] * len(tgt) if self.prefix else None
            res = self.model.score_batch(src, tgt, target_prefix=prefix) if prefix \
                else self.model.score_batch(src, tgt)
            for i, r in zip(batch, res, strict=True):
                lp = r.log_probs
                out[i] = float(sum(lp) / max(1, len(lp)))
        return out


def convert_ct2(where: str, config: ModelsConfig) -> Path:
    """Convert a transformers model directory to CTranslate2 (once; kept next to it or in cache_dir)."""
    try:
        import ctranslate2
    except ImportError:
        raise ModelError("the ctranslate2 backend needs `pip install 'mtreview[mt,ct2]'`") from None
    src = Path(where)
    if src.is_dir():
        out = src / "ctranslate2"
    else:
        base = Path(config.cache_dir or Path.home() / ".cache" / "mtreview").expanduser()
        out = base / "ctranslate2" / where.replace("/", "--")
    if (out / "model.bin").is_file():
        return out
    log.info("converting %s to CTranslate2 in %s", where, out)
    try:
        converter = ctranslate2.converters.TransformersConverter(where, load_as_float16=False)
        converter.convert(str(out), force=True)
    except (OSError, ValueError, RuntimeError, NotImplementedError) as exc:
        raise ModelError(f"cannot convert {where} to CTranslate2: {str(exc).splitlines()[0]}") from None
    return out


@functools.cache
def load_translator(path_or_id: str, config: ModelsConfig,
                    src_lang: str = "en", tgt_lang: str = "ja") -> Translator:
    """Build the configured backend's translator for one direction, once per process."""
    factory = TRANSLATOR_BACKENDS.lookup(config.translator_backend)
    log.info("loading %s translator %s (%s->%s)", config.translator_backend, path_or_id, src_lang, tgt_lang)
    return factory(path_or_id, config, src_lang, tgt_lang)
