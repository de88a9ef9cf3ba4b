// The train block's augmentations, one sample at a time, on unnormalised values (pixels in
// [0, 1], so "zero" is black). Each takes its random numbers from the stream it is given, in a
// fixed order documented in docs/engines.md ("Data"), so another engine can match them draw for draw.
import { DataError } from './errors';
import { type Rng, normals } from './random';

export interface Augment {
  name: string;
  options: Record<string, number>;
}

/** The defaults the language gives each option (train.ts SETTINGS). */
export const AUGMENT_DEFAULTS: Record<string, Record<string, number>> = {
  hflip: {},
  crop: { pad: 4 },
  rotate: { degrees: 10 },
  noise: { std: 0.1 },
};

const IMAGE_ONLY = new Set(['hflip', 'crop', 'rotate']);

/** Throws for an unknown augmentation, or an image one on samples that are not C×H×W. */
export function checkAugments(augments: readonly Augment[], shape: readonly number[], name: string): void {
  for (const a of augments) {
    if (!(a.name in AUGMENT_DEFAULTS)) throw new DataError('config', `unknown augmentation '${a.name}'; NetLens has ${Object.keys(AUGMENT_DEFAULTS).join(', ')}`);
    if (IMAGE_ONLY.has(a.name) && shape.length !== 3) throw new DataError('config', `augment ${a.name} needs images (C×H×W), but ${name} has samples of shape [${shape.join(', ')}]`);
  }
}

const option = (a: Augment, key: string): number => a.options[key] ?? AUGMENT_DEFAULTS[a.name]![key]!;

/** Mirror left to right. */
export function hflip(src: Float32Array, shape: readonly number[]): Float32Array {
  const w = shape[2]!;
  const out = new Float32Array(src.length);
  for (let row = 0; row < src.length; row += w) {
    for (let x = 0; x < w; x++) out[row + x] = src[row + w - 1 - x]!;
  }
  return out;
}

/** The H×W window at (dy, dx) of the sample zero-padded by `pad` on each side. */
export function crop(src: Float32Array, shape: readonly number[], pad: number, dy: number, dx: number): Float32Array {
  const [c, h, w] = shape as [number, number, number];
  const out = new Float32Array(src.length);
  for (let ch = 0; ch < c; ch++) {
    for (let y = 0; y < h; y++) {
      const sy = y + dy - pad;
      if (sy < 0 || sy >= h) continue;
      for (let x = 0; x < w; x++) {
        const sx = x + dx - pad;
        if (sx >= 0 && sx < w) out[(ch * h + y) * w + x] = src[(ch * h + sy) * w + sx]!;
      }
    }
  }
  return out;
}

/** Bilinear value at (sy, sx) of one plane; neighbours outside the image count as 0. */
function sampleZero(src: Float32Array, base: number, h: number, w: number, sy: number, sx: number): number {
  const y0 = Math.floor(sy);
  const x0 = Math.floor(sx);
  const ty = sy - y0;
  const tx = sx - x0;
  return (pixel(src, base, h, w, y0, x0) * (1 - tx) + pixel(src, base, h, w, y0, x0 + 1) * tx) * (1 - ty) + (pixel(src, base, h, w, y0 + 1, x0) * (1 - tx) + pixel(src, base, h, w, y0 + 1, x0 + 1) * tx) * ty;
}

function pixel(src: Float32Array, base: number, h: number, w: number, y: number, x: number): number {
  return y >= 0 && y < h && x >= 0 && x < w ? src[base + y * w + x]! : 0;
}

/** Rotation by `degrees` counter-clockwise (as displayed) about the image centre, bilinear, zero fill. */
export function rotate(src: Float32Array, shape: readonly number[], degrees: number): Float32Array {
  if (degrees === 0) return src.slice();
  const [c, h, w] = shape as [number, number, number];
  const cos = Math.cos((degrees * Math.PI) / 180);
  const sin = Math.sin((degrees * Math.PI) / 180);
  const cy = (h - 1) / 2;
  const cx = (w - 1) / 2;
  const out = new Float32Array(src.length);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const sx = cx + (x - cx) * cos - (y - cy) * sin;
      const sy = cy + (x - cx) * sin + (y - cy) * cos;
      for (let ch = 0; ch < c; ch++) out[(ch * h + y) * w + x] = sampleZero(src, ch * h * w, h, w, sy, sx);
    }
  }
  return out;
}

/** Adds std × N(0, 1) to every value (the normals in order, see random.ts), unclipped. */
export function addNoise(src: Float32Array, std: number, rng: Rng): Float32Array {
  const z = normals(src.length, rng);
  const out = new Float32Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = src[i]! + std * z[i]!;
  return out;
}

/** One augmentation with its random draws. */
function apply(a: Augment, src: Float32Array, shape: readonly number[], rng: Rng): Float32Array {
  switch (a.name) {
    case 'hflip':
      return rng() < 0.5 ? hflip(src, shape) : src;
    case 'crop': {
      const pad = option(a, 'pad');
      const dy = Math.floor(rng() * (2 * pad + 1));
      const dx = Math.floor(rng() * (2 * pad + 1));
      return crop(src, shape, pad, dy, dx);
    }
    case 'rotate':
      return rotate(src, shape, (2 * rng() - 1) * option(a, 'degrees'));
    case 'noise':
      return addNoise(src, option(a, 'std'), rng);
    default:
      throw new DataError('config', `unknown augmentation '${a.name}'`);
  }
}

/** The augmentations in the train block's order; the input is never changed. */
export function augmentSample(src: Float32Array, shape: readonly number[], augments: readonly Augment[], rng: Rng): Float32Array {
  let out = src;
  for (const a of augments) out = apply(a, out, shape, rng);
  return out;
}
