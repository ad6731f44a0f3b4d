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
from model import GPT, Exportable  # noqa: E402

WINDOW = 512
LANG_CAP = int(os.environ.get('CODE_MODEL_EVAL_LANG_CAP', 750_000))
LINES = int(os.environ.get('CODE_MODEL_EVAL_LINES', 200))  # next-line samples; FIM uses half


def nll_and_bytes(model, encoder, texts, batch=8):
    """Sum of next-token NLL (nats) over each text in non-overlapping 512-token windows (chunked,
    not sliding), with the end-of-text token as the first context token of every file. Returns
    per-text (nats, bytes) lists. Windows of all texts are batched (padding ignored)."""
    eot = encoder.special('<|endoftext|>')
    windows = []
    for n, text in enumerate(texts):
        ids = [eot] + encoder.encode(text)
        for start in range(0, len(ids) - 1, WINDOW):
            chunk = ids[start:start + WINDOW + 1]
            if len(chunk) >= 2:
                windows.append((n, chunk))
    windows.sort(key=lambda w: len(w[1]))
    nats = [0.0] * len(texts)
    for i in range(0, len(windows), batch):
        group = windows[i:i + batch]
        width = max(len(c) for _, c in group)
        x = torch.full((len(group), width), eot, dtype=torch.long)
        y = torch.full((len(group), width - 1), -100, dtype=torch.long)
        for r, (_, c) in enumerate(group):
            x[r, :len(c)] = torch.tensor(c)
            y[r, :len(c) - 1] = torch.tensor(c[1:])
        logits = model(x[:, :-1])
        loss = torch.nn.functional.cross_entropy(logits.transpose(1, 2), y, reduction='none', ignore_index=-100).sum(1)
        for r, (n, _) in enumerate(group):
            nats[n] += loss[r].item()
    return nats, [len(t.encode('utf-8')) for t in texts]


def greedy(step, ids, max_new, stop_ids, stop_text, decode):
    """Greedy decoding with the KV cache (the exported graph's own forward), until a stop."""
    out = []
    logits, past = step(ids[-WINDOW:], None)
    for _ in range(max_new):
        token = int(logits[0, -1].argmax())
        if token in stop_ids:
            break
        out.append(token)
        text = decode(out)
        if (stop_text(text) if callable(stop_text) else stop_text in text):
            break
        logits, past = step([token], past)
    return decode(out)


def stepper(model):
    """(ids, past) -> (logits, past) through the Exportable wrapper, the same math as the ONNX file."""
    exportable = Exportable(model).eval()
    c = model.config

    def step(ids, past):
        length = 0 if past is None else past[0].shape[2]
        if past is None:
            past = [torch.zeros(1, c['heads'], 0, c['width'] // c['heads']) for _ in range(2 * c['layers'])]
        n = len(ids)
        out = exportable(torch.tensor([ids]), torch.ones(1, length + n, dtype=torch.long), torch.arange(length, length + n).view(1, n), *past)
        return out[0], list(out[1:])
    return step


def decoder(encoder):
    chars = {v: k for k, v in encoder.vocab.items()}
    byte_of = {c: b for b, c in bpe.BYTE_TO_CHAR.items()}

    def decode(ids):
        text = ''.join(chars[i] for i in ids if chars[i] not in bpe.SPECIALS)
        return bytes(byte_of[c] for c in text).decode('utf-8', errors='replace')
    return decode


def sequence_nats(model, ids):
    """Negative log-likelihood (nats) of ids[1:] given what precedes each token."""
    logits = model(torch.tensor([ids[:-1]]))[0]
    return torch.nn.functional.cross_entropy(logits, torch.tensor(ids[1:]), reduction='sum').item()


def fim_layouts(encoder, prefix, suffix):
    """The prompt before the middle in both FIM layouts, and how each continues with text: PSM
    ends at <fim_middle> and encodes the middle alone; SPM ends with the prefix, and the prefix and
    middle are encoded together (as in training)."""
    pre, suf, mid = (encoder.special(t) for t in ('<|fim_prefix|>', '<|fim_suffix|>', '<|fim_middle|>'))
    head = encoder.encode(prefix)[-300:]
    tail = encoder.encode(suffix)[:100]
    text = encoder.decode_bytes(head)
    return {
        'psm': ([pre] + head + [suf] + tail + [mid], lambda middle: encoder.encode(middle)),
        'spm': ([pre, suf] + tail + [mid], lambda middle: encoder.encode(text + middle)),
    }


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
    saved = torch.load(os.environ.get('CODE_MODEL_CHECKPOINT') or os.path.join(work, 'checkpoint.pt'))
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
    # every 23rd training file (train.jsonl is in source order), shuffled
    train_sample = [json.loads(l) for n, l in enumerate(open(os.path.join(corpus, 'train.jsonl'))) if n % 23 == 0]
    rng.shuffle(train_sample)
    result = {'params': sum(p.numel() for p in model.parameters()), 'config': saved['config'], 'state': {k: v for k, v in saved['state'].items() if k != 'log'},
              'loss_log': saved['state']['log'][-20:]}
    started = time.time()
    with torch.no_grad():
        # All held-out files, except that each language stops after LANG_CAP bytes (time budget).
        budget = {}
        scored = []
        for doc in random.Random(11).sample(heldout, len(heldout)):
            if budget.get(doc['lang'], 0) < LANG_CAP:
                scored.append(doc)
                budget[doc['lang']] = budget.get(doc['lang'], 0) + len(doc['text'].encode('utf-8'))
        nats, sizes = nll_and_bytes(model, encoder, [d['text'] for d in scored])
        per_lang = {}
        for doc, n, b in zip(scored, nats, sizes):
            entry = per_lang.setdefault(doc['lang'], [0.0, 0, 0])
            entry[0] += n
            entry[1] += b
            entry[2] += 1
        nll = sum(nats)
        size = sum(sizes)
        result['heldout_bits_per_byte'] = nll / math.log(2) / size
        result['heldout_bytes'] = size
        result['heldout_files'] = len(scored)
        result['heldout_files_total'] = len(heldout)
        result['heldout_lang_cap_bytes'] = LANG_CAP
        result['per_language'] = {k: {'bits_per_byte': v[0] / math.log(2) / v[1], 'bytes': v[1], 'files': v[2]} for k, v in sorted(per_lang.items())}
        tokens = sum(len(encoder.encode(d['text'])) + 1 for d in scored)
        result['heldout_nats_per_token'] = nll / tokens
        result['heldout_bits_per_byte_seconds'] = round(time.time() - started)
        # Training files with the held-out language mix, a quarter of its size per language.
        want = {k: v[1] / 4 for k, v in per_lang.items()}
        train_texts = []
        for doc in train_sample:
            if want.get(doc['lang'], 0) > 0:
                train_texts.append(doc['text'])
                want[doc['lang']] -= len(doc['text'].encode('utf-8'))
        tn, tb = nll_and_bytes(model, encoder, train_texts)
        result['train_sample_bits_per_byte'] = sum(tn) / math.log(2) / sum(tb)
        result['train_sample_bytes'] = sum(tb)
        result['bpb_seconds'] = round(time.time() - started)

        started = time.time()
        step = stepper(model)
        hits = 0
        lines = line_samples(heldout, 10 if quick else LINES, random.Random(5))
        examples = []
        for prefix, line, _ in lines:
            # The context ends at the end of the previous line: the model writes the newline and the
            # indentation itself (byte-level BPE merges a newline with the following indentation, so
            # a context ending in a bare newline token is rare in training).
            ids = ([eot] + encoder.encode(prefix[:-1]))[-400:]
            text = greedy(step, ids, 64, {eot}, lambda t: t.count('\n') >= 2 or not t.startswith('\n'), decode)
            guess = text[1:].split('\n')[0] if text.startswith('\n') else None
            hits += guess == line
            if len(examples) < 6:
                examples.append({'context_end': prefix[-120:], 'expected': line, 'predicted': guess if guess is not None else text})
        result['next_line_examples'] = examples
        result['next_line_exact_match'] = hits / len(lines)
        result['next_line_samples'] = len(lines)

        # FIM in both layouts on the same held-out lines: exact match of the greedy line (the prompt
        # ends at the end of the previous line in SPM, as in the next-line test, so the model writes
        # the newline) and the bits per byte of the true line given the prompt.
        fims = line_samples(heldout, 5 if quick else LINES // 2, random.Random(7))
        eot_ids = {eot}
        for layout in ('psm', 'spm'):
            hits, nats, size, fim_examples = 0, 0.0, 0, []
            for prefix, line, suffix in fims:
                prompt, continued = fim_layouts(encoder, prefix, suffix)[layout]
                if layout == 'psm':
                    guess = greedy(step, prompt, 48, eot_ids, '\n', decode).split('\n')[0]
                    before, after = prompt, prompt + continued(line) + [eot]
                else:
                    shorter = fim_layouts(encoder, prefix[:-1], suffix)['spm']
                    ids = shorter[0] + shorter[1]('')
                    text = greedy(step, ids, 64, eot_ids, lambda t: t.count('\n') >= 2 or not t.startswith('\n'), decode)
                    guess = text[1:].split('\n')[0] if text.startswith('\n') else text
                    before, after = prompt + continued(''), prompt + continued(line) + [eot]
                hits += guess == line
                nats += sequence_nats(model, after) - sequence_nats(model, before)
                size += len(line.encode('utf-8')) + 1
                if len(fim_examples) < 4:
                    fim_examples.append({'prefix_end': prefix[-80:], 'suffix_start': suffix[:80], 'expected': line, 'predicted': guess})
            key = 'fim' if layout == 'psm' else 'fim_spm'
            result[f'{key}_examples'] = fim_examples
            result[f'{key}_line_exact_match'] = hits / len(fims)
            result[f'{key}_middle_bits_per_byte'] = nats / math.log(2) / size
        result['fim_samples'] = len(fims)
        result['match_seconds'] = round(time.time() - started)
    json.dump(result, open(os.path.join(work, 'eval.json'), 'w'), indent=1)
    print(json.dumps({k: v for k, v in result.items() if k not in ('loss_log', 'per_language', 'next_line_examples', 'fim_examples', 'fim_spm_examples')}, indent=1))


if __name__ == '__main__':
    main()
