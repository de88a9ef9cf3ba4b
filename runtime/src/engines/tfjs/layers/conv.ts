// Convolutions as PyTorch computes them, on channels-last tensors: per-side padding (uneven
// `same`), dilation with stride (tf.conv2d takes one or the other, and has no gradient for
// dilation, so dilation is zeros in the kernel), channel groups (tfjs-layers
// has none), LeNet-5's connection tables (only the connected kernels are weights) and transposed
// convolutions that crop their full output and add output_padding at the end. Sequences arrive
// as images one row high, so one 2-D implementation serves both.
import type { LayerVariable, Tensor, Tensor2D, Tensor4D } from '@tensorflow/tfjs';
import type { Tf } from '../backend';
import { type BaseSpec, type Kwargs, defineBase, padPairs } from './common';
import { im2colConv } from './im2col';

export interface ConvSpec extends BaseSpec {
  cin: number;
  filters: number;
  kernel: [number, number];
  stride: [number, number];
  dilation: [number, number];
  /** [top, bottom, left, right]. */
  padding: number[];
  groups: number;
  bias: boolean;
  /** For each output map, the input maps it reads; null for a full (or grouped) convolution. */
  connections: number[][] | null;
}

export interface DenseSpec extends BaseSpec {
  inputs: number;
  units: number;
  bias: boolean;
}

export interface DeconvSpec extends BaseSpec {
  cin: number;
  filters: number;
  kernel: [number, number];
  stride: [number, number];
  dilation: [number, number];
  /** Rows and columns cropped from the full output: [top, bottom, left, right]. */
  padding: number[];
  /** Rows and columns added at the bottom and right. */
  outputPadding: [number, number];
  groups: number;
  bias: boolean;
}

/** The connections of a table as (output map, input map) pairs, in the table's order. */
export function links(connections: number[][]): Array<[number, number]> {
  return connections.flatMap((inputs, o) => inputs.map((i): [number, number] => [o, i]));
}

/**
 * Zeros between kernel taps: the dilated kernel, for ops without dilation (tf.conv2dTranspose)
 * or without its gradient (tf.conv2d's gradient refuses dilation > 1).
 */
export function dilateKernel(tf: Tf, w: Tensor4D, dilation: [number, number]): Tensor4D {
  let out = w;
  for (const axis of [0, 1] as const) {
    const d = dilation[axis];
    if (d === 1) continue;
    const shape = out.shape;
    const k = shape[axis];
    const spread = tf.pad(tf.expandDims(out, axis + 1), [0, 1, 2, 3, 4].map((a) => (a === axis + 1 ? [0, d - 1] : [0, 0])) as [number, number][]);
    const flat = [...shape] as number[];
    flat[axis] = k * d;
    const begin = [0, 0, 0, 0];
    const size = [...shape] as number[];
    size[axis] = (k - 1) * d + 1;
    out = tf.slice(tf.reshape(spread, flat), begin, size) as Tensor4D;
  }
  return out;
}

export function defineConv(tf: Tf) {
  const Base = defineBase(tf);

  class NetLensConv extends Base<ConvSpec> {
    static className = 'NetLensConv';
    private kernel?: LayerVariable;
    private biasWeight?: LayerVariable;
    private scatter?: Tensor;

    override build(): void {
      const { kernel: [kh, kw], cin, filters, groups, connections } = this.spec;
      if (connections) {
        const pairs = links(connections);
        // PyTorch's bound 1/√fan-in, each map with its own fan-in: the maps it reads.
        const bounds = pairs.map(([o]) => 1 / Math.sqrt(connections[o]!.length * kh * kw));
        this.kernel = this.uniform('kernel', [kh, kw, pairs.length], (l) => bounds[l]!);
        const scatter = new Float32Array(pairs.length * cin * filters);
        pairs.forEach(([o, i], l) => (scatter[l * cin * filters + i * filters + o] = 1));
        this.scatter = tf.keep(tf.tensor2d(scatter, [pairs.length, cin * filters]));
        if (this.spec.bias) this.biasWeight = this.uniform('bias', [filters], (o) => 1 / Math.sqrt(connections[o]!.length * kh * kw));
      } else {
        const fanIn = (cin / groups) * kh * kw;
        this.kernel = this.uniform('kernel', [kh, kw, cin / groups, filters], 1 / Math.sqrt(fanIn));
        if (this.spec.bias) this.biasWeight = this.uniform('bias', [filters], 1 / Math.sqrt(fanIn));
      }
      this.built = true;
    }

    /** The dense [kh, kw, cin/groups, filters] kernel; a connection table's is scattered from its links. */
    private denseKernel(): Tensor4D {
      const w = this.kernel!.read();
      if (!this.scatter) return w as Tensor4D;
      const [kh, kw] = this.spec.kernel;
      return tf.reshape(tf.matMul(tf.reshape(w, [kh * kw, -1]), this.scatter), [kh, kw, this.spec.cin, this.spec.filters]);
    }

    override call(inputs: Tensor | Tensor[], _kwargs: Kwargs): Tensor {
      return tf.tidy(() => {
        const x = this.one(inputs) as Tensor4D;
        const { stride, dilation, padding, groups, kernel } = this.spec;
        // The plain CPU backend's conv2d gradients are very slow: there, one matrix product (im2col).
        // Elsewhere tf.conv2d, with dilation as zeros in the kernel: its gradient refuses dilation > 1.
        const fast = tf.getBackend() === 'cpu';
        const pad = padding.some((p) => p > 0) ? (padPairs(padding) as [[number, number], [number, number], [number, number], [number, number]]) : 'valid';
        const conv = fast ? (xi: Tensor4D, wi: Tensor4D) => im2colConv(tf, xi, wi, { kernel, stride, dilation, padding }) : (xi: Tensor4D, wi: Tensor4D) => tf.conv2d(xi, dilateKernel(tf, wi, dilation), stride, pad, 'NHWC');
        const y = grouped(x, this.denseKernel(), groups, conv);
        return this.biasWeight ? tf.add(y, this.biasWeight.read()) : y;
      });
    }
  }

  /** `op` per group: the channels (axis 3) of input and kernel split into `groups`, the outputs joined. */
  function grouped(x: Tensor4D, w: Tensor4D, groups: number, op: (x: Tensor4D, w: Tensor4D) => Tensor4D): Tensor4D {
    if (groups === 1) return op(x, w);
    const xs = tf.split<Tensor4D>(x, groups, 3);
    const ws = tf.split<Tensor4D>(w, groups, 3);
    return tf.concat(xs.map((xi, g) => op(xi, ws[g]!)), 3);
  }

  class NetLensDeconv extends Base<DeconvSpec> {
    static className = 'NetLensDeconv';
    private kernel?: LayerVariable;
    private biasWeight?: LayerVariable;

    override build(): void {
      const { kernel: [kh, kw], cin, filters, groups } = this.spec;
      // PyTorch's ConvTranspose weight is [cin, filters/groups, kh, kw]; its fan-in is size(1)·kh·kw.
      const fanIn = (filters / groups) * kh * kw;
      this.kernel = this.uniform('kernel', [kh, kw, filters / groups, cin], 1 / Math.sqrt(fanIn));
      if (this.spec.bias) this.biasWeight = this.uniform('bias', [filters], 1 / Math.sqrt(fanIn));
      this.built = true;
    }

    override call(inputs: Tensor | Tensor[], _kwargs: Kwargs): Tensor {
      return tf.tidy(() => {
        const x = this.one(inputs) as Tensor4D;
        const { stride, dilation, padding, groups, out } = this.spec;
        const w = dilateKernel(tf, this.kernel!.read() as Tensor4D, dilation);
        const [batch, h, wd] = x.shape;
        const full: [number, number] = [(h - 1) * stride[0] + w.shape[0], (wd - 1) * stride[1] + w.shape[1]];
        const per = w.shape[2];
        const transpose = (xi: Tensor4D, wi: Tensor4D) => tf.conv2dTranspose(xi, wi, [batch, full[0], full[1], per], stride, 'valid');
        let y = grouped(x, w, groups, transpose);
        // Crop `padding` from the start and keep the output's rows (full − crops + output_padding):
        // rows past the full output are zeros before the bias, as in PyTorch.
        const target = [out[0]!, out[1]!];
        const endPad = [0, 1].map((a) => Math.max(0, padding[2 * a]! + target[a]! - full[a]!));
        if (endPad.some((p) => p > 0)) y = tf.pad(y, [[0, 0], [0, endPad[0]!], [0, endPad[1]!], [0, 0]]);
        y = tf.slice(y, [0, padding[0]!, padding[2]!, 0], [batch, target[0]!, target[1]!, y.shape[3]]);
        return this.biasWeight ? tf.add(y, this.biasWeight.read()) : y;
      });
    }
  }

  /** nn.Linear: kernel [inputs, units], both weights uniform in ±1/√inputs. */
  class NetLensDense extends Base<DenseSpec> {
    static className = 'NetLensDense';
    private kernel?: LayerVariable;
    private biasWeight?: LayerVariable;

    override build(): void {
      const bound = 1 / Math.sqrt(this.spec.inputs);
      this.kernel = this.uniform('kernel', [this.spec.inputs, this.spec.units], bound);
      if (this.spec.bias) this.biasWeight = this.uniform('bias', [this.spec.units], bound);
      this.built = true;
    }

    override call(inputs: Tensor | Tensor[], _kwargs: Kwargs): Tensor {
      return tf.tidy(() => {
        const y = tf.matMul(this.one(inputs) as Tensor2D, this.kernel!.read() as Tensor2D);
        return this.biasWeight ? tf.add(y, this.biasWeight.read()) : y;
      });
    }
  }

  return { NetLensConv, NetLensDeconv, NetLensDense };
}
