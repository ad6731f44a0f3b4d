"""The playground GAN: a small DCGAN on the playground's 32x32 greyscale shapes.

Usage: /usr/bin/python3 tools/playground-models/gan.py [--minutes N]
Writes models/genai-gan-tiny/: generator.onnx, discriminator.onnx, config.json, samples.png, MODEL_CARD.md
with the discriminator's score distributions measured through onnxruntime.
"""
import argparse
import os
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

import data
from common import OnnxRunner, ROOT, export, log, png, stats, write_json

Z = 32
OUT = os.path.join(ROOT, "models", "genai-gan-tiny")


class Generator(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Sequential(nn.Linear(Z, 128 * 4 * 4), nn.BatchNorm1d(128 * 4 * 4), nn.ReLU())
        self.up = nn.Sequential(
            nn.ConvTranspose2d(128, 64, 4, 2, 1), nn.BatchNorm2d(64), nn.ReLU(),
            nn.ConvTranspose2d(64, 32, 4, 2, 1), nn.BatchNorm2d(32), nn.ReLU(),
            nn.ConvTranspose2d(32, 1, 4, 2, 1))

    def forward(self, noise):
        return torch.sigmoid(self.up(self.fc(noise).reshape(-1, 128, 4, 4)))


class Discriminator(nn.Module):
    """Outputs logits for training; the exported graph appends the sigmoid."""

    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(1, 32, 4, 2, 1), nn.LeakyReLU(0.2),
            nn.Conv2d(32, 64, 4, 2, 1), nn.BatchNorm2d(64), nn.LeakyReLU(0.2),
            nn.Conv2d(64, 128, 4, 2, 1), nn.BatchNorm2d(128), nn.LeakyReLU(0.2),
            nn.Flatten(), nn.Linear(128 * 4 * 4, 1))

    def forward(self, image):
        return self.body(image)


class Probability(nn.Module):
    def __init__(self, disc):
        super().__init__()
        self.disc = disc

    def forward(self, image):
        return torch.sigmoid(self.disc(image))


def train(minutes):
    images = torch.from_numpy(data.dataset(20000, seed=1))
    gen, disc = Generator(), Discriminator()
    opt_g = torch.optim.Adam(gen.parameters(), lr=2e-4, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(disc.parameters(), lr=2e-4, betas=(0.5, 0.999))
    start, step, batch = time.time(), 0, 64
    ones, zeros = torch.full((batch, 1), 0.9), torch.zeros(batch, 1)  # one-sided label smoothing
    while time.time() - start < minutes * 60:
        real = images[torch.randint(0, len(images), (batch,))]
        fake = gen(torch.randn(batch, Z))
        d_loss = F.binary_cross_entropy_with_logits(disc(real), ones) + \
            F.binary_cross_entropy_with_logits(disc(fake.detach()), zeros)
        opt_d.zero_grad()
        d_loss.backward()
        opt_d.step()
        g_loss = F.binary_cross_entropy_with_logits(disc(fake), torch.ones(batch, 1))
        opt_g.zero_grad()
        g_loss.backward()
        opt_g.step()
        step += 1
        if step % 250 == 0:
            log(f"gan step {step} d {d_loss.item():.3f} g {g_loss.item():.3f}")
    return gen, disc, step, (time.time() - start) / 60


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=5)
    args = parser.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(0)
    os.makedirs(OUT, exist_ok=True)
    gen, disc, steps, minutes = train(args.minutes)
    export(gen, (torch.zeros(2, Z),), f"{OUT}/generator.onnx", ["noise"], ["image"])
    export(Probability(disc), (torch.zeros(2, 1, data.SIZE, data.SIZE),), f"{OUT}/discriminator.onnx", ["image"], ["score"])

    n = 500
    rng = np.random.default_rng(3)
    real = data.dataset(n, seed=2)
    noise_images = rng.uniform(0, 1, (n, 1, data.SIZE, data.SIZE)).astype(np.float32)
    runner = OnnxRunner()
    try:
        generated = runner.run(f"{OUT}/generator.onnx", noise=rng.standard_normal((n, Z)).astype(np.float32))["image"]
        scores = {name: runner.run(f"{OUT}/discriminator.onnx", image=imgs.astype(np.float32))["score"]
                  for name, imgs in (("real", real), ("generated", generated), ("uniform_noise", noise_images))}
    finally:
        runner.close()
    measured = {k: stats(v) for k, v in scores.items()}
    png.write_png(f"{OUT}/samples.png", png.grid(generated[:32], 8, scale=2))
    params = {"generator": sum(p.numel() for p in gen.parameters()), "discriminator": sum(p.numel() for p in disc.parameters())}
    write_json(f"{OUT}/config.json", {
        "model_type": "dcgan", "image_size": data.SIZE, "channels": 1, "noise_dim": Z, "noise": "standard normal",
        "pixel_range": [0, 1], "generator": {"file": "generator.onnx", "inputs": {"noise": f"[batch,{Z}]"},
                                             "outputs": {"image": "[batch,1,32,32]"}},
        "discriminator": {"file": "discriminator.onnx", "inputs": {"image": "[batch,1,32,32]"},
                          "outputs": {"score": "[batch,1] probability that the image is real"}},
        "data": data.DESCRIPTION, "measured_scores": measured})
    rows = "\n".join(f"| {k} | {v['mean']:.3f} | {v['std']:.3f} | {v['p5']:.3f} | {v['p95']:.3f} | {v['min']:.3f} | {v['max']:.3f} |"
                     for k, v in measured.items())
    card = f"""# genai-gan-tiny

A small DCGAN for GenAI Studio's Model Playground, trained from scratch here.

- data: {data.DESCRIPTION}.
- generator.onnx: `noise` float32 [batch, {Z}] (standard normal) -> `image` [batch, 1, 32, 32] in [0, 1] (sigmoid).
- discriminator.onnx: `image` [batch, 1, 32, 32] in [0, 1] -> `score` [batch, 1], the probability (after a sigmoid) that
  the image is a real training image.
- parameters: generator {params['generator']:,}, discriminator {params['discriminator']:,}; files
  {os.path.getsize(f'{OUT}/generator.onnx') / 1e3:.0f} kB + {os.path.getsize(f'{OUT}/discriminator.onnx') / 1e3:.0f} kB; batch norm
  folded in inference mode; opset 17, dynamic batch.
- training: non-saturating GAN loss, Adam 2e-4 (beta1 0.5), one-sided label smoothing 0.9, {steps} steps of batch 64
  in {minutes:.1f} CPU minutes (1 thread). Reproduce: `bash tools/train-playground-models.sh`. `samples.png`: 32 samples.

## Measured discriminator scores (onnxruntime, exported files, {n} images each)
real = held-out images from the procedural data source (seed 2); generated = generator(N(0, I) noise);
uniform_noise = pixels drawn uniformly from [0, 1].

| images | mean | std | p5 | p95 | min | max |
|---|---|---|---|---|---|---|
{rows}

A test can rely on generated samples scoring unlike uniform noise: the highest noise score
({measured['uniform_noise']['max']:.2e}) is below the 5th percentile of the generated scores
({measured['generated']['p5']:.2e}), and the gap between the means is {measured['generated']['mean'] - measured['uniform_noise']['mean']:.3f}
(`config.json` `measured_scores` holds these figures). The discriminator also separates real from generated
images, as a trained GAN's discriminator does: its scores are not calibrated probabilities of "looks like a shape".

Licence: MIT; the data is procedural.
"""
    with open(f"{OUT}/MODEL_CARD.md", "w") as f:
        f.write(card)
    log("gan scores: " + ", ".join(f"{k} {v['mean']:.3f}±{v['std']:.3f}" for k, v in measured.items()))


if __name__ == "__main__":
    main()
