// The layers that move values rather than weigh them: the channel-order changes at the model's
// edges, flatten and reshape in PyTorch's C, H, W order, zero padding, PyTorch's upsampling
// (its own source-index rules, float for float), merges and activations.
import type { Tensor } from '@tensorflow/tfjs';
import type { Tf } from '../backend';
import { type BaseSpec, type Kwargs, defineBase, padPairs } from './common';

export interface LayoutSpec extends BaseSpec {
  /** The IR shape (channels first, no batch) coming in and going out. */
  from: number[];
  to: number[];
  /** The input is already channels first (the model's input); the output stays channels first (its output). */
  inputFirst: boolean;
  outputFirst: boolean;
}

export interface PadSpec extends BaseSpec {
  padding: number[];
}

export interface ResizeSpec extends BaseSpec {
  mode: 'nearest' | 'bilinear';
  /** Per axis [h, w]; a sequence has 1 for h. */
  scale: number[];
  input: [number, number];
}

export interface MergeSpec extends BaseSpec {
  mode: 'concat' | 'add' | 'mul' | 'max' | 'avg';
}

export interface ActivationSpec extends BaseSpec {
  name: string;
  alpha: number | null;
}

/** How a tensor of IR shape `shape` is held inside the model: images NHWC, sequences as one-row images N1LC. */
export function internalShape(shape: readonly number[]): number[] {
  if (shape.length === 3) return [shape[1]!, shape[2]!, shape[0]!];
  if (shape.length === 2) return [1, shape[1]!, shape[0]!];
  return [...shape];
}

/** One axis of PyTorch's upsampling: for each output index, two source indices and their weights. */
export function resizeTaps(mode: 'nearest' | 'bilinear', input: number, output: number, scale: number): { i0: Int32Array; i1: Int32Array; w1: Float32Array } {
  const f = Math.fround;
  const ratio = f(1 / scale); // PyTorch computes 1/scale_factor as a float and works in floats
  const i0 = new Int32Array(output);
  const i1 = new Int32Array(output);
  const w1 = new Float32Array(output);
  for (let o = 0; o < output; o++) {
    if (mode === 'nearest') {
      i0[o] = i1[o] = Math.min(Math.floor(f(o * ratio)), input - 1);
      continue;
    }
    const src = Math.max(f(f(ratio * f(o + 0.5)) - 0.5), 0);
    const lo = Math.floor(src);
    i0[o] = lo;
    i1[o] = lo < input - 1 ? lo + 1 : lo;
    w1[o] = f(src - lo);
  }
  return { i0, i1, w1 };
}

export function defineShape(tf: Tf) {
  const Base = defineBase(tf);

  /** NHWC (or N1LC) → the PyTorch layout of `shape`. */
  function toFirst(x: Tensor, shape: number[]): Tensor {
    if (shape.length === 3) return tf.transpose(x, [0, 3, 1, 2]);
    if (shape.length === 2) return tf.transpose(tf.reshape(x, [-1, shape[1]!, shape[0]!]), [0, 2, 1]);
    return x;
  }

  /** The PyTorch layout of `shape` → NHWC (or N1LC). */
  function toLast(x: Tensor, shape: number[]): Tensor {
    const b = x.shape[0]!;
    if (shape.length === 3) return tf.transpose(tf.reshape(x, [b, ...shape]), [0, 2, 3, 1]);
    if (shape.length === 2) return tf.reshape(tf.transpose(tf.reshape(x, [b, ...shape]), [0, 2, 1]), [b, 1, shape[1]!, shape[0]!]);
    return tf.reshape(x, [b, ...shape]);
  }

  class NetLensLayout extends Base<LayoutSpec> {
    static className = 'NetLensLayout';

    override call(inputs: Tensor | Tensor[], _kwargs: Kwargs): Tensor {
      return tf.tidy(() => {
        const { from, to, inputFirst, outputFirst } = this.spec;
        let x = this.one(inputs);
        if (!inputFirst) x = toFirst(x, from);
        const b = x.shape[0]!;
        return outputFirst ? tf.reshape(x, [b, ...to]) : toLast(x, to);
      });
    }
  }

  class NetLensPad extends Base<PadSpec> {
    static className = 'NetLensPad';

    override call(inputs: Tensor | Tensor[], _kwargs: Kwargs): Tensor {
      return tf.pad(this.one(inputs), padPairs(this.spec.padding));
    }
  }

  class NetLensResize extends Base<ResizeSpec> {
    static className = 'NetLensResize';
    private taps: Array<{ i0: Tensor; i1: Tensor; w0: Tensor; w1: Tensor } | null> = [];

    override build(): void {
      const { mode, scale, input, out } = this.spec;
      this.taps = [0, 1].map((a) => {
        if (scale[a] === 1 && input[a] === out[a]) return null;
        const t = resizeTaps(mode, input[a]!, out[a]!, scale[a]!);
        const shape = a === 0 ? [1, out[a]!, 1, 1] : [1, 1, out[a]!, 1];
        const w0 = t.w1.map((w) => 1 - w);
        return { i0: tf.keep(tf.tensor1d(t.i0, 'int32')), i1: tf.keep(tf.tensor1d(t.i1, 'int32')), w0: tf.keep(tf.tensor(w0, shape)), w1: tf.keep(tf.tensor(t.w1, shape)) };
      });
      this.built = true;
    }

    override call(inputs: Tensor | Tensor[], _kwargs: Kwargs): Tensor {
      return tf.tidy(() => {
        let x = this.one(inputs);
        this.taps.forEach((t, a) => {
          if (!t) return;
          if (this.spec.mode === 'nearest') x = tf.gather(x, t.i0, a + 1);
          else x = tf.add(tf.mul(tf.gather(x, t.i0, a + 1), t.w0), tf.mul(tf.gather(x, t.i1, a + 1), t.w1));
        });
        return x;
      });
    }
  }

  class NetLensMerge extends Base<MergeSpec> {
    static className = 'NetLensMerge';

    override call(inputs: Tensor | Tensor[], _kwargs: Kwargs): Tensor {
      return tf.tidy(() => {
        const xs = Array.isArray(inputs) ? inputs : [inputs];
        const mode = this.spec.mode;
        // Channels are the last axis inside the model, so PyTorch's concat along channels is axis −1.
        if (mode === 'concat') return tf.concat(xs, -1);
        const join = mode === 'mul' ? tf.mul : mode === 'max' ? tf.maximum : tf.add;
        const out = xs.slice(1).reduce((acc: Tensor, x) => join(acc, x), xs[0]!);
        return mode === 'avg' ? tf.div(out, xs.length) : out;
      });
    }
  }

  class NetLensActivation extends Base<ActivationSpec> {
    static className = 'NetLensActivation';

    override call(inputs: Tensor | Tensor[], _kwargs: Kwargs): Tensor {
      return tf.tidy(() => activate(tf, this.one(inputs), this.spec.name, this.spec.alpha));
    }
  }

  return { NetLensLayout, NetLensPad, NetLensResize, NetLensMerge, NetLensActivation };
}

/** PyTorch's activations (GELU is the exact, erf form). */
export function activate(tf: Tf, x: Tensor, name: string, alpha: number | null): Tensor {
  switch (name) {
    case 'relu':
      return tf.relu(x);
    case 'relu6':
      return tf.relu6(x);
    case 'leakyrelu':
      return tf.leakyRelu(x, alpha ?? 0.01);
    case 'elu': {
      const a = alpha ?? 1;
      if (a === 1) return tf.elu(x);
      // exp of the clamped value: the unused branch of `where` must not overflow (0·∞ in the gradient).
      return tf.where(tf.greater(x, 0), x, tf.mul(tf.sub(tf.exp(tf.minimum(x, 0)), 1), a));
    }
    case 'gelu':
      return tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.div(x, Math.SQRT2)), 1));
    case 'silu':
      return tf.mul(x, tf.sigmoid(x));
    case 'tanh':
      return tf.tanh(x);
    case 'sigmoid':
      return tf.sigmoid(x);
    case 'hardswish':
      return tf.div(tf.mul(x, tf.relu6(tf.add(x, 3))), 6);
    case 'softmax':
      return tf.softmax(x, -1);
    default:
      throw new Error(`no tfjs activation '${name}'`);
  }
}

