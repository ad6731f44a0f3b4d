"""Writes onnx/model_append_kv.onnx next to a folder's onnx/model.onnx: the same weights and the same
logits, in a graph made for the engine's decoder on the CPU (src/engine/appendKvDecoder.ts).

model.onnx has the Transformers.js interface: every pass takes the whole past keys/values and returns
them again with the new positions appended, so ONNX Runtime for Node copies the whole cache into new
JavaScript buffers on every pass (and the garbage collector frees them). This graph takes the past
keys/values as the caller's whole buffers, `[1, heads, past_capacity, head_dim]`, and an additive
`attention_bias` `[1, 1, sequence_length, past_capacity + sequence_length]` from the caller (0
where a new token may attend: the held rows and the new tokens up to itself; -1e9 elsewhere, such as
unused capacity), and returns only the new tokens' keys/values, `[1, heads, sequence_length,
head_dim]` as the buffers lay them out, which the caller copies in. Nothing in the pass copies the
past: attention reads it where it is, the new tokens' scores are computed apart and joined to the
past's. The graph is kept small because a pass of this model costs more in ONNX Runtime's per-node
work than in arithmetic: the caller builds the bias, the attention scale is folded into the query
weights, and batch-of-one activations are matrices so that each MatMul fuses with its bias.
Standard opset-17 operators only.

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

    # A batch of one: activations are [S, width] matrices, so each MatMul and its bias fuse into a Gemm.
    const('rows', [-1, width], np.int64), const('by_head', [0, 3, heads, head_dim], np.int64)
    x = op('Reshape', [op('Add', [op('Gather', [const('wte', named['gpt.wte.weight']), 'input_ids'], ['tok']),
                                  op('Gather', [const('wpe', named['gpt.wpe.weight']), 'position_ids'], ['pos'])], ['x0_3d']), 'rows'], ['x0'])
    capacity = op('Shape', ['past_keys.0'], ['capacity'], start=2, end=3)
    const('start', [0], np.int64), const('end', [np.iinfo(np.int64).max], np.int64), const('last_axis', [-1], np.int64)
    const('sqrt2', np.sqrt(2.0)), const('half', 0.5), const('one', 1.0)
    # The attention scale 1/sqrt(head_dim), folded into the queries' weights and bias.
    query_scale = np.concatenate([np.full(width, 1.0 / np.sqrt(head_dim)), np.ones(2 * width)]).astype(np.float32)

    def linear(name, h, weight, bias, scale=1.0):
        return op('Add', [op('MatMul', [h, const(f'{name}.weight', weight * scale)], [f'{name}.matmul']), const(f'{name}.bias', bias * scale)], [name])

    def norm(name, h, prefix):
        return op('LayerNormalization', [h, const(f'{name}.weight', named[f'{prefix}.weight']), const(f'{name}.bias', named[f'{prefix}.bias'])], [name], axis=-1, epsilon=1e-5)

    for layer in range(layers):
        p = f'gpt.blocks.{layer}.'
        w_qkv, w_proj, w_fc, w_out = matmuls[4 * layer: 4 * layer + 4]
        qkv = linear(f'l{layer}.qkv', norm(f'l{layer}.ln1', x, p + 'ln1'), w_qkv, named[p + 'qkv.bias'], query_scale)
        # [S, 3 * width] -> [3, heads, S, head_dim]: the queries, and the new keys/values laid out as the caller's buffers.
        by_head = op('Transpose', [op('Reshape', [qkv, 'by_head'], [f'l{layer}.qkv4'])], [f'l{layer}.qkv_heads'], perm=[1, 2, 0, 3])
        q, new_k, new_v = op('Split', [by_head], [f'l{layer}.q', f'new_keys.{layer}', f'new_values.{layer}'], axis=0)
        # ONNX Runtime fuses these transposes into the MatMuls (FusedMatMul with transB): no copy.
        past_kt = op('Transpose', [f'past_keys.{layer}'], [f'l{layer}.past_kt'], perm=[0, 1, 3, 2])
        new_kt = op('Transpose', [new_k], [f'l{layer}.new_kt'], perm=[0, 1, 3, 2])
        joined = op('Concat', [op('MatMul', [q, past_kt], [f'l{layer}.past_scores']), op('MatMul', [q, new_kt], [f'l{layer}.new_scores'])], [f'l{layer}.qk'], axis=-1)
        weights = op('Softmax', [op('Add', [joined, 'attention_bias'], [f'l{layer}.scores'])], [f'l{layer}.weights'], axis=-1)
        past_w = op('Slice', [weights, 'start', capacity, 'last_axis'], [f'l{layer}.past_weights'])
        new_w = op('Slice', [weights, capacity, 'end', 'last_axis'], [f'l{layer}.new_weights'])
        heads_out = op('Add', [op('MatMul', [past_w, f'past_values.{layer}'], [f'l{layer}.past_out']), op('MatMul', [new_w, new_v], [f'l{layer}.new_out'])], [f'l{layer}.heads'])
        attended = op('Reshape', [op('Transpose', [heads_out], [f'l{layer}.heads_t'], perm=[0, 2, 1, 3]), 'rows'], [f'l{layer}.attended'])
        x = op('Add', [x, linear(f'l{layer}.proj', attended, w_proj, named[p + 'proj.bias'])], [f'l{layer}.x1'])
        fc = linear(f'l{layer}.fc', norm(f'l{layer}.ln2', x, p + 'ln2'), w_fc, named[p + 'fc.bias'])
        # Exact (erf) GELU as torch's F.gelu; ONNX Runtime fuses it into one Gelu node.
        erf = op('Add', [op('Erf', [op('Div', [fc, 'sqrt2'], [f'l{layer}.fc_scaled'])], [f'l{layer}.erf']), 'one'], [f'l{layer}.erf1'])
        gelu = op('Mul', [op('Mul', [fc, erf], [f'l{layer}.gelu2']), 'half'], [f'l{layer}.gelu'])
        x = op('Add', [x, linear(f'l{layer}.out', gelu, w_out, named[p + 'out.bias'])], [f'l{layer}.x2'])
    op('Unsqueeze', [op('MatMul', [norm('ln', x, 'gpt.ln'), const('lm_head', matmuls[-1])], ['logits_2d']), const('axis0', [0], np.int64)], ['logits'])

    tensor = helper.make_tensor_value_info
    # One sequence: the engine decodes a batch of one.
    inputs = [tensor('input_ids', TensorProto.INT64, [1, 'sequence_length']),
              tensor('position_ids', TensorProto.INT64, [1, 'sequence_length']),
              tensor('attention_bias', TensorProto.FLOAT, [1, 1, 'sequence_length', 'past_capacity_plus_sequence_length'])]
    outputs = [tensor('logits', TensorProto.FLOAT, [1, 'sequence_length', vocab])]
    for layer in range(layers):
        for kind in ('keys', 'values'):
            inputs.append(tensor(f'past_{kind}.{layer}', TensorProto.FLOAT, [1, heads, 'past_capacity', head_dim]))
            outputs.append(tensor(f'new_{kind}.{layer}', TensorProto.FLOAT, [1, heads, 'sequence_length', head_dim]))
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
