// The CPU backend's convolution as one matrix product (layers/im2col.ts) against tfjs's own
// tf.conv2d: the output and both gradients agree for padding (even and uneven), stride and
// dilation, so the fast path changes only the speed.
import { describe, expect, it } from 'vitest';
import type { Tensor, Tensor4D } from '@tensorflow/tfjs';
import { loadBackend } from '../runtime/src/engines/tfjs/backend';
import { im2colConv, type ConvGeometry } from '../runtime/src/engines/tfjs/layers/im2col';
import { dilateKernel } from '../runtime/src/engines/tfjs/layers/conv';
import { mulberry32 } from '../runtime/src/data/random';

const { tf } = loadBackend('cpu');

function random(shape: number[], seed: number): Tensor4D {
  const rng = mulberry32(seed);
  return tf.tensor4d(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng() * 2 - 1), shape as [number, number, number, number]);
}

const maxDiff = (a: Tensor, b: Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);

// [input NHWC, kernel, stride, dilation, padding top/bottom/left/right]
const CASES: Array<[number[], [number, number], [number, number], [number, number], number[]]> = [
  [[1, 9, 9, 2], [3, 3], [2, 2], [2, 2], [1, 2, 0, 1]],
  [[2, 8, 8, 3], [3, 3], [1, 1], [1, 1], [0, 0, 0, 0]],
  [[2, 7, 7, 2], [3, 3], [2, 2], [1, 1], [0, 1, 0, 1]],
  [[1, 9, 11, 4], [5, 3], [1, 2], [1, 1], [2, 2, 1, 1]],
  [[2, 10, 10, 3], [3, 3], [1, 1], [2, 2], [2, 2, 2, 2]],
  [[1, 1, 20, 2], [1, 4], [1, 3], [1, 1], [0, 0, 1, 2]],
];

describe('im2col convolution', () => {
  it.each(CASES)('input %j kernel %j stride %j dilation %j padding %j', (input, kernel, stride, dilation, padding) => {
    const x = random(input, 1);
    const w = random([...kernel, input[3]!, 5], 2);
    const g: ConvGeometry = { kernel, stride, dilation, padding };
    const pad = padding.some((p) => p > 0) ? ([[0, 0], [padding[0]!, padding[1]!], [padding[2]!, padding[3]!], [0, 0]] as [[number, number], [number, number], [number, number], [number, number]]) : 'valid';
    // tf.conv2d has no gradient for dilation: the reference dilates the kernel with zeros, as the
    // layer does on the native backends, after checking that this equals conv2d's own dilation.
    const reference = (a: Tensor, b: Tensor) => tf.conv2d(a as Tensor4D, dilateKernel(tf, b as Tensor4D, dilation), stride, pad, 'NHWC');
    const fast = (a: Tensor, b: Tensor) => im2colConv(tf, a as Tensor4D, b as Tensor4D, g);
    if (stride.every((s) => s === 1) || dilation.every((d) => d === 1)) expect(maxDiff(reference(x, w), tf.conv2d(x, w, stride, pad, 'NHWC', dilation))).toBeLessThan(1e-5);
    expect(fast(x, w).shape).toEqual(reference(x, w).shape);
    expect(maxDiff(fast(x, w), reference(x, w))).toBeLessThan(1e-5);
    // Gradients of a weighted sum, so every output position counts differently.
    const weights = random(reference(x, w).shape, 3);
    const loss = (conv: typeof fast) => (a: Tensor, b: Tensor) => tf.sum(tf.mul(conv(a, b), weights));
    const [dxFast, dwFast] = tf.grads(loss(fast))([x, w]);
    const [dxRef, dwRef] = tf.grads(loss(reference))([x, w]);
    expect(maxDiff(dxFast!, dxRef!)).toBeLessThan(1e-4);
    expect(maxDiff(dwFast!, dwRef!)).toBeLessThan(1e-4);
  });
});
