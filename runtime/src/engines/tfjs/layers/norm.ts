// Batch normalisation with PyTorch's conventions (momentum is the weight of the new batch, the
// running variance is updated with the unbiased batch variance), AlexNet's local response
// normalisation with the paper's per-element α, and dropout whose masks come from the seed, the
// epoch and the step, so a resumed run draws the masks the uninterrupted run would have drawn.
import type { LayerVariable, Tensor } from '@tensorflow/tfjs';
import { deriveSeed } from '../../../data/random';
import type { Tf } from '../backend';
import { type BaseSpec, type Kwargs, defineBase } from './common';

export interface BatchNormSpec extends BaseSpec {
  channels: number;
  eps: number;
  /** PyTorch's: running = (1 − momentum)·running + momentum·batch. */
  momentum: number;
  affine: boolean;
}

export interface LrnSpec extends BaseSpec {
  size: number;
  /** The paper's per-element α: b = a / (k + α·Σa²)^β. */
  alpha: number;
  beta: number;
  k: number;
}

export interface DropoutSpec extends BaseSpec {
  rate: number;
}

/** The training position the dropout masks are drawn for; the trainer sets it before each step. */
export const stepClock = { epoch: 0, step: 0 };

export function defineNorm(tf: Tf) {
  const Base = defineBase(tf);

  class NetLensBatchNorm extends Base<BatchNormSpec> {
    static className = 'NetLensBatchNorm';
    private gamma?: LayerVariable;
    private beta?: LayerVariable;
    private runningMean?: LayerVariable;
    private runningVar?: LayerVariable;

    override build(): void {
      const c = this.spec.channels;
      if (this.spec.affine) {
        this.gamma = this.filled('gamma', [c], 1);
        this.beta = this.filled('beta', [c], 0);
      }
      this.runningMean = this.filled('running_mean', [c], 0, /*trainable*/ false);
      this.runningVar = this.filled('running_var', [c], 1, /*trainable*/ false);
      this.built = true;
    }

    override call(inputs: Tensor | Tensor[], kwargs: Kwargs): Tensor {
      const x = this.one(inputs);
      const axes = x.shape.slice(0, -1).map((_, i) => i);
      let mean: Tensor;
      let variance: Tensor;
      if (kwargs.training) {
        ({ mean, variance } = tf.moments(x, axes));
        this.updateRunning(mean, variance, x.size / this.spec.channels);
      } else {
        mean = this.runningMean!.read();
        variance = this.runningVar!.read();
      }
      let y = tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, this.spec.eps)));
      if (this.gamma) y = tf.add(tf.mul(y, this.gamma.read()), this.beta!.read());
      return y;
    }

    private updateRunning(mean: Tensor, variance: Tensor, n: number): void {
      const m = this.spec.momentum;
      const unbiased = n > 1 ? tf.mul(variance, n / (n - 1)) : variance;
      const blend = (running: LayerVariable, batch: Tensor) => running.write(tf.add(tf.mul(running.read(), 1 - m), tf.mul(batch, m)));
      blend(this.runningMean!, mean);
      blend(this.runningVar!, unbiased);
    }
  }

  class NetLensLrn extends Base<LrnSpec> {
    static className = 'NetLensLrn';

    override call(inputs: Tensor | Tensor[], _kwargs: Kwargs): Tensor {
      return tf.tidy(() => {
        const x = this.one(inputs);
        const { size, alpha, beta, k } = this.spec;
        const c = x.shape[x.shape.length - 1]!;
        const last = x.shape.length - 1;
        // The window of channel c is c − ⌊size/2⌋ … c + ⌊(size−1)/2⌋, zeros past the ends (as PyTorch).
        const pads = x.shape.map((_, i): [number, number] => (i === last ? [Math.floor(size / 2), Math.floor((size - 1) / 2)] : [0, 0]));
        const squares = tf.pad(tf.square(x), pads);
        let sum: Tensor | undefined;
        for (let j = 0; j < size; j++) {
          const begin = x.shape.map((_, i) => (i === last ? j : 0));
          const part = tf.slice(squares, begin, [...x.shape.slice(0, -1), c]);
          sum = sum ? tf.add(sum, part) : part;
        }
        return tf.div(x, tf.pow(tf.add(tf.mul(sum!, alpha), k), beta));
      });
    }
  }

  class NetLensDropout extends Base<DropoutSpec> {
    static className = 'NetLensDropout';

    override call(inputs: Tensor | Tensor[], kwargs: Kwargs): Tensor {
      const x = this.one(inputs);
      const { rate } = this.spec;
      if (!kwargs.training || rate <= 0) return x;
      return tf.tidy(() => {
        const seed = deriveSeed(this.spec.seed ?? 0, stepClock.epoch, stepClock.step);
        const keep = tf.cast(tf.greaterEqual(tf.randomUniform(x.shape, 0, 1, 'float32', seed), rate), 'float32');
        return tf.mul(x, tf.div(keep, 1 - rate));
      });
    }
  }

  return { NetLensBatchNorm, NetLensLrn, NetLensDropout };
}
