// Reading the training curves: divergence, overfitting, underfitting and plateaus, with the
// thresholds, evidence keys and messages of runtime/python/trainer.py's Diagnoser (the rules
// table of docs/events.md), so both engines say the same thing about the same curves. Pure: the
// tfjs trainer feeds it numbers, and its state travels in checkpoints.

/** Epochs the validation loss must stay above its best before overfitting is called. */
export const OVERFIT_PATIENCE = 3;
/** How far above its best the validation loss must be: 10%. */
export const OVERFIT_RISE = 0.1;

export type DiagnosisKind = 'divergence' | 'overfitting' | 'underfitting' | 'plateau';

export interface Diagnosis {
  kind: DiagnosisKind;
  epoch: number;
  setting: 'optimizer.lr' | 'epochs';
  evidence: Record<string, number | null | Array<number | null>>;
  message: string;
}

export interface DiagnoserState {
  loss: number[];
  acc: number[];
  val: Array<number | null>;
  done: string[];
  firstStepLoss: number | null;
}

/** Python's '%.4g': four significant digits, trailing zeros dropped, exponent form outside 1e-4 … 1e4. */
export function fmt(x: number | null | undefined): string {
  if (x === null || x === undefined) return 'n/a';
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return '0';
  const exponent = Math.floor(Math.log10(Math.abs(Number(x.toPrecision(4)))));
  if (exponent < -4 || exponent >= 4) {
    const [mantissa, exp] = x.toExponential(3).split('e') as [string, string];
    const e = Number(exp);
    return `${trimZeros(mantissa)}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  }
  return trimZeros(x.toFixed(Math.max(0, 3 - exponent)));
}

function trimZeros(text: string): string {
  return text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
}

const finite = (x: number): boolean => Number.isFinite(x);

export class Diagnoser {
  private readonly loss: number[];
  private readonly acc: number[];
  private readonly val: Array<number | null>;
  private readonly done: Set<string>;
  private firstStepLoss: number | null;

  constructor(
    private readonly classes: number,
    state?: Partial<DiagnoserState> | null,
  ) {
    this.loss = [...(state?.loss ?? [])];
    this.acc = [...(state?.acc ?? [])];
    this.val = [...(state?.val ?? [])];
    this.done = new Set(state?.done ?? []);
    this.firstStepLoss = state?.firstStepLoss ?? null;
  }

  state(): DiagnoserState {
    return { loss: [...this.loss], acc: [...this.acc], val: [...this.val], done: [...this.done].sort(), firstStepLoss: this.firstStepLoss };
  }

  /** Per step: a divergence when the loss is NaN or infinite, else null. */
  step(epoch: number, loss: number): Diagnosis | null {
    if (this.firstStepLoss === null && finite(loss)) this.firstStepLoss = loss;
    if (finite(loss)) return null;
    this.done.add('divergence');
    return {
      kind: 'divergence',
      epoch,
      setting: 'optimizer.lr',
      evidence: { loss: null, firstEpochLoss: this.loss.length ? this.loss[0]! : null },
      message: `the training loss became ${Number.isNaN(loss) ? 'NaN' : 'infinite'} in epoch ${epoch}; lower the learning rate`,
    };
  }

  /** After an epoch: the diagnoses its curves show, each kind at most once per run. */
  epoch(epoch: number, loss: number, acc: number, val: number | null): Diagnosis[] {
    this.loss.push(loss);
    this.acc.push(acc);
    this.val.push(val);
    const e = this.loss.length;
    const divergence = this.divergence(epoch, loss, e);
    if (divergence) return [divergence];
    return [this.overfitting(epoch, loss, e), this.underfitting(epoch, acc, e), this.plateau(epoch, loss, e)].filter((d): d is Diagnosis => d !== null);
  }

  private divergence(epoch: number, loss: number, e: number): Diagnosis | null {
    const ref = e > 1 ? this.loss[0]! : this.firstStepLoss;
    if (this.done.has('divergence') || ref === null || (finite(loss) && loss <= 3 * ref)) return null;
    this.done.add('divergence');
    const what = e > 1 ? 'first epoch' : 'first step';
    return {
      kind: 'divergence',
      epoch,
      setting: 'optimizer.lr',
      evidence: { loss: finite(loss) ? loss : null, [e > 1 ? 'firstEpochLoss' : 'firstStepLoss']: ref },
      message: `training loss ${fmt(loss)} in epoch ${epoch} is more than 3× the ${what}'s ${fmt(ref)}; lower the learning rate`,
    };
  }

  /**
   * The validation loss has stayed above its best for OVERFIT_PATIENCE epochs and is now
   * OVERFIT_RISE above it, while the training loss kept falling: the early-stopping criterion
   * with a margin, so one noisy epoch neither raises nor hides it.
   */
  private overfitting(epoch: number, loss: number, e: number): Diagnosis | null {
    if (this.done.has('overfitting')) return null;
    const now = this.val[e - 1];
    let best = -1;
    this.val.forEach((v, i) => {
      if (v !== null && (best < 0 || v < this.val[best]!)) best = i;
    });
    if (now === null || now === undefined || best < 0 || e - 1 - best < OVERFIT_PATIENCE) return null;
    const low = this.val[best]!;
    const then = this.loss[best]!;
    if (!(now >= low * (1 + OVERFIT_RISE) && loss < then)) return null;
    this.done.add('overfitting');
    const from = epoch - (e - 1 - best);
    return {
      kind: 'overfitting',
      epoch,
      setting: 'epochs',
      evidence: { valLoss: [low, now], epochs: [from, epoch], trainLoss: [then, loss], gap: now - loss },
      message: `validation loss rose from ${fmt(low)} (epoch ${from}) to ${fmt(now)} (epoch ${epoch}) while training loss fell from ${fmt(then)} to ${fmt(loss)} (gap ${fmt(now - loss)}); stop earlier (early_stop), add dropout or get more data`,
    };
  }

  private underfitting(epoch: number, acc: number, e: number): Diagnosis | null {
    if (this.done.has('underfitting') || e < 2 || !(this.classes > 1)) return null;
    const limit = 1.5 / this.classes;
    if (!(acc < limit)) return null;
    this.done.add('underfitting');
    return {
      kind: 'underfitting',
      epoch,
      setting: 'optimizer.lr',
      evidence: { accuracy: acc, threshold: limit, chance: 1 / this.classes, epochs: e },
      message: `training accuracy is ${fmt(acc)} after ${e} epochs, below 1.5× chance (${fmt(limit)}) for ${this.classes} classes; try another learning rate or a larger model`,
    };
  }

  private plateau(epoch: number, loss: number, e: number): Diagnosis | null {
    if (this.done.has('plateau') || this.done.has('underfitting') || e < 4) return null;
    const before = this.loss[e - 4]!;
    if (!(before > 0 && before - loss < 0.01 * before)) return null;
    this.done.add('plateau');
    return {
      kind: 'plateau',
      epoch,
      setting: 'optimizer.lr',
      evidence: { trainLoss: this.loss.slice(-4), epochs: [epoch - 3, epoch], improvement: (before - loss) / before },
      message: `training loss improved by less than 1% over epochs ${epoch - 3}–${epoch} (${fmt(before)} to ${fmt(loss)}); lower the learning rate (a schedule) or stop`,
    };
  }
}
