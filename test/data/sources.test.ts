import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSource } from '../../runtime/src/data/index';
import { GREY_JPEG, idx, jpeg, png, sample, tempDir, write } from './fixtures';

// Each source read from tiny files written here, checked value by value.
const dir = tempDir();

describe('idx source', () => {
  it('reads N×H×W unsigned bytes as one channel scaled to [0, 1]', () => {
    write(join(dir, 'a/images'), idx([2, 2, 3], [0, 51, 102, 153, 204, 255, 1, 2, 3, 4, 5, 6]));
    write(join(dir, 'a/labels'), idx([2], [3, 1]));
    const data = loadSource({ kind: 'idx', images: 'a/images', labels: 'a/labels' }, dir);
    expect(data.shape).toEqual([1, 2, 3]);
    expect(Array.from(data.y)).toEqual([3, 1]);
    expect(data.classes).toBe(4);
    expect(sample(data, 0)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1].map((v) => Math.fround(v)));
    expect(sample(data, 1)[5]).toBeCloseTo(6 / 255, 7);
  });

  it('reads N×H×W×C as channels first, and int32 labels', () => {
    // One 2×2 RGB image: pixel p has (10p, 10p + 1, 10p + 2).
    write(join(dir, 'b/images'), idx([1, 2, 2, 3], [0, 1, 2, 10, 11, 12, 20, 21, 22, 30, 31, 32]));
    write(join(dir, 'b/labels'), idx([1], [7], 0x0c));
    const data = loadSource({ kind: 'idx', images: 'b/images', labels: 'b/labels' }, dir);
    expect(data.shape).toEqual([3, 2, 2]);
    expect(sample(data, 0).map((v) => Math.round(v * 255))).toEqual([0, 10, 20, 30, 1, 11, 21, 31, 2, 12, 22, 32]);
    expect(data.y[0]).toBe(7);
  });
});

describe('folder source', () => {
  it('gives sorted class folders indices and decodes grey PNGs to one channel', () => {
    for (const [cls, value] of [['zebra', 255], ['ant', 0], ['cat', 51]] as const) {
      write(join(dir, 'grey', cls, '1.png'), png(3, 2, 0, (x) => [x === 0 ? value : 0]));
    }
    write(join(dir, 'grey', 'cat', 'notes.txt'), 'not an image');
    const data = loadSource({ kind: 'folder', dir: 'grey' }, dir);
    expect(data.classNames).toEqual(['ant', 'cat', 'zebra']);
    expect(data.classes).toBe(3);
    expect(data.shape).toEqual([1, 2, 3]);
    expect(Array.from(data.y)).toEqual([0, 1, 2]);
    expect(sample(data, 2)).toEqual([1, 0, 0, 1, 0, 0]);
    expect(sample(data, 1)[0]).toBeCloseTo(0.2, 6);
  });

  it('decodes RGBA PNGs to three channels (alpha dropped) and colour JPEGs to three', () => {
    write(join(dir, 'rgb', 'a', 'x.png'), png(2, 2, 6, (x, y) => [x * 255, y * 255, 100, 7]));
    write(join(dir, 'rgb', 'b', 'y.jpg'), jpeg(2, 2, () => [200, 100, 50]));
    const data = loadSource({ kind: 'folder', dir: 'rgb' }, dir);
    expect(data.shape).toEqual([3, 2, 2]);
    expect(sample(data, 0).map((v) => Math.round(v * 255))).toEqual([0, 255, 0, 255, 0, 0, 255, 255, 100, 100, 100, 100]);
    const j = sample(data, 1).map((v) => v * 255);
    for (let c = 0; c < 3; c++) for (let p = 0; p < 4; p++) expect(Math.abs(j[c * 4 + p]! - [200, 100, 50][c]!)).toBeLessThan(4);
  });

  it('decodes a grey JPEG to one channel, and repeats grey into RGB when a folder mixes them', () => {
    write(join(dir, 'gj', 'only', 'g.jpg'), GREY_JPEG);
    const grey = loadSource({ kind: 'folder', dir: 'gj' }, dir);
    expect(grey.shape).toEqual([1, 4, 6]);
    sample(grey, 0).forEach((v, p) => expect(Math.abs(v * 255 - (40 * (p % 6) + 10 * Math.floor(p / 6)))).toBeLessThan(3));
    write(join(dir, 'mixed', 'a', 'g.jpg'), GREY_JPEG);
    write(join(dir, 'mixed', 'b', 'c.png'), png(6, 4, 2, () => [1, 2, 3]));
    const mixed = loadSource({ kind: 'folder', dir: 'mixed' }, dir);
    expect(mixed.shape).toEqual([3, 4, 6]);
    const g = sample(mixed, 0);
    expect(g.slice(0, 24)).toEqual(g.slice(24, 48));
    expect(g.slice(0, 24)).toEqual(g.slice(48, 72));
  });

  it('resizes images of different sizes when the data line says resize=', () => {
    write(join(dir, 'sizes', 'a', '1.png'), png(4, 4, 0, () => [255]));
    write(join(dir, 'sizes', 'b', '2.png'), png(8, 6, 0, () => [0]));
    const data = loadSource({ kind: 'folder', dir: 'sizes', resize: [5, 5] }, dir);
    expect(data.shape).toEqual([1, 5, 5]);
    expect(sample(data, 0)).toEqual(new Array(25).fill(1));
    expect(sample(data, 1)).toEqual(new Array(25).fill(0));
  });
});

describe('csv source', () => {
  it('reads numeric features as [F] and maps string labels by sorted value', () => {
    write(join(dir, 'iris.csv'), 'a,b,species,c\n1,2,virginica,3\n\n4,"5",setosa,6.5\n-1,0,versicolor,1e3\n');
    const data = loadSource({ kind: 'csv', file: 'iris.csv', label: 'species' }, dir);
    expect(data.shape).toEqual([3]);
    expect(Array.from(data.x)).toEqual([1, 2, 3, 4, 5, 6.5, -1, 0, 1000]);
    expect(data.classNames).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(Array.from(data.y)).toEqual([2, 0, 1]);
    expect(data.classes).toBe(3);
  });

  it('keeps whole-number labels as class indices', () => {
    write(join(dir, 'digits.csv'), 'label,p0,p1\r\n9,0,1\r\n2,1,0\r\n');
    const data = loadSource({ kind: 'csv', file: 'digits.csv', label: 'label' }, dir);
    expect(Array.from(data.y)).toEqual([9, 2]);
    expect(data.classes).toBe(10);
    expect(data.classNames).toBeUndefined();
  });
});

describe('synthetic source', () => {
  const source = { kind: 'synthetic' as const, samples: 400, classes: 10, shape: [1, 8, 8] };

  it('is the same for the same seed, different for another, and in [0, 1]', () => {
    const a = loadSource(source, dir, { seed: 3 });
    const b = loadSource(source, dir, { seed: 3 });
    const c = loadSource(source, dir, { seed: 4 });
    expect(a.x).toEqual(b.x);
    expect(a.x).not.toEqual(c.x);
    expect(a.shape).toEqual([1, 8, 8]);
    expect(Math.min(...a.x)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...a.x)).toBeLessThanOrEqual(1);
    expect(Array.from(a.y.slice(0, 12))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
  });

  it('takes the model input shape when it has none, and its test split differs from its training split', () => {
    const train = loadSource({ kind: 'synthetic', samples: 10, classes: 2 }, dir, { shape: [3, 4, 4] });
    const test = loadSource({ kind: 'synthetic', samples: 10, classes: 2 }, dir, { shape: [3, 4, 4], split: 'test' });
    expect(train.shape).toEqual([3, 4, 4]);
    expect(train.x).not.toEqual(test.x);
  });

  it('can be learnt: class means of the training split classify the test split far above chance', () => {
    const train = loadSource(source, dir, { seed: 1 });
    const test = loadSource(source, dir, { seed: 1, split: 'test' });
    const size = 64;
    const means = new Float64Array(10 * size);
    train.y.forEach((label, i) => {
      for (let d = 0; d < size; d++) means[label * size + d]! += train.x[i * size + d]! / 40;
    });
    let right = 0;
    test.y.forEach((label, i) => {
      let best = 0;
      let bestDistance = Infinity;
      for (let k = 0; k < 10; k++) {
        let distance = 0;
        for (let d = 0; d < size; d++) distance += (test.x[i * size + d]! - means[k * size + d]!) ** 2;
        if (distance < bestDistance) [best, bestDistance] = [k, distance];
      }
      if (best === label) right++;
    });
    expect(right / test.y.length).toBeGreaterThan(0.9);
  });
});
