"""NetLens's seeded random streams (docs/engines.md, "Data"), vectorised with NumPy.

mulberry32's state after k draws is seed + k * 0x6D2B79F5 (mod 2^32), and each output depends
only on that state, so a run of draws can be computed at once. `Stream.take(n)` returns the next
n floats in [0, 1), exactly the values of the reference `mulberry32` in docs/engines.md.
"""
import numpy as np

M32 = 0xFFFFFFFF
STREAM_ORDER = 2
STREAM_AUGMENT = 3


def derive_seed(*parts):
    h = 0x811C9DC5
    for part in parts:
        h = ((h ^ (int(part) & M32)) * 0x01000193) & M32
        h ^= h >> 15
    return h


class Stream:
    def __init__(self, seed):
        self.seed = seed & M32
        self.count = 0

    def take(self, n):
        k = np.arange(self.count + 1, self.count + 1 + n, dtype=np.uint64)
        self.count += n
        m = np.uint64(M32)
        t = (np.uint64(self.seed) + k * np.uint64(0x6D2B79F5)) & m
        t = ((t ^ (t >> np.uint64(15))) * (t | np.uint64(1))) & m
        t ^= (t + (((t ^ (t >> np.uint64(7))) * (t | np.uint64(61))) & m)) & m
        return ((t ^ (t >> np.uint64(14))) & m).astype(np.float64) / 4294967296.0


def stream(seed, tag, *more):
    return Stream(derive_seed(seed, tag, *more))


def shuffle_indices(n, rng):
    """Fisher–Yates from the end, as the `shuffle` of docs/engines.md."""
    idx = list(range(n))
    if n < 2:
        return np.array(idx, dtype=np.int64)
    u = rng.take(n - 1)
    for k, i in enumerate(range(n - 1, 0, -1)):
        j = int(u[k] * (i + 1))
        idx[i], idx[j] = idx[j], idx[i]
    return np.array(idx, dtype=np.int64)


def epoch_order(n, seed, epoch):
    return shuffle_indices(n, stream(seed, STREAM_ORDER, epoch))


def normals_from(u):
    """Box–Muller on pairs of draws (u1, u2) along the last axis: cos then sin."""
    u1 = u[..., 0::2]
    u2 = u[..., 1::2]
    r = np.sqrt(-2.0 * np.log(1.0 - u1))
    a = 2.0 * np.pi * u2
    out = np.empty(u.shape, dtype=np.float64)
    out[..., 0::2] = r * np.cos(a)
    out[..., 1::2] = r * np.sin(a)
    return out
