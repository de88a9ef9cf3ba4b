// The run directory's .npy splits for the tfjs trainer, checked as the torch trainer checks them,
// and the batches: Node's own Batcher (data/batcher.ts), so the order and the augmentations are
// the ones docs/engines.md ("Data") specifies, draw for draw. The files hold standardised values;
// augmentations work in pixel space, so the samples are de-normalised first and the Batcher
// standardises each augmented batch again, as the torch trainer does.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Batcher } from '../../data/batcher';
import type { Dataset } from '../../data/dataset';
import { DataError } from '../../data/errors';
import { fromNpy } from '../../data/npy';
import type { Job } from '../../train/run';
import { JobError } from './optim';

export interface Split {
  x: Float32Array;
  y: Int32Array;
  /** One sample's shape, channels first. */
  shape: number[];
  count: number;
}

function readNpy(runDir: string, rel: string | undefined, name: string, key: string) {
  if (!rel) throw new JobError('data', `the ${name} split of job.json has no "${key}" file`);
  const full = join(runDir, rel);
  if (!existsSync(full)) throw new JobError('data', `the ${name} data file ${full} does not exist`);
  try {
    return fromNpy(readFileSync(full));
  } catch (error) {
    throw new JobError('data', `the ${name} data file ${full} cannot be read as .npy: ${(error as Error).message}`);
  }
}

export function loadSplit(runDir: string, split: { x: string; y: string } | null | undefined, name: string, classes: number): Split | null {
  if (!split) return null;
  const x = readNpy(runDir, split.x, name, 'x');
  const y = readNpy(runDir, split.y, name, 'y');
  const count = x.shape[0] ?? 0;
  if (count !== y.data.length) throw new JobError('data', `the ${name} split has ${count} samples but ${y.data.length} labels`);
  if (count === 0) throw new JobError('data', `the ${name} split is empty`);
  const labels = Int32Array.from(y.data);
  const [min, max] = labels.reduce(([lo, hi], v) => [Math.min(lo, v), Math.max(hi, v)], [Infinity, -Infinity]);
  if (classes && (min < 0 || max >= classes)) throw new JobError('data', `the ${name} split has label ${min < 0 ? min : max}, outside 0..${classes - 1} for ${classes} classes`);
  return { x: Float32Array.from(x.data), y: labels, shape: x.shape.slice(1), count };
}

/** (x · std + mean) per channel: the pixel values the augmentations expect. */
function denormalise(split: Split, norm: Job['normalise']): Float32Array {
  const out = split.x.slice();
  const channels = split.shape[0] ?? 1;
  const plane = split.shape.slice(1).reduce((a, b) => a * b, 1);
  for (let start = 0, c = 0; start < out.length; start += plane, c = (c + 1) % channels) {
    const m = norm.mean[c] ?? 0;
    const s = norm.std[c] ?? 1;
    for (let i = start; i < start + plane; i++) out[i] = out[i]! * s + m;
  }
  return out;
}

/** The training batches: shuffled by the order stream, augmented (if the block asks) and standardised. */
export function trainBatcher(split: Split, job: Job, classes: number): Batcher {
  const settings = job.settings!;
  const augment = settings.augment ?? [];
  const stats = augment.length && job.normalise?.mean?.length ? job.normalise : undefined;
  const dataset: Dataset = { x: stats ? denormalise(split, stats) : split.x, y: split.y, shape: split.shape, classes, name: 'the training split' };
  try {
    return new Batcher(dataset, { batch: settings.batch, seed: settings.seed, augment, ...(stats ? { stats } : {}) });
  } catch (error) {
    if (error instanceof DataError) throw new JobError(error.code === 'config' ? 'data' : 'job', error.message);
    throw error;
  }
}
