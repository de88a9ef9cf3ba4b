// Throughput within stretches of one run: the panel is opened and closed every few seconds while
// a long run trains, and each stretch's training speed is read from its batch events. Adjacent
// stretches run on the same machine within seconds of each other, so the machine's own drift
// (which moves whole runs by ±15% here) mostly cancels out of their ratio.
import type { TrainEvent } from '../../runtime/src/events';
import { median } from './report';

export interface Stretch {
  panel: 'open' | 'closed';
  /** Wall-clock milliseconds. */
  from: number;
  to: number;
}

export interface StretchSpeed extends Stretch {
  samplesPerSec: number;
  steps: number;
}

type Batch = Extract<TrainEvent, { type: 'batch' }>;

/**
 * Samples a second over the batch events inside [from, to], epoch by epoch, so that the
 * validation pass between two epochs (no training) is not counted. Undefined with fewer than
 * two batch events of one epoch inside.
 */
export function stretchSpeed(events: readonly TrainEvent[], batch: number, stretch: Stretch): StretchSpeed | undefined {
  const inside = events.filter((e): e is Batch => e.type === 'batch' && Date.parse(e.time) >= stretch.from && Date.parse(e.time) <= stretch.to);
  let steps = 0;
  let ms = 0;
  for (const epoch of new Set(inside.map((e) => e.epoch))) {
    const own = inside.filter((e) => e.epoch === epoch);
    if (own.length < 2) continue;
    steps += own[own.length - 1]!.step - own[0]!.step;
    ms += Date.parse(own[own.length - 1]!.time) - Date.parse(own[0]!.time);
  }
  return ms > 0 ? { ...stretch, steps, samplesPerSec: (steps * batch * 1000) / ms } : undefined;
}

/** Each open stretch over the mean of the closed stretches on either side of it. */
export function pairedRatios(speeds: readonly StretchSpeed[]): number[] {
  const ratios: number[] = [];
  speeds.forEach((s, i) => {
    if (s.panel !== 'open') return;
    const neighbours = [speeds[i - 1], speeds[i + 1]].filter((n): n is StretchSpeed => n?.panel === 'closed');
    if (neighbours.length === 0) return;
    ratios.push(s.samplesPerSec / (neighbours.reduce((sum, n) => sum + n.samplesPerSec, 0) / neighbours.length));
  });
  return ratios;
}

export interface StretchSummary {
  stretches: number;
  open: number;
  closed: number;
  ratios: number[];
  /** The median of the paired ratios: the figure held to the target. */
  openOverClosed: number;
}

export function summariseStretches(speeds: readonly StretchSpeed[]): StretchSummary {
  const ratios = pairedRatios(speeds);
  return {
    stretches: speeds.length,
    open: median(speeds.filter((s) => s.panel === 'open').map((s) => s.samplesPerSec)),
    closed: median(speeds.filter((s) => s.panel === 'closed').map((s) => s.samplesPerSec)),
    ratios,
    openOverClosed: median(ratios),
  };
}
