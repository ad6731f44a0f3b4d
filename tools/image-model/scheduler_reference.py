"""Independent numpy reference for the diffusers schedulers the engine implements (epsilon prediction,
scaled_linear betas): DDIM (eta 0), Euler, Euler ancestral and LCM. Writes one JSON fixture per case to
test/fixtures/schedulers/ so the TypeScript schedulers can be checked step by step without torch.

Usage: /usr/bin/python3 tools/image-model/scheduler_reference.py [out_dir]
"""
import json
import os
import sys

import numpy as np

BASE_CONFIG = {
    "num_train_timesteps": 1000,
    "beta_start": 0.00085,
    "beta_end": 0.012,
    "beta_schedule": "scaled_linear",
    "prediction_type": "epsilon",
}
LENGTH = 16


def alphas_cumprod(cfg):
    betas = np.linspace(cfg["beta_start"] ** 0.5, cfg["beta_end"] ** 0.5, cfg["num_train_timesteps"], dtype=np.float64) ** 2
    return np.cumprod(1.0 - betas)


def spaced_timesteps(cfg, n, rounding):
    """Timesteps for DDIM/Euler; `rounding` False keeps Euler's fractional linspace timesteps."""
    t_train = cfg["num_train_timesteps"]
    spacing = cfg["timestep_spacing"]
    if spacing == "leading":
        return (np.arange(n) * (t_train // n)).round()[::-1].astype(np.float64) + cfg["steps_offset"]
    if spacing == "trailing":
        return np.round(np.arange(t_train, 0, -t_train / n)) - 1
    if spacing == "linspace":
        ts = np.linspace(0, t_train - 1, n)[::-1]
        return ts.round() if rounding else ts.copy()
    raise ValueError(spacing)


def model_output(x, t):
    """The stand-in 'UNet': a fixed deterministic function of the step's input and timestep."""
    return 0.1 * np.sin(3.0 * x + t / 100.0)


def ddim(cfg, n, rng):
    ac = alphas_cumprod(cfg)
    final = 1.0 if cfg["set_alpha_to_one"] else ac[0]
    timesteps = spaced_timesteps(cfg, n, rounding=True).astype(np.int64)
    x = rng.standard_normal(LENGTH)
    case = {"timesteps": timesteps.tolist(), "initNoiseSigma": 1.0, "initialLatents": x.tolist(), "steps": []}
    for t in timesteps:
        eps = model_output(x, t)
        prev_t = t - cfg["num_train_timesteps"] // n
        a, a_prev = ac[t], (ac[prev_t] if prev_t >= 0 else final)
        x0 = (x - np.sqrt(1 - a) * eps) / np.sqrt(a)
        prev = np.sqrt(a_prev) * x0 + np.sqrt(1 - a_prev) * eps
        case["steps"].append(step_record(t, x, eps, None, prev))
        x = prev
    return case


def euler_sigmas(cfg, n):
    ac = alphas_cumprod(cfg)
    timesteps = spaced_timesteps(cfg, n, rounding=False)
    sigmas = np.sqrt((1 - ac) / ac)
    sigmas = np.concatenate([np.interp(timesteps, np.arange(len(sigmas)), sigmas), [0.0]])
    sigma_max = sigmas.max()
    init = sigma_max if cfg["timestep_spacing"] in ("linspace", "trailing") else np.sqrt(sigma_max ** 2 + 1)
    return timesteps, sigmas, float(init)


def euler(cfg, n, rng, ancestral):
    timesteps, sigmas, init = euler_sigmas(cfg, n)
    x = rng.standard_normal(LENGTH) * init
    case = {"timesteps": timesteps.tolist(), "sigmas": sigmas.tolist(), "initNoiseSigma": init,
            "initialLatents": x.tolist(), "steps": []}
    for i, t in enumerate(timesteps):
        sigma, sigma_next = sigmas[i], sigmas[i + 1]
        model_in = x / np.sqrt(sigma ** 2 + 1)
        eps = model_output(model_in, t)
        if ancestral:
            sigma_up = np.sqrt(sigma_next ** 2 * (sigma ** 2 - sigma_next ** 2) / sigma ** 2)
            sigma_down = np.sqrt(sigma_next ** 2 - sigma_up ** 2)
            noise = rng.standard_normal(LENGTH)
            prev = x + eps * (sigma_down - sigma) + noise * sigma_up
        else:
            noise = None
            prev = x + eps * (sigma_next - sigma)
        case["steps"].append(step_record(t, model_in, eps, noise, prev))
        x = prev
    return case


def lcm(cfg, n, rng):
    ac = alphas_cumprod(cfg)
    final = 1.0 if cfg["set_alpha_to_one"] else ac[0]
    t_train, original = cfg["num_train_timesteps"], cfg["original_inference_steps"]
    origin = (np.arange(1, original + 1) * (t_train // original) - 1)[::-1]
    timesteps = origin[np.floor(np.linspace(0, len(origin), n, endpoint=False)).astype(np.int64)]
    x = rng.standard_normal(LENGTH)
    case = {"timesteps": timesteps.tolist(), "initNoiseSigma": 1.0, "initialLatents": x.tolist(), "steps": []}
    sigma_data = 0.5
    for i, t in enumerate(timesteps):
        eps = model_output(x, t)
        prev_t = timesteps[i + 1] if i + 1 < n else t
        a, a_prev = ac[t], (ac[prev_t] if prev_t >= 0 else final)
        scaled = t * cfg["timestep_scaling"]
        c_skip = sigma_data ** 2 / (scaled ** 2 + sigma_data ** 2)
        c_out = scaled / np.sqrt(scaled ** 2 + sigma_data ** 2)
        x0 = (x - np.sqrt(1 - a) * eps) / np.sqrt(a)
        denoised = c_out * x0 + c_skip * x
        if i < n - 1:
            noise = rng.standard_normal(LENGTH)
            prev = np.sqrt(a_prev) * denoised + np.sqrt(1 - a_prev) * noise
        else:
            noise, prev = None, denoised
        case["steps"].append(step_record(t, x, eps, noise, prev))
        x = prev
    return case


def step_record(t, model_in, eps, noise, prev):
    return {"timestep": t.item() if hasattr(t, "item") else t, "modelInput": model_in.tolist(),
            "modelOutput": eps.tolist(), "noise": None if noise is None else noise.tolist(), "prevSample": prev.tolist()}


DDIM_CONFIG = {**BASE_CONFIG, "_class_name": "DDIMScheduler", "steps_offset": 1, "set_alpha_to_one": False,
               "clip_sample": False}
EULER_CONFIG = {**BASE_CONFIG, "_class_name": "EulerDiscreteScheduler", "steps_offset": 1, "interpolation_type": "linear"}
ANCESTRAL_CONFIG = {**BASE_CONFIG, "_class_name": "EulerAncestralDiscreteScheduler", "steps_offset": 1}
LCM_CONFIG = {**BASE_CONFIG, "_class_name": "LCMScheduler", "steps_offset": 0, "set_alpha_to_one": True,
              "clip_sample": False, "original_inference_steps": 50, "timestep_scaling": 10.0, "timestep_spacing": "leading"}

CASES = [
    ("ddim-leading-20", "ddim", {**DDIM_CONFIG, "timestep_spacing": "leading"}, 20),
    ("ddim-linspace-10", "ddim", {**DDIM_CONFIG, "timestep_spacing": "linspace"}, 10),
    ("euler-leading-20", "euler", {**EULER_CONFIG, "timestep_spacing": "leading"}, 20),
    ("euler-trailing-4", "euler", {**EULER_CONFIG, "timestep_spacing": "trailing"}, 4),
    ("euler-linspace-10", "euler", {**EULER_CONFIG, "timestep_spacing": "linspace"}, 10),
    ("euler-ancestral-leading-15", "euler-ancestral", {**ANCESTRAL_CONFIG, "timestep_spacing": "leading"}, 15),
    ("lcm-4", "lcm", LCM_CONFIG, 4),
]


def build(kind, cfg, n, seed):
    rng = np.random.default_rng(seed)
    if kind == "ddim":
        body = ddim(cfg, n, rng)
    elif kind == "lcm":
        body = lcm(cfg, n, rng)
    else:
        body = euler(cfg, n, rng, ancestral=kind == "euler-ancestral")
    case = {"scheduler": kind, "config": cfg, "numInferenceSteps": n, "timesteps": body["timesteps"]}
    if "sigmas" in body:
        case["sigmas"] = body["sigmas"]
    case.update({"initNoiseSigma": body["initNoiseSigma"], "length": LENGTH, "initialLatents": body["initialLatents"],
                 "steps": body["steps"]})
    return case


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..", "test", "fixtures", "schedulers")
    os.makedirs(out_dir, exist_ok=True)
    for seed, (name, kind, cfg, n) in enumerate(CASES):
        # json writes floats with repr(), i.e. the shortest text that round-trips the float64 exactly.
        with open(os.path.join(out_dir, name + ".json"), "w") as f:
            json.dump(build(kind, cfg, n, seed), f, indent=1)
            f.write("\n")
        print("wrote", name)


if __name__ == "__main__":
    main()
