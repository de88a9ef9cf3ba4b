// The one-line progress the status bar and the notification show:
// "epoch 3/20 · 62% · loss 0.21 · ETA 1:40". No vscode import.
import type { TrainEvent } from '../../../runtime/src/events';

/** 100 s → "1:40", 3,725 s → "1:02:05". */
export function clock(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${r}` : `${m}:${r}`;
}

type Start = Extract<TrainEvent, { type: 'start' }>;

export interface Progress {
  start: Start | undefined;
  /** The epoch under way, 1-based; 0 before the start event. */
  epoch: number;
  /** Whole percent of all steps done. */
  percent: number;
  /** The latest running loss (a batch's) or epoch loss, whichever came last. */
  loss: number | null;
  /** Seconds to the end, from the latest batch event. */
  eta: number | undefined;
}

/**
 * Where a run stands, from its events: the start event (one per CLI process, near the front) and
 * the latest batch and epoch events (at the back). Called for every event a live run streams, so
 * it reads from both ends instead of folding the whole stream each time.
 */
export function progressOf(events: readonly TrainEvent[]): Progress {
  const start = events.find((e): e is Start => e.type === 'start');
  let batch: Extract<TrainEvent, { type: 'batch' }> | undefined;
  let epoch: Extract<TrainEvent, { type: 'epoch' }> | undefined;
  let loss: number | null | undefined;
  for (let i = events.length - 1; i >= 0 && !(batch && epoch); i--) {
    const e = events[i]!;
    if (e.type === 'start') break;
    if (e.type === 'batch' && !batch) batch = e;
    else if (e.type === 'epoch' && !epoch) epoch = e;
    else continue;
    if (loss === undefined) loss = e.loss;
  }
  if (!start) return { start, epoch: 0, percent: 0, loss: null, eta: undefined };
  const done = (epoch?.epoch ?? 0) * start.stepsPerEpoch;
  const total = start.epochs * start.stepsPerEpoch;
  const step = Math.max(batch?.step ?? 0, done);
  return {
    start,
    epoch: Math.min(start.epochs, batch && batch.step > done ? batch.epoch : (epoch?.epoch ?? 0) + 1),
    percent: total ? Math.min(100, Math.floor((100 * step) / total)) : 0,
    loss: loss ?? null,
    eta: batch?.eta,
  };
}

export function statusText(events: readonly TrainEvent[]): string {
  const { start, epoch, percent, loss, eta } = progressOf(events);
  if (!start) return 'preparing data…';
  const parts = [`epoch ${epoch}/${start.epochs}`, `${percent}%`];
  if (loss !== null) parts.push(`loss ${loss.toFixed(loss < 0.1 ? 3 : 2)}`);
  if (eta !== undefined) parts.push(`ETA ${clock(eta)}`);
  return parts.join(' · ');
}

/**
 * How often live progress repaints: the status bar, the notification and the panel. On a VS Code
 * drawn in software (no GPU, remote or headless) every new frame of the window costs CPU however
 * little changed, and a run training on the CPU loses it.
 */
export const REPAINT_MS = 1000;

/**
 * Milliseconds from `now` to the next whole second of the wall clock that is at least half a
 * second after `last`, the previous update. The status bar, the notification and the panel all
 * update on the second, so their changes share one repaint of the window instead of taking three.
 */
export function untilTick(now: number, last = -Infinity): number {
  const earliest = Math.max(now, last + REPAINT_MS / 2);
  return Math.ceil(earliest / REPAINT_MS) * REPAINT_MS - now;
}
