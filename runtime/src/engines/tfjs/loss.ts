// The train block's losses and the accuracy count, as runtime/python/trainer.py computes them:
// cross-entropy on logits, or the NLL of log(output) (clamped at 1e-12) when the model ends in a
// softmax; bce with logits (or on a sigmoid output) and mse against one-hot targets (or the label
// itself for a single output).
import type { Scalar, Tensor, Tensor1D } from '@tensorflow/tfjs';
import type { Tf } from './backend';
import { JobError } from './optim';

export type LossFn = (out: Tensor, y: Tensor1D) => Scalar;
type Loss = (out: Tensor, y: Tensor1D) => Tensor;

const EPS = 1e-12;

export function makeLoss(tf: Tf, loss: string, activation: string | null): LossFn {
  const fn = pick(tf, loss, activation);
  return (out, y) => fn(out, y) as Scalar;
}

function pick(tf: Tf, loss: string, activation: string | null): Loss {
  const nll = (logProbs: Tensor, y: Tensor1D): Tensor => tf.neg(tf.mean(tf.sum(tf.mul(logProbs, tf.oneHot(y, logProbs.shape[1]!)), 1)));
  const logOf = (out: Tensor) => tf.log(tf.maximum(out, EPS));
  const targets = (out: Tensor, y: Tensor1D): Tensor => (out.rank === 1 || out.shape[1] === 1 ? tf.reshape(tf.cast(y, 'float32'), out.shape) : tf.cast(tf.oneHot(y, out.shape[1]!), 'float32'));
  switch (loss) {
    case 'crossentropy':
      return activation === 'softmax' ? (out, y) => nll(logOf(out), y) : (out, y) => nll(tf.logSoftmax(out), y);
    case 'nll':
      // Without a softmax the output is taken to be log-probabilities already.
      return activation === 'softmax' ? (out, y) => nll(logOf(out), y) : (out, y) => nll(out, y);
    case 'bce':
      if (activation === 'sigmoid') {
        return (out, y) => {
          const p = tf.clipByValue(out, EPS, 1 - EPS);
          const t = targets(out, y);
          return tf.neg(tf.mean(tf.add(tf.mul(t, tf.log(p)), tf.mul(tf.sub(1, t), tf.log(tf.sub(1, p))))));
        };
      }
      // max(x, 0) − x·t + log(1 + e^−|x|): the stable form PyTorch uses.
      return (out, y) => tf.mean(tf.add(tf.sub(tf.relu(out), tf.mul(out, targets(out, y))), tf.log1p(tf.exp(tf.neg(tf.abs(out))))));
    case 'mse':
      return (out, y) => tf.mean(tf.square(tf.sub(out, targets(out, y))));
    default:
      throw new JobError('job', `unknown loss '${loss}'`);
  }
}

/** Correct predictions: the arg-max, or for one output a threshold at 0.5 (probabilities) or 0 (logits). */
export function correctCount(tf: Tf, out: Tensor, y: Tensor1D): number {
  return tf.tidy(() => {
    if (out.rank === 1 || out.shape[1] === 1) {
      const o = tf.reshape(out, [-1]);
      const [min, max] = [tf.min(o).dataSync()[0]!, tf.max(o).dataSync()[0]!];
      const threshold = min >= 0 && max <= 1 ? 0.5 : 0;
      return tf.sum(tf.cast(tf.equal(tf.cast(tf.greater(o, threshold), 'int32'), y), 'int32')).dataSync()[0]!;
    }
    return tf.sum(tf.cast(tf.equal(tf.argMax(out, 1), y), 'int32')).dataSync()[0]!;
  });
}
