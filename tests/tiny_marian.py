"""Build a tiny random Marian EN->JA model with a sentencepiece vocabulary trained on real text.

Used by the model tests and bench/bench_score.py: the whole translate / score path runs offline
in seconds. The outputs are gibberish (random weights) but deterministic.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

PAIRS = Path(__file__).resolve().parent / "data" / "mt_pairs.tsv"


def read_pairs(path: Path = PAIRS) -> list[tuple[str, str]]:
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [(en, ja) for en, ja in rows[1:]]


def build(out: Path, seed: int = 0, vocab_size: int = 1000) -> Path:
    """Write a Marian model + tokenizer (safetensors) to ``out`` and return it."""
    import sentencepiece as spm
    import torch
    from transformers import MarianConfig, MarianMTModel, MarianTokenizer

    out.mkdir(parents=True, exist_ok=True)
    pairs = read_pairs()
    corpus = out / "corpus.txt"
    corpus.write_text("\n".join(t for p in pairs for t in p) + "\n", encoding="utf-8")
    spm.SentencePieceTrainer.train(
        input=str(corpus), model_prefix=str(out / "spm"), vocab_size=vocab_size,
        character_coverage=0.98, hard_vocab_limit=False,
        model_type="unigram", bos_id=-1, eos_id=0, unk_id=1, pad_id=-1,
        eos_piece="</s>", unk_piece="<unk>", num_threads=1, minloglevel=2,
    )
    corpus.unlink()
    sp = spm.SentencePieceProcessor(model_file=str(out / "spm.model"))
    # As in real Marian models, <pad> comes last and also starts the decoder.
    vocab = {sp.id_to_piece(i): i for i in range(sp.get_piece_size())}
    pad = vocab["<pad>"] = len(vocab)
    (out / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    tok = MarianTokenizer(source_spm=str(out / "spm.model"), target_spm=str(out / "spm.model"),
                          vocab=str(out / "vocab.json"), source_lang="en", target_lang="ja",
                          model_max_length=64)
    torch.manual_seed(seed)
    config = MarianConfig(
        vocab_size=len(vocab), d_model=16, encoder_layers=1, decoder_layers=1, encoder_attention_heads=2,
        decoder_attention_heads=2, encoder_ffn_dim=32, decoder_ffn_dim=32, max_position_embeddings=64,
        pad_token_id=pad, eos_token_id=0, decoder_start_token_id=pad, forced_eos_token_id=0,
        share_encoder_decoder_embeddings=True,
    )
    model = MarianMTModel(config)
    model.save_pretrained(out, safe_serialization=True)
    tok.save_pretrained(out)
    for f in ("spm.model", "spm.vocab", "vocab.json"):
        if (out / f).exists() and f.startswith("spm"):
            (out / f).unlink()
    return out
