import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { channelStats, prepareData } from '../../runtime/src/data/index';
import { idx, tempDir, write } from './fixtures';

// A train block's data, validation and test lines loaded together and checked against the model.
const dir = tempDir();
const synthetic = (samples: number) => ({ kind: 'synthetic' as const, samples, classes: 4, shape: [1, 3, 3] });

describe('prepareData', () => {
  it('splits a validation fraction off the training data and returns the training statistics', () => {
    const prepared = prepareData({ data: synthetic(50), test: synthetic(10), validation: { fraction: 0.2 }, seed: 3 }, dir, { input: [1, 3, 3], classes: 4 });
    expect(prepared.train.y.length).toBe(40);
    expect(prepared.validation?.y.length).toBe(10);
    expect(prepared.test?.name).toContain('test');
    expect(prepared.stats).toEqual(channelStats(prepared.train));
  });

  it('loads a validation source, and stops at a label beyond the model’s classes', () => {
    write(join(dir, 'images'), idx([2, 3, 3], new Array(18).fill(0)));
    write(join(dir, 'labels'), idx([2], [0, 4]));
    const data = { kind: 'idx' as const, images: 'images', labels: 'labels' };
    expect(prepareData({ data: synthetic(8), validation: { source: data }, seed: 0 }, dir, { classes: 5 }).validation?.y.length).toBe(2);
    expect(() => prepareData({ data, seed: 0 }, dir, { classes: 4 })).toThrow(/label 4 at index 1 of .*labels is out of range: the model has 4 classes \(0–3\)/);
    expect(() => prepareData({ seed: 0 }, dir)).toThrow('the train block has no data line');
  });
});
