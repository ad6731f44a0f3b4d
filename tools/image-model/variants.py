"""Tiny random-weight Stable-Diffusion-layout folders for pipeline tests of the model variants:
  test/fixtures/diffusion/lcm-tiny    LatentConsistencyModelPipeline, LCMScheduler, UNet with `timestep_cond` [batch, 256]
  test/fixtures/diffusion/turbo-tiny  sd-turbo style: EulerDiscreteScheduler with trailing spacing, `_name_or_path` *turbo*
Both share the shipped model's tokenizer (copied in). Their images are meaningless: they exist so the
pipeline's variant detection and input plumbing run against real ONNX files (each folder < 300 KB).

Usage: /usr/bin/python3 tools/image-model/variants.py
"""
import os
import shutil
import sys

import torch

sys.path.insert(0, os.path.dirname(__file__))
import clip_bpe  # noqa: E402
import nets  # noqa: E402
from export import (SCHEDULER_BASE, export_text_encoder, export_unet, export_vae, model_index,  # noqa: E402
                    write_json)

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SHIPPED_TOKENIZER = os.path.join(ROOT, "models", "genai-image-tiny", "tokenizer")
SD_SCALING_FACTOR = 0.18215
LCM_COND_DIM = 256

VARIANTS = {
    "lcm-tiny": {
        "index": {**model_index("LatentConsistencyModelPipeline", "LCMScheduler"), "_name_or_path": "genai-studio/lcm-tiny"},
        "scheduler": {"_class_name": "LCMScheduler", **SCHEDULER_BASE, "set_alpha_to_one": True, "steps_offset": 0,
                      "original_inference_steps": 50, "timestep_scaling": 10.0, "timestep_spacing": "leading"},
        "timestep_cond_dim": LCM_COND_DIM,
    },
    "turbo-tiny": {
        "index": {**model_index("StableDiffusionPipeline", "EulerDiscreteScheduler"), "_name_or_path": "genai-studio/sd-turbo-tiny"},
        "scheduler": {"_class_name": "EulerDiscreteScheduler", **SCHEDULER_BASE, "steps_offset": 1,
                      "timestep_spacing": "trailing", "interpolation_type": "linear", "use_karras_sigmas": False},
        "timestep_cond_dim": 0,
    },
}


def build(name, spec, out_root):
    out = os.path.join(out_root, name)
    shutil.rmtree(out, ignore_errors=True)
    shutil.copytree(SHIPPED_TOKENIZER, os.path.join(out, "tokenizer"))
    vocab = len(clip_bpe.Tokenizer.load(os.path.join(out, "tokenizer")).encoder)
    torch.manual_seed(len(name))
    te = nets.TextEncoder(vocab, clip_bpe.MAX_LENGTH, dim=8, layers=1, heads=2)
    unet = nets.UNet(context_dim=8, timestep_cond_dim=spec["timestep_cond_dim"], channels=(4, 8), heads=2)
    enc, dec = nets.VaeEncoder((4, 4, 4)), nets.VaeDecoder((4, 4, 4))
    write_json(os.path.join(out, "model_index.json"), spec["index"])
    write_json(os.path.join(out, "scheduler", "scheduler_config.json"), spec["scheduler"])
    export_text_encoder(te, vocab, out)
    export_unet(unet, out)
    export_vae(enc, dec, SD_SCALING_FACTOR, out)
    size = sum(os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(out) for f in fs)
    print(f"{name}: {size / 1e3:.0f} kB")


def main():
    torch.set_num_threads(1)
    out_root = os.path.join(ROOT, "test", "fixtures", "diffusion")
    for name, spec in VARIANTS.items():
        build(name, spec, out_root)


if __name__ == "__main__":
    main()
