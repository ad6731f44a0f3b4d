"""The playground VAE: 32x32 greyscale shapes <-> a 2-D latent space, KL weight 1 (the textbook ELBO) so
that decoding samples from the N(0, I) prior gives recognisable shapes.

Usage: /usr/bin/python3 tools/playground-models/vae.py [--minutes N]
Writes models/genai-vae-tiny/: encoder.onnx, decoder.onnx, config.json, examples.json, examples/*.png,
prior-samples.png, MODEL_CARD.md (reconstruction error measured through onnxruntime).
"""
import argparse
import os
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

import data
from common import OnnxRunner, WORK, ROOT, export, log, png, write_json

LATENT = 2
PIXELS = data.SIZE * data.SIZE
OUT = os.path.join(ROOT, "models", "genai-vae-tiny")
THRESHOLD_MARGIN = 1.5


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Flatten(), nn.Linear(PIXELS, 256), nn.ReLU(), nn.Linear(256, 64), nn.ReLU())
        self.mean, self.logvar = nn.Linear(64, LATENT), nn.Linear(64, LATENT)

    def forward(self, image):
        h = self.body(image)
        return self.mean(h), self.logvar(h)


class Decoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(LATENT, 64), nn.ReLU(), nn.Linear(64, 256), nn.ReLU(), nn.Linear(256, PIXELS))

    def forward(self, latent):
        return torch.sigmoid(self.body(latent)).reshape(-1, 1, data.SIZE, data.SIZE)


def loss(enc, dec, x):
    mean, logvar = enc(x)
    z = mean + torch.randn_like(mean) * torch.exp(0.5 * logvar)
    rec = F.binary_cross_entropy(dec(z), x, reduction="sum") / len(x)
    kl = 0.5 * (mean.square() + logvar.exp() - 1 - logvar).sum() / len(x)
    return rec, kl


def train(minutes):
    images = torch.from_numpy(data.dataset(20000, seed=1))
    enc, dec = Encoder(), Decoder()
    opt = torch.optim.Adam(list(enc.parameters()) + list(dec.parameters()), lr=1e-3)
    start, step = time.time(), 0
    while time.time() - start < minutes * 60:
        x = images[torch.randint(0, len(images), (128,))]
        rec, kl = loss(enc, dec, x)
        opt.zero_grad()
        (rec + kl).backward()
        opt.step()
        step += 1
        if step % 500 == 0:
            log(f"vae step {step} rec {rec.item():.1f} kl {kl.item():.2f}")
    return enc, dec, step, (time.time() - start) / 60


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=4)
    args = parser.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(0)
    os.makedirs(os.path.join(OUT, "examples"), exist_ok=True)
    os.makedirs(WORK, exist_ok=True)
    enc, dec, steps, minutes = train(args.minutes)
    export(enc, (torch.zeros(1, 1, data.SIZE, data.SIZE),), f"{OUT}/encoder.onnx", ["image"], ["mean", "logvar"])
    export(dec, (torch.zeros(1, LATENT),), f"{OUT}/decoder.onnx", ["latent"], ["image"])

    held = data.dataset(500, seed=2)
    examples = data.examples()
    runner = OnnxRunner()
    try:
        held_mean = runner.run(f"{OUT}/encoder.onnx", image=held)["mean"]
        held_rec = runner.run(f"{OUT}/decoder.onnx", latent=held_mean.astype(np.float32))["image"]
        ex = np.stack(list(examples.values()))
        ex_mean = runner.run(f"{OUT}/encoder.onnx", image=ex)["mean"]
        ex_rec = runner.run(f"{OUT}/decoder.onnx", latent=ex_mean.astype(np.float32))["image"]
        prior = np.random.default_rng(5).standard_normal((32, LATENT)).astype(np.float32)
        samples = runner.run(f"{OUT}/decoder.onnx", latent=prior)["image"]
        grid_z = np.stack(np.meshgrid(np.linspace(-2, 2, 8), np.linspace(-2, 2, 8)), -1).reshape(-1, 2)
        walk = runner.run(f"{OUT}/decoder.onnx", latent=grid_z.astype(np.float32))["image"]
    finally:
        runner.close()
    held_mse = ((held_rec - held) ** 2).mean(axis=(1, 2, 3))
    ex_mse = ((ex_rec - ex) ** 2).mean(axis=(1, 2, 3))
    baseline = ((held - held.mean(axis=0, keepdims=True)) ** 2).mean()  # predicting the mean image
    threshold = float(np.ceil(max(held_mse.mean(), ex_mse.max()) * THRESHOLD_MARGIN * 1000) / 1000)

    write_json(f"{OUT}/examples.json", {"shape": [1, data.SIZE, data.SIZE], "examples": [
        {"name": k, "image": v.flatten().round(4).tolist(), "mean": m.tolist(), "reconstruction_mse": float(e)}
        for (k, v), m, e in zip(examples.items(), ex_mean, ex_mse)]}, indent=None)
    for k, v in examples.items():
        png.write_png(f"{OUT}/examples/{k}.png", (v[0] * 255).round().astype(np.uint8))
    png.write_png(f"{OUT}/prior-samples.png", png.grid(samples, 8, scale=2))
    png.write_png(f"{OUT}/latent-grid.png", png.grid(walk, 8, scale=2))
    params = {"encoder": sum(p.numel() for p in enc.parameters()), "decoder": sum(p.numel() for p in dec.parameters())}
    write_json(f"{OUT}/config.json", {
        "model_type": "vae", "image_size": data.SIZE, "channels": 1, "latent_dim": LATENT, "pixel_range": [0, 1],
        "prior": "standard normal N(0, I)", "encoder": {"file": "encoder.onnx", "inputs": {"image": "[batch,1,32,32]"},
                                                        "outputs": {"mean": "[batch,2]", "logvar": "[batch,2]"}},
        "decoder": {"file": "decoder.onnx", "inputs": {"latent": "[batch,2]"}, "outputs": {"image": "[batch,1,32,32]"}},
        "data": data.DESCRIPTION, "examples": "examples.json", "reconstruction_mse_threshold": threshold})
    card = f"""# genai-vae-tiny

A variational autoencoder with a **2-D latent space** for GenAI Studio's Model Playground: two sliders (z1, z2)
explore everything it can draw, and two encoded examples can be interpolated. Trained from scratch here.

- data: {data.DESCRIPTION}.
- encoder.onnx: `image` float32 [batch, 1, 32, 32] in [0, 1] -> `mean`, `logvar` [batch, 2].
- decoder.onnx: `latent` float32 [batch, 2] -> `image` [batch, 1, 32, 32] in [0, 1] (sigmoid).
- MLP encoder/decoder ({params['encoder']:,} + {params['decoder']:,} parameters; files {os.path.getsize(f'{OUT}/encoder.onnx') / 1e3:.0f} kB +
  {os.path.getsize(f'{OUT}/decoder.onnx') / 1e3:.0f} kB), loss = binary cross-entropy (sum over pixels) + KL (weight 1), so the
  prior N(0, I) is covered: `prior-samples.png` decodes 32 prior samples, `latent-grid.png` the grid z in [-2, 2]^2.
- examples: `examples.json` (one held-out image per shape: `image` as 1024 row-major floats, `mean` its encoding,
  `reconstruction_mse` its measured error)
  and the same images as `examples/*.png`.
- training: {steps} steps of batch 128 in {minutes:.1f} CPU minutes (1 thread), opset 17, dynamic batch.
  Reproduce: `bash tools/train-playground-models.sh`.

## Measured (onnxruntime, exported files)
Reconstruction error = mean squared error per pixel (pixels in [0, 1]) of decoder(encoder mean):

| images | MSE per pixel |
|---|---|
| 500 held-out images (seed 2), mean | {held_mse.mean():.4f} (p95 {np.quantile(held_mse, 0.95):.4f}) |
| the {len(ex_mse)} shipped examples, worst | {ex_mse.max():.4f} |
| baseline: always the mean image | {baseline:.4f} |

**THRESHOLD = {threshold}**: the reconstruction MSE per pixel a test may require of the shipped examples or of
fresh images from the same generator (the measured value with a {THRESHOLD_MARGIN}x margin; also `config.json`
`reconstruction_mse_threshold`).

Licence: MIT; the data is procedural.
"""
    with open(f"{OUT}/MODEL_CARD.md", "w") as f:
        f.write(card)
    log(f"vae: held-out mse {held_mse.mean():.4f}, examples max {ex_mse.max():.4f}, baseline {baseline:.4f}, threshold {threshold}")


if __name__ == "__main__":
    main()
