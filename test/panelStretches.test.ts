import { describe, expect, it } from 'vitest';
import type { TrainEvent } from '../runtime/src/events';
import { pairedRatios, stretchSpeed, summariseStretches, type StretchSpeed } from '../bench/panel/segments';

const t0 = Date.parse('2026-11-28T12:00:00.000Z');
const batch = (ms: number, step: number, epoch: number): TrainEvent => ({ v: 1, type: 'batch', time: new Date(t0 + ms).toISOString(), step, epoch, loss: 1, accuracy: 0.5, samplesPerSec: 0, eta: 0 });

describe('throughput within stretches of a run (the panel benchmark)', () => {
  it('counts steps over time between the first and last batch events inside the stretch', () => {
    // 10 steps every 100 ms at batch 32: 3,200 samples a second.
    const events = Array.from({ length: 50 }, (_, i) => batch(i * 100, 1 + i * 10, 1));
    const s = stretchSpeed(events, 32, { panel: 'open', from: t0 + 1000, to: t0 + 2000 });
    expect(s?.steps).toBe(100);
    expect(s?.samplesPerSec).toBeCloseTo(3200, 6);
  });

  it('leaves out the validation pass between two epochs', () => {
    // Epoch 1 until 1 s, then 3 s of validation, then epoch 2 at the same speed.
    const events = [...Array.from({ length: 11 }, (_, i) => batch(i * 100, 1 + i * 10, 1)), ...Array.from({ length: 11 }, (_, i) => batch(4000 + i * 100, 200 + i * 10, 2))];
    const s = stretchSpeed(events, 32, { panel: 'closed', from: t0, to: t0 + 5000 });
    expect(s?.samplesPerSec).toBeCloseTo(3200, 6);
  });

  it('has no speed for a stretch with fewer than two batch events of an epoch', () => {
    expect(stretchSpeed([batch(0, 1, 1), batch(5000, 50, 1)], 32, { panel: 'open', from: t0 + 100, to: t0 + 4000 })).toBeUndefined();
  });

  it('pairs each open stretch with the closed ones beside it', () => {
    const s = (panel: 'open' | 'closed', samplesPerSec: number): StretchSpeed => ({ panel, from: 0, to: 0, steps: 1, samplesPerSec });
    const speeds = [s('closed', 100), s('open', 99), s('closed', 98), s('open', 90), s('closed', 100)];
    expect(pairedRatios(speeds)).toEqual([99 / 99, 90 / 99]);
    const summary = summariseStretches(speeds);
    expect(summary.openOverClosed).toBeCloseTo((1 + 90 / 99) / 2, 9);
    expect(summary.closed).toBe(100);
  });
});
