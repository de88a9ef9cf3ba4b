// Pooling as PyTorch does it: explicit per-side padding (a max-pool pads with −∞ so it never
// picks the padding; an average counts padded zeros), ceil mode whose last window may hang past
// the padded input (PyTorch divides that window by the part inside), adaptive windows
// floor(j·i/o) to ceil((j+1)·i/o), global pools, and LeNet-5's trainable subsampling.
import type { LayerVariable, Tensor, Tensor4D } from '@tensorflow/tfjs';
import type { Tf } from '../backend';
import { type BaseSpec, type Kwargs, defineBase } from './common';

export interface PoolSpec extends BaseSpec {
  mode: 'max' | 'avg';
  kernel: [number, number];
  stride: [number, number];
  /** [top, bottom, left, right]. */
  padding: number[];
  /** The input's spatial size [h, w]. */
  input: [number, number];
}

export interface SubsampleSpec extends BaseSpec {
  kernel: [number, number];
  channels: number;
}

export interface AdaptivePoolSpec extends BaseSpec {
  mode: 'max' | 'avg';
  input: [number, number];
}

export interface GlobalPoolSpec extends BaseSpec {
  mode: 'max' | 'avg';
}

/** Rows past the padded input that ceil mode's last window reads, per axis. */
export function ceilOverhang(spec: PoolSpec): [number, number] {
  return [0, 1].map((a) => Math.max(0, (spec.out[a]! - 1) * spec.stride[a]! + spec.kernel[a]! - (spec.input[a]! + spec.padding[2 * a]! + spec.padding[2 * a + 1]!))) as [number, number];
}

/** PyTorch's divisor for each window of an average pool: its part inside the padded input. */
export function avgDivisors(spec: PoolSpec): Float32Array {
  const [oh, ow] = spec.out as [number, number];
  const bound = [0, 1].map((a) => spec.input[a]! + spec.padding[2 * a]! + spec.padding[2 * a + 1]!);
  const span = (o: number, a: number) => Math.min(o * spec.stride[a]! + spec.kernel[a]!, bound[a]!) - o * spec.stride[a]!;
  const out = new Float32Array(oh * ow);
  for (let y = 0; y < oh; y++) for (let x = 0; x < ow; x++) out[y * ow + x] = span(y, 0) * span(x, 1);
  return out;
}

/** Adaptive windows along one axis: [start, end) for each of `o` outputs over `i` inputs. */
export function adaptiveWindows(i: number, o: number): Array<[number, number]> {
  return Array.from({ length: o }, (_, j) => [Math.floor((j * i) / o), Math.ceil(((j + 1) * i) / o)]);
}

export function definePool(tf: Tf) {
  const Base = defineBase(tf);

  class NetLensPool extends Base<PoolSpec> {
    static className = 'NetLensPool';
    private divisor?: Tensor;

    override build(): void {
      const over = ceilOverhang(this.spec);
      if (this.spec.mode === 'avg' && over.some((o) => o > 0)) {
        const [oh, ow] = this.spec.out as [number, number];
        this.divisor = tf.keep(tf.tensor4d(avgDivisors(this.spec), [1, oh, ow, 1]));
      }
      this.built = true;
    }

    override call(inputs: Tensor | Tensor[], _kwargs: Kwargs): Tensor {
      return tf.tidy(() => {
        const { mode, kernel, stride, padding } = this.spec;
        const over = ceilOverhang(this.spec);
        const pads: [number, number][] = [[0, 0], [padding[0]!, padding[1]! + over[0]], [padding[2]!, padding[3]! + over[1]], [0, 0]];
        let x = this.one(inputs) as Tensor4D;
        if (pads.some(([a, b]) => a + b > 0)) x = tf.pad(x, pads, mode === 'max' ? -Infinity : 0);
        if (mode === 'max') return tf.maxPool(x, kernel, stride, 'valid');
        const mean = tf.avgPool(x, kernel, stride, 'valid');
        return this.divisor ? tf.div(tf.mul(mean, kernel[0] * kernel[1]), this.divisor) : mean;
      });
    }
  }

  class NetLensSubsample extends Base<SubsampleSpec> {
    static className = 'NetLensSubsample';
    private coefficient?: LayerVariable;
    private biasWeight?: LayerVariable;

    override build(): void {
      this.coefficient = this.filled('weight', [this.spec.channels], 1);
      this.biasWeight = this.filled('bias', [this.spec.channels], 0);
      this.built = true;
    }

    override call(inputs: Tensor | Tensor[], _kwargs: Kwargs): Tensor {
      return tf.tidy(() => {
        const [kh, kw] = this.spec.kernel;
        const sum = tf.mul(tf.avgPool(this.one(inputs) as Tensor4D, [kh, kw], [kh, kw], 'valid'), kh * kw);
        return tf.add(tf.mul(sum, this.coefficient!.read()), this.biasWeight!.read());
      });
    }
  }

  class NetLensAdaptivePool extends Base<AdaptivePoolSpec> {
    static className = 'NetLensAdaptivePool';

    override call(inputs: Tensor | Tensor[], _kwargs: Kwargs): Tensor {
      return tf.tidy(() => {
        let x = this.one(inputs);
        const reduce = (t: Tensor, axis: number) => (this.spec.mode === 'max' ? tf.max(t, axis, true) : tf.mean(t, axis, true));
        // Separable: the windows form a grid, so pooling rows then columns gives each window's mean or max.
        for (const axis of [1, 2]) {
          const i = this.spec.input[axis - 1]!;
          const o = this.spec.out[axis - 1]!;
          if (i === o) continue;
          if (i % o === 0) {
            const k = i / o;
            const size: [number, number] = axis === 1 ? [k, 1] : [1, k];
            x = this.spec.mode === 'max' ? tf.maxPool(x as Tensor4D, size, size, 'valid') : tf.avgPool(x as Tensor4D, size, size, 'valid');
            continue;
          }
          const parts = adaptiveWindows(i, o).map(([start, end]) => {
            const begin = [0, 0, 0, 0];
            const size = [...x.shape];
            begin[axis] = start;
            size[axis] = end - start;
            return reduce(tf.slice(x, begin, size), axis);
          });
          x = tf.concat(parts, axis);
        }
        return x;
      });
    }
  }

  class NetLensGlobalPool extends Base<GlobalPoolSpec> {
    static className = 'NetLensGlobalPool';

    override call(inputs: Tensor | Tensor[], _kwargs: Kwargs): Tensor {
      const x = this.one(inputs);
      return this.spec.mode === 'max' ? tf.max(x, [1, 2]) : tf.mean(x, [1, 2]);
    }
  }

  return { NetLensPool, NetLensSubsample, NetLensAdaptivePool, NetLensGlobalPool };
}
