"""Exports the trained checkpoints to the Stable-Diffusion ONNX layout (opset 17, dynamic batch and size).

Usage: /usr/bin/python3 tools/image-model/export.py [out_dir] [--unet-random] ...
Writes model_index.json, scheduler/, tokenizer/ (vocab.json + merges.txt, no tokenizer.json),
text_encoder/, unet/, vae_decoder/, vae_encoder/ with a config.json each, plus
tools/.work/image/reference.json (torch outputs on fixed inputs, for the Node check).
"""
import json
import os
import shutil
import sys

import torch

sys.path.insert(0, os.path.dirname(__file__))
import clip_bpe  # noqa: E402
import nets  # noqa: E402
from train import WORK, path  # noqa: E402

OPSET = 17
SCHEDULER_BASE = {"num_train_timesteps": 1000, "beta_start": 0.00085, "beta_end": 0.012, "beta_schedule": "scaled_linear",
                  "prediction_type": "epsilon", "clip_sample": False, "_diffusers_version": "0.27.0"}
DDIM_SCHEDULER = {"_class_name": "DDIMScheduler", **SCHEDULER_BASE, "set_alpha_to_one": False, "steps_offset": 1,
                  "timestep_spacing": "leading"}


def write_json(file, obj):
    os.makedirs(os.path.dirname(file), exist_ok=True)
    with open(file, "w") as f:
        json.dump(obj, f, indent=2)
        f.write("\n")


def onnx_export(module, args, file, inputs, outputs, dynamic):
    os.makedirs(os.path.dirname(file), exist_ok=True)
    module.eval()
    with torch.no_grad():
        torch.onnx.export(module, args, file, input_names=inputs, output_names=outputs, dynamic_axes=dynamic,
                          opset_version=OPSET, do_constant_folding=True)


class Unscaled(torch.nn.Module):
    """vae_encoder output: the posterior mean (unscaled, as in diffusers' exports)."""

    def __init__(self, encoder):
        super().__init__()
        self.encoder = encoder

    def forward(self, sample):
        return self.encoder(sample)[0]


def export_text_encoder(te, vocab_size, out):
    ids = torch.tensor([[0] * clip_bpe.MAX_LENGTH])
    onnx_export(te, (ids,), f"{out}/text_encoder/model.onnx", ["input_ids"], ["last_hidden_state"],
                {"input_ids": {0: "batch", 1: "sequence"}, "last_hidden_state": {0: "batch", 1: "sequence"}})
    tok = clip_bpe.Tokenizer.load(f"{out}/tokenizer")
    write_json(f"{out}/text_encoder/config.json", {
        "_name_or_path": "genai-image-tiny/text_encoder", "architectures": ["CLIPTextModel"], "model_type": "clip_text_model",
        "hidden_size": te.dim, "intermediate_size": te.dim * 2, "num_hidden_layers": len(te.layers),
        "num_attention_heads": te.heads, "max_position_embeddings": clip_bpe.MAX_LENGTH, "vocab_size": vocab_size,
        "hidden_act": "gelu", "layer_norm_eps": 1e-5, "bos_token_id": tok.bos, "eos_token_id": tok.eos,
        "pad_token_id": tok.eos, "projection_dim": te.dim, "torch_dtype": "float32"})


def export_unet(unet, out, latent_size=8):
    timestep_cond_dim = unet.timestep_cond_dim
    sample = torch.zeros(1, nets.LATENT_CHANNELS, latent_size, latent_size)
    args = [sample, torch.tensor([1], dtype=torch.int64), torch.zeros(1, clip_bpe.MAX_LENGTH, unet.context_dim)]
    names = ["sample", "timestep", "encoder_hidden_states"]
    dynamic = {"sample": {0: "batch", 2: "height", 3: "width"}, "timestep": {0: "batch"},
               "encoder_hidden_states": {0: "batch", 1: "sequence"}, "out_sample": {0: "batch", 2: "height", 3: "width"}}
    if timestep_cond_dim:
        args.append(torch.zeros(1, timestep_cond_dim))
        names.append("timestep_cond")
        dynamic["timestep_cond"] = {0: "batch"}
    onnx_export(unet, tuple(args), f"{out}/unet/model.onnx", names, ["out_sample"], dynamic)
    config = {"_class_name": "UNet2DConditionModel", "_diffusers_version": "0.27.0", "sample_size": latent_size,
              "in_channels": nets.LATENT_CHANNELS, "out_channels": nets.LATENT_CHANNELS,
              "block_out_channels": list(unet.channels), "cross_attention_dim": unet.context_dim,
              "attention_head_dim": unet.heads, "layers_per_block": 1}
    if timestep_cond_dim:
        config["time_cond_proj_dim"] = timestep_cond_dim
    write_json(f"{out}/unet/config.json", config)


def export_vae(enc, dec, scaling, out):
    config = {"_class_name": "AutoencoderKL", "_diffusers_version": "0.27.0", "in_channels": 3, "out_channels": 3,
              "latent_channels": nets.LATENT_CHANNELS, "block_out_channels": list(enc.channels),
              "sample_size": 32, "scaling_factor": scaling}
    onnx_export(dec, (torch.zeros(1, nets.LATENT_CHANNELS, 8, 8),), f"{out}/vae_decoder/model.onnx", ["latent_sample"],
                ["sample"], {"latent_sample": {0: "batch", 2: "height", 3: "width"},
                             "sample": {0: "batch", 2: "height", 3: "width"}})
    onnx_export(Unscaled(enc), (torch.zeros(1, 3, 32, 32),), f"{out}/vae_encoder/model.onnx", ["sample"],
                ["latent_sample"], {"sample": {0: "batch", 2: "height", 3: "width"},
                                    "latent_sample": {0: "batch", 2: "height", 3: "width"}})
    write_json(f"{out}/vae_decoder/config.json", config)
    write_json(f"{out}/vae_encoder/config.json", config)


def model_index(name, scheduler_class, unet_class="OnnxRuntimeModel"):
    onnx = ["diffusers", "OnnxRuntimeModel"]
    return {"_class_name": name, "_diffusers_version": "0.27.0", "_name_or_path": None,
            "feature_extractor": [None, None], "safety_checker": [None, None], "requires_safety_checker": False,
            "scheduler": ["diffusers", scheduler_class], "text_encoder": onnx,
            "tokenizer": ["transformers", "CLIPTokenizer"], "unet": ["diffusers", unet_class],
            "vae_decoder": onnx, "vae_encoder": onnx}


def copy_tokenizer(out):
    shutil.copytree(path("tokenizer"), f"{out}/tokenizer", dirs_exist_ok=True)


def write_reference(te, unet, dec, enc, tok, scaling):
    """Torch outputs on fixed inputs, so the Node check can compare ONNX Runtime against them."""
    torch.manual_seed(123)
    ids = torch.tensor([tok.encode("a large red star on a blue background"), tok.encode("")])
    sample = torch.randn(2, nets.LATENT_CHANNELS, 12, 12)
    with torch.no_grad():
        hidden = te(ids)
        eps = unet(sample, torch.tensor([981, 1]), hidden)
        image = dec(sample / scaling)
        latent = enc(image)[0]
    flat = lambda t: {"dims": list(t.shape), "data": t.flatten().tolist()}  # noqa: E731
    write_json(path("reference.json"), {"input_ids": flat(ids), "last_hidden_state": flat(hidden), "sample": flat(sample),
                                        "timestep": [981, 1], "out_sample": flat(eps), "image": flat(image),
                                        "latent_sample": flat(latent), "scaling_factor": scaling})


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..", "models", "genai-image-tiny")
    torch.set_num_threads(1)
    vae, diff = torch.load(path("vae.pt")), torch.load(path("diffusion.pt"))
    tok = clip_bpe.Tokenizer.load(path("tokenizer"))
    enc, dec = nets.VaeEncoder(), nets.VaeDecoder()
    enc.load_state_dict(vae["encoder"])
    dec.load_state_dict(vae["decoder"])
    te, unet = nets.TextEncoder(len(tok.encoder), clip_bpe.MAX_LENGTH), nets.UNet()
    te.load_state_dict(diff["ema_text_encoder"])
    unet.load_state_dict(diff["ema_unet"])
    for m in (enc, dec, te, unet):
        m.eval()
    copy_tokenizer(out)
    write_json(f"{out}/model_index.json", model_index("StableDiffusionPipeline", "DDIMScheduler"))
    write_json(f"{out}/scheduler/scheduler_config.json", DDIM_SCHEDULER)
    export_text_encoder(te, len(tok.encoder), out)
    export_unet(unet, out)
    export_vae(enc, dec, vae["scaling_factor"], out)
    write_reference(te, unet, dec, enc, tok, vae["scaling_factor"])
    stats = {"params": {"text_encoder": nets.count(te), "unet": nets.count(unet), "vae_encoder": nets.count(enc),
                        "vae_decoder": nets.count(dec)},
             "vae_steps": vae["step"], "vae_minutes": vae["elapsed"] / 60, "diffusion_steps": diff["step"],
             "diffusion_minutes": diff["elapsed"] / 60, "scaling_factor": vae["scaling_factor"], "vocab_size": len(tok.encoder)}
    write_json(os.path.join(WORK, "export_stats.json"), stats)
    print(json.dumps(stats))


if __name__ == "__main__":
    main()
