// Zero padding and bilinear resizing of channels-first samples, as a train block's data line asks
// (`pad=2`, `resize=32x32`). Both only ever run where asked; pad comes first, then resize, so the
// result has exactly the resize size (the analyzer's preparedShape says the same).
import { type Dataset, sampleSize } from './dataset';
import { DataError } from './errors';

/** Zero padding of `pad` pixels on each side of every H×W plane. */
export function padSample(src: Float32Array, shape: readonly number[], pad: number): Float32Array {
  const [c, h, w] = shape as [number, number, number];
  const ph = h + 2 * pad;
  const pw = w + 2 * pad;
  const out = new Float32Array(c * ph * pw);
  for (let ch = 0; ch < c; ch++) {
    for (let y = 0; y < h; y++) {
      const from = (ch * h + y) * w;
      out.set(src.subarray(from, from + w), (ch * ph + y + pad) * pw + pad);
    }
  }
  return out;
}

/** Source coordinates and weights for one axis, as PyTorch's bilinear with align_corners=False. */
interface Taps {
  lo: Int32Array;
  hi: Int32Array;
  t: Float64Array;
}

function taps(inSize: number, outSize: number): Taps {
  const lo = new Int32Array(outSize);
  const hi = new Int32Array(outSize);
  const t = new Float64Array(outSize);
  const scale = inSize / outSize;
  for (let o = 0; o < outSize; o++) {
    const src = Math.max((o + 0.5) * scale - 0.5, 0);
    const i = Math.min(Math.floor(src), inSize - 1);
    lo[o] = i;
    hi[o] = Math.min(i + 1, inSize - 1);
    t[o] = src - i;
  }
  return { lo, hi, t };
}

/** Bilinear resize of every plane to outH × outW (half-pixel centres, edges clamped, no antialias). */
export function resizeSample(src: Float32Array, shape: readonly number[], outH: number, outW: number): Float32Array {
  const [c, h, w] = shape as [number, number, number];
  if (h === outH && w === outW) return src.slice();
  const ys = taps(h, outH);
  const xs = taps(w, outW);
  const out = new Float32Array(c * outH * outW);
  for (let ch = 0; ch < c; ch++) {
    const base = ch * h * w;
    for (let oy = 0; oy < outH; oy++) {
      const r0 = base + ys.lo[oy]! * w;
      const r1 = base + ys.hi[oy]! * w;
      const ty = ys.t[oy]!;
      for (let ox = 0; ox < outW; ox++) {
        const x0 = xs.lo[ox]!;
        const x1 = xs.hi[ox]!;
        const tx = xs.t[ox]!;
        const top = src[r0 + x0]! * (1 - tx) + src[r0 + x1]! * tx;
        const bottom = src[r1 + x0]! * (1 - tx) + src[r1 + x1]! * tx;
        out[(ch * outH + oy) * outW + ox] = top * (1 - ty) + bottom * ty;
      }
    }
  }
  return out;
}

export interface Preprocess {
  pad?: number;
  resize?: number[];
}

/** The shape a sample of `shape` has after `prep`. */
export function preparedShape(shape: readonly number[], prep: Preprocess): number[] {
  if (prep.resize) return [shape[0]!, prep.resize[0]!, prep.resize[1]!];
  if (prep.pad) return [shape[0]!, shape[1]! + 2 * prep.pad, shape[2]! + 2 * prep.pad];
  return [...shape];
}

/** Pad, then resize, one sample; `name` names the data for the error on a non-image shape. */
export function prepareSample(src: Float32Array, shape: readonly number[], prep: Preprocess, name: string): Float32Array {
  if (!prep.pad && !prep.resize) return src;
  if (shape.length !== 3) {
    throw new DataError('config', `${name} has samples of shape [${shape.join(', ')}]; pad= and resize= apply only to images (C×H×W)`);
  }
  let out = src;
  let current = [...shape];
  if (prep.pad) {
    out = padSample(out, current, prep.pad);
    current = [current[0]!, current[1]! + 2 * prep.pad, current[2]! + 2 * prep.pad];
  }
  if (prep.resize) out = resizeSample(out, current, prep.resize[0]!, prep.resize[1]!);
  return out;
}

/** A dataset with every sample padded and/or resized; the same object when nothing is asked. */
export function prepareDataset(dataset: Dataset, prep: Preprocess): Dataset {
  if (!prep.pad && !prep.resize) return dataset;
  if (dataset.shape.length !== 3) prepareSample(dataset.x, dataset.shape, prep, dataset.name);
  const inSize = sampleSize(dataset.shape);
  const shape = preparedShape(dataset.shape, prep);
  const outSize = sampleSize(shape);
  const n = dataset.y.length;
  const x = new Float32Array(n * outSize);
  for (let i = 0; i < n; i++) x.set(prepareSample(dataset.x.subarray(i * inSize, (i + 1) * inSize), dataset.shape, prep, dataset.name), i * outSize);
  return { ...dataset, x, shape };
}
