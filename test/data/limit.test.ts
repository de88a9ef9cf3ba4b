// `limit=N` on a data source: N samples drawn with the seed, every class in about its share, the
// same subset on every run; the risk verdict counts the subset.
import { describe, expect, it } from 'vitest';
import { loadSource } from '../../runtime/src/data/index';
import { analyzeDocument } from '../../server/src/language/index';

describe('limit=N', () => {
  it('draws 2,000 of MNIST\'s 60,000 training digits, each digit near its 1/10 share, the same each time', () => {
    const a = loadSource({ kind: 'mnist', limit: 2000 }, '.', { seed: 7, split: 'train' });
    const b = loadSource({ kind: 'mnist', limit: 2000 }, '.', { seed: 7, split: 'train' });
    const c = loadSource({ kind: 'mnist', limit: 2000 }, '.', { seed: 8, split: 'train' });
    expect(a.y.length).toBe(2000);
    expect(a.name).toContain('2,000 of 60,000 samples');
    expect(Array.from(a.y)).toEqual(Array.from(b.y));
    expect(Array.from(a.y)).not.toEqual(Array.from(c.y));
    const counts = new Array(10).fill(0) as number[];
    for (const label of a.y) counts[label]!++;
    // MNIST's classes hold 9.0%–11.2% of the digits; a random 2,000 keeps each within ±3 points.
    for (const n of counts) expect(n / 2000).toBeGreaterThan(0.06);
    for (const n of counts) expect(n / 2000).toBeLessThan(0.15);
  });

  it('leaves a source alone when the limit is at least its size', () => {
    expect(loadSource({ kind: 'synthetic', samples: 50, classes: 5, shape: [1, 4, 4], limit: 80 }, '.', { seed: 1 }).y.length).toBe(50);
  });

  it('is what the risk verdict counts', () => {
    const text = 'model Net {\n  input 1x28x28\n  flatten\n  dense 10\n}\ntrain Net {\n  data mnist limit=2000\n  validation 0.1\n  epochs 3\n}\n';
    const verdict = analyzeDocument(text).trains[0]!.verdict!;
    expect(verdict.trainSamples).toBe(1800);
    expect(verdict.facts!.name).toBe('MNIST (2,000 of 60,000 samples)');
  });
});
