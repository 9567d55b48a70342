"""Build a tiny random causal LM (Llama architecture) with a sentencepiece vocabulary trained on real text.

Used by tests/models/test_lm.py and bench/bench_score.py: the LM signal path runs offline in seconds.
The log-probabilities are meaningless (random weights) but deterministic.
"""

from __future__ import annotations

from pathlib import Path

from tiny_marian import read_pairs


def build(out: Path, seed: int = 0, vocab_size: int = 3000) -> Path:
    """Write a LlamaForCausalLM + fast tokenizer (safetensors) to ``out`` and return it."""
    import torch
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    out.mkdir(parents=True, exist_ok=True)
    texts = [t for p in read_pairs() for t in p]
    raw = Tokenizer(models.Unigram())
    raw.pre_tokenizer = pre_tokenizers.Metaspace()
    raw.decoder = decoders.Metaspace()
    raw.train_from_iterator(texts, trainers.UnigramTrainer(
        vocab_size=vocab_size, special_tokens=["<unk>", "<s>", "</s>"], unk_token="<unk>", show_progress=False))
    tok = PreTrainedTokenizerFast(tokenizer_object=raw, unk_token="<unk>", bos_token="<s>", eos_token="</s>")
    torch.manual_seed(seed)
    config = LlamaConfig(vocab_size=len(tok), hidden_size=16, intermediate_size=32, num_hidden_layers=2,
                         num_attention_heads=2, num_key_value_heads=2, max_position_embeddings=512,
                         bos_token_id=tok.bos_token_id, eos_token_id=tok.eos_token_id, tie_word_embeddings=False)
    LlamaForCausalLM(config).save_pretrained(out, safe_serialization=True)
    tok.save_pretrained(out)
    return out
