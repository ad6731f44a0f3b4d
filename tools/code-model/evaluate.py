"""Measures a checkpoint on the held-out files: bits per byte (all and per language), next-line
exact match, FIM line match; writes WORK_DIR/eval.json. Usage: evaluate.py WORK_DIR"""
import json
import math
import os
import random
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(__file__))
import bpe  # noqa: E402
from model import GPT  # noqa: E402

WINDOW = 512


def nll_and_bytes(model, encoder, texts):
    """Sum of next-token NLL (nats) over each text in non-overlapping 512-token windows, with the
    end-of-text token as the first context token of every file."""
    eot = encoder.special('<|endoftext|>')
    total_nll, total_bytes = 0.0, 0
    for text in texts:
        ids = [eot] + encoder.encode(text)
        for start in range(0, len(ids) - 1, WINDOW):
            chunk = torch.tensor([ids[start:start + WINDOW + 1]])
            if chunk.shape[1] < 2:
                continue
            logits = model(chunk[:, :-1])
            total_nll += torch.nn.functional.cross_entropy(logits[0], chunk[0, 1:], reduction='sum').item()
        total_bytes += len(text.encode('utf-8'))
    return total_nll, total_bytes


def greedy(model, ids, max_new, stop_ids, stop_text, encoder_decode):
    out = []
    for _ in range(max_new):
        logits = model(torch.tensor([ids + out][-WINDOW:]))
        token = int(logits[0, -1].argmax())
        if token in stop_ids:
            break
        out.append(token)
        if stop_text in encoder_decode(out):
            break
    return encoder_decode(out)


def decoder(encoder):
    chars = {v: k for k, v in encoder.vocab.items()}
    byte_of = {c: b for b, c in bpe.BYTE_TO_CHAR.items()}

    def decode(ids):
        text = ''.join(chars[i] for i in ids if chars[i] not in bpe.SPECIALS)
        return bytes(byte_of[c] for c in text).decode('utf-8', errors='replace')
    return decode


def line_samples(docs, n, rng, min_chars=8):
    """(prefix, line, suffix) triples for held-out lines with some content."""
    samples = []
    while len(samples) < n:
        text = rng.choice(docs)['text']
        lines = text.split('\n')
        if len(lines) < 6:
            continue
        k = rng.randrange(3, len(lines) - 1)
        if len(lines[k].strip()) < min_chars:
            continue
        prefix = '\n'.join(lines[:k]) + '\n'
        samples.append((prefix, lines[k], '\n' + '\n'.join(lines[k + 1:])))
    return samples


def main():
    work = sys.argv[1]
    torch.set_num_threads(2)
    saved = torch.load(os.path.join(work, 'checkpoint.pt'))
    model = GPT(**saved['config'])
    model.load_state_dict(saved['model'])
    model.eval()
    encoder = bpe.Encoder([tuple(m) for m in json.load(open(os.path.join(work, 'merges.json')))])
    decode = decoder(encoder)
    eot = encoder.special('<|endoftext|>')
    corpus = os.path.join(work, 'corpus')
    heldout = [json.loads(l) for l in open(os.path.join(corpus, 'heldout.jsonl'))]
    quick = bool(os.environ.get('CODE_MODEL_EVAL_QUICK'))  # smoke test of this script only
    if quick:
        heldout = heldout[::200]
    rng = random.Random(3)
    train_sample = [json.loads(l) for _, l in zip(range(4000), open(os.path.join(corpus, 'train.jsonl')))]
    rng.shuffle(train_sample)
    result = {'params': sum(p.numel() for p in model.parameters()), 'config': saved['config'], 'state': {k: v for k, v in saved['state'].items() if k != 'log'},
              'loss_log': saved['state']['log'][-20:]}
    started = time.time()
    with torch.no_grad():
        per_lang = {}
        for doc in heldout:
            nll, size = nll_and_bytes(model, encoder, [doc['text']])
            entry = per_lang.setdefault(doc['lang'], [0.0, 0, 0])
            entry[0] += nll
            entry[1] += size
            entry[2] += 1
        nll = sum(v[0] for v in per_lang.values())
        size = sum(v[1] for v in per_lang.values())
        result['heldout_bits_per_byte'] = nll / math.log(2) / size
        result['heldout_bytes'] = size
        result['heldout_files'] = len(heldout)
        result['per_language'] = {k: {'bits_per_byte': v[0] / math.log(2) / v[1], 'bytes': v[1], 'files': v[2]} for k, v in sorted(per_lang.items())}
        tokens = sum(len(encoder.encode(d['text'])) + 1 for d in heldout)
        result['heldout_nats_per_token'] = nll / tokens
        train_texts, budget = [], 0
        for doc in train_sample:
            train_texts.append(doc['text'])
            budget += len(doc['text'])
            if budget > size:
                break
        tnll, tsize = nll_and_bytes(model, encoder, train_texts)
        result['train_sample_bits_per_byte'] = tnll / math.log(2) / tsize
        result['bpb_seconds'] = round(time.time() - started)

        started = time.time()
        hits = 0
        lines = line_samples(heldout, 10 if quick else 200, random.Random(5))
        for prefix, line, _ in lines:
            ids = ([eot] + encoder.encode(prefix))[-400:]
            hits += greedy(model, ids, 48, {eot}, '\n', decode).split('\n')[0] == line
        result['next_line_exact_match'] = hits / len(lines)
        result['next_line_samples'] = len(lines)

        hits = 0
        fims = line_samples(heldout, 5 if quick else 100, random.Random(7))
        for prefix, line, suffix in fims:
            ids = ([encoder.special('<|fim_prefix|>')] + encoder.encode(prefix)[-300:] + [encoder.special('<|fim_suffix|>')]
                   + encoder.encode(suffix)[:100] + [encoder.special('<|fim_middle|>')])
            hits += greedy(model, ids, 48, {eot}, '\n', decode).split('\n')[0] == line
        result['fim_line_exact_match'] = hits / len(fims)
        result['fim_samples'] = len(fims)
        result['match_seconds'] = round(time.time() - started)
    json.dump(result, open(os.path.join(work, 'eval.json'), 'w'), indent=1)
    print(json.dumps({k: v for k, v in result.items() if k not in ('loss_log', 'per_language')}, indent=1))


if __name__ == '__main__':
    main()
