import { describe, expect, it } from 'vitest';
import { type Augment, Batcher, type Dataset } from '../../runtime/src/data/index';

// Batches per epoch: a seeded shuffle, augmentation per sample, then the normalisation.
const n = 10;
const data: Dataset = {
  x: Float32Array.from({ length: n * 4 }, (_, i) => Math.floor(i / 4) / 10),
  y: Int32Array.from({ length: n }, (_, i) => i),
  shape: [1, 2, 2],
  classes: n,
  name: 'ten',
};

const epochOf = (b: Batcher, e: number): number[][] => [...b.epoch(e)].map((batch) => Array.from(batch.indices));

describe('batcher', () => {
  it('covers every sample once per epoch in batches of the given size', () => {
    const b = new Batcher(data, { batch: 4, seed: 1 });
    expect(b.steps).toBe(3);
    const batches = [...b.epoch(0)];
    expect(batches.map((batch) => batch.size)).toEqual([4, 4, 2]);
    expect(batches.flatMap((batch) => Array.from(batch.y)).sort((p, q) => p - q)).toEqual(Array.from({ length: n }, (_, i) => i));
    const first = batches[0]!;
    first.y.forEach((label, i) => expect(first.x[i * 4]).toBeCloseTo(label / 10, 6));
    expect(new Batcher(data, { batch: 4, seed: 1, dropLast: true }).steps).toBe(2);
  });

  it('is the same for the same seed and epoch, and differs between epochs and seeds', () => {
    const a = new Batcher(data, { batch: 3, seed: 5 });
    const b = new Batcher(data, { batch: 3, seed: 5 });
    expect(epochOf(a, 2)).toEqual(epochOf(b, 2));
    expect(epochOf(a, 0)).not.toEqual(epochOf(a, 1));
    expect(epochOf(a, 0)).not.toEqual(epochOf(new Batcher(data, { batch: 3, seed: 6 }), 0));
    expect(epochOf(new Batcher(data, { batch: 3, seed: 5, shuffle: false }), 0)).toEqual([[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]);
  });

  it('gives the same augmented batches on a resume from any step', () => {
    const augment: Augment[] = [{ name: 'noise', options: { std: 0.2 } }, { name: 'hflip', options: {} }];
    const full = [...new Batcher(data, { batch: 3, seed: 2, augment }).epoch(1)];
    const resumed = [...new Batcher(data, { batch: 3, seed: 2, augment }).epoch(1, 2)];
    expect(resumed.map((batch) => batch.step)).toEqual([2, 3]);
    expect(resumed[0]!.x).toEqual(full[2]!.x);
    expect(full[0]!.x).not.toEqual([...new Batcher(data, { batch: 3, seed: 2 }).epoch(1)][0]!.x);
  });

  it('normalises after augmenting, so crop padding is black before normalisation', () => {
    const stats = { mean: [0.5], std: [0.25] };
    const white: Dataset = { ...data, x: new Float32Array(n * 4).fill(1) };
    const cropped = [...new Batcher(white, { batch: 10, seed: 0, stats, augment: [{ name: 'crop', options: { pad: 2 } }] }).epoch(0)][0]!;
    // White is (1 − 0.5) / 0.25 = 2 and the zero padding (0 − 0.5) / 0.25 = −2; nothing else.
    expect(new Set(cropped.x)).toEqual(new Set([2, -2]));
    const plain = [...new Batcher(data, { batch: 10, seed: 0, stats, shuffle: false }).epoch(0)][0]!;
    expect(plain.x[4]).toBeCloseTo((0.1 - 0.5) / 0.25, 6);
    expect(() => new Batcher(data, { batch: 0, seed: 0 })).toThrow('batch must be a whole number ≥ 1, not 0');
  });
});
