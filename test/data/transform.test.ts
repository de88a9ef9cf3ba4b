import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSource, padSample, resizeSample } from '../../runtime/src/data/index';
import { idx, sample, tempDir, write } from './fixtures';

// pad= and resize= on a data line, and only there.
const dir = tempDir();
write(join(dir, 'images'), idx([1, 2, 2], [255, 0, 0, 255]));
write(join(dir, 'labels'), idx([1], [0]));
const source = { kind: 'idx' as const, images: 'images', labels: 'labels' };

describe('pad and resize', () => {
  it('leaves samples alone unless asked', () => {
    expect(loadSource(source, dir).shape).toEqual([1, 2, 2]);
  });

  it('pads with zeros on every side', () => {
    const data = loadSource({ ...source, pad: 1 }, dir);
    expect(data.shape).toEqual([1, 4, 4]);
    expect(sample(data, 0)).toEqual([0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0]);
    expect(Array.from(padSample(Float32Array.from([1, 2, 3, 4]), [2, 1, 2], 0))).toEqual([1, 2, 3, 4]);
  });

  it('resizes bilinearly with half-pixel centres (PyTorch align_corners=False)', () => {
    // 2 → 4 along a row [0, 1]: sources −0.25, 0.25, 0.75, 1.25 → clamped, so 0, 0.25, 0.75, 1.
    expect(Array.from(resizeSample(Float32Array.from([0, 1]), [1, 1, 2], 1, 4))).toEqual([0, 0.25, 0.75, 1]);
    // 4 → 2: sources 0.5 and 2.5, the means of neighbours.
    expect(Array.from(resizeSample(Float32Array.from([0, 1, 2, 3]), [1, 1, 4], 1, 2))).toEqual([0.5, 2.5]);
    const same = Float32Array.from([1, 2, 3, 4, 5, 6]);
    expect(resizeSample(same, [1, 2, 3], 2, 3)).toEqual(same);
    const data = loadSource({ ...source, resize: [4, 4] }, dir);
    expect(data.shape).toEqual([1, 4, 4]);
    expect(sample(data, 0)).toEqual([1, 0.75, 0.25, 0, 0.75, 0.625, 0.375, 0.25, 0.25, 0.375, 0.625, 0.75, 0, 0.25, 0.75, 1]);
  });

  it('pads first and then resizes, so the result is the resize size', () => {
    expect(loadSource({ ...source, pad: 3, resize: [5, 7] }, dir).shape).toEqual([1, 5, 7]);
  });
});
