import { describe, expect, it } from 'vitest';
import { addNoise, augmentSample, checkAugments, crop, hflip, mulberry32, rotate } from '../../runtime/src/data/index';

// The augmentations one sample at a time: identities, exact small cases, and noise statistics.
const shape = [2, 3, 4];
const x = Float32Array.from({ length: 24 }, (_, i) => (i + 1) / 24);

describe('augmentations', () => {
  it('hflip mirrors each row, and twice is the identity', () => {
    expect(Array.from(hflip(x, shape).subarray(0, 4))).toEqual([4, 3, 2, 1].map((v) => Math.fround(v / 24)));
    expect(hflip(hflip(x, shape), shape)).toEqual(x);
  });

  it('hflip with p = 0.5 flips about half the samples', () => {
    const rng = mulberry32(1);
    let flipped = 0;
    for (let i = 0; i < 2000; i++) if (augmentSample(x, shape, [{ name: 'hflip', options: {} }], rng)[0] !== x[0]) flipped++;
    expect(flipped / 2000).toBeGreaterThan(0.46);
    expect(flipped / 2000).toBeLessThan(0.54);
  });

  it('crop with pad 0 is the identity; with pad P it shifts in zeros', () => {
    expect(crop(x, shape, 0, 0, 0)).toEqual(x);
    expect(augmentSample(x, shape, [{ name: 'crop', options: { pad: 0 } }], mulberry32(3))).toEqual(x);
    const src = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // Window at (0, 2) of the 1-padded 5×5: one row down, one column left.
    expect(Array.from(crop(src, [1, 3, 3], 1, 0, 2))).toEqual([0, 0, 0, 2, 3, 0, 5, 6, 0]);
    expect(crop(src, [1, 3, 3], 1, 1, 1)).toEqual(src);
  });

  it('rotate 0 is the identity, 360 nearly so, and 90 turns a square counter-clockwise', () => {
    expect(rotate(x, shape, 0)).toEqual(x);
    rotate(x, shape, 360).forEach((v, i) => expect(v).toBeCloseTo(x[i]!, 5));
    const square = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // 1 2 3      3 6 9
    // 4 5 6  →   2 5 8
    // 7 8 9      1 4 7
    Array.from(rotate(square, [1, 3, 3], 90)).forEach((v, i) => expect(v).toBeCloseTo([3, 6, 9, 2, 5, 8, 1, 4, 7][i]!, 5));
    const rng = mulberry32(5);
    for (let i = 0; i < 20; i++) expect(augmentSample(x, shape, [{ name: 'rotate', options: { degrees: 0 } }], rng)).toEqual(x);
  });

  it('rotate fills with zeros outside the image', () => {
    const ones = new Float32Array(16).fill(1);
    const turned = rotate(ones, [1, 4, 4], 45);
    expect(turned[0]).toBeLessThan(0.5);
    expect(turned[5]).toBeCloseTo(1, 5);
  });

  it('noise std 0 is the identity; std S has mean 0 and standard deviation S', () => {
    expect(addNoise(x, 0, mulberry32(2))).toEqual(x);
    const zeros = new Float32Array(100_000);
    const noisy = addNoise(zeros, 0.5, mulberry32(9));
    const mean = noisy.reduce((a, b) => a + b, 0) / noisy.length;
    const sd = Math.sqrt(noisy.reduce((a, b) => a + (b - mean) ** 2, 0) / noisy.length);
    expect(Math.abs(mean)).toBeLessThan(0.01);
    expect(Math.abs(sd - 0.5)).toBeLessThan(0.01);
    const within = noisy.filter((v) => Math.abs(v) < 0.5).length / noisy.length;
    expect(within).toBeCloseTo(0.6827, 2);
  });

  it('applies in order, never changes its input, and refuses image augmentations on rows', () => {
    const copy = x.slice();
    const out = augmentSample(x, shape, [{ name: 'crop', options: { pad: 2 } }, { name: 'rotate', options: { degrees: 30 } }, { name: 'noise', options: { std: 0.1 } }], mulberry32(4));
    expect(x).toEqual(copy);
    expect(out).not.toEqual(x);
    expect(() => checkAugments([{ name: 'hflip', options: {} }], [4], 'iris.csv')).toThrow('augment hflip needs images (C×H×W), but iris.csv has samples of shape [4]');
    expect(() => checkAugments([{ name: 'noise', options: {} }], [4], 'iris.csv')).not.toThrow();
    expect(() => checkAugments([{ name: 'blur', options: {} }], shape, 'x')).toThrow("unknown augmentation 'blur'");
  });
});
