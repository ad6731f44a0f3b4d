"""Exports a checkpoint to the Transformers.js layout: config.json, generation_config.json,
tokenizer.json, tokenizer_config.json, onnx/model.onnx (fp32), onnx/model_quantized.onnx
(int8 weights: DynamicQuantizeLinear + MatMulInteger, the pattern of ORT's quantize_dynamic) and
onnx/model_append_kv.onnx (the engine's CPU decoding graph, append_kv.py); the fp32 graphs keep
their weights once, in onnx/model.onnx_data (share_weights.py).
Usage: export.py WORK_DIR OUT_DIR"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.dirname(os.path.dirname(__file__)))
import append_kv  # noqa: E402
import share_weights  # noqa: E402
import bpe  # noqa: E402
from quantize import quantize  # noqa: E402
from model import GPT, Exportable  # noqa: E402


def export_fp32(model, path):
    c = model.config
    heads, head_dim = c['heads'], c['width'] // c['heads']
    ids = torch.zeros(1, 3, dtype=torch.long)
    past = [torch.zeros(1, heads, 2, head_dim) for _ in range(2 * c['layers'])]
    mask = torch.ones(1, 5, dtype=torch.long)
    positions = torch.arange(2, 5).view(1, 3)
    past_names = [f'past_key_values.{i}.{kv}' for i in range(c['layers']) for kv in ('key', 'value')]
    present_names = [f'present.{i}.{kv}' for i in range(c['layers']) for kv in ('key', 'value')]
    axes = {
        'input_ids': {0: 'batch_size', 1: 'sequence_length'},
        'attention_mask': {0: 'batch_size', 1: 'total_sequence_length'},
        'position_ids': {0: 'batch_size', 1: 'sequence_length'},
        'logits': {0: 'batch_size', 1: 'sequence_length'},
    }
    axes.update({n: {0: 'batch_size', 2: 'past_sequence_length'} for n in past_names})
    axes.update({n: {0: 'batch_size', 2: 'total_sequence_length'} for n in present_names})
    torch.onnx.export(Exportable(model).eval(), (ids, mask, positions, *past), path, opset_version=14, do_constant_folding=True,
                      input_names=['input_ids', 'attention_mask', 'position_ids', *past_names], output_names=['logits', *present_names],
                      dynamic_axes=axes)


def write_reference(model, encoder, heldout, path):
    """What validate.mjs checks the exported files against: Python token ids of a few held-out
    files, and torch's logits for one window."""
    docs = [json.loads(line)['text'] for _, line in zip(range(40), open(heldout))][::4]
    samples = [{'text': d[:3000], 'ids': encoder.encode(d[:3000])} for d in docs]
    ids = samples[0]['ids'][:64]
    with torch.no_grad():
        logits = model(torch.tensor([ids]))[0]
    json.dump({'tokenizer': samples, 'logits_input': ids, 'logits': logits.numpy().round(6).tolist()}, open(path, 'w'))


def main():
    work, out = sys.argv[1], sys.argv[2]
    saved = torch.load(os.environ.get('CODE_MODEL_CHECKPOINT') or os.path.join(work, 'checkpoint.pt'))
    config = saved['config']
    model = GPT(**config)
    model.load_state_dict(saved['model'])
    model.eval()
    merges = [tuple(m) for m in json.load(open(os.path.join(work, 'merges.json')))]
    os.makedirs(os.path.join(out, 'onnx'), exist_ok=True)
    encoder = bpe.save(merges, os.path.join(out, 'tokenizer.json'), os.path.join(out, 'tokenizer_config.json'), config['positions'])
    eot = encoder.special('<|endoftext|>')
    json.dump({'model_type': 'gpt2', 'architectures': ['GPT2LMHeadModel'], 'vocab_size': config['vocab'], 'n_positions': config['positions'],
               'n_ctx': config['positions'], 'n_embd': config['width'], 'n_layer': config['layers'], 'n_head': config['heads'],
               'activation_function': 'gelu', 'bos_token_id': eot, 'eos_token_id': eot, 'pad_token_id': eot, 'tie_word_embeddings': True,
               'transformers.js_config': {'dtype': 'fp32'}},
              open(os.path.join(out, 'config.json'), 'w'), indent=1)
    json.dump({'bos_token_id': eot, 'eos_token_id': eot, 'pad_token_id': eot, 'max_new_tokens': 64, 'do_sample': False},
              open(os.path.join(out, 'generation_config.json'), 'w'), indent=1)
    fp32 = os.path.join(out, 'onnx', 'model.onnx')
    with torch.no_grad():
        export_fp32(model, fp32)
    n = quantize(fp32, os.path.join(out, 'onnx', 'model_quantized.onnx'))
    append_kv.write(out)
    share_weights.share(out)
    write_reference(model, encoder, os.path.join(work, 'corpus', 'heldout.jsonl'), os.path.join(work, 'reference.json'))
    # The model carries its training history, so a later run can continue from it (train.py --init-from).
    st = saved['state']
    run = {'minutes': round(st['seconds'] / 60), 'steps': st['step'], 'tokens': st['tokens'], 'data_bytes': st.get('data_bytes', [0, 70_000_000]),
           'peak_lr': st.get('peak_lr', 2e-3), 'fim': f'half of the documents, {st.get("spm_share", 0) * 100:.0f}% of those SPM, the rest PSM'}
    json.dump({'runs': st.get('earlier_runs', []) + [run]}, open(os.path.join(out, 'training.json'), 'w'), indent=1)
    print(f'exported to {out}: {n} MatMuls quantized; fp32 {os.path.getsize(fp32) / 1e6:.1f} MB, '
          f'int8 {os.path.getsize(os.path.join(out, "onnx", "model_quantized.onnx")) / 1e6:.1f} MB')


if __name__ == '__main__':
    main()
