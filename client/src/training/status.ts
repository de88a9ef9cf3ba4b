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

export function statusText(events: readonly TrainEvent[]): string {
  let start: Extract<TrainEvent, { type: 'start' }> | undefined;
  let batch: Extract<TrainEvent, { type: 'batch' }> | undefined;
  let epochDone = 0;
  let loss: number | null = null;
  for (const e of events) {
    if (e.type === 'start') start = e;
    else if (e.type === 'batch') {
      batch = e;
      loss = e.loss;
    } else if (e.type === 'epoch') {
      epochDone = e.epoch;
      loss = e.loss;
    }
  }
  if (!start) return 'preparing data…';
  const total = start.epochs * start.stepsPerEpoch;
  const step = Math.max(batch?.step ?? 0, epochDone * start.stepsPerEpoch);
  const epoch = Math.min(start.epochs, batch && batch.step > epochDone * start.stepsPerEpoch ? batch.epoch : epochDone + 1);
  const parts = [`epoch ${epoch}/${start.epochs}`, `${total ? Math.floor((100 * step) / total) : 0}%`];
  if (loss !== null) parts.push(`loss ${loss.toFixed(loss < 0.1 ? 3 : 2)}`);
  if (batch) parts.push(`ETA ${clock(batch.eta)}`);
  return parts.join(' · ');
}
