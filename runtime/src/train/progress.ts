// The terminal view of a training run, Keras-like: a `\r`-updated progress bar per epoch with
// loss, accuracy and ETA from the batch events, one line per epoch, and the end summary. It reads
// the events loosely (a missing field is left out), so it never stops a run.
type Ev = Record<string, unknown>;

const num = (e: Ev, ...keys: string[]): number | undefined => {
  for (const k of keys) {
    const v = e[k];
    if (typeof v === 'number' && Number.isFinite(v)) return v;
  }
  return undefined;
};
const str = (e: Ev, key: string): string | undefined => (typeof e[key] === 'string' ? (e[key] as string) : undefined);

function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}:${String(s % 60).padStart(2, '0')}` : `${Math.floor(m / 60)}:${String(m % 60).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}
const pct = (a: number | undefined): string => (a === undefined ? '' : `${(a <= 1 ? a * 100 : a).toFixed(2)}%`);
const fmt = (x: number | undefined): string => (x === undefined ? '' : Math.abs(x) >= 1000 || (x !== 0 && Math.abs(x) < 1e-3) ? x.toExponential(3) : x.toFixed(4));

export class Progress {
  private steps?: number;
  private epochs?: number;
  private onLine = false;

  constructor(private readonly write: (text: string) => void, private readonly width = 30) {}

  private line(text: string): void {
    if (this.onLine) this.write('\n');
    this.onLine = false;
    this.write(`${text}\n`);
  }

  event(e: Ev): void {
    switch (e.type) {
      case 'start': {
        this.steps = num(e, 'stepsPerEpoch', 'steps_per_epoch', 'steps');
        this.epochs = num(e, 'epochs');
        const parts = [str(e, 'model'), str(e, 'engine') && `engine ${str(e, 'engine')}`, str(e, 'backend'), str(e, 'device'), str(e, 'precision')].filter(Boolean);
        this.line(`Training ${parts.join(', ')}${num(e, 'params') !== undefined ? `: ${num(e, 'params')!.toLocaleString('en-US')} parameters` : ''}`);
        const samples = e.samples as Ev | number | undefined;
        const train = typeof samples === 'number' ? samples : samples && num(samples, 'train');
        if (train !== undefined) this.line(`${train.toLocaleString('en-US')} training samples, ${this.epochs ?? '?'} epochs, batch ${num(e, 'batch') ?? '?'}, ${this.steps ?? '?'} steps per epoch`);
        if (str(e, 'why')) this.line(`(${str(e, 'why')})`);
        break;
      }
      case 'batch': {
        const steps = num(e, 'steps', 'stepsPerEpoch') ?? this.steps;
        const epoch = num(e, 'epoch');
        // `step` counts from the start of the run; the bar shows the step within the epoch.
        const global = num(e, 'step') ?? 0;
        const step = steps && epoch && global > steps * (epoch - 1) ? global - steps * (epoch - 1) : global;
        const done = steps ? Math.min(1, step / steps) : 0;
        const filled = Math.round(done * this.width);
        const bar = steps ? `[${'='.repeat(Math.max(0, filled - 1))}${filled > 0 ? (done >= 1 ? '=' : '>') : ''}${'.'.repeat(this.width - filled)}]` : '';
        const eta = num(e, 'eta', 'etaSeconds', 'eta_s');
        const rate = num(e, 'samplesPerSecond', 'samples_per_s', 'samplesPerSec');
        const stats = [
          eta !== undefined ? `ETA ${duration(eta)}` : '',
          num(e, 'loss') !== undefined ? `loss ${fmt(num(e, 'loss'))}` : '',
          num(e, 'accuracy', 'acc') !== undefined ? `accuracy ${pct(num(e, 'accuracy', 'acc'))}` : '',
          rate !== undefined ? `${Math.round(rate)} samples/s` : '',
        ].filter(Boolean);
        const head = `${epoch !== undefined ? `Epoch ${epoch}${this.epochs ? `/${this.epochs}` : ''} ` : ''}${step}${steps ? `/${steps}` : ''}`;
        this.write(`\r${head} ${bar} ${stats.join(' - ')}\x1b[K`);
        this.onLine = true;
        break;
      }
      case 'epoch': {
        const epoch = num(e, 'epoch');
        const parts = [
          num(e, 'seconds', 'time_s') !== undefined ? duration(num(e, 'seconds', 'time_s')!) : '',
          `loss ${fmt(num(e, 'loss'))}`,
          `accuracy ${pct(num(e, 'accuracy', 'acc'))}`,
          num(e, 'valLoss', 'val_loss') !== undefined ? `val_loss ${fmt(num(e, 'valLoss', 'val_loss'))}` : '',
          num(e, 'valAccuracy', 'val_accuracy') !== undefined ? `val_accuracy ${pct(num(e, 'valAccuracy', 'val_accuracy'))}` : '',
          num(e, 'lr') !== undefined ? `lr ${num(e, 'lr')!.toPrecision(3)}` : '',
        ].filter(Boolean);
        this.line(`Epoch ${epoch ?? '?'}${this.epochs ? `/${this.epochs}` : ''}: ${parts.join(' - ')}`);
        break;
      }
      case 'diagnosis':
        this.line(`diagnosis ${str(e, 'kind') ?? ''}: ${str(e, 'message') ?? JSON.stringify(e.evidence ?? {})}`);
        break;
      case 'checkpoint':
        break;
      case 'error':
        this.line(`error${str(e, 'code') ? ` (${str(e, 'code')})` : ''}: ${str(e, 'message') ?? ''}`);
        break;
      case 'end': {
        const test = (e.test ?? { loss: e.testLoss, accuracy: e.testAccuracy }) as Ev;
        const parts = [
          `status ${str(e, 'status') ?? '?'}`,
          num(e, 'bestEpoch', 'best_epoch') !== undefined ? `best epoch ${num(e, 'bestEpoch', 'best_epoch')}` : '',
          num(test, 'loss') !== undefined ? `test loss ${fmt(num(test, 'loss'))}` : '',
          num(test, 'accuracy') !== undefined ? `test accuracy ${pct(num(test, 'accuracy'))}` : '',
          num(e, 'seconds') !== undefined ? `in ${duration(num(e, 'seconds')!)}` : '',
        ].filter(Boolean);
        if (str(e, 'reason')) parts.push(str(e, 'reason')!);
        this.line(`Training ended: ${parts.join(', ')}`);
        break;
      }
      default:
        break;
    }
  }

  finish(): void {
    if (this.onLine) this.write('\n');
    this.onLine = false;
  }
}
