"""Trains genai-code-tiny: tokenizer, fill-in-the-middle data, then the model under a wall-clock
budget with checkpoints (a rerun resumes). Usage: train.py WORK_DIR --minutes N [--init-from MODEL_DIR]

--init-from continues from an exported model (its onnx/model.onnx weights, tokenizer.json merges and
training.json history) when there is no checkpoint: sessions run on fresh machines, so the shipped
model is the only state that survives from one to the next. The data window then starts after the
text earlier runs drew from, so a continued run sees new documents."""
import argparse
import json
import math
import os
import random
import sys
import time

import numpy as np
import onnx
import torch
from onnx import numpy_helper

sys.path.insert(0, os.path.dirname(__file__))
import bpe  # noqa: E402
from model import GPT  # noqa: E402

CONFIG = dict(vocab=4096, positions=512, layers=4, width=192, heads=6)
BATCH, SEQ = 8, 512
FIM_RATE = 0.5
# Of the FIM documents, this share is laid out suffix-first (SPM), the rest prefix-first (PSM).
SPM_SHARE = 0.6
TOKENIZER_SAMPLE_BYTES = 12_000_000


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


def fim_tokens(text, encoder, rng, spm_share):
    """Fill-in-the-middle on half of the documents (character-level split), PSM or SPM:
    PSM  <fim_prefix> prefix <fim_suffix> suffix <fim_middle> middle <eot>
    SPM  <fim_prefix> <fim_suffix> suffix <fim_middle> prefix middle <eot>
    SPM keeps the prefix and the middle contiguous at the end, so a completion prompt grows at its
    end while the user types and the engine's KV cache covers all but the last tokens."""
    eot = encoder.special('<|endoftext|>')
    if rng.random() >= FIM_RATE or len(text) < 3:
        return encoder.encode(text) + [eot]
    a, b = sorted(rng.sample(range(len(text) + 1), 2))
    prefix, middle, suffix = text[:a], text[a:b], text[b:]
    pre, suf, mid = (encoder.special(t) for t in ('<|fim_prefix|>', '<|fim_suffix|>', '<|fim_middle|>'))
    if rng.random() < spm_share:
        return [pre, suf] + encoder.encode(suffix) + [mid] + encoder.encode(prefix + middle) + [eot]
    return [pre] + encoder.encode(prefix) + [suf] + encoder.encode(suffix) + [mid] + encoder.encode(middle) + [eot]


def build_data(work, corpus, encoder, window, spm_share):
    """The shuffled training documents from byte window[0] to window[1], tokenized with FIM."""
    path = os.path.join(work, 'train_tokens.npy')
    if os.path.exists(path):
        return np.load(path, mmap_mode='r')
    rng = random.Random(1)
    docs = [d['text'] for d in documents(os.path.join(corpus, 'train.jsonl'))]
    rng.shuffle(docs)
    ids, size, skipped = [], 0, 0
    started = time.time()
    for text in docs:
        if skipped < window[0]:
            skipped += len(text.encode('utf-8'))
            continue
        ids.extend(fim_tokens(text, encoder, rng, spm_share))
        size += len(text.encode('utf-8'))
        if size > window[1] - window[0]:
            break
    arr = np.array(ids, dtype=np.uint16)
    np.save(path, arr)
    print(f'data: {size / 1e6:.1f} MB -> {len(arr) / 1e6:.1f}M tokens ({size / len(arr):.2f} bytes/token incl. FIM) in {time.time() - started:.0f} s', flush=True)
    return arr


def merges_of(model_dir):
    """The merge list of an exported tokenizer.json, in the form build_tokenizer saves."""
    merges = json.load(open(os.path.join(model_dir, 'tokenizer.json')))['model']['merges']
    return [tuple(m.split(' ')) if isinstance(m, str) else tuple(m) for m in merges]


def weights_of(model_dir, model):
    """A state dict for `model` from the exported fp32 graph. Biases and norms keep their torch
    names; each Linear's weight is the MatMul initializer feeding the Add of its bias (transposed)."""
    graph = onnx.load(os.path.join(model_dir, 'onnx', 'model.onnx')).graph
    inits = {i.name: numpy_helper.to_array(i) for i in graph.initializer}
    state = {name[len('gpt.'):]: torch.from_numpy(value.copy()) for name, value in inits.items() if name.startswith('gpt.')}
    producer = {out: node for node in graph.node for out in node.output}
    for node in graph.node:
        bias = next((i for i in node.input if i.startswith('gpt.') and i.endswith('.bias') and i[len('gpt.'):] in state), None)
        if node.op_type != 'Add' or bias is None:
            continue
        matmul = next((producer[i] for i in node.input if i in producer and producer[i].op_type == 'MatMul'), None)
        weight = matmul and next((i for i in matmul.input if i in inits and inits[i].ndim == 2), None)
        if weight:
            state[bias[len('gpt.'):-len('.bias')] + '.weight'] = torch.from_numpy(inits[weight].T.copy())
    missing = set(model.state_dict()) - set(state)
    if missing:
        raise SystemExit(f'{model_dir}: could not find {sorted(missing)} in the ONNX graph')
    return state


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('work')
    parser.add_argument('--corpus', default=None)
    parser.add_argument('--minutes', type=float, default=60)
    parser.add_argument('--init-from', default=None, help='an exported model folder to continue from')
    parser.add_argument('--data-mb', type=float, default=70, help='MB of training text this run draws from')
    parser.add_argument('--lr', type=float, default=2e-3, help='peak learning rate')
    parser.add_argument('--spm-share', type=float, default=SPM_SHARE)
    args = parser.parse_args()
    corpus = args.corpus or os.path.join(args.work, 'corpus')
    torch.set_num_threads(2)
    torch.manual_seed(0)
    checkpoint = os.path.join(args.work, 'checkpoint.pt')
    warm = args.init_from and not os.path.exists(checkpoint)
    if warm and not os.path.exists(os.path.join(args.work, 'merges.json')):
        # The weights belong to the exported tokenizer: never train a new one under them.
        json.dump(merges_of(args.init_from), open(os.path.join(args.work, 'merges.json'), 'w'))
    history_path = os.path.join(args.work, 'history.json')
    if warm:
        json.dump(json.load(open(os.path.join(args.init_from, 'training.json')))['runs'], open(history_path, 'w'))
    history = json.load(open(history_path)) if os.path.exists(history_path) else []
    start = max((run['data_bytes'][1] for run in history), default=0)
    window = [start, start + int(args.data_mb * 1e6)]
    merges = build_tokenizer(args.work, corpus)
    encoder = bpe.Encoder(merges)
    data = build_data(args.work, corpus, encoder, window, args.spm_share)

    model = GPT(**CONFIG)
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, betas=(0.9, 0.95), weight_decay=0.1)
    state = {'step': 0, 'tokens': 0, 'seconds': 0.0, 'budget_seconds': args.minutes * 60, 'log': [], 'peak_lr': args.lr,
             'data_bytes': window, 'spm_share': args.spm_share, 'earlier_runs': history}
    if warm:
        model.load_state_dict(weights_of(args.init_from, model))
        state['init_from'] = args.init_from
        print(f'continuing from {args.init_from}', flush=True)
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
        lr = state.get('peak_lr', 2e-3) * min(1.0, (state['step'] + 1) / 200) * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * progress)))
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
