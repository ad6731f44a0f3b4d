"""Stores the weights of a folder's onnx/model.onnx and onnx/model_append_kv.onnx once, in
onnx/model.onnx_data (ONNX external data), which both graphs point into.

The two graphs hold the same fp32 weights (append_kv.py only folds the attention scale into the query
weights), so shipping both with inline weights put the code model on disk twice. Each distinct tensor
is written once; a tensor both graphs share is one range of the file. ONNX Runtime reads external data
relative to the .onnx file it loads, and Transformers.js downloads `model.onnx_data` from a hub when
config.json's `transformers.js_config.use_external_data_format` names `model.onnx` (set here too).

Usage: share_weights.py MODEL_DIR"""
import hashlib
import json
import os
import sys

import onnx
from onnx import numpy_helper

GRAPHS = ('model.onnx', 'model_append_kv.onnx')
DATA_FILE = 'model.onnx_data'
# Small tensors (shapes, scalars) stay inline: they are read while the graph is parsed.
INLINE_BELOW = 1024
ALIGN = 64


def share(folder):
    onnx_dir = os.path.join(folder, 'onnx')
    models = {name: onnx.load(os.path.join(onnx_dir, name)) for name in GRAPHS}
    offsets = {}
    with open(os.path.join(onnx_dir, DATA_FILE), 'wb') as data:
        for model in models.values():
            for tensor in model.graph.initializer:
                raw = numpy_helper.to_array(tensor).tobytes()
                if len(raw) < INLINE_BELOW:
                    continue
                digest = hashlib.sha256(raw).digest()
                if digest not in offsets:
                    data.write(b'\0' * (-data.tell() % ALIGN))
                    offsets[digest] = data.tell()
                    data.write(raw)
                # Keep name, type and dims; the bytes move to the shared file.
                dims, dtype, name = list(tensor.dims), tensor.data_type, tensor.name
                tensor.Clear()
                tensor.name, tensor.data_type = name, dtype
                tensor.dims.extend(dims)
                for key, value in (('location', DATA_FILE), ('offset', offsets[digest]), ('length', len(raw))):
                    entry = tensor.external_data.add()
                    entry.key, entry.value = key, str(value)
                tensor.data_location = onnx.TensorProto.EXTERNAL
    for name, model in models.items():
        onnx.save(model, os.path.join(onnx_dir, name))
    config_path = os.path.join(folder, 'config.json')
    config = json.load(open(config_path))
    config.setdefault('transformers.js_config', {})['use_external_data_format'] = {'model.onnx': 1}
    json.dump(config, open(config_path, 'w'), indent=1)
    return os.path.getsize(os.path.join(onnx_dir, DATA_FILE))


if __name__ == '__main__':
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    size = share(sys.argv[1])
    print(f'wrote {DATA_FILE} ({size / 1e6:.1f} MB) shared by {", ".join(GRAPHS)}')
