"""Writes models/genai-image-tiny/MODEL_CARD.md from the export statistics and the evaluation."""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
import shapes  # noqa: E402
from train import BATCH, CAPTION_DROPOUT, KL_WEIGHT, TRAIN_COUNT, path  # noqa: E402


def sizes(folder):
    out = {}
    for root, _, files in os.walk(folder):
        for f in files:
            if f.endswith(".onnx"):
                out[os.path.relpath(os.path.join(root, f), folder)] = os.path.getsize(os.path.join(root, f))
    total = sum(os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(folder) for f in fs)
    return out, total


def main():
    folder = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..", "models", "genai-image-tiny")
    snapshot = "--snapshot" in sys.argv
    stats = json.load(open(path("export_stats.json")))
    ev = json.load(open(path("eval.json")))
    files, total = sizes(folder)
    acc = ev["accuracy"]
    params = stats["params"]
    status = ("**Early snapshot** (short training run) published so the pipeline can be built against the final layout; "
              "a longer run replaces it.\n\n") if snapshot else ""
    minutes = stats["vae_minutes"] + stats["diffusion_minutes"]
    lines = [
        "# genai-image-tiny", "",
        status + "A tiny text-to-image latent diffusion model in the Stable Diffusion ONNX layout, trained from scratch on "
        "procedural 32x32 images of coloured shapes. It is the offline default of GenAI Studio's image generation and "
        "the model its tests use: it answers prompts like \"large red star on a blue background\".", "",
        "## Layout", "",
        "| path | what |", "|---|---|",
        "| `model_index.json` | diffusers style, `_class_name` StableDiffusionPipeline |",
        "| `scheduler/scheduler_config.json` | DDIMScheduler, scaled_linear 0.00085..0.012, 1000 steps, steps_offset 1, leading, epsilon |",
        "| `tokenizer/` | CLIP BPE: `vocab.json`, `merges.txt`, `tokenizer_config.json`, `special_tokens_map.json` (no `tokenizer.json`) |",
        "| `text_encoder/model.onnx` | `input_ids` int64 [batch, seq] -> `last_hidden_state` float32 [batch, seq, 64] |",
        "| `unet/model.onnx` | `sample` [batch, 4, h/4, w/4], `timestep` int64 [batch], `encoder_hidden_states` [batch, seq, 64] -> `out_sample` (epsilon) |",
        "| `vae_decoder/model.onnx` | `latent_sample` [batch, 4, h/4, w/4] (latents / scaling_factor) -> `sample` [batch, 3, h, w] in [-1, 1] |",
        "| `vae_encoder/model.onnx` | `sample` [batch, 3, h, w] in [-1, 1] -> `latent_sample` (posterior mean, unscaled: multiply by scaling_factor) |",
        "", f"`scaling_factor` = {stats['scaling_factor']:.5f} (in `vae_decoder/config.json`; makes the latents' std ~1).", "",
        "**Sizes:** all networks are fully convolutional/attention over positions, so width and height may be any multiple "
        "of 8 pixels (latent side a multiple of 2, for the UNet's one downsampling). The model was trained at 32x32 only; "
        f"other sizes work but are less faithful (48x48: colour and background right for "
        f"{ev['size48_colour_background'] * 100:.0f}% of 8 prompts).", "",
        "## Tokenizer", "",
        "CLIP's format exactly: lower-case, collapse whitespace, split with CLIP's regex, bytes through GPT-2's "
        "`bytes_to_unicode`, the last symbol of each word gets `</w>`, merges by rank; vocab = 256 byte symbols, the "
        "same with `</w>`, one entry per merge, then `<|startoftext|>` and `<|endoftext|>`. "
        f"Ids: `[bos] + tokens + [eos]`, padded with `<|endoftext|>` to model_max_length 32; vocabulary {stats['vocab_size']} "
        "tokens, every caption word is one token, any other text still encodes (byte symbols). The empty prompt (for "
        "classifier-free guidance) is `[bos, eos, pad...]`. Checked: Transformers.js' CLIPTokenizer on a tokenizer.json "
        f"converted from vocab.json + merges.txt gives the same ids ({ev['tokenizer_transformersjs']}; "
        "`tools/image-model/check_tokenizer.mjs`).", "",
        "## Prompts", "",
        f"- colours: {', '.join(shapes.COLOURS)}",
        f"- shapes: {', '.join(shapes.SHAPES)}",
        "- sizes: small, large; positions: left, right, top, bottom, center (\"on the left\", \"at the top\", \"in the middle\", \"in the center\")",
        "- background: \"on green\", \"on a green background\", \"on green background\"; an optional leading \"a\"/\"an\"",
        "- pattern: `[a] [size] [colour] shape [position] [on background]`, e.g. \"small yellow ring at the top on a purple background\".",
        "- unmentioned attributes are random (colour, background, size and position vary continuously); the shape is always named.", "",
        "## Training", "",
        f"- data: {TRAIN_COUNT} procedural images with captions (`tools/image-model/shapes.py`, seed 1), held-out set seed 2.",
        f"- VAE: 32x32x3 <-> 8x8x4, MSE + {KL_WEIGHT} x KL, {stats['vae_steps']} steps of batch {BATCH} "
        f"({stats['vae_minutes']:.1f} min).",
        f"- text encoder + UNet trained jointly: epsilon prediction, scaled_linear betas, {CAPTION_DROPOUT:.0%} captions "
        f"replaced by the empty prompt (so guidance works), EMA 0.999 weights exported; {stats['diffusion_steps']} steps "
        f"of batch {BATCH} ({stats['diffusion_minutes']:.1f} min).",
        f"- total {minutes:.1f} wall-clock minutes, one thread on a shared 2-core machine (torch 1.13, OpenBLAS). Reproduce: `bash tools/train-image-model.sh`.", "",
        "| component | parameters | file size |", "|---|---|---|",
    ]
    for comp in ("text_encoder", "unet", "vae_encoder", "vae_decoder"):
        lines.append(f"| {comp} | {params[comp]:,} | {files[comp + '/model.onnx'] / 1e6:.2f} MB |")
    lines += [f"| total folder | {sum(params.values()):,} | {total / 1e6:.2f} MB |", "",
              "## Evaluation", "",
              f"Run through onnxruntime (Node) with a numpy DDIM sampler: {ev['cases']} held-out captions that name the shape "
              f"colour and the background, {ev['steps']} DDIM steps (leading), guidance {ev['guidance']}, 32x32. Each pixel "
              "is assigned its nearest palette colour; the background is the most common colour on the border, the shape "
              "colour the most common other colour, and the shape the best-IoU template among the six fitted at the mask's "
              "centroid (this scorer gets 40/40 right on the real held-out images). The held-out set is drawn with "
              "another seed; with 10 x 9 x 6 colour/background/shape combinations most caption texts also occur in "
              "training, so this measures prompt fidelity, not generalisation to unseen combinations.", "",
              "| shape colour | background | shape | all three |", "|---|---|---|---|",
              f"| {acc['colour']:.0%} | {acc['background']:.0%} | {acc['shape']:.0%} | {acc['all']:.0%} |", "",
              f"The VAE alone (encode + decode the same 40 real images): MSE per pixel {ev['vae_reconstruction']['mse_per_pixel_0_1']:.4f} "
              f"(pixels in [0, 1]); the scorer finds colour {ev['vae_reconstruction']['colour']:.0%}, background "
              f"{ev['vae_reconstruction']['background']:.0%}, shape {ev['vae_reconstruction']['shape']:.0%} in the reconstructions "
              "(small stars, crosses and triangles blur at 8x8 latents); generated shapes can score higher, being typical of their kind.", "",
              "ONNX vs torch max abs difference: " + ", ".join(f"{k} {v:.1e}" for k, v in ev["parity_max_abs_diff"].items()) + ".",
              "", "`samples.png`: the first 24 evaluation images (2x).", "",
              "## Licence", "", "MIT. The training data is procedural (no third-party images or text).", ""]
    with open(os.path.join(folder, "MODEL_CARD.md"), "w") as f:
        f.write("\n".join(lines))


if __name__ == "__main__":
    main()
