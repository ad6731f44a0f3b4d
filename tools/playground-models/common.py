"""Shared pieces of the playground trainers: time budget loop helpers, ONNX export, writing files."""
import json
import os
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "image-model"))
from onnx_client import OnnxRunner  # noqa: E402,F401
import png  # noqa: E402,F401

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
WORK = os.path.join(ROOT, "tools", ".work", "playground")


def log(msg):
    print(time.strftime("%H:%M:%S"), msg, flush=True)


def export(module, args, file, inputs, outputs):
    module.eval()
    with torch.no_grad():
        torch.onnx.export(module, args, file, input_names=inputs, output_names=outputs, opset_version=17,
                          dynamic_axes={n: {0: "batch"} for n in inputs + outputs})


def write_json(file, obj, indent=2):
    with open(file, "w") as f:
        json.dump(obj, f, indent=indent)
        f.write("\n")


def stats(values):
    values = values.flatten()
    return {"mean": float(values.mean()), "std": float(values.std()), "min": float(values.min()),
            "p5": float(torch.quantile(torch.tensor(values), 0.05)), "p95": float(torch.quantile(torch.tensor(values), 0.95)),
            "max": float(values.max())}
