"""The three networks of the tiny latent diffusion model (Stable-Diffusion layout, scaled down).

torch 1.13 has no scaled_dot_product_attention, so attention is written out; everything exports to
ONNX opset 17 with a dynamic batch, and the UNet and VAE are fully convolutional (any size that is a
multiple of 8 pixels).
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

TEXT_DIM = 64
TEXT_LAYERS = 2
TEXT_HEADS = 4
LATENT_CHANNELS = 4
VAE_CHANNELS = (16, 32, 64)  # three levels -> latent factor 2^(3-1) = 4
UNET_CHANNELS = (48, 96)
UNET_HEADS = 4


class Attention(nn.Module):
    def __init__(self, dim, context_dim, heads):
        super().__init__()
        self.heads = heads
        self.q = nn.Linear(dim, dim, bias=False)
        self.k = nn.Linear(context_dim, dim, bias=False)
        self.v = nn.Linear(context_dim, dim, bias=False)
        self.out = nn.Linear(dim, dim)

    def forward(self, x, context, mask=None):
        b, n, d = x.shape
        h = self.heads
        q = self.q(x).reshape(b, n, h, d // h).transpose(1, 2)
        k = self.k(context).reshape(b, context.shape[1], h, d // h).transpose(1, 2)
        v = self.v(context).reshape(b, context.shape[1], h, d // h).transpose(1, 2)
        w = q @ k.transpose(-1, -2) / math.sqrt(d // h)
        if mask is not None:
            w = w + mask
        y = (w.softmax(-1) @ v).transpose(1, 2).reshape(b, n, d)
        return self.out(y)


class TextLayer(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.ln1 = nn.LayerNorm(dim)
        self.attn = Attention(dim, dim, heads)
        self.ln2 = nn.LayerNorm(dim)
        self.mlp = nn.Sequential(nn.Linear(dim, dim * 2), nn.GELU(), nn.Linear(dim * 2, dim))

    def forward(self, x, mask):
        h = self.ln1(x)
        x = x + self.attn(h, h, mask)
        return x + self.mlp(self.ln2(x))


class TextEncoder(nn.Module):
    """CLIP-like causal transformer: token + position embeddings, pre-norm layers, final layer norm."""

    def __init__(self, vocab_size, max_positions, dim=TEXT_DIM, layers=TEXT_LAYERS, heads=TEXT_HEADS):
        super().__init__()
        self.dim, self.heads = dim, heads
        self.token = nn.Embedding(vocab_size, dim)
        self.position = nn.Embedding(max_positions, dim)
        self.layers = nn.ModuleList(TextLayer(dim, heads) for _ in range(layers))
        self.final = nn.LayerNorm(dim)

    def forward(self, input_ids):
        n = input_ids.shape[1]
        pos = torch.arange(n, device=input_ids.device)
        x = self.token(input_ids) + self.position(pos)[None]
        # built from a traced arange so the exported graph keeps a dynamic sequence length
        mask = (pos[None, :] > pos[:, None]).float() * -1e9
        for layer in self.layers:
            x = layer(x, mask)
        return self.final(x)


def norm(c):
    return nn.GroupNorm(min(8, c // 2), c)


class VaeBlock(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.body = nn.Sequential(norm(cin), nn.SiLU(), nn.Conv2d(cin, cout, 3, padding=1), norm(cout), nn.SiLU(),
                                  nn.Conv2d(cout, cout, 3, padding=1))
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else nn.Identity()

    def forward(self, x):
        return self.skip(x) + self.body(x)


class VaeEncoder(nn.Module):
    def __init__(self, c=VAE_CHANNELS):
        super().__init__()
        self.channels = c
        self.stem = nn.Conv2d(3, c[0], 3, padding=1)
        self.blocks = nn.Sequential(VaeBlock(c[0], c[0]), nn.Conv2d(c[0], c[1], 3, stride=2, padding=1),
                                    VaeBlock(c[1], c[1]), nn.Conv2d(c[1], c[2], 3, stride=2, padding=1),
                                    VaeBlock(c[2], c[2]), norm(c[2]), nn.SiLU())
        self.moments = nn.Conv2d(c[2], 2 * LATENT_CHANNELS, 3, padding=1)

    def forward(self, image):
        """image in [-1, 1] -> (mean, logvar)."""
        return self.moments(self.blocks(self.stem(image))).chunk(2, dim=1)


class VaeDecoder(nn.Module):
    def __init__(self, c=VAE_CHANNELS):
        super().__init__()
        self.channels = c
        self.stem = nn.Conv2d(LATENT_CHANNELS, c[2], 3, padding=1)
        self.blocks = nn.Sequential(VaeBlock(c[2], c[2]), nn.Upsample(scale_factor=2.0, mode="nearest"),
                                    nn.Conv2d(c[2], c[1], 3, padding=1), VaeBlock(c[1], c[1]),
                                    nn.Upsample(scale_factor=2.0, mode="nearest"), nn.Conv2d(c[1], c[0], 3, padding=1),
                                    VaeBlock(c[0], c[0]), norm(c[0]), nn.SiLU(), nn.Conv2d(c[0], 3, 3, padding=1))

    def forward(self, latent):
        """unscaled latent -> image in [-1, 1]."""
        return torch.tanh(self.blocks(self.stem(latent)))


def timestep_embedding(t, dim):
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32, device=t.device) / half)
    args = t.float()[:, None] * freqs[None]
    return torch.cat([torch.cos(args), torch.sin(args)], dim=1)


class ResBlock(nn.Module):
    def __init__(self, cin, cout, tdim):
        super().__init__()
        self.n1, self.c1 = norm(cin), nn.Conv2d(cin, cout, 3, padding=1)
        self.t = nn.Linear(tdim, cout)
        self.n2, self.c2 = norm(cout), nn.Conv2d(cout, cout, 3, padding=1)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else nn.Identity()

    def forward(self, x, temb):
        h = self.c1(F.silu(self.n1(x))) + self.t(temb)[:, :, None, None]
        return self.skip(x) + self.c2(F.silu(self.n2(h)))


class SpatialTransformer(nn.Module):
    """Self-attention over positions, then cross-attention on the text encoder's hidden states."""

    def __init__(self, c, context_dim, heads):
        super().__init__()
        self.norm = norm(c)
        self.ln1, self.self_attn = nn.LayerNorm(c), Attention(c, c, heads)
        self.ln2, self.cross_attn = nn.LayerNorm(c), Attention(c, context_dim, heads)
        self.ln3, self.mlp = nn.LayerNorm(c), nn.Sequential(nn.Linear(c, c * 2), nn.GELU(), nn.Linear(c * 2, c))

    def forward(self, x, context):
        b, c, h, w = x.shape
        y = self.norm(x).reshape(b, c, h * w).transpose(1, 2)
        z = self.ln1(y)
        y = y + self.self_attn(z, z)
        y = y + self.cross_attn(self.ln2(y), context)
        y = y + self.mlp(self.ln3(y))
        return x + y.transpose(1, 2).reshape(b, c, h, w)


class UNet(nn.Module):
    """Epsilon-predicting UNet with two resolutions (latent side and half of it)."""

    def __init__(self, context_dim=TEXT_DIM, timestep_cond_dim=0, channels=UNET_CHANNELS, heads=UNET_HEADS):
        super().__init__()
        self.channels, self.heads, self.context_dim, self.timestep_cond_dim = channels, heads, context_dim, timestep_cond_dim
        c0, c1 = channels
        tdim = c0 * 4
        self.tdim = c0
        self.time = nn.Sequential(nn.Linear(c0, tdim), nn.SiLU(), nn.Linear(tdim, tdim))
        # LCM-distilled UNets take a guidance embedding (`timestep_cond`) added to the time embedding.
        self.cond = nn.Linear(timestep_cond_dim, tdim, bias=False) if timestep_cond_dim else None
        self.inp = nn.Conv2d(LATENT_CHANNELS, c0, 3, padding=1)
        self.down1 = ResBlock(c0, c0, tdim)
        self.att1 = SpatialTransformer(c0, context_dim, heads)
        self.downsample = nn.Conv2d(c0, c1, 3, stride=2, padding=1)
        self.down2 = ResBlock(c1, c1, tdim)
        self.att2 = SpatialTransformer(c1, context_dim, heads)
        self.mid = ResBlock(c1, c1, tdim)
        self.up2 = ResBlock(c1 * 2, c1, tdim)
        self.att3 = SpatialTransformer(c1, context_dim, heads)
        self.upsample = nn.Sequential(nn.Upsample(scale_factor=2.0, mode="nearest"), nn.Conv2d(c1, c0, 3, padding=1))
        self.up1 = ResBlock(c0 * 2, c0, tdim)
        self.att4 = SpatialTransformer(c0, context_dim, heads)
        self.out = nn.Sequential(norm(c0), nn.SiLU(), nn.Conv2d(c0, LATENT_CHANNELS, 3, padding=1))

    def forward(self, sample, timestep, encoder_hidden_states, timestep_cond=None):
        temb = self.time(timestep_embedding(timestep, self.tdim))
        if self.cond is not None:
            temb = temb + self.cond(timestep_cond)
        h0 = self.inp(sample)
        h1 = self.att1(self.down1(h0, temb), encoder_hidden_states)
        h2 = self.att2(self.down2(self.downsample(h1), temb), encoder_hidden_states)
        m = self.mid(h2, temb)
        u2 = self.att3(self.up2(torch.cat([m, h2], 1), temb), encoder_hidden_states)
        u1 = self.att4(self.up1(torch.cat([self.upsample(u2), h1], 1), temb), encoder_hidden_states)
        return self.out(u1)


def count(module):
    return sum(p.numel() for p in module.parameters())
