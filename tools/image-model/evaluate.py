"""Evaluates the exported ONNX model folder through onnxruntime (Node worker) with a numpy DDIM sampler.

1. Parity: each ONNX component against the torch outputs in tools/.work/image/reference.json.
2. Prompt fidelity: for 40 held-out captions that name the shape's colour and the background, 20 DDIM
   steps (leading) at guidance 4; each pixel is assigned its nearest palette colour; the background is
   the most common colour on the image border, the shape colour the most common other colour, and the
   shape the best-IoU template among the six shapes fitted to the non-background mask's centroid/area.
Writes tools/.work/image/eval.json and samples.png in the model folder.
"""
import json
import os
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
import clip_bpe  # noqa: E402
import png  # noqa: E402
import scheduler_reference as sched  # noqa: E402
import shapes  # noqa: E402
from export import DDIM_SCHEDULER  # noqa: E402
from onnx_client import OnnxRunner  # noqa: E402
from train import path  # noqa: E402

CASES, STEPS, GUIDANCE = 40, 20, 4.0
PALETTE_NAMES = list(shapes.COLOURS)
PALETTE = np.array([shapes.COLOURS[c] for c in PALETTE_NAMES], np.float64) / 255


def parity(runner, folder):
    ref = json.load(open(path("reference.json")))
    arr = lambda r: np.array(r["data"]).reshape(r["dims"])  # noqa: E731
    ids = arr(ref["input_ids"]).astype(np.int64)
    sample = arr(ref["sample"]).astype(np.float32)
    out = {
        "text_encoder": runner.run(f"{folder}/text_encoder/model.onnx", input_ids=ids)["last_hidden_state"]
        - arr(ref["last_hidden_state"]),
        "unet": runner.run(f"{folder}/unet/model.onnx", sample=sample, timestep=np.array(ref["timestep"], np.int64),
                           encoder_hidden_states=arr(ref["last_hidden_state"]).astype(np.float32))["out_sample"]
        - arr(ref["out_sample"]),
        "vae_decoder": runner.run(f"{folder}/vae_decoder/model.onnx",
                                  latent_sample=(sample / ref["scaling_factor"]).astype(np.float32))["sample"] - arr(ref["image"]),
        "vae_encoder": runner.run(f"{folder}/vae_encoder/model.onnx", sample=arr(ref["image"]).astype(np.float32))["latent_sample"]
        - arr(ref["latent_sample"]),
    }
    return {k: float(np.abs(v).max()) for k, v in out.items()}


def generate(runner, folder, captions, seed, size=32, steps=STEPS, guidance=GUIDANCE):
    tok = clip_bpe.Tokenizer.load(f"{folder}/tokenizer")
    scaling = json.load(open(f"{folder}/vae_decoder/config.json"))["scaling_factor"]
    ids = np.array([tok.encode(c) for c in captions] + [tok.encode("")], np.int64)
    hidden = runner.run(f"{folder}/text_encoder/model.onnx", input_ids=ids)["last_hidden_state"].astype(np.float32)
    n = len(captions)
    context = np.concatenate([hidden[:n], np.repeat(hidden[n:], n, axis=0)])
    cfg = {**DDIM_SCHEDULER}
    ac = sched.alphas_cumprod(cfg)
    timesteps = sched.spaced_timesteps(cfg, steps, rounding=True).astype(np.int64)
    x = np.random.default_rng(seed).standard_normal((n, 4, size // 4, size // 4))
    for t in timesteps:
        eps2 = runner.run(f"{folder}/unet/model.onnx", sample=np.concatenate([x, x]).astype(np.float32),
                          timestep=np.full(2 * n, t, np.int64), encoder_hidden_states=context)["out_sample"]
        eps = eps2[n:] + guidance * (eps2[:n] - eps2[n:])
        prev_t = t - cfg["num_train_timesteps"] // steps
        a, a_prev = ac[t], (ac[prev_t] if prev_t >= 0 else ac[0])
        x0 = (x - np.sqrt(1 - a) * eps) / np.sqrt(a)
        x = np.sqrt(a_prev) * x0 + np.sqrt(1 - a_prev) * eps
    image = runner.run(f"{folder}/vae_decoder/model.onnx", latent_sample=(x / scaling).astype(np.float32))["sample"]
    return np.clip(image / 2 + 0.5, 0, 1)


def analyse(image):
    """image [3, H, W] in [0,1] -> (shape colour, background colour, shape name or None)."""
    h, w = image.shape[1:]
    px = image.transpose(1, 2, 0)
    labels = np.argmin(((px[:, :, None, :] - PALETTE[None, None]) ** 2).sum(-1), axis=-1)
    border = np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]])
    bg = np.bincount(border, minlength=len(PALETTE)).argmax()
    fg_mask = labels != bg
    if fg_mask.sum() < 4:
        return None, PALETTE_NAMES[bg], None
    fg = np.bincount(labels[fg_mask], minlength=len(PALETTE)).argmax()
    return PALETTE_NAMES[fg], PALETTE_NAMES[bg], classify_shape(labels == fg)


def classify_shape(mask):
    h, w = mask.shape
    ys, xs = np.nonzero(mask)
    cx, cy = (xs.mean() + 0.5) / w, (ys.mean() + 0.5) / h
    best, best_iou = None, -1.0
    for name in shapes.SHAPES:
        for r in np.linspace(0.1, 0.36, 14):
            for dy in (-0.04, 0.0, 0.04):
                tmpl = shapes.render({"shape": name, "colour": "white", "background": "black", "size": "large",
                                      "center": (cx, cy + dy), "scale": r / shapes.SIZES["large"]}, size=h)[0] > 0.5
                iou = (tmpl & mask).sum() / max((tmpl | mask).sum(), 1)
                if iou > best_iou:
                    best, best_iou = name, iou
    return best


def vae_ceiling(runner, folder, held):
    """Reconstruct the real held-out images through the exported VAE: its error, and what the scorer finds
    in the reconstructions (the best prompt fidelity the diffusion model could reach)."""
    data = np.load(path("data.npz"))
    images = data["held_images"].astype(np.float32) / 255
    chosen = [h["index"] for h in held]
    x = images[chosen] * 2 - 1
    latent = runner.run(f"{folder}/vae_encoder/model.onnx", sample=x)["latent_sample"].astype(np.float32)
    rebuilt = np.clip(runner.run(f"{folder}/vae_decoder/model.onnx", latent_sample=latent)["sample"] / 2 + 0.5, 0, 1)
    found = [analyse(im) for im in rebuilt]
    return {"mse_per_pixel_0_1": float(((rebuilt - images[chosen]) ** 2).mean()),
            "colour": float(np.mean([f[0] == h["colour"] for f, h in zip(found, held)])),
            "background": float(np.mean([f[1] == h["background"] for f, h in zip(found, held)])),
            "shape": float(np.mean([f[2] == h["shape"] for f, h in zip(found, held)]))}


def tokenizer_check(folder):
    """Transformers.js (vocab.json + merges.txt converted) must give clip_bpe.py's ids."""
    tok = clip_bpe.Tokenizer.load(f"{folder}/tokenizer")
    texts = [h["caption"] for h in json.load(open(path("held_out.json")))[:200]]
    texts += ["", "A  Large RED star!", "purple zebra on a café", "unknown words 123 like xyz", "it's the cat's hat"]
    with open(path("tokenizer_cases.json"), "w") as f:
        json.dump([{"text": t, "ids": tok.encode(t)} for t in texts], f)
    result = subprocess.run(["node", os.path.join(os.path.dirname(__file__), "check_tokenizer.mjs"), os.path.abspath(f"{folder}/tokenizer"),
                             path("tokenizer_cases.json")], capture_output=True, text=True, cwd=os.path.dirname(__file__))
    if not result.stdout.strip():
        raise RuntimeError(f"check_tokenizer.mjs failed (exit {result.returncode}): {result.stderr.strip()}")
    print(result.stdout.strip())
    return result.stdout.strip().splitlines()[-1]


def main():
    folder = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..", "models", "genai-image-tiny")
    runner = OnnxRunner()
    try:
        diffs = parity(runner, folder)
        held = [{**h, "index": i} for i, h in enumerate(json.load(open(path("held_out.json"))))
                if {"colour", "background"} <= set(h["mentioned"])][:CASES]
        ceiling = vae_ceiling(runner, folder, held)
        images = generate(runner, folder, [h["caption"] for h in held], seed=7)
        bigger = generate(runner, folder, [h["caption"] for h in held[:8]], seed=8, size=48)
    finally:
        runner.close()
    rows, correct = [], {"colour": 0, "background": 0, "shape": 0, "all": 0}
    for h, im in zip(held, images):
        colour, bg, shape = analyse(im)
        ok = {"colour": colour == h["colour"], "background": bg == h["background"], "shape": shape == h["shape"]}
        ok["all"] = all(ok.values())
        for k, v in ok.items():
            correct[k] += int(v)
        rows.append({"caption": h["caption"], "found": {"colour": colour, "background": bg, "shape": shape}, **ok})
    checks = [analyse(im) for im in bigger]
    result = {"parity_max_abs_diff": diffs, "vae_reconstruction": ceiling, "tokenizer_transformersjs": tokenizer_check(folder), "cases": len(held), "steps": STEPS, "guidance": GUIDANCE,
              "accuracy": {k: v / len(held) for k, v in correct.items()},
              "size48_colour_background": sum(c[0] == h["colour"] and c[1] == h["background"]
                                              for c, h in zip(checks, held)) / len(checks),
              "rows": rows}
    with open(path("eval.json"), "w") as f:
        json.dump(result, f, indent=1)
    png.write_png(f"{folder}/samples.png", png.grid(images[:24], 8, scale=2))
    print(json.dumps({k: v for k, v in result.items() if k != "rows"}, indent=1))


if __name__ == "__main__":
    main()
