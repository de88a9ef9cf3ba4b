// The in-memory form every source loads into, and the small operations on it.

export interface Dataset {
  /** All samples, N × (one sample's shape), channels first; images scaled to [0, 1]. */
  x: Float32Array;
  /** Class indices, 0 … classes − 1. */
  y: Int32Array;
  /** One sample's shape: [C, H, W] for images, [F] for CSV rows. */
  shape: number[];
  /** The number of classes: the largest label + 1, or the number of class names. */
  classes: number;
  /** For messages: "MNIST (train)", "folder \"pets\"", … */
  name: string;
  /** Class names where the source has them (folder names, CSV label values). */
  classNames?: string[];
}

export interface LoadOptions {
  /** 'test' picks MNIST's 10,000 test images and synthetic data's test stream. Default 'train'. */
  split?: 'train' | 'test';
  /** The train block's seed, for synthetic data. Default 0. */
  seed?: number;
  /** The model's number of classes: a label ≥ this is an error naming its row. */
  classes?: number;
  /** The model's input shape: synthetic data without shape= takes it. */
  shape?: number[];
}

export function sampleSize(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function count(dataset: Dataset): number {
  return dataset.y.length;
}

/** The samples at `indices`, in that order, copied. */
export function subset(dataset: Dataset, indices: ArrayLike<number>, name = dataset.name): Dataset {
  const size = sampleSize(dataset.shape);
  const x = new Float32Array(indices.length * size);
  const y = new Int32Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const from = indices[i]!;
    x.set(dataset.x.subarray(from * size, (from + 1) * size), i * size);
    y[i] = dataset.y[from]!;
  }
  return { ...dataset, x, y, name };
}

export function formatShape(shape: readonly number[]): string {
  return shape.join('×');
}
