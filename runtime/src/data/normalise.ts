// Per-channel standardisation: the mean and standard deviation of each channel (the first
// dimension of a sample: image channels, or CSV features) over the training split, then applied
// unchanged to validation and test data.
import { type Dataset, sampleSize } from './dataset';

export interface Stats {
  mean: number[];
  std: number[];
}

/** Calls `visit(channel, start, end)` for each channel's run of values in `x`. */
function eachPlane(length: number, shape: readonly number[], visit: (channel: number, start: number, end: number) => void): void {
  const channels = shape[0] ?? 1;
  const plane = sampleSize(shape) / channels;
  for (let start = 0, c = 0; start < length; start += plane, c = (c + 1) % channels) visit(c, start, start + plane);
}

/** Population mean and standard deviation per channel, in double precision, two passes. A constant channel gets std 1. */
export function channelStats(dataset: Dataset): Stats {
  const channels = dataset.shape[0] ?? 1;
  const { x } = dataset;
  const per = x.length / channels;
  const sum = new Float64Array(channels);
  eachPlane(x.length, dataset.shape, (c, start, end) => {
    let s = 0;
    for (let i = start; i < end; i++) s += x[i]!;
    sum[c] += s;
  });
  const mean = Array.from(sum, (s) => (per > 0 ? s / per : 0));
  const squares = new Float64Array(channels);
  eachPlane(x.length, dataset.shape, (c, start, end) => {
    let s = 0;
    const m = mean[c]!;
    for (let i = start; i < end; i++) s += (x[i]! - m) ** 2;
    squares[c] += s;
  });
  const std = Array.from(squares, (s) => (per > 0 && Math.sqrt(s / per) > 1e-12 ? Math.sqrt(s / per) : 1));
  return { mean, std };
}

/** (x − mean[c]) / std[c] over samples laid out with `shape`, in place. */
export function standardise(x: Float32Array, shape: readonly number[], stats: Stats): Float32Array {
  eachPlane(x.length, shape, (c, start, end) => {
    const m = stats.mean[c]!;
    const sd = stats.std[c]!;
    for (let i = start; i < end; i++) x[i] = (x[i]! - m) / sd;
  });
  return x;
}

/** A normalised copy, with the statistics used: the dataset's own unless given (the training split's, for validation and test data). */
export function normalise(dataset: Dataset, stats: Stats = channelStats(dataset)): { dataset: Dataset; stats: Stats } {
  return { dataset: { ...dataset, x: standardise(dataset.x.slice(), dataset.shape, stats) }, stats };
}
