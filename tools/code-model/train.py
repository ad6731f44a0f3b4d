"""Trains genai-code-tiny: tokenizer, fill-in-the-middle data, then the model under a wall-clock
budget with checkpoints (a rerun resumes). Usage: train.py WORK_DIR --minutes N"""
import argparse
import json
import math
import os
import random
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(__file__))
import bpe  # noqa: E402
from model import GPT  # noqa: E402

CONFIG = dict(vocab=4096, positions=512, layers=4, width=192, heads=6)
BATCH, SEQ = 8, 512
FIM_RATE = 0.5
TOKENIZER_SAMPLE_BYTES = 12_000_000
TRAIN_BYTES = 70_000_000


def documents(path):
    with open(path) as f:
        for line in f:
            yield json.loads(line)


def build_tokenizer(work, corpus):
    path = os.path.join(work, 'merges.json')
    if os.path.exists(path):
        return [tuple(m) for m in json.load(open(path))]
    rng = random.Random(0)
    docs = [d['text'] for d in documents(os.path.join(corpus, 'train.jsonl')) if rng.random() < 0.08]
    rng.shuffle(docs)
    sample, size = [], 0
    for d in docs:
        sample.append(d)
        size += len(d)
        if size > TOKENIZER_SAMPLE_BYTES:
            break
    started = time.time()
    merges = bpe.train(sample, CONFIG['vocab'])
    print(f'tokenizer: {len(merges)} merges from {size / 1e6:.1f} MB in {time.time() - started:.0f} s', flush=True)
    json.dump(merges, open(path, 'w'))
    return merges


def fim_tokens(text, encoder, rng):
    """PSM fill-in-the-middle on half of the documents (character-level split)."""
    eot = encoder.special('<|endoftext|>')
    if rng.random() >= FIM_RATE or len(text) < 3:
        return encoder.encode(text) + [eot]
    a, b = sorted(rng.sample(range(len(text) + 1), 2))
    prefix, middle, suffix = text[:a], text[a:b], text[b:]
    return ([encoder.special('<|fim_prefix|>')] + encoder.encode(prefix) + [encoder.special('<|fim_suffix|>')] + encoder.encode(suffix)
            + [encoder.special('<|fim_middle|>')] + encoder.encode(middle) + [eot])


def build_data(work, corpus, encoder):
    path = os.path.join(work, 'train_tokens.npy')
    if os.path.exists(path):
        return np.load(path, mmap_mode='r')
    rng = random.Random(1)
    docs = [d['text'] for d in documents(os.path.join(corpus, 'train.jsonl'))]
    rng.shuffle(docs)
    ids, size = [], 0
    started = time.time()
    for text in docs:
        ids.extend(fim_tokens(text, encoder, rng))
        size += len(text.encode('utf-8'))
        if size > TRAIN_BYTES:
            break
    arr = np.array(ids, dtype=np.uint16)
    np.save(path, arr)
    print(f'data: {size / 1e6:.1f} MB -> {len(arr) / 1e6:.1f}M tokens ({size / len(arr):.2f} bytes/token incl. FIM) in {time.time() - started:.0f} s', flush=True)
    return arr


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('work')
    parser.add_argument('--corpus', default=None)
    parser.add_argument('--minutes', type=float, default=60)
    args = parser.parse_args()
    corpus = args.corpus or os.path.join(args.work, 'corpus')
    torch.set_num_threads(2)
    torch.manual_seed(0)
    merges = build_tokenizer(args.work, corpus)
    encoder = bpe.Encoder(merges)
    data = build_data(args.work, corpus, encoder)

    model = GPT(**CONFIG)
    optimizer = torch.optim.AdamW(model.parameters(), lr=2e-3, betas=(0.9, 0.95), weight_decay=0.1)
    checkpoint = os.path.join(args.work, 'checkpoint.pt')
    state = {'step': 0, 'tokens': 0, 'seconds': 0.0, 'budget_seconds': args.minutes * 60, 'log': []}
    if os.path.exists(checkpoint):
        saved = torch.load(checkpoint)
        model.load_state_dict(saved['model'])
        optimizer.load_state_dict(saved['optimizer'])
        state = saved['state']
        # A rerun may extend the time budget; the cosine schedule stretches to the new end.
        state['budget_seconds'] = args.minutes * 60
        print(f'resumed at step {state["step"]}, {state["tokens"] / 1e6:.1f}M tokens, budget {args.minutes} min', flush=True)
    budget = state['budget_seconds']
    # Steps planned from measured speed; the cosine schedule follows elapsed time, so it ends on budget.
    rng = np.random.default_rng(state['step'])
    last_save = time.time()
    started = time.time() - state['seconds']
    while True:
        elapsed = time.time() - started
        if elapsed >= budget:
            break
        progress = elapsed / budget
        lr = 2e-3 * min(1.0, (state['step'] + 1) / 200) * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * progress)))
        for group in optimizer.param_groups:
            group['lr'] = lr
        starts = rng.integers(0, len(data) - SEQ - 1, BATCH)
        batch = torch.from_numpy(np.stack([data[s:s + SEQ + 1].astype(np.int64) for s in starts]))
        logits = model(batch[:, :-1])
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, CONFIG['vocab']), batch[:, 1:].reshape(-1))
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        state['step'] += 1
        state['tokens'] += BATCH * SEQ
        state['seconds'] = time.time() - started
        if state['step'] % 50 == 0:
            state['log'].append((state['step'], state['tokens'], round(state['seconds']), round(loss.item(), 4)))
            print(f'step {state["step"]} tokens {state["tokens"] / 1e6:.2f}M loss {loss.item():.3f} lr {lr:.2e} {state["tokens"] / state["seconds"]:.0f} tok/s', flush=True)
        if time.time() - last_save > 300:
            torch.save({'model': model.state_dict(), 'optimizer': optimizer.state_dict(), 'state': state, 'config': CONFIG}, checkpoint)
            last_save = time.time()
    torch.save({'model': model.state_dict(), 'optimizer': optimizer.state_dict(), 'state': state, 'config': CONFIG}, checkpoint)
    print(f'done: {state["step"]} steps, {state["tokens"] / 1e6:.1f}M tokens in {state["seconds"] / 60:.1f} min', flush=True)


if __name__ == '__main__':
    main()
