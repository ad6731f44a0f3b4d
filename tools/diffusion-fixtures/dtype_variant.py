"""Rewrites a tiny Stable-Diffusion ONNX folder into the other input conventions exports use, so the
pipeline's dtype handling is tested on real graphs: the text encoder takes int32 `input_ids`, the UNet
a float32 `timestep` of shape [1] (both cast back inside the graph, so the outputs are unchanged).

Usage: /usr/bin/python3 tools/diffusion-fixtures/dtype_variant.py test/fixtures/diffusion/turbo-tiny test/fixtures/diffusion/turbo-tiny-int32
"""
import os
import shutil
import sys

import onnx
from onnx import TensorProto, helper


def retype_input(path, name, elem_type, dims, cast_to):
    model = onnx.load(path)
    graph = model.graph
    inner = name + "_cast"
    for node in graph.node:
        for i, value in enumerate(node.input):
            if value == name:
                node.input[i] = inner
    graph.node.insert(0, helper.make_node("Cast", [name], [inner], to=cast_to))
    tensor_type = next(i for i in graph.input if i.name == name).type.tensor_type
    tensor_type.elem_type = elem_type
    if dims is not None:
        del tensor_type.shape.dim[:]
        for d in dims:
            tensor_type.shape.dim.add().dim_value = d
    onnx.checker.check_model(model)
    onnx.save(model, path)


def main(src, dst):
    if os.path.exists(dst):
        shutil.rmtree(dst)
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns("vae_encoder"))
    retype_input(os.path.join(dst, "text_encoder", "model.onnx"), "input_ids", TensorProto.INT32, None, TensorProto.INT64)
    retype_input(os.path.join(dst, "unet", "model.onnx"), "timestep", TensorProto.FLOAT, [1], TensorProto.INT64)
    print("wrote", dst)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
