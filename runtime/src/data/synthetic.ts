// synthetic samples=N classes=K shape=…: K random prototypes and noisy copies of them, all from
// the seed, so a model can learn it (a nearest-prototype rule is near perfect) and two runs with
// one seed see the same numbers. Sample i belongs to class i mod K.
import { type Dataset, type LoadOptions, formatShape, sampleSize } from './dataset';
import { DataError } from './errors';
import { type Rng, STREAM, normals, stream } from './random';

/** The noise's standard deviation around a prototype, before clipping to [0, 1]. */
export const SYNTHETIC_NOISE = 0.3;

export function prototypes(classes: number, size: number, seed: number): Float32Array {
  const rng = stream(seed, STREAM.prototypes);
  const out = new Float32Array(classes * size);
  for (let i = 0; i < out.length; i++) out[i] = rng();
  return out;
}

function noisy(proto: Float32Array, rng: Rng, out: Float32Array, at: number): void {
  const z = normals(proto.length, rng);
  for (let d = 0; d < proto.length; d++) out[at + d] = Math.min(1, Math.max(0, proto[d]! + SYNTHETIC_NOISE * z[d]!));
}

export interface SyntheticSpec {
  samples: number;
  classes: number;
  shape?: number[];
}

export function loadSynthetic(spec: SyntheticSpec, options: LoadOptions): Dataset {
  const { seed = 0, split = 'train' } = options;
  const shape = spec.shape ?? options.shape;
  if (!shape) throw new DataError('config', 'synthetic data needs a sample shape: add shape=1x28x28 (for example) to the data line');
  if (spec.classes < 1 || spec.samples < 1) throw new DataError('config', `synthetic data needs at least one sample and one class, not samples=${spec.samples} classes=${spec.classes}`);
  if (options.classes !== undefined && spec.classes > options.classes) {
    throw new DataError('label', `synthetic data has classes=${spec.classes} but the model has ${options.classes} classes: make them the same`);
  }
  const size = sampleSize(shape);
  const protos = prototypes(spec.classes, size, seed);
  const rng = stream(seed, split === 'test' ? STREAM.syntheticTest : STREAM.syntheticTrain);
  const x = new Float32Array(spec.samples * size);
  const y = new Int32Array(spec.samples);
  for (let i = 0; i < spec.samples; i++) {
    y[i] = i % spec.classes;
    noisy(protos.subarray(y[i]! * size, (y[i]! + 1) * size), rng, x, i * size);
  }
  return { x, y, shape: [...shape], classes: spec.classes, name: `synthetic data (${spec.samples} samples of ${formatShape(shape)}, ${split})` };
}
