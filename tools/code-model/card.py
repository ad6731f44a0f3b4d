"""Writes MODEL_CARD.md from what the pipeline measured (eval.json, validate.json, the corpus
summary). Usage: card.py WORK_DIR MODEL_DIR"""
import json
import os
import sys


def main():
    work, out = sys.argv[1], sys.argv[2]
    ev = json.load(open(os.path.join(work, 'eval.json')))
    va = json.load(open(os.path.join(work, 'validate.json')))
    sources = json.load(open(os.path.join(work, 'corpus', 'sources.json')))
    c = ev['config']
    st = ev['state']
    runs = json.load(open(os.path.join(out, 'training.json')))['runs']
    total_tokens = sum(r['tokens'] for r in runs)
    total_minutes = sum(r['minutes'] for r in runs)
    corpus_bytes = sum(v['train_bytes'] for v in sources['languages'].values())
    lines = [
        '# genai-code-tiny',
        '',
        'A tiny GPT-2-architecture code model with fill-in-the-middle (FIM) tokens, trained from scratch by this',
        'project on permissively licensed source code, so that GenAI Studio works offline out of the box and its',
        'tests exercise the real completion path (FIM prompt, KV cache, post-processing) with a model that knows',
        'the FIM format. It is far too small to be a useful assistant: expect syntax-shaped, locally plausible',
        'completions. For real work use a hub model such as `onnx-community/Qwen2.5-Coder-1.5B` (see README).',
        '',
        '## Model',
        f'- Architecture: GPT-2 (learned positions, pre-LayerNorm, GELU, tied input/output embeddings), {c["layers"]} layers, width {c["width"]}, {c["heads"]} heads, context {c["positions"]} tokens.',
        f'- Parameters: {ev["params"] / 1e6:.2f}M.',
        f'- Tokenizer: byte-level BPE, vocabulary {c["vocab"]} (3835 merges + 256 bytes + 5 special tokens), trained by `tools/code-model/bpe.py` on a 12 MB sample of the training text. Special tokens: `<|endoftext|>`, `<|fim_prefix|>`, `<|fim_middle|>`, `<|fim_suffix|>`, `<|file_sep|>`.',
        '- FIM layouts: PSM `<|fim_prefix|>{prefix}<|fim_suffix|>{suffix}<|fim_middle|>{middle}<|endoftext|>` and SPM `<|fim_prefix|><|fim_suffix|>{suffix}<|fim_middle|>{prefix}{middle}<|endoftext|>` (prefix and middle encoded together). Half of the training documents were transformed (character-level split points), the rest are plain text separated by `<|endoftext|>`; see Training for the mix of each run. GenAI Studio prompts this model in SPM: the prompt then grows at its end while the user types, so the engine\'s KV cache covers all but the last tokens.',
        f'- Files: `onnx/model.onnx` (fp32; its weights, {os.path.getsize(os.path.join(out, "onnx", "model.onnx_data")) / 1e6:.1f} MB, are in `onnx/model.onnx_data`, which `model_append_kv.onnx` shares) and `onnx/model_quantized.onnx` (int8 weights via DynamicQuantizeLinear + MatMulInteger, {os.path.getsize(os.path.join(out, "onnx", "model_quantized.onnx")) / 1e6:.1f} MB), inputs `input_ids`, `attention_mask`, `position_ids`, `past_key_values.{{i}}.key|value` `[batch_size, {c["heads"]}, past_sequence_length, {c["width"] // c["heads"]}]`; Transformers.js loads it as `model_type: gpt2`.',
        f'- `onnx/model_append_kv.onnx`: the fp32 weights (the same bytes in `model.onnx_data`, save the query weights with the attention scale folded in) in the graph the engine decodes with on the CPU (`tools/code-model/append_kv.py`). It reads the past keys/values where they are, in the engine\'s buffers `past_keys|past_values.{{i}}` `[1, heads, capacity, head_dim]` with an `attention_bias` that hides the rows not held, and returns only the new tokens\' keys/values (`new_keys|new_values.{{i}}`, `[1, heads, tokens, head_dim]`), so a pass does not copy the whole cache; its logits equal `model.onnx`\'s (a unit test compares them).',
        '',
        '## Training',
        f'- Tokens seen: {total_tokens / 1e6:.1f}M in {total_minutes} minutes of training on 2 CPU cores (torch 1.13, OpenBLAS), in {len(runs)} run(s), each continuing from the model the previous one exported (`tools/train-code-model.sh --continue`); batches of 8 x 512 tokens, AdamW (betas 0.9/0.95, weight decay 0.1), 200 warm-up steps then cosine decay to 10% of the peak over each run\'s time budget, gradient clipping 1.0.',
        '',
        '| run | minutes | steps | tokens | training text (MB of the shuffled documents) | peak lr | FIM |',
        '|---|---|---|---|---|---|---|',
    ] + [f'| {n + 1} | {r["minutes"]} | {r["steps"]} | {r["tokens"] / 1e6:.1f}M | {r["data_bytes"][0] / 1e6:.0f}-{r["data_bytes"][1] / 1e6:.0f} | {r["peak_lr"]:g} | {r["fim"]} |' for n, r in enumerate(runs)] + [
        '',
        (f'- **Interim snapshot**: taken after {st["seconds"] / 60:.0f} of the {st["budget_seconds"] / 60:.0f} planned training minutes while training continued; the learning rate had not finished its decay. The pipeline replaces these files when the run ends.' if st['seconds'] < st.get('budget_seconds', 0) - 60 else f'- The last run ran its full budget of {st.get("budget_seconds", st["seconds"]) / 60:.0f} minutes.'),
        f'- Each run draws random 512-token windows from its own slice of the shuffled training documents, so a continued run sees text the earlier ones did not. The whole corpus is {corpus_bytes / 1e6:.0f} MB.',
        f'- Measured training throughput: {st["tokens"] / max(st["seconds"], 1):.0f} tokens/s (forward + backward, 2 threads, shared machine).',
        f'- Final training loss (last logged steps): {", ".join(f"{l[3]:.3f}" for l in ev["loss_log"][-3:])} nats per token.',
        '',
        '## Measured quality (held-out files, never trained on)',
        f'- Held-out bits per byte: **{ev["heldout_bits_per_byte"]:.3f}** over {ev["heldout_files"]} of the {ev.get("heldout_files_total", ev["heldout_files"])} held-out files ({ev["heldout_bytes"] / 1e6:.2f} MB; files in a fixed random order, each language capped at {ev.get("heldout_lang_cap_bytes", 0) / 1e6:.2f} MB to fit the evaluation time budget). Method: sum of next-token negative log-likelihood over non-overlapping (chunked, not sliding) 512-token windows of each file, `<|endoftext|>` as the first context token of each file, divided by ln 2 and the UTF-8 byte count. The target was 1.35.',
        f'- Same measure on training files with the same language mix ({ev.get("train_sample_bytes", 0) / 1e6:.2f} MB): {ev["train_sample_bits_per_byte"]:.3f} bits per byte; held-out {ev["heldout_nats_per_token"]:.3f} nats per token. '
        + ('Train and held-out are within 5%: no sign of overfitting (most training text was seen at most once).' if abs(ev["train_sample_bits_per_byte"] - ev["heldout_bits_per_byte"]) < 0.05 * ev["heldout_bits_per_byte"] else 'The gap is not from repetition (under one epoch); held-out files differ in mix and difficulty.'),
        '- Per language (held-out): ' + ', '.join(f'{k} {v["bits_per_byte"]:.2f} ({v["files"]} files)' for k, v in ev['per_language'].items()) + '.',
        f'- Next-line exact match: **{ev["next_line_exact_match"] * 100:.1f}%** of {ev["next_line_samples"]} held-out line positions (lines with at least 8 non-space characters; up to 400 tokens of preceding context ending at the end of the previous line, so the model writes the newline and the indentation itself; greedy until the next newline; exact string comparison including indentation).',
        f'- FIM on {ev["fim_samples"]} held-out lines (up to 300 prefix and 100 suffix tokens): line exact match PSM **{ev["fim_line_exact_match"] * 100:.1f}%**, SPM **{ev["fim_spm_line_exact_match"] * 100:.1f}%**; bits per byte of the true line given the prompt PSM {ev["fim_middle_bits_per_byte"]:.3f}, SPM {ev["fim_spm_middle_bits_per_byte"]:.3f} (the same lines scored as plain next text after the prefix alone would not use the suffix at all).',
        '',
        'Greedy next-line examples (held-out; the end of the context, then expected / predicted):',
        '',
    ] + [f'- `{json.dumps(e["context_end"][-60:])[1:-1]}` -> expected `{json.dumps(e["expected"])[1:-1]}`, predicted `{json.dumps(e["predicted"])[1:-1]}`' for e in ev.get('next_line_examples', [])] + [
        '',
        'FIM examples (held-out; expected / predicted middle line, SPM as the extension prompts it):',
        '',
    ] + [f'- expected `{json.dumps(e["expected"])[1:-1]}`, predicted `{json.dumps(e["predicted"])[1:-1]}`' for e in ev.get('fim_spm_examples', [])] + [
        '',
        '## Checked from Node (`tools/code-model/validate.mjs`, the runtime the extension uses)',
        f'- Transformers.js tokenizer: {va["tokenizer_files_matching"]}/{va["tokenizer_files"]} held-out files get exactly the Python encoder\'s ids; decode round-trips: {va["tokenizer_roundtrip"]}.',
        f'- fp32 ONNX vs torch: max absolute logit difference {va["fp32"]["maxAbsLogitDiffVsTorch"]:.1e}; next-token agreement {va["fp32"]["argmaxAgreementVsTorch"] * 100:.0f}%.',
        f'- int8 ONNX vs torch: next-token agreement {va["int8"]["argmaxAgreementVsTorch"] * 100:.0f}% over 64 positions; bits per byte on a held-out slice: fp32 {va["fp32"]["sliceBitsPerByte"]:.3f}, int8 {va["int8"]["sliceBitsPerByte"]:.3f}.',
        f'- KV cache and mask (max absolute logit difference against one full forward pass): fp32 past + 7 new tokens {va["fp32"]["cacheMaxAbsDiffVsFullPass"]["severalTokensAfterPast"]:.1e}, past + 1 token {va["fp32"]["cacheMaxAbsDiffVsFullPass"]["oneTokenAfterPast"]:.1e}, 3 left-padded positions masked {va["fp32"]["cacheMaxAbsDiffVsFullPass"]["leftPaddedMask"]:.1e}.' if 'cacheMaxAbsDiffVsFullPass' in va['fp32'] else '- KV cache check not run.',
        f'- onnxruntime-node on this 2-core machine: load {va["fp32"]["loadMs"]} ms (fp32) / {va["int8"]["loadMs"]} ms (int8); {va["fp32"]["msPerTokenAt200Context"]:.2f} ms (fp32) / {va["int8"]["msPerTokenAt200Context"]:.2f} ms (int8) per generated token with the KV cache at ~200 tokens of context.',
        f'- `model.generate` through Transformers.js works: `function add(a, b) {{\\n  return` -> {json.dumps(va["transformers_generate"])}' + (f' (fp32); with `dtype: \'q8\'` (model_quantized.onnx): {json.dumps(va["transformers_generate_q8"])}.' if 'transformers_generate_q8' in va else '.'),
        '',
        '## Data and licences',
        'Only permissively licensed text, from Debian packages and the npm registry (`tools/code-model/build_corpus.py` lists and checks every source; packages whose licence is not permissive are skipped). Held-out files are chosen per file (about 1.5%), never per chunk.',
        '',
        '| source | version | licence | MB of text in the corpus (after filtering) |',
        '|---|---|---|---|',
    ]
    used = [s for s in sources['sources'] if s.get('used', True) and s.get('chars', 0) > 0]
    for s in sorted(used, key=lambda s: -s['chars']):
        lines.append(f'| {s["name"]} | {s.get("version", "")} | {s["licence"]} | {s["chars"] / 1e6:.2f} |')
    skipped = [f'{s["name"]} ({s["licence"]})' for s in sources['sources'] if s.get('used') is False]
    if skipped:
        lines += ['', 'Skipped for their licence: ' + ', '.join(skipped) + '.']
    lines += [
        '',
        'Training languages (train / held-out MB): ' + ', '.join(f'{k} {v["train_bytes"] / 1e6:.1f} / {v["heldout_bytes"] / 1e6:.2f}' for k, v in sorted(sources['languages'].items())) + '.',
        '',
        '## Reproduce',
        '`bash tools/train-code-model.sh [--minutes N] [--continue]` (Debian; installs python3-torch, python3-onnx, python3-numpy, python3-regex and',
        'libopenblas0-pthread, fetches the sources, builds the corpus, trains the tokenizer and the model, exports, validates from Node',
        'and writes this card). Without `--continue` it trains from scratch (run 1); with it, it adds a run to the shipped model as in the table.',
        'Runs are deterministic up to thread scheduling; a rerun on the same machine resumes from `tools/.work/checkpoint.pt`.',
        '',
        '## Intended use and limits',
        'Offline default and test fixture for GenAI Studio\'s completion path. Not for production suggestions: it has seen a few million',
        'tokens, knows no libraries in depth, and will confidently produce wrong code. It carries no personal data beyond what the',
        'source packages contain (author names in comments and licence headers).',
        '',
    ]
    open(os.path.join(out, 'MODEL_CARD.md'), 'w').write('\n'.join(lines))


if __name__ == '__main__':
    main()
