// A convolution for the plain-JavaScript CPU backend as one matrix product: the input's patches
// laid out as rows (im2col) times the kernel. The backend's own conv2d gradients loop over every
// index and dominate a training step (seconds for LeNet-5's first layer on a batch of 64); here
// both gradients are matrix products too, and the input's is scattered back (col2im) in plain
// loops over typed arrays. Stride, dilation and per-side padding are all handled in the indices.
import type { Tensor, Tensor2D, Tensor4D } from '@tensorflow/tfjs';
import type { Tf } from '../backend';

export interface ConvGeometry {
  kernel: [number, number];
  stride: [number, number];
  dilation: [number, number];
  /** [top, bottom, left, right]. */
  padding: number[];
}

interface Dims {
  b: number;
  h: number;
  w: number;
  c: number;
  oh: number;
  ow: number;
}

function dimsOf(shape: number[], g: ConvGeometry): Dims {
  const [b, h, w, c] = shape as [number, number, number, number];
  const span = (a: 0 | 1) => g.dilation[a] * (g.kernel[a] - 1) + 1;
  const oh = Math.floor((h + g.padding[0]! + g.padding[1]! - span(0)) / g.stride[0]) + 1;
  const ow = Math.floor((w + g.padding[2]! + g.padding[3]! - span(1)) / g.stride[1]) + 1;
  return { b, h, w, c, oh, ow };
}

/**
 * Visits every kernel tap whose input position is inside the image: the offset of its first
 * channel in the patch matrix and in the input. Taps in the padding are skipped (zeros).
 */
function eachTap(d: Dims, g: ConvGeometry, visit: (col: number, at: number) => void): void {
  const [kh, kw] = g.kernel;
  const cols = kh * kw * d.c;
  for (let n = 0; n < d.b; n++) {
    for (let oy = 0; oy < d.oh; oy++) {
      for (let ox = 0; ox < d.ow; ox++) {
        const row = ((n * d.oh + oy) * d.ow + ox) * cols;
        for (let ky = 0; ky < kh; ky++) {
          const iy = oy * g.stride[0] - g.padding[0]! + ky * g.dilation[0];
          if (iy < 0 || iy >= d.h) continue;
          for (let kx = 0; kx < kw; kx++) {
            const ix = ox * g.stride[1] - g.padding[2]! + kx * g.dilation[1];
            if (ix < 0 || ix >= d.w) continue;
            const at = ((n * d.h + iy) * d.w + ix) * d.c;
            const col = row + (ky * kw + kx) * d.c;
            visit(col, at);
          }
        }
      }
    }
  }
}

export function im2col(x: Float32Array, shape: number[], g: ConvGeometry): { cols: Float32Array; d: Dims } {
  const d = dimsOf(shape, g);
  const cols = new Float32Array(d.b * d.oh * d.ow * g.kernel[0] * g.kernel[1] * d.c);
  eachTap(d, g, (col, at) => {
    for (let ch = 0; ch < d.c; ch++) cols[col + ch] = x[at + ch]!;
  });
  return { cols, d };
}

export function col2im(cols: Float32Array, d: Dims, g: ConvGeometry): Float32Array {
  const x = new Float32Array(d.b * d.h * d.w * d.c);
  eachTap(d, g, (col, at) => {
    for (let ch = 0; ch < d.c; ch++) x[at + ch] += cols[col + ch]!;
  });
  return x;
}

/** conv2d(x, kernel) on NHWC with a [kh, kw, cin, filters] kernel, differentiable in both. */
export function im2colConv(tf: Tf, x: Tensor4D, kernel: Tensor4D, g: ConvGeometry): Tensor4D {
  const conv = tf.customGrad((...args: unknown[]) => {
    const [input, w, save] = args as [Tensor4D, Tensor4D, (tensors: Tensor[]) => void];
    const { cols, d } = im2col(input.dataSync() as Float32Array, input.shape, g);
    const k = g.kernel[0] * g.kernel[1] * d.c;
    const filters = w.shape[3];
    const patches = tf.tensor2d(cols, [d.b * d.oh * d.ow, k]);
    const flatW = tf.reshape(w, [k, filters]) as Tensor2D;
    save([patches, flatW]);
    const value = tf.reshape(tf.matMul(patches, flatW), [d.b, d.oh, d.ow, filters]);
    const gradFunc = (dy: Tensor, saved: Tensor[]) => {
      const [p, fw] = saved as [Tensor2D, Tensor2D];
      const dy2 = tf.reshape(dy, [d.b * d.oh * d.ow, filters]) as Tensor2D;
      const dw = tf.reshape(tf.matMul(p, dy2, true, false), w.shape);
      const dcols = tf.matMul(dy2, fw, false, true).dataSync() as Float32Array;
      const dx = tf.tensor4d(col2im(dcols, d, g), input.shape);
      return [dx, dw];
    };
    return { value, gradFunc };
  });
  return (conv as unknown as (a: Tensor4D, b: Tensor4D) => Tensor4D)(x, kernel);
}
