"""Writes onnx/model_append_kv.onnx next to a folder's onnx/model.onnx: the same weights and the same
logits, in a graph made for the engine's decoder on the CPU (src/engine/appendKvDecoder.ts).

model.onnx has the Transformers.js interface: every pass takes the whole past keys/values and returns
them again with the new positions appended, so ONNX Runtime for Node copies the whole cache into new
JavaScript buffers on every pass (and the garbage collector frees them). This graph takes the past
keys/values as the caller's whole buffers, `[batch, heads, past_capacity, head_dim]`, of which only
the rows the attention mask marks are used (`attention_mask` is `[batch, past_capacity +
sequence_length]`: 1 for held rows, 0 for unused capacity, then 1 for each new token), and returns
only the new tokens' rows `[batch, sequence_length, width]`, which the caller writes into its
buffers. Nothing in the pass copies the past: attention reads it where it is, the new tokens'
scores are computed apart and joined to the past's. Standard opset-17 operators only.

Usage: append_kv.py MODEL_DIR"""
import json
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def weights_of(model_onnx, layers):
    """The exporter's weights by role: named initializers, and the MatMul weights in graph order
    (per layer qkv, proj, fc, out; then the tied LM head)."""
    graph = model_onnx.graph
    named = {i.name: numpy_helper.to_array(i) for i in graph.initializer}
    matmuls = [named[n.input[1]] for n in graph.node if n.op_type == 'MatMul' and n.input[1] in named]
    if len(matmuls) != 4 * layers + 1:
        raise SystemExit(f'expected {4 * layers + 1} MatMul weights (4 per layer and the LM head), found {len(matmuls)}: not a genai-code-tiny export')
    return named, matmuls


def build(model_onnx, config):
    layers, heads, width, vocab = config['n_layer'], config['n_head'], config['n_embd'], config['vocab_size']
    head_dim = width // heads
    named, matmuls = weights_of(model_onnx, layers)
    inits, nodes = {}, []

    def const(name, value, dtype=np.float32):
        inits[name] = numpy_helper.from_array(np.asarray(value, dtype=dtype), name)
        return name

    def op(kind, inputs, outputs, **attrs):
        nodes.append(helper.make_node(kind, inputs, outputs, **attrs))
        return outputs[0] if len(outputs) == 1 else outputs

    x = op('Add', [op('Gather', [const('wte', named['gpt.wte.weight']), 'input_ids'], ['tok']),
                   op('Gather', [const('wpe', named['gpt.wpe.weight']), 'position_ids'], ['pos'])], ['x0'])
    # Additive attention bias [batch, 1, S, T] over the T = capacity + S keys: -1e9 for a new token's
    # later tokens and for unused capacity rows (the mask's zeros).
    const('i0', 0, np.int64), const('i1', 1, np.int64), const('axis0', [0], np.int64), const('axis1', [1], np.int64)
    const('neg', -1e9), const('zero', 0.0), const('one', 1.0)
    s = op('Gather', [op('Shape', ['input_ids'], ['ids_shape']), 'i1'], ['S'], axis=0)
    t = op('Gather', [op('Shape', ['attention_mask'], ['mask_shape']), 'i1'], ['T'], axis=0)
    rows = op('Add', [op('Range', ['i0', s, 'i1'], ['query_index']), op('Sub', [t, s], ['past_length'])], ['query_position'])
    later = op('Less', [op('Unsqueeze', [rows, 'axis1'], ['query_column']), op('Unsqueeze', [op('Range', ['i0', t, 'i1'], ['key_position']), 'axis0'], ['key_row'])], ['later'])
    causal = op('Unsqueeze', [op('Where', [later, 'neg', 'zero'], ['causal']), 'axis0'], ['causal_3d'])
    padding = op('Unsqueeze', [op('Mul', [op('Sub', ['one', op('Cast', ['attention_mask'], ['mask_float'], to=TensorProto.FLOAT)], ['masked']), 'neg'], ['padding']), 'axis1'], ['padding_3d'])
    bias = op('Unsqueeze', [op('Add', [causal, padding], ['bias_3d']), 'axis1'], ['bias'])
    capacity = op('Unsqueeze', [op('Gather', [op('Shape', ['past_keys.0'], ['past_shape']), const('i2', 2, np.int64)], ['capacity_scalar'], axis=0), 'axis0'], ['capacity'])
    const('start', [0], np.int64), const('end', [np.iinfo(np.int64).max], np.int64), const('last_axis', [-1], np.int64)
    const('split', [width] * 3, np.int64), const('by_head', [0, 0, heads, head_dim], np.int64), const('joined', [0, 0, width], np.int64)
    const('scale', 1.0 / np.sqrt(head_dim)), const('sqrt2', np.sqrt(2.0)), const('half', 0.5)

    def linear(name, h, weight, bias_name):
        return op('Add', [op('MatMul', [h, const(f'{name}.weight', weight)], [f'{name}.matmul']), const(f'{name}.bias', named[bias_name])], [name])

    def norm(name, h, prefix):
        return op('LayerNormalization', [h, const(f'{name}.weight', named[f'{prefix}.weight']), const(f'{name}.bias', named[f'{prefix}.bias'])], [name], axis=-1, epsilon=1e-5)

    for layer in range(layers):
        p = f'gpt.blocks.{layer}.'
        w_qkv, w_proj, w_fc, w_out = matmuls[4 * layer: 4 * layer + 4]
        qkv = linear(f'l{layer}.qkv', norm(f'l{layer}.ln1', x, p + 'ln1'), w_qkv, p + 'qkv.bias')
        q, k, v = op('Split', [qkv, 'split'], [f'l{layer}.q', f'new_keys.{layer}', f'new_values.{layer}'], axis=2)
        qh = op('Transpose', [op('Reshape', [q, 'by_head'], [f'l{layer}.q4'])], [f'l{layer}.qh'], perm=[0, 2, 1, 3])
        new_k = op('Transpose', [op('Reshape', [k, 'by_head'], [f'l{layer}.k4'])], [f'l{layer}.new_kt'], perm=[0, 2, 3, 1])
        new_v = op('Transpose', [op('Reshape', [v, 'by_head'], [f'l{layer}.v4'])], [f'l{layer}.new_vh'], perm=[0, 2, 1, 3])
        # ONNX Runtime fuses this transpose into the MatMul (FusedMatMul with transB): no copy.
        past_k = op('Transpose', [f'past_keys.{layer}'], [f'l{layer}.past_kt'], perm=[0, 1, 3, 2])
        joined = op('Concat', [op('MatMul', [qh, past_k], [f'l{layer}.past_scores']), op('MatMul', [qh, new_k], [f'l{layer}.new_scores'])], [f'l{layer}.qk'], axis=-1)
        scores = op('Add', [op('Mul', [joined, 'scale'], [f'l{layer}.scaled']), bias], [f'l{layer}.scores'])
        weights = op('Softmax', [scores], [f'l{layer}.weights'], axis=-1)
        past_w = op('Slice', [weights, 'start', capacity, 'last_axis'], [f'l{layer}.past_weights'])
        new_w = op('Slice', [weights, capacity, 'end', 'last_axis'], [f'l{layer}.new_weights'])
        heads_out = op('Add', [op('MatMul', [past_w, f'past_values.{layer}'], [f'l{layer}.past_out']), op('MatMul', [new_w, new_v], [f'l{layer}.new_out'])], [f'l{layer}.heads'])
        attended = op('Reshape', [op('Transpose', [heads_out], [f'l{layer}.heads_t'], perm=[0, 2, 1, 3]), 'joined'], [f'l{layer}.attended'])
        x = op('Add', [x, linear(f'l{layer}.proj', attended, w_proj, p + 'proj.bias')], [f'l{layer}.x1'])
        fc = linear(f'l{layer}.fc', norm(f'l{layer}.ln2', x, p + 'ln2'), w_fc, p + 'fc.bias')
        # Exact (erf) GELU as torch's F.gelu; ONNX Runtime fuses it with the bias into BiasGelu.
        erf = op('Add', [op('Erf', [op('Div', [fc, 'sqrt2'], [f'l{layer}.fc_scaled'])], [f'l{layer}.erf']), 'one'], [f'l{layer}.erf1'])
        gelu = op('Mul', [op('Mul', [fc, erf], [f'l{layer}.gelu2']), 'half'], [f'l{layer}.gelu'])
        x = op('Add', [x, linear(f'l{layer}.out', gelu, w_out, p + 'out.bias')], [f'l{layer}.x2'])
    op('MatMul', [norm('ln', x, 'gpt.ln'), const('lm_head', matmuls[-1])], ['logits'])

    tensor = helper.make_tensor_value_info
    inputs = [tensor('input_ids', TensorProto.INT64, ['batch_size', 'sequence_length']),
              tensor('attention_mask', TensorProto.INT64, ['batch_size', 'past_capacity_plus_sequence_length']),
              tensor('position_ids', TensorProto.INT64, ['batch_size', 'sequence_length'])]
    outputs = [tensor('logits', TensorProto.FLOAT, ['batch_size', 'sequence_length', vocab])]
    for layer in range(layers):
        for kind in ('keys', 'values'):
            inputs.append(tensor(f'past_{kind}.{layer}', TensorProto.FLOAT, ['batch_size', heads, 'past_capacity', head_dim]))
            outputs.append(tensor(f'new_{kind}.{layer}', TensorProto.FLOAT, ['batch_size', 'sequence_length', width]))
    graph = helper.make_graph(nodes, 'genai-code-tiny-append-kv', inputs, outputs, list(inits.values()))
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', 17)], producer_name='genai-studio tools/code-model/append_kv.py')
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def write(folder):
    source = os.path.join(folder, 'onnx', 'model.onnx')
    target = os.path.join(folder, 'onnx', 'model_append_kv.onnx')
    config = json.load(open(os.path.join(folder, 'config.json')))
    onnx.save(build(onnx.load(source), config), target)
    return target


if __name__ == '__main__':
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    path = write(sys.argv[1])
    print(f'wrote {path} ({os.path.getsize(path) / 1e6:.1f} MB)')
