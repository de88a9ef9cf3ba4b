// Shuffled batches, epoch by epoch, with the augmentations applied per sample and then the
// normalisation. Every epoch's order comes from (seed, epoch) and every batch's augmentation
// draws from (seed, epoch, step), so a run resumed at any step sees the same batches.
import { type Augment, augmentSample, checkAugments } from './augment';
import { type Dataset, sampleSize } from './dataset';
import { DataError } from './errors';
import { type Stats, standardise } from './normalise';
import { STREAM, range, shuffle, stream } from './random';

export interface BatcherOptions {
  batch: number;
  seed: number;
  augment?: readonly Augment[];
  /** The training split's statistics: each batch is standardised after augmentation. */
  stats?: Stats;
  /** Default true; false keeps file order (for evaluation). */
  shuffle?: boolean;
  /** Drop a last, smaller batch. Default false. */
  dropLast?: boolean;
}

export interface Batch {
  /** size × (sample shape) values. */
  x: Float32Array;
  y: Int32Array;
  /** Which samples of the dataset, in batch order. */
  indices: Int32Array;
  size: number;
  /** 0-based step within the epoch. */
  step: number;
}

export class Batcher {
  /** Batches per epoch. */
  readonly steps: number;
  private readonly sampleSize: number;
  private readonly augment: readonly Augment[];

  constructor(
    readonly data: Dataset,
    private readonly options: BatcherOptions,
  ) {
    if (!Number.isInteger(options.batch) || options.batch < 1) throw new DataError('config', `batch must be a whole number ≥ 1, not ${options.batch}`);
    this.augment = options.augment ?? [];
    checkAugments(this.augment, data.shape, data.name);
    this.sampleSize = sampleSize(data.shape);
    const n = data.y.length;
    this.steps = options.dropLast ? Math.floor(n / options.batch) : Math.ceil(n / options.batch);
  }

  /** The sample order of an epoch (0-based). */
  order(epoch: number): Int32Array {
    const indices = range(this.data.y.length);
    return this.options.shuffle === false ? indices : shuffle(indices, stream(this.options.seed, STREAM.order, epoch));
  }

  /** The batches of one epoch, from step `from` on. */
  *epoch(epoch: number, from = 0): Generator<Batch> {
    const order = this.order(epoch);
    for (let step = from; step < this.steps; step++) yield this.batch(order.subarray(step * this.options.batch, (step + 1) * this.options.batch), epoch, step);
  }

  private batch(indices: Int32Array, epoch: number, step: number): Batch {
    const size = this.sampleSize;
    const x = new Float32Array(indices.length * size);
    const rng = stream(this.options.seed, STREAM.augment, epoch, step);
    for (let i = 0; i < indices.length; i++) {
      const sample = this.data.x.subarray(indices[i]! * size, (indices[i]! + 1) * size);
      x.set(this.augment.length ? augmentSample(sample, this.data.shape, this.augment, rng) : sample, i * size);
    }
    if (this.options.stats) standardise(x, this.data.shape, this.options.stats);
    const y = Int32Array.from(indices, (i) => this.data.y[i]!);
    return { x, y, indices: indices.slice(), size: indices.length, step };
  }
}
