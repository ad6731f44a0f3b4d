"""Greyscale 32x32 procedural shapes for the playground VAE and GAN: a white shape (one of six kinds,
continuous size, slight position jitter) on black. Few factors of variation, so a 2-D latent space can
hold them and prior samples look like shapes."""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "image-model"))
import shapes  # noqa: E402

SIZE = 32
DESCRIPTION = ("procedural 32x32 greyscale images: one white shape (circle, square, triangle, star, ring or cross) on "
               "black, radius 18-40% of the side, centre jittered by up to 6% of the side")


def image(rng, kind=None):
    kind = kind or str(rng.choice(shapes.SHAPES))
    r = rng.uniform(0.18, 0.4)
    centre = tuple(0.5 + rng.uniform(-0.06, 0.06, 2))
    params = {"shape": kind, "colour": "white", "background": "black", "size": "large", "center": centre,
              "scale": r / shapes.SIZES["large"]}
    grey = shapes.render(params, SIZE)[0]
    return (grey - grey.min()) / (grey.max() - grey.min())


def dataset(count, seed):
    """float32 [count, 1, 32, 32] in [0, 1]."""
    rng = np.random.default_rng(seed)
    return np.stack([image(rng)[None] for _ in range(count)]).astype(np.float32)


def examples(seed=99):
    """One held-out image per shape kind, for the demos to encode and interpolate between."""
    rng = np.random.default_rng(seed)
    return {kind: image(rng, kind)[None].astype(np.float32) for kind in shapes.SHAPES}
