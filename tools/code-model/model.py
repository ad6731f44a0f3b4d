"""GPT-2 architecture in plain torch (torch 1.13 has no fused attention), with the KV-cache
signature Transformers.js expects when exported."""
import math

import torch
import torch.nn.functional as F


class Block(torch.nn.Module):
    def __init__(self, width, heads):
        super().__init__()
        self.heads = heads
        self.ln1 = torch.nn.LayerNorm(width)
        self.qkv = torch.nn.Linear(width, 3 * width)
        self.proj = torch.nn.Linear(width, width)
        self.ln2 = torch.nn.LayerNorm(width)
        self.fc = torch.nn.Linear(width, 4 * width)
        self.out = torch.nn.Linear(4 * width, width)

    def forward(self, x, bias, past_k=None, past_v=None):
        b, t, w = x.shape
        hd = w // self.heads
        q, k, v = self.qkv(self.ln1(x)).split(w, 2)
        q = q.view(b, t, self.heads, hd).transpose(1, 2)
        k = k.view(b, t, self.heads, hd).transpose(1, 2)
        v = v.view(b, t, self.heads, hd).transpose(1, 2)
        if past_k is not None:
            k = torch.cat([past_k, k], 2)
            v = torch.cat([past_v, v], 2)
        att = (q @ k.transpose(-1, -2)) / math.sqrt(hd) + bias
        y = (att.softmax(-1) @ v).transpose(1, 2).reshape(b, t, w)
        x = x + self.proj(y)
        x = x + self.out(F.gelu(self.fc(self.ln2(x))))
        return x, k, v


class GPT(torch.nn.Module):
    def __init__(self, vocab, positions, layers, width, heads):
        super().__init__()
        self.config = dict(vocab=vocab, positions=positions, layers=layers, width=width, heads=heads)
        self.wte = torch.nn.Embedding(vocab, width)
        self.wpe = torch.nn.Embedding(positions, width)
        self.blocks = torch.nn.ModuleList(Block(width, heads) for _ in range(layers))
        self.ln = torch.nn.LayerNorm(width)
        self.apply(self._init)
        for block in self.blocks:
            torch.nn.init.normal_(block.proj.weight, std=0.02 / math.sqrt(2 * layers))
            torch.nn.init.normal_(block.out.weight, std=0.02 / math.sqrt(2 * layers))

    @staticmethod
    def _init(module):
        if isinstance(module, (torch.nn.Linear, torch.nn.Embedding)):
            torch.nn.init.normal_(module.weight, std=0.02)
        if isinstance(module, torch.nn.Linear) and module.bias is not None:
            torch.nn.init.zeros_(module.bias)

    def forward(self, ids):
        """Training: logits for every position, causal."""
        t = ids.shape[1]
        x = self.wte(ids) + self.wpe(torch.arange(t, device=ids.device))
        bias = torch.full((t, t), float('-inf')).triu(1)
        for block in self.blocks:
            x, _, _ = block(x, bias)
        return self.ln(x) @ self.wte.weight.T


class Exportable(torch.nn.Module):
    """input_ids, attention_mask, position_ids, past_key_values.* -> logits, present.*"""

    def __init__(self, gpt):
        super().__init__()
        self.gpt = gpt

    def forward(self, input_ids, attention_mask, position_ids, *past):
        g = self.gpt
        x = g.wte(input_ids) + g.wpe(position_ids)
        t = input_ids.shape[1]
        s = attention_mask.shape[1]
        query_pos = torch.arange(t).view(t, 1) + (s - t)
        key_pos = torch.arange(s).view(1, s)
        causal = (key_pos > query_pos).float() * -1e9
        padding = (1.0 - attention_mask[:, None, None, :].float()) * -1e9
        bias = causal + padding
        presents = []
        for i, block in enumerate(g.blocks):
            x, k, v = block(x, bias, past[2 * i], past[2 * i + 1])
            presents += [k, v]
        return (g.ln(x) @ g.wte.weight.T, *presents)
