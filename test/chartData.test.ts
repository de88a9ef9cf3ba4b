// The training panel's model (client/src/training/chartData.ts): events of docs/events.md folded
// into series on the global-step axis. The smoothing is checked against TensorBoard's published
// algorithm, written out here independently; the train values against the running means a
// simulated trainer writes the way runtime/python/trainer.py does.
import { describe, expect, it } from 'vitest';
import type { BatchEvent, DiagnosisEvent, EndEvent, EpochEvent, StartEvent, TrainEvent } from '../runtime/src/events';
import { align, downsample, Downsampler, RunModel, SmoothedSeries } from '../client/src/training/chartData';
import { headerOf } from '../client/src/training/panelProtocol';

const time = '2026-11-28T07:48:23.627Z';

function start(o: Partial<StartEvent> = {}): StartEvent {
  return {
    v: 1, type: 'start', time, engine: 'torch', backend: 'pytorch 2.3.0', device: 'cpu', precision: 'fp32', why: 'test', model: 'Net',
    params: 100, samples: 100, valSamples: 20, testSamples: 20, epochs: 3, batch: 32, stepsPerEpoch: 4, resumedFrom: null, ...o,
  };
}
const batch = (step: number, epoch: number, loss: number | null, accuracy: number, o: Partial<BatchEvent> = {}): BatchEvent =>
  ({ v: 1, type: 'batch', time, step, epoch, loss, accuracy, samplesPerSec: 1000, eta: 5, ...o });
const epochEvent = (epoch: number, loss: number, accuracy: number, valLoss: number | null, valAccuracy: number | null): EpochEvent =>
  ({ v: 1, type: 'epoch', time, epoch, loss, accuracy, valLoss, valAccuracy, lr: 0.01, seconds: 1 });
const diagnosis = (kind: DiagnosisEvent['kind'], epoch: number): DiagnosisEvent =>
  ({ v: 1, type: 'diagnosis', time, kind, epoch, setting: 'epochs', evidence: {}, message: `${kind} in epoch ${epoch}` });
const checkpoint = (epoch: number, step: number): TrainEvent => ({ v: 1, type: 'checkpoint', time, epoch, step, path: 'checkpoints/last.pt', best: false });
const end = (o: Partial<EndEvent> = {}): EndEvent =>
  ({ v: 1, type: 'end', time, status: 'completed', epochs: 3, bestEpoch: null, bestValLoss: null, testLoss: 0.1, testAccuracy: 0.979, seconds: 3, reason: null, ...o });

/** TensorBoard's scalar dashboard (vz_line_chart2, resmoothDataset), as published. */
function tensorboardSmooth(values: Array<number | null>, weight: number): Array<number | null> {
  let last = values.length > 0 ? 0 : NaN;
  let numAccum = 0;
  return values.map((v) => {
    if (v === null || !Number.isFinite(v)) return v;
    last = last * weight + (1 - weight) * v;
    numAccum++;
    const debias = weight === 1 ? 1 : 1 - Math.pow(weight, numAccum);
    return last / debias;
  });
}

/**
 * A trainer over `samples` with per-sample-batch losses loss(step), accuracy correct/seen, writing a
 * batch event at the steps `report` picks, as trainer.py's running sums do.
 */
function simulate(s: StartEvent, loss: (step: number) => number, report: (step: number) => boolean, firstEpoch = 1): TrainEvent[] {
  const events: TrainEvent[] = [s];
  let step = (firstEpoch - 1) * s.stepsPerEpoch;
  for (let e = firstEpoch; e <= s.epochs; e++) {
    let lossSum = 0;
    let correct = 0;
    let seen = 0;
    for (let k = 0; k < s.stepsPerEpoch; k++) {
      step++;
      const nb = Math.min(s.batch, s.samples - k * s.batch);
      lossSum += loss(step) * nb;
      correct += Math.round(nb * (step % 3) / 3);
      seen += nb;
      if (report(step)) events.push(batch(step, e, lossSum / seen, correct / seen));
    }
    events.push(epochEvent(e, lossSum / seen, correct / seen, 1 / e, 0.5 + e / 10));
  }
  return events;
}

describe('smoothing', () => {
  it('is the debiased moving average TensorBoard publishes', () => {
    const values = [1, 0, 0.8, 0.3, null, 0.9, 0.25, 0.6, 0.61, 0.1];
    for (const weight of [0, 0.6, 0.9, 0.999]) {
      const s = new SmoothedSeries(weight);
      values.forEach((v, i) => s.push(i + 1, v));
      const want = tensorboardSmooth(values, weight);
      s.smoothed.forEach((got, i) => (want[i] === null ? expect(got).toBeNull() : expect(got).toBeCloseTo(want[i]!, 12)));
    }
  });

  it('starts at the first value and weighs the second by the bias correction', () => {
    const s = new SmoothedSeries(0.6);
    s.push(1, 1);
    s.push(2, 0);
    // (0.6·0.4·1 + 0.4·0) / (1 − 0.6²) = 0.24 / 0.64
    expect(s.smoothed).toEqual([1, 0.375]);
  });

  it('recomputes with a new weight, and after a cut continues from the point before it', () => {
    const s = new SmoothedSeries(0.6);
    [3, 1, 4, 1, 5].forEach((v, i) => s.push(i + 1, v));
    s.setWeight(0.9);
    expect(s.smoothed).toEqual(tensorboardSmooth([3, 1, 4, 1, 5], 0.9));
    s.push(4, 9); // supersedes steps 4 and 5
    expect(s.xs).toEqual([1, 2, 3, 4]);
    expect(s.smoothed).toEqual(tensorboardSmooth([3, 1, 4, 9], 0.9));
  });
});

describe('train values', () => {
  it('are the mean over the batches since the previous event, recovered from the running means', () => {
    // 100 samples, batch 32: steps of 32, 32, 32 and 4 samples per epoch.
    const s = start();
    const perStep = (step: number): number => 2 / step;
    const events = simulate(s, perStep, (step) => step % 4 === 2 || step % 4 === 3);
    const model = RunModel.of(events, 0);
    // Epoch 1: events at steps 2 and 3, the epoch event closes steps 4; epoch 2 likewise.
    expect(model.trainLoss.xs).toEqual([2, 3, 4, 6, 7, 8, 10, 11, 12]);
    expect(model.trainLoss.ys[0]).toBeCloseTo((perStep(1) + perStep(2)) / 2, 12);
    expect(model.trainLoss.ys[1]).toBeCloseTo(perStep(3), 12);
    expect(model.trainLoss.ys[2]).toBeCloseTo(perStep(4), 12); // the short last batch alone
    expect(model.trainLoss.ys[3]).toBeCloseTo((perStep(5) + perStep(6)) / 2, 12);
    // Accuracy the same way: correct counts per batch are round(nb·(step mod 3)/3).
    expect(model.trainAccuracy.ys[1]).toBeCloseTo(Math.round(32 * 0) / 32, 12);
    expect(model.trainAccuracy.ys[2]).toBeCloseTo(Math.round((4 * 1) / 3) / 4, 12);
  });

  it('keep a NaN loss as a gap', () => {
    const model = RunModel.of([start(), batch(1, 1, 1, 0.5), batch(2, 1, null, 0.5)]);
    expect(model.trainLoss.ys).toEqual([1, null]);
    expect(model.trainLoss.smoothed[1]).toBeNull();
  });
});

describe('x positions', () => {
  it('puts epochs at epoch × stepsPerEpoch', () => {
    const model = RunModel.of(simulate(start({ stepsPerEpoch: 4 }), () => 1, () => true));
    expect(model.valLoss.xs).toEqual([4, 8, 12]);
    expect(model.valLoss.ys).toEqual([1, 1 / 2, 1 / 3]);
    expect(model.epochs.map((e) => [e.epoch, e.step])).toEqual([[1, 4], [2, 8], [3, 12]]);
  });

  it('continue across a resume from a mid-epoch checkpoint', () => {
    // Cancelled after step 1 (last.pt at step 1), resumed: the trainer's running sums continue.
    const s = start({ samples: 128, batch: 32, stepsPerEpoch: 4, epochs: 1 });
    const model = RunModel.of([
      s, batch(1, 1, 2, 0.25), checkpoint(1, 1), end({ status: 'cancelled', epochs: 0, testAccuracy: null }),
      start({ ...s, resumedFrom: 0 }), batch(3, 1, 1.5, 0.5), epochEvent(1, 1.25, 0.5, 1, 0.6), end(),
    ]);
    expect(model.trainLoss.xs).toEqual([1, 3, 4]);
    expect(model.trainLoss.ys).toEqual([2, (1.5 * 96 - 2 * 32) / 64, (1.25 * 128 - 1.5 * 96) / 32]);
    expect(model.status(/*live*/ false)).toBe('completed');
  });

  it('drop what an interrupted process drew after its last checkpoint, and redraw it', () => {
    // A second signal: steps 5–6 of epoch 2 were drawn, but last.pt is at the end of epoch 1.
    const s = start({ epochs: 2 });
    const model = RunModel.of([
      s, batch(2, 1, 1, 0.5), epochEvent(1, 0.9, 0.5, 0.8, 0.6), checkpoint(1, 4), batch(6, 2, 0.7, 0.6), diagnosis('plateau', 2),
      end({ status: 'cancelled', epochs: null }),
      start({ ...s, resumedFrom: 1 }),
    ]);
    expect(model.trainLoss.xs).toEqual([2, 4]);
    expect(model.markers).toEqual([]);
    expect(model.epoch).toBe(1);
    model.append([batch(5, 2, 0.6, 0.7), epochEvent(2, 0.5, 0.7, 0.6, 0.7)]);
    expect(model.trainLoss.xs).toEqual([2, 4, 5, 8]);
    expect(model.trainLoss.ys[2]).toBeCloseTo(0.6, 12);
    expect(model.valLoss.xs).toEqual([4, 8]);
  });
});

describe('best epoch', () => {
  it('is the lowest validation loss, the first of equal ones, as the trainer keeps best.pt', () => {
    const model = RunModel.of([start({ epochs: 4 }), epochEvent(1, 1, 0.5, 0.5, 0.5), epochEvent(2, 0.8, 0.6, 0.4, 0.6), epochEvent(3, 0.6, 0.7, 0.4, 0.7), epochEvent(4, 0.5, 0.8, 0.45, 0.7)]);
    expect(model.best()).toEqual({ epoch: 2, loss: 0.4, validation: true });
  });

  it('is the lowest training loss without validation', () => {
    const model = RunModel.of([start({ valSamples: null }), epochEvent(1, 1, 0.5, null, null), epochEvent(2, 0.7, 0.6, null, null), epochEvent(3, 0.8, 0.6, null, null)]);
    expect(model.best()).toEqual({ epoch: 2, loss: 0.7, validation: false });
    expect(headerOf(model, /*live*/ false, /*trusted*/ true)).toMatchObject({ bestEpoch: '2', bestDetail: 'loss 0.7' });
  });
});

describe('diagnosis markers', () => {
  it('sit at the end of the epoch they were read from, or at the last step of a divergence', () => {
    const model = RunModel.of([
      start({ stepsPerEpoch: 10, epochs: 5 }), epochEvent(1, 1, 0.5, 1, 0.5), epochEvent(2, 1, 0.5, 1, 0.5), diagnosis('underfitting', 2),
      batch(27, 3, 5, 0.1), diagnosis('divergence', 3),
    ]);
    expect(model.markers).toEqual([
      { kind: 'underfitting', epoch: 2, step: 20, message: 'underfitting in epoch 2' },
      { kind: 'divergence', epoch: 3, step: 27, message: 'divergence in epoch 3' },
    ]);
  });
});

describe('downsampling', () => {
  const n = 10_000;
  const xs = Array.from({ length: n }, (_, i) => i + 1);
  const ys: Array<number | null> = xs.map((x) => Math.sin(x / 50));
  ys[5123] = 40;
  ys[777] = -40;
  ys[8000] = null;

  it('keeps at most 2,000 points, the extremes, the gaps and the last point', () => {
    const d = downsample(xs, ys);
    expect(d.xs.length).toBeLessThanOrEqual(2000);
    expect(d.xs.length).toBeGreaterThan(1000);
    expect(d.ys).toContain(40);
    expect(d.ys).toContain(-40);
    expect(d.xs[d.xs.length - 1]).toBe(n);
    expect([...d.xs].sort((a, b) => a - b)).toEqual(d.xs);
    // Each bucket keeps its lowest and highest point, so every value drawn is within the data's range.
    expect(Math.max(...(d.ys.filter((y) => y !== null) as number[]))).toBe(40);
  });

  it('keeps a bucket with no finite value as a gap', () => {
    const nulls = ys.map((y, i) => (i >= 4000 && i < 4100 ? null : y));
    expect(downsample(xs, nulls).ys).toContain(null);
  });

  it('leaves a short series alone', () => {
    expect(downsample([1, 2, 3], [3, null, 1])).toEqual({ xs: [1, 2, 3], ys: [3, null, 1] });
  });

  it('gives the same points incrementally as at once', () => {
    const sampler = new Downsampler(500);
    for (let length = 1; length <= n; length += 137) {
      expect(sampler.update(xs.slice(0, length), ys.slice(0, length))).toEqual(downsample(xs.slice(0, length), ys.slice(0, length), 500));
    }
  });
});

describe('incremental append', () => {
  it('equals building from all the events at once', () => {
    const s = start({ samples: 1000, batch: 10, stepsPerEpoch: 100, epochs: 4 });
    const events = simulate(s, (step) => 1 + Math.sin(step), (step) => step % 7 !== 0);
    events.splice(events.length - 10, 0, diagnosis('plateau', 3));
    events.push(checkpoint(4, 400), end({ epochs: 4 }));
    const whole = RunModel.of(events);
    const bits = new RunModel();
    for (let i = 0; i < events.length; i += 13) bits.append(events.slice(i, i + 13));
    for (const key of ['trainLoss', 'trainAccuracy', 'valLoss', 'valAccuracy', 'epochs', 'markers'] as const) expect(bits[key]).toEqual(whole[key]);
    expect(bits.drawn('loss')).toEqual(whole.drawn('loss'));
    expect(bits.best()).toEqual(whole.best());
  });
});

describe('chart alignment', () => {
  it('merges x values and marks missing points undefined, keeping nulls', () => {
    expect(align([{ xs: [1, 3, 5], ys: [1, null, 5] }, { xs: [2, 3], ys: [20, 30] }])).toEqual({
      xs: [1, 2, 3, 5],
      ys: [[1, undefined, null, 5], [undefined, 20, 30, undefined]],
    });
  });
});

describe('header', () => {
  it('says where the run is, how fast and on what', () => {
    const running = RunModel.of([start({ epochs: 20 }), epochEvent(1, 1, 0.5, 1, 0.5), epochEvent(2, 1, 0.5, 1, 0.5), batch(9, 3, 1, 0.5, { samplesPerSec: 12345.6, eta: 75 })]);
    expect(headerOf(running, /*live*/ true, /*trusted*/ true)).toMatchObject({
      status: 'running', epoch: '3/20', throughput: '12,346 samples/s', eta: '1m 15s', engine: 'torch · pytorch 2.3.0 · cpu · fp32',
      testAccuracy: '—', canCancel: true, canResume: false, canRestart: false,
    });
    expect(headerOf(running, /*live*/ true, /*trusted*/ false)).toMatchObject({ canCancel: false, canResume: false, canRestart: false });
  });

  it('gives the test accuracy after the end, and resume only for a cancelled run with a checkpoint', () => {
    const done = RunModel.of([start(), epochEvent(1, 1, 0.5, 1, 0.5), checkpoint(1, 4), end({ epochs: 1 })]);
    expect(headerOf(done, /*live*/ false, /*trusted*/ true)).toMatchObject({ status: 'completed', epoch: '1/3', testAccuracy: '97.9%', eta: '—', canResume: false, canRestart: true });
    const cancelled = RunModel.of([start(), checkpoint(1, 4), end({ status: 'cancelled', reason: 'cancelled by a signal', testAccuracy: null })]);
    expect(headerOf(cancelled, /*live*/ false, /*trusted*/ true)).toMatchObject({ status: 'cancelled', reason: 'cancelled by a signal', canResume: true });
    const killed = RunModel.of([start(), batch(1, 1, 1, 0.5)]);
    expect(headerOf(killed, /*live*/ false, /*trusted*/ true)).toMatchObject({ status: 'failed', reason: 'the trainer stopped without an end event', canResume: false });
    const error = RunModel.of([{ v: 1, type: 'error', time, code: 'no-torch', message: 'python3 has no torch' }]);
    expect(headerOf(error, /*live*/ false, /*trusted*/ true)).toMatchObject({ status: 'failed', reason: 'no-torch: python3 has no torch' });
  });
});
