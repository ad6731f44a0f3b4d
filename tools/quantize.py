"""8-bit weights for an fp32 ONNX decoder, in the pattern of ONNX Runtime's quantize_dynamic (what
Optimum writes as onnx/model_quantized.onnx): every MatMul whose weight is a 2-D initializer, or the
transpose of one (a tied LM head exported without constant folding), becomes int8 weights times
dynamically quantized activations (DynamicQuantizeLinear + MatMulInteger).
Usage: quantize.py SRC.onnx DST.onnx"""
import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper, TensorProto


def _weight(node, inits, producers):
    """The MatMul's 2-D weight as an array, or None when its right-hand side is not a constant."""
    if node.op_type != 'MatMul':
        return None
    rhs = node.input[1]
    if rhs in inits and len(inits[rhs].dims) == 2:
        return numpy_helper.to_array(inits[rhs])
    source = producers.get(rhs)
    if source is not None and source.op_type == 'Transpose' and source.input[0] in inits and len(inits[source.input[0]].dims) == 2:
        return numpy_helper.to_array(inits[source.input[0]]).T
    return None


def quantize(src, dst):
    graph_model = onnx.load(src)
    graph = graph_model.graph
    inits = {i.name: i for i in graph.initializer}
    producers = {output: node for node in graph.node for output in node.output}
    nodes = []
    count = 0
    for node in graph.node:
        w = _weight(node, inits, producers)
        if w is None:
            nodes.append(node)
            continue
        w = np.ascontiguousarray(w, dtype=np.float32)
        scale = float(np.abs(w).max()) / 127.0 or 1.0
        q = np.clip(np.round(w / scale), -127, 127).astype(np.int8)
        base = f'{node.name or node.output[0]}_q{count}'
        count += 1
        graph.initializer.extend([
            numpy_helper.from_array(q, f'{base}_w'),
            numpy_helper.from_array(np.array(scale, dtype=np.float32), f'{base}_w_scale'),
            numpy_helper.from_array(np.array(0, dtype=np.int8), f'{base}_w_zero'),
        ])
        nodes += [
            helper.make_node('DynamicQuantizeLinear', [node.input[0]], [f'{base}_a', f'{base}_a_scale', f'{base}_a_zero'], name=f'{base}_dql'),
            helper.make_node('MatMulInteger', [f'{base}_a', f'{base}_w', f'{base}_a_zero', f'{base}_w_zero'], [f'{base}_i32'], name=f'{base}_mmi'),
            helper.make_node('Cast', [f'{base}_i32'], [f'{base}_f'], to=TensorProto.FLOAT, name=f'{base}_cast'),
            helper.make_node('Mul', [f'{base}_a_scale', f'{base}_w_scale'], [f'{base}_scale'], name=f'{base}_scale_mul'),
            helper.make_node('Mul', [f'{base}_f', f'{base}_scale'], [node.output[0]], name=f'{base}_out'),
        ]
    # A transpose that only fed quantized MatMuls has no reader left.
    read = {i for n in nodes for i in n.input} | {o.name for o in graph.output}
    nodes = [n for n in nodes if n.op_type != 'Transpose' or any(o in read for o in n.output)]
    del graph.node[:]
    graph.node.extend(nodes)
    used = {i for n in graph.node for i in n.input}
    kept = [i for i in graph.initializer if i.name in used]
    del graph.initializer[:]
    graph.initializer.extend(kept)
    onnx.checker.check_model(graph_model)
    onnx.save(graph_model, dst)
    return count


if __name__ == '__main__':
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    print(f'{sys.argv[2]}: {quantize(*sys.argv[1:])} MatMuls quantized')
