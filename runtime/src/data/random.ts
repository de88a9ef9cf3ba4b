// Seeded randomness shared by the split, the batch order, the augmentations and the synthetic
// data: mulberry32 streams, each derived from the train block's seed and a purpose tag (and the
// epoch), so any one stream can be recreated without replaying the others. docs/engines.md ("Data") spells
// out each step so another language can reproduce the numbers exactly.

export type Rng = () => number;

/** The purpose tags that keep the streams apart. */
export const STREAM = {
  split: 1,
  order: 2,
  augment: 3,
  prototypes: 4,
  syntheticTrain: 5,
  syntheticTest: 6,
  limit: 7,
} as const;

/** mulberry32: a 32-bit state, uniform floats in [0, 1) with 32 bits each. */
export function mulberry32(seed: number): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One 32-bit seed from several whole numbers (the seed, a STREAM tag, the epoch…). */
export function deriveSeed(...parts: number[]): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    h = Math.imul(h ^ (part >>> 0), 0x01000193);
    h ^= h >>> 15;
  }
  return h >>> 0;
}

export function stream(seed: number, tag: number, ...more: number[]): Rng {
  return mulberry32(deriveSeed(seed, tag, ...more));
}

/**
 * `n` standard normal values, two per pair of uniforms (Box–Muller): value 2k is r·cos(2πu₂) and
 * value 2k+1 is r·sin(2πu₂), with r = √(−2 ln(1 − u₁)). An odd n still draws a whole last pair.
 */
export function normals(n: number, rng: Rng): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - rng()));
    const angle = 2 * Math.PI * rng();
    out[i] = r * Math.cos(angle);
    if (i + 1 < n) out[i + 1] = r * Math.sin(angle);
  }
  return out;
}

/** Fisher–Yates from the end: for i = n−1 … 1, swap i with ⌊rng()·(i+1)⌋. In place. */
export function shuffle(indices: Int32Array, rng: Rng): Int32Array {
  for (let i = indices.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = indices[i]!;
    indices[i] = indices[j]!;
    indices[j] = t;
  }
  return indices;
}

export function range(n: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}
