"""A CLIP-format byte-level BPE tokenizer trained on the caption vocabulary.

Follows openai/CLIP's simple_tokenizer exactly, so diffusers' CLIPTokenizer (and a vocab.json +
merges.txt conversion in Transformers.js) reproduces the ids:
- text is lower-cased and whitespace-collapsed, then split with CLIP's regex;
- each piece becomes its bytes mapped through GPT-2's bytes_to_unicode, the last symbol gets `</w>`;
- merges apply by rank; vocab = 256 byte symbols, the same 256 with `</w>`, one entry per merge (in merge
  order), then `<|startoftext|>` and `<|endoftext|>`;
- ids = [bos] + tokens + [eos], padded with `<|endoftext|>` to model_max_length (SD 1.x convention).
"""
import collections
import json
import os
import sys

import regex

# GPT-2's byte-to-symbol table, shared with the code model's tokenizer.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'code-model'))
from bpe import bytes_to_unicode  # noqa: E402

PATTERN = regex.compile(r"""<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+""",
                        regex.IGNORECASE)
BOS, EOS = "<|startoftext|>", "<|endoftext|>"
MAX_LENGTH = 32
BYTE_ENCODER = bytes_to_unicode()


def pieces(text):
    text = " ".join(text.split()).strip().lower()
    return ["".join(BYTE_ENCODER[b] for b in p.encode("utf-8")) for p in PATTERN.findall(text)]


def symbols(piece):
    return tuple(piece[:-1]) + (piece[-1] + "</w>",)


def train(texts):
    """Merges until every word of the corpus is one token (the vocabulary is small and closed)."""
    counts = collections.Counter(symbols(p) for t in texts for p in pieces(t))
    merges = []
    while True:
        pairs = collections.Counter()
        for word, c in counts.items():
            for pair in zip(word, word[1:]):
                pairs[pair] += c
        if not pairs:
            return merges
        best = max(pairs, key=lambda p: (pairs[p], p))
        merges.append(best)
        merged = collections.Counter()
        for word, c in counts.items():
            merged[_merge(word, best)] += c
        counts = merged


def _merge(word, pair):
    out, i = [], 0
    while i < len(word):
        if i < len(word) - 1 and (word[i], word[i + 1]) == pair:
            out.append(word[i] + word[i + 1])
            i += 2
        else:
            out.append(word[i])
            i += 1
    return tuple(out)


class Tokenizer:
    def __init__(self, merges):
        self.ranks = {m: i for i, m in enumerate(merges)}
        byte_symbols = list(BYTE_ENCODER.values())
        vocab = byte_symbols + [s + "</w>" for s in byte_symbols] + ["".join(m) for m in merges] + [BOS, EOS]
        self.encoder = {tok: i for i, tok in enumerate(vocab)}
        self.merges = merges
        self.bos, self.eos = self.encoder[BOS], self.encoder[EOS]

    def bpe(self, piece):
        word = symbols(piece)
        while len(word) > 1:
            pair = min(zip(word, word[1:]), key=lambda p: self.ranks.get(p, float("inf")))
            if pair not in self.ranks:
                break
            word = _merge(word, pair)
        return word

    def encode(self, text, max_length=MAX_LENGTH):
        ids = [self.bos] + [self.encoder[s] for p in pieces(text) for s in self.bpe(p)]
        ids = ids[:max_length - 1] + [self.eos]
        return ids + [self.eos] * (max_length - len(ids))

    def save(self, folder):
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, "vocab.json"), "w") as f:
            json.dump(self.encoder, f, ensure_ascii=False)
        with open(os.path.join(folder, "merges.txt"), "w") as f:
            f.write("#version: 0.2\n" + "".join(f"{a} {b}\n" for a, b in self.merges))
        special = {"bos_token": BOS, "eos_token": EOS, "unk_token": EOS, "pad_token": EOS}
        with open(os.path.join(folder, "special_tokens_map.json"), "w") as f:
            json.dump(special, f, indent=2)
        with open(os.path.join(folder, "tokenizer_config.json"), "w") as f:
            json.dump({"tokenizer_class": "CLIPTokenizer", "model_max_length": MAX_LENGTH, "do_lower_case": True,
                       "add_prefix_space": False, "errors": "replace", **special}, f, indent=2)

    @staticmethod
    def load(folder):
        with open(os.path.join(folder, "merges.txt")) as f:
            lines = f.read().strip().split("\n")[1:]
        return Tokenizer([tuple(line.split()) for line in lines])
