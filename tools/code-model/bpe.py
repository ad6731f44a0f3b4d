"""Byte-level BPE (GPT-2 style): training, encoding, and the tokenizer.json Transformers.js loads."""
import collections
import heapq
import json

import regex as re

# GPT-2's pre-tokenizer: the same regex the ByteLevel pre-tokenizer of tokenizer.json applies.
PATTERN = re.compile(r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+""")
SPECIALS = ['<|endoftext|>', '<|fim_prefix|>', '<|fim_middle|>', '<|fim_suffix|>', '<|file_sep|>']


def bytes_to_unicode():
    bs = list(range(ord('!'), ord('~') + 1)) + list(range(ord('¡'), ord('¬') + 1)) + list(range(ord('®'), ord('ÿ') + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, (chr(c) for c in cs)))


BYTE_TO_CHAR = bytes_to_unicode()


def to_symbols(word):
    return tuple(BYTE_TO_CHAR[b] for b in word.encode('utf-8'))


def train(texts, vocab_size):
    """Learns vocab_size - 256 - len(SPECIALS) merges; returns the merges in order."""
    counts = collections.Counter()
    for text in texts:
        counts.update(PATTERN.findall(text))
    words = [list(to_symbols(w)) for w in counts]
    freqs = list(counts.values())
    pairs = collections.Counter()
    where = collections.defaultdict(set)
    for i, syms in enumerate(words):
        for pair in zip(syms, syms[1:]):
            pairs[pair] += freqs[i]
            where[pair].add(i)
    heap = [(-c, p) for p, c in pairs.items()]
    heapq.heapify(heap)
    merges = []
    target = vocab_size - 256 - len(SPECIALS)
    while len(merges) < target and heap:
        negative, pair = heapq.heappop(heap)
        if pairs.get(pair, 0) != -negative or -negative < 2:
            continue  # stale heap entry
        merges.append(pair)
        merged = pair[0] + pair[1]
        for i in list(where[pair]):
            syms = words[i]
            f = freqs[i]
            for p in zip(syms, syms[1:]):
                pairs[p] -= f
                where[p].discard(i)
            out = []
            j = 0
            while j < len(syms):
                if j + 1 < len(syms) and syms[j] == pair[0] and syms[j + 1] == pair[1]:
                    out.append(merged)
                    j += 2
                else:
                    out.append(syms[j])
                    j += 1
            words[i] = out
            touched = set()
            for p in zip(out, out[1:]):
                pairs[p] += f
                where[p].add(i)
                touched.add(p)
            for p in touched:
                heapq.heappush(heap, (-pairs[p], p))
        pairs.pop(pair, None)
        where.pop(pair, None)
    return merges


class Encoder:
    def __init__(self, merges):
        self.ranks = {pair: i for i, pair in enumerate(merges)}
        chars = [BYTE_TO_CHAR[b] for b in range(256)]
        self.vocab = {c: i for i, c in enumerate(chars)}
        for a, b in merges:
            self.vocab[a + b] = len(self.vocab)
        for s in SPECIALS:
            self.vocab[s] = len(self.vocab)
        self.cache = {}

    def special(self, token):
        return self.vocab[token]

    def _word(self, word):
        syms = list(to_symbols(word))
        while len(syms) > 1:
            best = min(((self.ranks.get(p, 1 << 30), k) for k, p in enumerate(zip(syms, syms[1:]))))
            if best[0] == 1 << 30:
                break
            k = best[1]
            syms[k:k + 2] = [syms[k] + syms[k + 1]]
        return [self.vocab[s] for s in syms]

    def decode_bytes(self, ids):
        """The text of ordinary (non-special) token ids."""
        if not hasattr(self, 'byte_of'):
            self.chars = {i: t for t, i in self.vocab.items()}
            self.byte_of = {c: b for b, c in BYTE_TO_CHAR.items()}
        return bytes(self.byte_of[c] for i in ids for c in self.chars[i]).decode('utf-8', errors='replace')

    def encode(self, text):
        ids = []
        cache = self.cache
        for word in PATTERN.findall(text):
            hit = cache.get(word)
            if hit is None:
                hit = self._word(word)
                if len(cache) < 2_000_000:
                    cache[word] = hit
            ids.extend(hit)
        return ids


def tokenizer_json(merges, encoder):
    added = [{'id': encoder.vocab[s], 'content': s, 'single_word': False, 'lstrip': False, 'rstrip': False, 'normalized': False, 'special': True} for s in SPECIALS]
    return {
        'version': '1.0',
        'truncation': None,
        'padding': None,
        'added_tokens': added,
        'normalizer': None,
        'pre_tokenizer': {'type': 'ByteLevel', 'add_prefix_space': False, 'trim_offsets': True, 'use_regex': True},
        'post_processor': None,
        'decoder': {'type': 'ByteLevel', 'add_prefix_space': True, 'trim_offsets': True, 'use_regex': True},
        'model': {'type': 'BPE', 'dropout': None, 'unk_token': None, 'continuing_subword_prefix': None, 'end_of_word_suffix': None,
                  'fuse_unk': False, 'byte_fallback': False, 'ignore_merges': False,
                  'vocab': {s: i for s, i in encoder.vocab.items() if s not in SPECIALS}, 'merges': [f'{a} {b}' for a, b in merges]},
    }


def save(merges, path_json, path_config, max_length):
    encoder = Encoder(merges)
    with open(path_json, 'w') as f:
        json.dump(tokenizer_json(merges, encoder), f, ensure_ascii=False)
    with open(path_config, 'w') as f:
        json.dump({'tokenizer_class': 'GPT2Tokenizer', 'bos_token': '<|endoftext|>', 'eos_token': '<|endoftext|>', 'unk_token': '<|endoftext|>',
                   'pad_token': '<|endoftext|>', 'model_max_length': max_length, 'add_prefix_space': False, 'clean_up_tokenization_spaces': False,
                   'additional_special_tokens': SPECIALS[1:]}, f, indent=1)
    return encoder
