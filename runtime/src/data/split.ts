// A validation split that depends only on the seed and the sample count: shuffle 0 … N−1 with the
// seed's split stream, hold out the first round(N × fraction), keep both parts in file order.
import { type Dataset, subset } from './dataset';
import { DataError } from './errors';
import { STREAM, range, shuffle, stream } from './random';

export function validationIndices(n: number, fraction: number, seed: number): { train: Int32Array; validation: Int32Array } {
  if (!(fraction > 0 && fraction < 1)) throw new DataError('config', `validation must be a fraction between 0 and 1, not ${fraction}`);
  if (n < 2) throw new DataError('config', `a validation split needs at least 2 samples, but there ${n === 1 ? 'is 1' : `are ${n}`}`);
  const held = Math.min(n - 1, Math.max(1, Math.round(n * fraction)));
  const order = shuffle(range(n), stream(seed, STREAM.split));
  return { validation: order.slice(0, held).sort(), train: order.slice(held).sort() };
}

export function splitValidation(dataset: Dataset, fraction: number, seed: number): { train: Dataset; validation: Dataset } {
  const { train, validation } = validationIndices(dataset.y.length, fraction, seed);
  return { train: subset(dataset, train, `${dataset.name}, training part`), validation: subset(dataset, validation, `${dataset.name}, validation part`) };
}
