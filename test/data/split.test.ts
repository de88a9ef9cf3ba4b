import { describe, expect, it } from 'vitest';
import { channelStats, type Dataset, normalise, splitValidation, validationIndices } from '../../runtime/src/data/index';

function numbered(n: number): Dataset {
  return { x: Float32Array.from({ length: n }, (_, i) => i), y: Int32Array.from({ length: n }, (_, i) => i % 3), shape: [1], classes: 3, name: 'numbers' };
}

describe('validation split', () => {
  it('is the same for the same seed and different for another', () => {
    const a = validationIndices(1000, 0.1, 7);
    expect(validationIndices(1000, 0.1, 7)).toEqual(a);
    expect(validationIndices(1000, 0.1, 8).validation).not.toEqual(a.validation);
  });

  it('holds out round(N × fraction) samples, disjoint from the rest, each part in file order', () => {
    const { train, validation } = splitValidation(numbered(101), 0.2, 0);
    expect(validation.y.length).toBe(20);
    expect(train.y.length).toBe(81);
    const all = [...train.x, ...validation.x].sort((p, q) => p - q);
    expect(all).toEqual(Array.from({ length: 101 }, (_, i) => i));
    expect([...validation.x]).toEqual([...validation.x].sort((p, q) => p - q));
    expect(validation.y[0]).toBe(validation.x[0]! % 3);
  });

  it('keeps at least one sample on each side, and refuses a fraction outside (0, 1)', () => {
    expect(validationIndices(3, 0.01, 0).validation.length).toBe(1);
    expect(validationIndices(3, 0.99, 0).train.length).toBe(1);
    expect(() => validationIndices(10, 1, 0)).toThrow('validation must be a fraction between 0 and 1, not 1');
  });
});

describe('normalisation', () => {
  it('standardises each channel with the training statistics and returns them for the test set', () => {
    // Two samples of 2 channels × 2 pixels: channel 0 holds 1, 3, 1, 3; channel 1 holds 10 everywhere.
    const train: Dataset = { x: Float32Array.from([1, 3, 10, 10, 1, 3, 10, 10]), y: new Int32Array(2), shape: [2, 1, 2], classes: 1, name: 'train' };
    const { dataset, stats } = normalise(train);
    expect(stats).toEqual({ mean: [2, 10], std: [1, 1] });
    expect(Array.from(dataset.x)).toEqual([-1, 1, 0, 0, -1, 1, 0, 0]);
    expect(train.x[0]).toBe(1);
    const test: Dataset = { ...train, x: Float32Array.from([2, 4, 11, 9]), y: new Int32Array(1) };
    expect(Array.from(normalise(test, stats).dataset.x)).toEqual([0, 2, 1, -1]);
    expect(channelStats(test).mean).toEqual([3, 10]);
  });
});
