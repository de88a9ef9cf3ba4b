// A training run as the panel draws it: the events of docs/events.md folded, one at a time, into
// series on a global-step x axis, with TensorBoard's smoothing and the header facts (best epoch,
// throughput, ETA, status). Pure: the webview bundles it, and the tests run it without VS Code.
import type { DiagnosisKind, EndEvent, EndStatus, ErrorEvent, StartEvent, TrainEvent } from '../../../runtime/src/events';

/** TensorBoard's default smoothing weight. */
export const DEFAULT_SMOOTHING = 0.6;
/** Points per series handed to the chart; uPlot draws more, but sending them costs time for nothing. */
export const MAX_DRAWN_POINTS = 2000;

/** TensorBoard's slider stops at 0.999: at weight 1 the average never moves from 0. */
export function clampSmoothing(weight: number): number {
  return Number.isFinite(weight) ? Math.min(Math.max(weight, 0), 0.999) : DEFAULT_SMOOTHING;
}

/**
 * Points whose x only grows. A point at or before the last x supersedes the points from there on:
 * a resumed run re-does the steps after its checkpoint, and the later values are the ones that count.
 */
export class Series {
  readonly xs: number[] = [];
  readonly ys: Array<number | null> = [];
  /** Changes when points are removed, so a Downsampler knows to start again. */
  revision = 0;

  get length(): number {
    return this.xs.length;
  }

  push(x: number, y: number | null): void {
    this.cut(x);
    this.xs.push(x);
    this.ys.push(y);
  }

  /** Removes the points at x ≥ `from`; returns how many went. */
  cut(from: number): number {
    let removed = 0;
    while (this.xs.length > 0 && this.xs[this.xs.length - 1]! >= from) {
      this.pop();
      removed++;
    }
    if (removed > 0) this.revision++;
    return removed;
  }

  protected pop(): void {
    this.xs.pop();
    this.ys.pop();
  }
}

/**
 * A series with TensorBoard's smoothed line beside it: a debiased exponential moving average over
 * the finite points (`last = last·w + (1−w)·v`, shown as `last / (1 − wⁿ)` after n finite points),
 * as the scalar dashboard's `resmoothDataset` computes it. A non-finite point is shown as it is and
 * leaves the average alone. TensorBoard also shows a series that is constant throughout unsmoothed;
 * that needs the whole series, and the debiased average of a constant is that constant anyway.
 * The accumulator is kept per point, so cutting the series (a resume) costs only what it removes.
 */
export class SmoothedSeries extends Series {
  readonly smoothed: Array<number | null> = [];
  private readonly lasts: number[] = [];
  private readonly counts: number[] = [];

  constructor(private weight: number = DEFAULT_SMOOTHING) {
    super();
    this.weight = clampSmoothing(weight);
  }

  override push(x: number, y: number | null): void {
    super.push(x, y);
    this.smoothPoint(this.xs.length - 1);
  }

  /** Recomputes the smoothed line with another weight: O(points). */
  setWeight(weight: number): void {
    this.weight = clampSmoothing(weight);
    this.revision++;
    this.smoothed.length = this.lasts.length = this.counts.length = 0;
    for (let i = 0; i < this.xs.length; i++) this.smoothPoint(i);
  }

  protected override pop(): void {
    super.pop();
    this.smoothed.pop();
    this.lasts.pop();
    this.counts.pop();
  }

  private smoothPoint(i: number): void {
    const v = this.ys[i]!;
    let last = i > 0 ? this.lasts[i - 1]! : 0;
    let n = i > 0 ? this.counts[i - 1]! : 0;
    if (v === null || !Number.isFinite(v)) {
      this.smoothed.push(v);
    } else {
      last = last * this.weight + (1 - this.weight) * v;
      n++;
      this.smoothed.push(last / (1 - Math.pow(this.weight, n)));
    }
    this.lasts.push(last);
    this.counts.push(n);
  }
}

/** A series as drawn: at most MAX_DRAWN_POINTS of its points. */
export interface Drawn {
  xs: number[];
  ys: Array<number | null>;
}

/** The lowest and highest finite value of a bucket of consecutive points, by index; -1 when it has none. */
interface Bucket {
  lo: number;
  hi: number;
}

/**
 * Picks at most `max` points of a long series for drawing: the points fall into buckets of
 * `size` consecutive points (a power of two, the smallest that gives at most (max − 1) / 2
 * buckets), and each bucket keeps its lowest and highest value, so a spike survives, or its first
 * point when it has no finite value, so a gap does. The last point is always kept, so the line
 * reaches the newest step. Incremental: a series that only grew costs the new points, the last
 * bucket and the output; doubling the bucket size merges buckets pairwise. Drawing at 10 frames a
 * second therefore does not rescan a long run.
 */
export class Downsampler {
  private size = 1;
  private buckets: Bucket[] = [];
  private revision = -1;
  private readonly limit: number;

  constructor(max = MAX_DRAWN_POINTS) {
    this.limit = Math.max(1, Math.floor((max - 1) / 2));
  }

  /** `revision` changes when the points changed other than by growing (a cut, a new smoothing weight). */
  update(xs: readonly number[], ys: ReadonlyArray<number | null>, revision = 0): Drawn {
    const n = xs.length;
    if (revision !== this.revision || n < this.buckets.length * this.size) {
      this.revision = revision;
      this.size = 1;
      this.buckets = [];
    }
    while (Math.ceil(n / this.size) > this.limit) this.grow(ys);
    while ((this.buckets.length + 1) * this.size <= n) {
      const start = this.buckets.length * this.size;
      this.buckets.push(scan(ys, start, start + this.size));
    }
    const picked: number[] = [];
    this.buckets.forEach((b, i) => pick(b, i * this.size, picked));
    const covered = this.buckets.length * this.size;
    if (covered < n) pick(scan(ys, covered, n), covered, picked);
    if (n > 0 && picked[picked.length - 1] !== n - 1) picked.push(n - 1);
    return { xs: picked.map((i) => xs[i]!), ys: picked.map((i) => ys[i]!) };
  }

  /** Doubles the bucket size; an odd last bucket is dropped and rescanned as the partial one. */
  private grow(ys: ReadonlyArray<number | null>): void {
    const merged: Bucket[] = [];
    for (let i = 0; i + 1 < this.buckets.length; i += 2) merged.push(mergeBuckets(this.buckets[i]!, this.buckets[i + 1]!, ys));
    this.buckets = merged;
    this.size *= 2;
  }
}

function finite(y: number | null | undefined): y is number {
  return y !== null && y !== undefined && Number.isFinite(y);
}

function scan(ys: ReadonlyArray<number | null>, start: number, end: number): Bucket {
  const b: Bucket = { lo: -1, hi: -1 };
  for (let i = start; i < end; i++) {
    const y = ys[i];
    if (!finite(y)) continue;
    if (b.lo < 0 || y < ys[b.lo]!) b.lo = i;
    if (b.hi < 0 || y > ys[b.hi]!) b.hi = i;
  }
  return b;
}

/** The earlier index wins ties, as a scan of both halves would choose. */
function mergeBuckets(a: Bucket, b: Bucket, ys: ReadonlyArray<number | null>): Bucket {
  const lo = a.lo < 0 ? b.lo : b.lo < 0 || ys[a.lo]! <= ys[b.lo]! ? a.lo : b.lo;
  const hi = a.hi < 0 ? b.hi : b.hi < 0 || ys[a.hi]! >= ys[b.hi]! ? a.hi : b.hi;
  return { lo, hi };
}

function pick(b: Bucket, start: number, into: number[]): void {
  if (b.lo < 0) into.push(start);
  else if (b.lo === b.hi) into.push(b.lo);
  else into.push(Math.min(b.lo, b.hi), Math.max(b.lo, b.hi));
}

/** At most `max` points of a series; see Downsampler. */
export function downsample(xs: readonly number[], ys: ReadonlyArray<number | null>, max = MAX_DRAWN_POINTS): Drawn {
  return new Downsampler(max).update(xs, ys);
}

/** One line on a chart before alignment. */
export interface Line {
  xs: readonly number[];
  ys: ReadonlyArray<number | null>;
}

/**
 * uPlot draws series that share one x array. Merges the lines' x values (each sorted) into one
 * sorted array without repeats; a line has `undefined` where it has no point (uPlot joins across
 * those) and keeps its nulls (uPlot breaks the line there). O(points × lines).
 */
export function align(lines: readonly Line[]): { xs: number[]; ys: Array<Array<number | null | undefined>> } {
  const at = lines.map(() => 0);
  const xs: number[] = [];
  const ys: Array<Array<number | null | undefined>> = lines.map(() => []);
  for (;;) {
    let x = Infinity;
    lines.forEach((line, k) => {
      if (at[k]! < line.xs.length) x = Math.min(x, line.xs[at[k]!]!);
    });
    if (x === Infinity) break;
    xs.push(x);
    lines.forEach((line, k) => {
      if (at[k]! < line.xs.length && line.xs[at[k]!] === x) {
        ys[k]!.push(line.ys[at[k]!]);
        // Repeated x values within a line cannot happen (Series cuts), but would hang the loop.
        while (at[k]! < line.xs.length && line.xs[at[k]!] === x) at[k]!++;
      } else ys[k]!.push(undefined);
    });
  }
  return { xs, ys };
}

export interface Marker {
  kind: DiagnosisKind;
  epoch: number;
  /** Where on the x axis: the end of the epoch it was read from, or the last step seen in that epoch (a divergence mid-epoch). */
  step: number;
  message: string;
}

export interface EpochResult {
  epoch: number;
  step: number;
  loss: number | null;
  accuracy: number;
  valLoss: number | null;
  valAccuracy: number | null;
}

export interface Best {
  epoch: number;
  /** The loss that made it best: the validation loss, or the training loss without validation. */
  loss: number;
  validation: boolean;
}

export type RunStatus = 'running' | EndStatus;
export type Metric = 'loss' | 'accuracy';

/** A chart's lines of one run: the training values as they came, smoothed, and the validation per epoch. */
export interface ChartLines {
  raw: Drawn;
  smoothed: Drawn;
  validation: Drawn;
}

function samplers(): { raw: Downsampler; smoothed: Downsampler; validation: Downsampler } {
  return { raw: new Downsampler(), smoothed: new Downsampler(), validation: new Downsampler() };
}

/** Where a batch event left the epoch's running means, to recover the mean of the next interval. */
interface Running {
  epoch: number;
  seen: number;
  loss: number | null;
  accuracy: number;
}

/**
 * One run, folded from its events. What the train lines plot: a batch event's `loss` and
 * `accuracy` are running means over the epoch so far, which flatten as the epoch goes on and jump
 * at each epoch's start. The panel plots instead the mean over the batches since the previous
 * event, recovered exactly from two running means (sum = mean × samples seen, samples seen after
 * k steps = min(k × batch, samples)): a per-interval value like TensorBoard's per-step scalars,
 * which the smoothing then evens out. The `epoch` event closes the epoch's last interval.
 */
export class RunModel {
  start: StartEvent | null = null;
  end: EndEvent | null = null;
  error: ErrorEvent | null = null;
  readonly trainLoss: SmoothedSeries;
  readonly trainAccuracy: SmoothedSeries;
  readonly valLoss = new Series();
  readonly valAccuracy = new Series();
  readonly epochs: EpochResult[] = [];
  readonly markers: Marker[] = [];
  /** Samples per second and seconds to go, from the latest batch event. */
  throughput: number | null = null;
  eta: number | null = null;
  /** The epoch of the latest batch or epoch event. */
  epoch = 0;
  /** The step of the latest `last.pt` checkpoint: where a resume continues from. */
  lastCheckpointStep: number | null = null;
  events = 0;
  private readonly running: Running[] = [];
  private lastStep = 0;
  private readonly samplers = { loss: samplers(), accuracy: samplers() };

  constructor(smoothing: number = DEFAULT_SMOOTHING) {
    this.trainLoss = new SmoothedSeries(smoothing);
    this.trainAccuracy = new SmoothedSeries(smoothing);
  }

  static of(events: readonly TrainEvent[], smoothing?: number): RunModel {
    const model = new RunModel(smoothing);
    model.append(events);
    return model;
  }

  /** O(events), apart from what a resume removes. */
  append(events: readonly TrainEvent[]): void {
    for (const event of events) this.add(event);
  }

  setSmoothing(weight: number): void {
    this.trainLoss.setWeight(weight);
    this.trainAccuracy.setWeight(weight);
  }

  get stepsPerEpoch(): number {
    return this.start?.stepsPerEpoch ?? 0;
  }

  private add(event: TrainEvent): void {
    this.events++;
    switch (event.type) {
      case 'start':
        return this.onStart(event);
      case 'batch':
        if (!this.start) return;
        this.epoch = event.epoch;
        this.throughput = event.samplesPerSec;
        this.eta = event.eta;
        this.addTrainPoint(event.step, { epoch: event.epoch, seen: this.seenAfter(event.epoch, event.step), loss: event.loss, accuracy: event.accuracy });
        return;
      case 'epoch':
        return this.onEpoch(event.epoch, event.loss, event.accuracy, event.valLoss, event.valAccuracy, event.seconds);
      case 'diagnosis': {
        const end = event.epoch * this.stepsPerEpoch;
        const step = Math.min(end, Math.max(this.lastStep, end - this.stepsPerEpoch));
        this.markers.push({ kind: event.kind, epoch: event.epoch, step, message: event.message });
        return;
      }
      case 'checkpoint':
        if (!event.best) this.lastCheckpointStep = event.step;
        return;
      case 'end':
        this.end = event;
        this.eta = null;
        return;
      case 'error':
        this.error = event;
        this.eta = null;
        return;
    }
  }

  /**
   * A resumed run continues from `last.pt`: what the earlier process drew after that checkpoint
   * (a second signal leaves steps past the last checkpoint) is redone, so it goes.
   */
  private onStart(event: StartEvent): void {
    const resumed = event.resumedFrom !== null && this.start !== null;
    this.start = event;
    this.end = null;
    this.error = null;
    this.eta = null;
    if (!resumed) return;
    const from = (this.lastCheckpointStep ?? event.resumedFrom! * event.stepsPerEpoch) + 1;
    this.cutFrom(from);
  }

  private cutFrom(step: number): void {
    const removed = this.trainLoss.cut(step);
    this.trainAccuracy.cut(step);
    this.running.length -= removed;
    this.valLoss.cut(step);
    this.valAccuracy.cut(step);
    while (this.epochs.length > 0 && this.epochs[this.epochs.length - 1]!.step >= step) this.epochs.pop();
    while (this.markers.length > 0 && this.markers[this.markers.length - 1]!.step >= step) this.markers.pop();
    this.lastStep = Math.min(this.lastStep, step - 1);
    this.epoch = this.epochs[this.epochs.length - 1]?.epoch ?? 0;
  }

  private onEpoch(epoch: number, loss: number | null, accuracy: number, valLoss: number | null, valAccuracy: number | null, seconds: number): void {
    if (!this.start) return;
    const step = epoch * this.stepsPerEpoch;
    this.addTrainPoint(step, { epoch, seen: this.start.samples, loss, accuracy });
    this.valLoss.push(step, valLoss);
    this.valAccuracy.push(step, valAccuracy);
    while (this.epochs.length > 0 && this.epochs[this.epochs.length - 1]!.epoch >= epoch) this.epochs.pop();
    this.epochs.push({ epoch, step, loss, accuracy, valLoss, valAccuracy });
    this.epoch = epoch;
    // Without batch events (a run too fast for them) the epoch still says how fast it went.
    if (this.throughput === null && seconds > 0) this.throughput = this.start.samples / seconds;
  }

  /** Samples seen in `epoch` after global step `step`: the last batch of an epoch is the short one. */
  private seenAfter(epoch: number, step: number): number {
    const start = this.start!;
    const k = Math.min(Math.max(step - (epoch - 1) * start.stepsPerEpoch, 1), start.stepsPerEpoch);
    return Math.min(k * start.batch, start.samples);
  }

  private addTrainPoint(step: number, now: Running): void {
    // Cut first, so the previous running state is the one this point follows.
    const removed = this.trainLoss.cut(step);
    this.trainAccuracy.cut(step);
    this.running.length -= removed;
    const before = this.running[this.running.length - 1];
    const previous: Running = before && before.epoch === now.epoch ? before : { epoch: now.epoch, seen: 0, loss: 0, accuracy: 0 };
    const samples = now.seen - previous.seen;
    this.lastStep = step;
    if (samples <= 0) return;
    const loss = now.loss !== null && previous.loss !== null ? (now.loss * now.seen - previous.loss * previous.seen) / samples : null;
    const accuracy = Math.min(Math.max((now.accuracy * now.seen - previous.accuracy * previous.seen) / samples, 0), 1);
    this.trainLoss.push(step, loss);
    this.trainAccuracy.push(step, accuracy);
    this.running.push(now);
  }

  /**
   * The trainer's best epoch (runtime/python/trainer.py): the lowest validation loss, or the
   * training loss without validation; the first of equal ones.
   */
  best(): Best | null {
    let best: Best | null = null;
    for (const e of this.epochs) {
      const validation = e.valLoss !== null;
      const key = e.valLoss ?? e.loss;
      if (key === null) continue;
      if (best === null || key < best.loss) best = { epoch: e.epoch, loss: key, validation };
    }
    return best;
  }

  /**
   * A run without an `end` event is running while its process lives; after that it stopped
   * without saying why (killed), which counts as failed.
   */
  status(live: boolean): RunStatus {
    if (this.end) return this.end.status;
    if (this.error) return 'failed';
    return live ? 'running' : 'failed';
  }

  /** Whether `netlens train --resume` can continue it: stopped early, with a `last.pt` to start from. */
  resumable(live: boolean): boolean {
    if (live || this.lastCheckpointStep === null) return false;
    if (this.end) return this.end.status === 'cancelled';
    return this.error === null;
  }

  /** The lines of one chart, each at most MAX_DRAWN_POINTS points; kept samplers make repeated calls cheap. */
  drawn(metric: Metric): ChartLines {
    const train = metric === 'loss' ? this.trainLoss : this.trainAccuracy;
    const val = metric === 'loss' ? this.valLoss : this.valAccuracy;
    const s = this.samplers[metric];
    return {
      raw: s.raw.update(train.xs, train.ys, train.revision),
      smoothed: s.smoothed.update(train.xs, train.smoothed, train.revision),
      validation: s.validation.update(val.xs, val.ys, val.revision),
    };
  }
}
