"""Procedural coloured-shape images and the captions that describe them.

Every image is drawn from explicit parameters (colour, shape, size, position, background); the caption
is then written from a random subset of those parameters in one of a few phrasings, so attributes the
caption leaves out are random in the image. Seeds make every dataset reproducible.
"""
import numpy as np

COLOURS = {
    "red": (220, 40, 40), "green": (40, 170, 60), "blue": (40, 80, 220), "yellow": (240, 220, 40),
    "orange": (245, 140, 20), "purple": (140, 50, 180), "pink": (245, 130, 190), "white": (245, 245, 245),
    "black": (20, 20, 20), "cyan": (40, 210, 220),
}
SHAPES = ["circle", "square", "triangle", "star", "ring", "cross"]
SIZES = {"small": 0.17, "large": 0.3}  # radius as a fraction of the image side
POSITIONS = {"left": (0.3, 0.5), "right": (0.7, 0.5), "top": (0.5, 0.3), "bottom": (0.5, 0.7), "center": (0.5, 0.5)}
SUPERSAMPLE = 4


def sample_params(rng):
    colour, background = rng.choice(list(COLOURS), 2, replace=False)
    return {"colour": str(colour), "background": str(background), "shape": str(rng.choice(SHAPES)),
            "size": str(rng.choice(list(SIZES))), "position": str(rng.choice(list(POSITIONS)))}


def _mask(shape, u, v, r):
    """Inside-test on coordinates (u, v) relative to the shape's centre, radius r."""
    if shape == "circle":
        return u * u + v * v <= r * r
    if shape == "square":
        return (np.abs(u) <= r * 0.85) & (np.abs(v) <= r * 0.85)
    if shape == "ring":
        d = np.sqrt(u * u + v * v)
        return (d <= r) & (d >= r * 0.55)
    if shape == "cross":
        w = r * 0.35
        return ((np.abs(u) <= w) & (np.abs(v) <= r)) | ((np.abs(v) <= w) & (np.abs(u) <= r))
    if shape == "triangle":
        # upward triangle with apex at top: inside all three half-planes
        top, base = -r, r * 0.75
        half = (v - top) / (base - top) * r
        return (v >= top) & (v <= base) & (np.abs(u) <= half)
    if shape == "star":
        angle = np.arctan2(v, u) + np.pi / 2
        d = np.sqrt(u * u + v * v)
        # five points: radius oscillates between the outer and inner radius with the angle
        k = np.abs(((angle * 5 / (2 * np.pi)) % 1.0) - 0.5) * 2  # 1 at a point, 0 between points
        return d <= r * (0.45 + 0.55 * k)
    raise ValueError(shape)


def render(params, size=32, rng=None):
    """RGB float32 image [3, size, size] in [0, 1], anti-aliased by supersampling."""
    n = size * SUPERSAMPLE
    coords = (np.arange(n) + 0.5) / n
    y, x = np.meshgrid(coords, coords, indexing="ij")
    cx, cy = params.get("center") or POSITIONS[params["position"]]
    r = SIZES[params["size"]] * params.get("scale", 1.0)
    inside = _mask(params["shape"], x - cx, y - cy, r).astype(np.float32)
    cover = inside.reshape(size, SUPERSAMPLE, size, SUPERSAMPLE).mean(axis=(1, 3))
    fg = np.array(COLOURS[params["colour"]], np.float32)[:, None, None] / 255
    bg = np.array(COLOURS[params["background"]], np.float32)[:, None, None] / 255
    return fg * cover[None] + bg * (1 - cover[None])


def caption(params, rng):
    """One caption from a random subset of the parameters; returns (text, mentioned attribute names)."""
    mention = {"colour": rng.random() < 0.9, "shape": True, "background": rng.random() < 0.8,
               "size": rng.random() < 0.4, "position": rng.random() < 0.4}
    words = []
    if mention["size"]:
        words.append(params["size"])
    if mention["colour"]:
        words.append(params["colour"])
    words.append(params["shape"])
    style = rng.integers(3)
    if mention["position"]:
        pos = params["position"]
        words += (["in", "the", "center"] if pos == "center" else ["at", "the", pos]) if style else \
            (["in", "the", "middle"] if pos == "center" else ["on", "the", pos])
    if mention["background"]:
        bg = params["background"]
        words += [["on", bg], ["on", "a", bg, "background"], ["on", bg, "background"]][style]
    if rng.random() < 0.3:
        words = ["an" if words[0][0] in "aeiou" else "a"] + words
    return " ".join(words), [k for k, v in mention.items() if v]


def randomize_unmentioned(params, mentioned, rng):
    """Unmentioned size/position vary continuously, so the model learns they are free."""
    p = dict(params)
    if "position" not in mentioned:
        p["center"] = tuple(rng.uniform(0.3, 0.7, 2))
    if "size" not in mentioned:
        p["scale"] = float(rng.uniform(0.6, 1.1)) / SIZES[p["size"]] * 0.24
    return p


def dataset(count, seed, size=32):
    """(images float32 [count, 3, size, size], captions list, params list)."""
    rng = np.random.default_rng(seed)
    images = np.empty((count, 3, size, size), np.float32)
    captions, all_params = [], []
    for i in range(count):
        params = sample_params(rng)
        text, mentioned = caption(params, rng)
        drawn = randomize_unmentioned(params, mentioned, rng)
        images[i] = render(drawn, size)
        captions.append(text)
        all_params.append({**params, "mentioned": mentioned})
    return images, captions, all_params


def vocabulary():
    words = set(COLOURS) | set(SHAPES) | set(SIZES) | set(POSITIONS)
    words |= {"a", "an", "on", "in", "at", "the", "middle", "background"}
    return sorted(words)
