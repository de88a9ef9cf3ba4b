// The editor's one-line progress ("epoch 3/20 · 62% · loss 0.21 · ETA 1:40") and the CLI
// arguments a run from the editor spawns with (never through a shell).
import { describe, expect, it } from 'vitest';
import type { TrainEvent } from '../runtime/src/events';
import { clock, REPAINT_MS, statusText, untilTick } from '../client/src/training/status';
import { trainArgs } from '../client/src/training/cli';

const time = '2026-11-28T10:00:00Z';
const start: TrainEvent = { v: 1, time, type: 'start', engine: 'torch', backend: 'pytorch', device: 'cpu', precision: 'fp32', why: '', model: 'Net', params: 10, samples: 1000, valSamples: null, testSamples: null, epochs: 20, batch: 20, stepsPerEpoch: 50, resumedFrom: null };
const batch = (step: number, epoch: number, loss: number, eta: number): TrainEvent => ({ v: 1, time, type: 'batch', step, epoch, loss, accuracy: 0.9, samplesPerSec: 100, eta });
const epoch = (e: number, loss: number): TrainEvent => ({ v: 1, time, type: 'epoch', epoch: e, loss, accuracy: 0.9, valLoss: null, valAccuracy: null, lr: 0.001, seconds: 1 });

describe('status text', () => {
  it('says what the status bar shows: the epoch under way, the share of all steps, the loss and the ETA', () => {
    // Step 620 of 20 × 50 = 1,000 is 62%, in epoch 13.
    expect(statusText([start, batch(620, 13, 0.2134, 100)])).toBe('epoch 13/20 · 62% · loss 0.21 · ETA 1:40');
    expect(statusText([start, batch(150, 3, 0.2, 60), epoch(3, 0.05)])).toBe('epoch 4/20 · 15% · loss 0.050 · ETA 1:00');
    expect(statusText([])).toBe('preparing data…');
    expect(statusText([start])).toBe('epoch 1/20 · 0%');
  });

  it('writes durations as a clock', () => {
    expect([0, 59.6, 100, 3725].map(clock)).toEqual(['0:00', '1:00', '1:40', '1:02:05']);
  });
});

describe('the arguments of a run from the editor', () => {
  it('passes each value as its own argument, paths with spaces and quotes untouched', () => {
    const file = '/w/my "models"/net; rm -rf x.nn';
    expect(trainArgs('/ext/dist/netlens.js', { file, model: 'Net', engine: 'torch', python: '/opt/py 3/bin/python', device: 'gpu:1' })).toEqual([
      '/ext/dist/netlens.js', 'train', file, '--model', 'Net', '--events', 'ndjson', '--engine', 'torch', '--python', '/opt/py 3/bin/python', '--device', 'gpu:1',
    ]);
  });

  it('leaves auto to the train block, and resumes by run directory', () => {
    expect(trainArgs('n.js', { file: '/w/a.nn', model: 'A', engine: 'auto', device: 'auto' })).toEqual(['n.js', 'train', '/w/a.nn', '--model', 'A', '--events', 'ndjson']);
    // A resume keeps the run's own engine and device: the settings are not passed.
    expect(trainArgs('n.js', { file: '/w/a.nn', model: 'A', engine: 'torch', device: 'cpu', python: '/usr/bin/python3', resume: '/w/runs/A/20261128-100000' })).toEqual(['n.js', 'train', '--resume', '/w/runs/A/20261128-100000', '--events', 'ndjson', '--python', '/usr/bin/python3']);
  });
});

describe('repainting on the second', () => {
  const second = 1_700_000_000_000; // a whole second of the wall clock

  it('waits for the next whole second', () => {
    expect(untilTick(second + 300)).toBe(700);
    expect(untilTick(second + 999)).toBe(1);
  });

  it('keeps at least half a second after the last update, so an update on the second comes a second later', () => {
    expect(untilTick(second + 5, second + 2)).toBe(REPAINT_MS - 5);
    // The last update at .6: the next second is .4 after it, which is too soon, so the one after.
    expect(untilTick(second + 700, second + 600)).toBe(300 + REPAINT_MS);
    expect(untilTick(second + 700, second + 300)).toBe(300);
    expect(untilTick(second + 100, second - 100)).toBe(900);
    expect(untilTick(second + 100, second + 90)).toBe(900);
  });

  it('never answers a negative wait, and on the second itself without a last update answers zero', () => {
    expect(untilTick(second)).toBe(0);
    expect(untilTick(second + 1_234_567)).toBeGreaterThan(0);
  });
});
