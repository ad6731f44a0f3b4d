"""Talks to onnx_worker.mjs (Node + onnxruntime-node): the Python tooling's way to run exported ONNX files."""
import json
import os
import subprocess

import numpy as np

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


class OnnxRunner:
    def __init__(self):
        self.proc = subprocess.Popen(["node", os.path.join(os.path.dirname(__file__), "onnx_worker.mjs")], cwd=ROOT,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def run(self, model, **feeds):
        """feeds: name -> numpy array (int64 or float32); returns name -> numpy float array."""
        request = {"model": os.path.abspath(model), "feeds": {
            k: {"type": "int64" if v.dtype == np.int64 else "float32", "dims": list(v.shape), "data": v.flatten().tolist()}
            for k, v in feeds.items()}}
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        reply = json.loads(self.proc.stdout.readline())
        if "error" in reply:
            raise RuntimeError(reply["error"])
        return {k: np.array(v["data"], np.float64).reshape(v["dims"]) for k, v in reply["outputs"].items()}

    def close(self):
        self.proc.stdin.close()
        self.proc.wait()
