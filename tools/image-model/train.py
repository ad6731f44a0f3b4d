"""Trains the tiny latent diffusion model in stages, each with a wall-clock budget and resumable checkpoints.

  data       procedural images + captions (tools/.work/image/data.npz), held-out set, tokenizer
  vae        the autoencoder (32x32x3 <-> 8x8x4), small KL weight as for latent diffusion
  diffusion  text encoder + UNet on the VAE's latents (epsilon prediction, 10% empty captions for CFG)

Usage: /usr/bin/python3 tools/image-model/train.py STAGE [--minutes N]
A rerun resumes from the stage's checkpoint and trains until the stage's total budget is spent.
"""
import argparse
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(__file__))
import clip_bpe  # noqa: E402
import nets  # noqa: E402
import shapes  # noqa: E402

WORK = os.path.join(os.path.dirname(__file__), "..", ".work", "image")
TRAIN_COUNT, HELD_OUT_COUNT = 40000, 400
KL_WEIGHT = 1e-3
CAPTION_DROPOUT = 0.1
BATCH = 64
T_TRAIN = 1000


def path(name):
    return os.path.join(WORK, name)


def log(msg):
    print(time.strftime("%H:%M:%S"), msg, flush=True)


def stage_data(_args):
    os.makedirs(WORK, exist_ok=True)
    images, captions, _ = shapes.dataset(TRAIN_COUNT, seed=1)
    held_images, held_captions, held_params = shapes.dataset(HELD_OUT_COUNT, seed=2)
    np.savez_compressed(path("data.npz"), images=(images * 255).round().astype(np.uint8), captions=np.array(captions),
                        held_images=(held_images * 255).round().astype(np.uint8), held_captions=np.array(held_captions))
    with open(path("held_out.json"), "w") as f:
        json.dump([{"caption": c, **p} for c, p in zip(held_captions, held_params)], f)
    # every vocabulary word is in the merge corpus, so each one is a single token
    merges = clip_bpe.train(captions + [" ".join(shapes.vocabulary())] * 1000)
    clip_bpe.Tokenizer(merges).save(path("tokenizer"))
    log(f"data: {TRAIN_COUNT} train, {HELD_OUT_COUNT} held out, {len(merges)} merges")


def load_images(key="images"):
    data = np.load(path("data.npz"))
    return torch.from_numpy(data[key].astype(np.float32) / 127.5 - 1.0)


class Budget:
    """Wall-clock budget that survives restarts (elapsed seconds live in the checkpoint)."""

    def __init__(self, minutes, elapsed):
        self.total, self.start, self.before = minutes * 60, time.time(), elapsed

    @property
    def elapsed(self):
        return self.before + time.time() - self.start

    def lr(self, peak, warmup=0.03):
        f = min(self.elapsed / self.total, 1.0)
        return peak * min(1.0, f / warmup) * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * f)))

    def done(self):
        return self.elapsed >= self.total


def resume(ckpt, modules, opt):
    if not os.path.exists(ckpt):
        return 0.0, 0
    state = torch.load(ckpt)
    for name, m in modules.items():
        m.load_state_dict(state[name])
    opt.load_state_dict(state["opt"])
    log(f"resumed {ckpt} at {state['elapsed'] / 60:.1f} min, step {state['step']}")
    return state["elapsed"], state["step"]


def save(ckpt, modules, opt, elapsed, step, extra=None):
    state = {name: m.state_dict() for name, m in modules.items()}
    state.update(opt=opt.state_dict(), elapsed=elapsed, step=step, **(extra or {}))
    torch.save(state, ckpt + ".tmp")
    os.replace(ckpt + ".tmp", ckpt)


def vae_loss(enc, dec, x):
    mean, logvar = enc(x)
    logvar = logvar.clamp(-20, 10)
    z = mean + torch.randn_like(mean) * torch.exp(0.5 * logvar)
    rec = F.mse_loss(dec(z), x)
    kl = 0.5 * (mean.square() + logvar.exp() - 1 - logvar).mean()
    return rec, kl


def stage_vae(args):
    images = load_images()
    held = load_images("held_images")
    enc, dec = nets.VaeEncoder(), nets.VaeDecoder()
    modules = {"encoder": enc, "decoder": dec}
    opt = torch.optim.AdamW([p for m in modules.values() for p in m.parameters()], lr=2e-3, weight_decay=0.0)
    ckpt = path("vae.pt")
    elapsed, step = resume(ckpt, modules, opt)
    budget = Budget(args.minutes, elapsed)
    last_save = time.time()
    while not budget.done():
        for g in opt.param_groups:
            g["lr"] = budget.lr(2e-3)
        x = images[torch.randint(0, len(images), (BATCH,))]
        rec, kl = vae_loss(enc, dec, x)
        opt.zero_grad()
        (rec + KL_WEIGHT * kl).backward()
        opt.step()
        step += 1
        if step % 100 == 0:
            with torch.no_grad():
                hrec, hkl = vae_loss(enc, dec, held[:256])
            log(f"vae step {step} {budget.elapsed / 60:.1f} min rec {rec.item():.5f} kl {kl.item():.3f} held rec {hrec.item():.5f}")
        if time.time() - last_save > 60:
            save(ckpt, modules, opt, budget.elapsed, step)
            last_save = time.time()
    with torch.no_grad():
        means = torch.cat([enc(images[i:i + 1000])[0] for i in range(0, 10000, 1000)])
    scaling = float(1.0 / means.std())
    save(ckpt, modules, opt, budget.elapsed, step, {"scaling_factor": scaling})
    log(f"vae done: step {step}, latent std {means.std().item():.4f} -> scaling_factor {scaling:.5f}")


def alphas_cumprod():
    betas = torch.linspace(0.00085 ** 0.5, 0.012 ** 0.5, T_TRAIN, dtype=torch.float64) ** 2
    return torch.cumprod(1 - betas, 0).float()


def encode_latents(images):
    vae = torch.load(path("vae.pt"))
    enc = nets.VaeEncoder()
    enc.load_state_dict(vae["encoder"])
    with torch.no_grad():
        lat = torch.cat([enc(images[i:i + 1000])[0] for i in range(0, len(images), 1000)])
    return lat * vae["scaling_factor"]


def stage_diffusion(args):
    cache = path("latents.pt")
    data = np.load(path("data.npz"))
    if os.path.exists(cache) and os.path.getmtime(cache) > os.path.getmtime(path("vae.pt")):
        latents = torch.load(cache)
    else:
        latents = encode_latents(load_images())
        torch.save(latents, cache)
    tok = clip_bpe.Tokenizer.load(path("tokenizer"))
    ids = torch.tensor([tok.encode(c) for c in data["captions"]])
    empty = torch.tensor(tok.encode(""))
    te, unet = nets.TextEncoder(len(tok.encoder), clip_bpe.MAX_LENGTH), nets.UNet()
    ema_te, ema_unet = nets.TextEncoder(len(tok.encoder), clip_bpe.MAX_LENGTH), nets.UNet()
    ema_te.load_state_dict(te.state_dict())
    ema_unet.load_state_dict(unet.state_dict())
    modules = {"text_encoder": te, "unet": unet, "ema_text_encoder": ema_te, "ema_unet": ema_unet}
    params = list(te.parameters()) + list(unet.parameters())
    opt = torch.optim.AdamW(params, lr=1e-3, weight_decay=0.01)
    ckpt = path("diffusion.pt")
    vae_step = torch.load(path("vae.pt"))["step"]
    if os.path.exists(ckpt) and torch.load(ckpt).get("vae_step") != vae_step:
        sys.exit(f"{ckpt} was trained on another VAE's latents: delete it to train the diffusion stage afresh")
    elapsed, step = resume(ckpt, modules, opt)
    budget = Budget(args.minutes, elapsed)
    ac = alphas_cumprod()
    last_save, running = time.time(), None
    pairs = list(zip(params, list(ema_te.parameters()) + list(ema_unet.parameters())))
    while not budget.done():
        for g in opt.param_groups:
            g["lr"] = budget.lr(1e-3)
        idx = torch.randint(0, len(latents), (BATCH,))
        x0, tokens = latents[idx], ids[idx].clone()
        tokens[torch.rand(BATCH) < CAPTION_DROPOUT] = empty
        t = torch.randint(0, T_TRAIN, (BATCH,))
        noise = torch.randn_like(x0)
        a = ac[t][:, None, None, None]
        xt = a.sqrt() * x0 + (1 - a).sqrt() * noise
        loss = F.mse_loss(unet(xt, t, te(tokens)), noise)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        step += 1
        decay = min(0.999, (1 + step) / (10 + step))
        with torch.no_grad():
            for p, e in pairs:
                e.mul_(decay).add_(p.detach(), alpha=1 - decay)
        running = loss.item() if running is None else 0.98 * running + 0.02 * loss.item()
        if step % 100 == 0:
            log(f"diffusion step {step} {budget.elapsed / 60:.1f} min loss {running:.4f} lr {opt.param_groups[0]['lr']:.2e}")
        if time.time() - last_save > 60:
            save(ckpt, modules, opt, budget.elapsed, step, {"vae_step": vae_step})
            last_save = time.time()
    save(ckpt, modules, opt, budget.elapsed, step, {"vae_step": vae_step})
    log(f"diffusion done: step {step}, {budget.elapsed / 60:.1f} min")


def main():
    torch.set_num_threads(1)
    torch.manual_seed(0)
    parser = argparse.ArgumentParser()
    parser.add_argument("stage", choices=["data", "vae", "diffusion"])
    parser.add_argument("--minutes", type=float, default=10)
    args = parser.parse_args()
    {"data": stage_data, "vae": stage_vae, "diffusion": stage_diffusion}[args.stage](args)


if __name__ == "__main__":
    main()
