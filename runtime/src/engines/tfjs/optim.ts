// PyTorch's optimizers and learning-rate schedules, written out for tfjs so the tfjs engine
// trains as the torch trainer does: tfjs's own optimizers differ (no weight decay, RMSprop's ε
// inside the root and lr inside the momentum, Adadelta's defaults), and their state would not
// match a checkpoint's. Formulas are torch 1.13's single-tensor implementations.
import type { Tensor, Variable } from '@tensorflow/tfjs';
import type { Tf } from './backend';

export interface OptimizerSettings {
  name: string;
  lr: number;
  momentum: number;
  nesterov: boolean;
  weightDecay: number;
}

export interface ScheduleSettings {
  name: string;
  options: Record<string, number>;
}

/** The hyperparameters a schedule sets for one step. */
export interface StepRates {
  lr: number;
  /** SGD's and RMSprop's momentum, or Adam's β₁ (OneCycleLR cycles it); null keeps the setting. */
  momentum: number | null;
}

export class JobError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * lr (and momentum) for the step `step` (0-based, over the whole run). LambdaLR's factor of the
 * step for none/step/cosine/warmup; OneCycleLR's two cosine phases (pct_start 0.3, div_factor
 * 25, final_div_factor 1e4, momentum between 0.95 and 0.85) for onecycle.
 */
export function makeSchedule(settings: ScheduleSettings | undefined, baseLr: number, epochs: number, stepsPerEpoch: number): (step: number) => StepRates {
  const name = settings?.name ?? 'none';
  const o = settings?.options ?? {};
  const total = Math.max(1, epochs * stepsPerEpoch);
  const lambda = (f: (step: number) => number) => (step: number): StepRates => ({ lr: baseLr * f(step), momentum: null });
  switch (name) {
    case 'none':
      return lambda(() => 1);
    case 'step': {
      const every = Math.trunc(o.every ?? 10);
      const gamma = o.gamma ?? 0.1;
      return lambda((step) => gamma ** Math.floor(Math.floor(step / stepsPerEpoch) / every));
    }
    case 'cosine':
      return lambda((step) => 0.5 * (1 + Math.cos((Math.PI * Math.min(step, total)) / total)));
    case 'warmup': {
      const warm = Math.max(1, Math.trunc(o.epochs ?? 1) * stepsPerEpoch);
      return lambda((step) => Math.min(1, (step + 1) / warm));
    }
    case 'onecycle': {
      if (o.max_lr === undefined) throw new JobError('job', 'schedule onecycle needs max_lr=');
      return oneCycle(o.max_lr, total);
    }
    default:
      throw new JobError('job', `unknown schedule '${name}'`);
  }
}

function oneCycle(maxLr: number, total: number): (step: number) => StepRates {
  const initial = maxLr / 25;
  const min = initial / 1e4;
  const phases = [
    { end: 0.3 * total - 1, lr: [initial, maxLr], momentum: [0.95, 0.85] },
    { end: total - 1, lr: [maxLr, min], momentum: [0.85, 0.95] },
  ];
  const anneal = (start: number, end: number, pct: number) => end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1);
  return (step) => {
    let start = 0;
    for (let i = 0; i < phases.length; i++) {
      const p = phases[i]!;
      if (step <= p.end || i === phases.length - 1) {
        const pct = (step - start) / (p.end - start);
        return { lr: anneal(p.lr[0]!, p.lr[1]!, pct), momentum: anneal(p.momentum[0]!, p.momentum[1]!, pct) };
      }
      start = p.end;
    }
    throw new Error('unreachable');
  };
}

export interface OptimizerState {
  name: string;
  /** Steps taken. */
  t: number;
  /** Per trainable weight, in order: its slots (momentum buffers, averages). */
  slots: Float32Array[][];
}

/** Slots per weight: SGD 1 (momentum), Adam/AdamW 2 (averages of g and g²), RMSprop 2 (g², momentum), Adadelta 2 (g², Δ²). */
const SLOTS: Record<string, number> = { sgd: 1, adam: 2, adamw: 2, rmsprop: 2, adadelta: 2 };

export class Optimizer {
  t = 0;
  private slots: Tensor[][];
  /** The momentum (β₁ for Adam) of the coming step: the setting, unless a schedule cycles it. */
  momentum: number;
  readonly nesterov: boolean;

  constructor(
    private readonly tf: Tf,
    readonly settings: OptimizerSettings,
    private readonly vars: Variable[],
  ) {
    if (!(settings.name in SLOTS)) throw new JobError('job', `unknown optimizer '${settings.name}'`);
    this.momentum = settings.name.startsWith('adam') ? 0.9 : settings.momentum;
    this.nesterov = settings.nesterov && settings.momentum > 0;
    this.slots = vars.map((v) => Array.from({ length: SLOTS[settings.name]! }, () => tf.keep(tf.zerosLike(v))));
  }

  /** One step of lr with these gradients (same order as the variables). */
  step(grads: Tensor[], rates: StepRates): void {
    const tf = this.tf;
    if (rates.momentum !== null) this.momentum = rates.momentum;
    this.t += 1;
    this.vars.forEach((v, i) => {
      const old = this.slots[i]!;
      const next = tf.tidy(() => this.update(v, grads[i]!, old, rates.lr));
      v.assign(next.value);
      next.value.dispose();
      old.filter((s) => !next.slots.includes(s)).forEach((s) => s.dispose());
      this.slots[i] = next.slots;
    });
  }

  private update(p: Tensor, grad: Tensor, s: Tensor[], lr: number): { value: Tensor; slots: Tensor[] } {
    const tf = this.tf;
    const { name, weightDecay: wd } = this.settings;
    const keep = (value: Tensor, slots: Tensor[]) => ({ value: tf.keep(value), slots: slots.map((x) => tf.keep(x)) });
    // L2 weight decay into the gradient, as torch does for all but AdamW.
    const g = wd !== 0 && name !== 'adamw' ? tf.add(grad, tf.mul(p, wd)) : grad;
    switch (name) {
      case 'sgd': {
        const mu = this.momentum;
        if (mu === 0) return keep(tf.sub(p, tf.mul(g, lr)), s);
        const buf = tf.add(tf.mul(s[0]!, mu), g);
        const d = this.nesterov ? tf.add(g, tf.mul(buf, mu)) : buf;
        return keep(tf.sub(p, tf.mul(d, lr)), [buf]);
      }
      case 'adam':
      case 'adamw': {
        const [b1, b2, eps] = [this.momentum, 0.999, 1e-8];
        const q = name === 'adamw' ? tf.mul(p, 1 - lr * wd) : p;
        const m = tf.add(tf.mul(s[0]!, b1), tf.mul(g, 1 - b1));
        const v = tf.add(tf.mul(s[1]!, b2), tf.mul(tf.square(g), 1 - b2));
        const stepSize = lr / (1 - b1 ** this.t);
        const denom = tf.add(tf.div(tf.sqrt(v), Math.sqrt(1 - b2 ** this.t)), eps);
        return keep(tf.sub(q, tf.mul(tf.div(m, denom), stepSize)), [m, v]);
      }
      case 'rmsprop': {
        const [alpha, eps, mu] = [0.99, 1e-8, this.momentum];
        const sq = tf.add(tf.mul(s[0]!, alpha), tf.mul(tf.square(g), 1 - alpha));
        const avg = tf.add(tf.sqrt(sq), eps);
        if (mu > 0) {
          const buf = tf.add(tf.mul(s[1]!, mu), tf.div(g, avg));
          return keep(tf.sub(p, tf.mul(buf, lr)), [sq, buf]);
        }
        return keep(tf.sub(p, tf.mul(tf.div(g, avg), lr)), [sq, s[1]!]);
      }
      default: {
        // adadelta
        const [rho, eps] = [0.9, 1e-6];
        const sq = tf.add(tf.mul(s[0]!, rho), tf.mul(tf.square(g), 1 - rho));
        const delta = tf.mul(tf.div(tf.sqrt(tf.add(s[1]!, eps)), tf.sqrt(tf.add(sq, eps))), g);
        const acc = tf.add(tf.mul(s[1]!, rho), tf.mul(tf.square(delta), 1 - rho));
        return keep(tf.sub(p, tf.mul(delta, lr)), [sq, acc]);
      }
    }
  }

  getState(): OptimizerState {
    return { name: this.settings.name, t: this.t, slots: this.slots.map((slots) => slots.map((s) => s.dataSync() as Float32Array)) };
  }

  setState(state: OptimizerState): void {
    if (state.name !== this.settings.name || state.slots.length !== this.vars.length) throw new JobError('resume', `the checkpoint's optimizer (${state.name}, ${state.slots.length} weights) does not match this run's (${this.settings.name}, ${this.vars.length} weights)`);
    this.t = state.t;
    this.slots.forEach((slots, i) => {
      slots.forEach((s) => s.dispose());
      this.slots[i] = state.slots[i]!.map((data) => this.tf.keep(this.tf.tensor(data, this.vars[i]!.shape)));
    });
  }

  dispose(): void {
    this.slots.forEach((slots) => slots.forEach((s) => s.dispose()));
  }
}
