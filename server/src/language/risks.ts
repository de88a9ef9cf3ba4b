// Training and hyperparameter risks (NN5xx): a train block judged against its model and its
// data. Each finding says whether it points to overfitting or underfitting, and the numbers
// behind it; together they make the verdict the editor shows above the train block.
import type { Code, Reporter, RelatedInfo } from './diagnostics';
import type { ModelResult } from './elaborate';
import { formatCount, formatShape, sameShape } from './shapes';
import type { Span } from './text';
import { THRESHOLDS } from './thresholds';
import type { DataSource, TrainResult } from './train';

export interface DataFacts {
  /** Training samples the source holds (before any validation split). */
  samples: number;
  classes: number;
  /** One sample's shape, channels first, before the train block's pad/resize. */
  shape: number[];
  testSamples?: number;
  /** "MNIST", "train.csv (label column 'y')": how messages name the data. */
  name: string;
}

/** Facts about a file-backed source (idx, folder, csv), read by the caller; undefined when unknown. */
export type DataFactsReader = (source: DataSource, fromUri: string) => DataFacts | undefined;

export type Level = 'low' | 'medium' | 'high';
export type RiskKind = 'overfitting' | 'underfitting' | 'divergence' | 'mismatch';

export interface Finding {
  code: string;
  risk: RiskKind;
  level: Level;
  /** One line for the verdict's list of reasons. */
  reason: string;
}

export interface Verdict {
  overfitting: Level;
  underfitting: Level;
  findings: Finding[];
  facts?: DataFacts;
  trainSamples?: number;
  steps?: number;
  parametersPerSample?: number;
}

/** 0.01, 3e-3, 1e-6: how a person writes a rate. */
function rate(x: number): string {
  return x !== 0 && Math.abs(x) < 1e-3 ? x.toExponential().replace(/\.0+e/, 'e').replace('e-', 'e-') : String(x);
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

const MNIST: DataFacts = { samples: 60_000, testSamples: 10_000, classes: 10, shape: [1, 28, 28], name: 'MNIST' };
const RANK: Record<Level, number> = { low: 0, medium: 1, high: 2 };

export function builtinFacts(source: DataSource, model: ModelResult | undefined): DataFacts | undefined {
  if (source.kind === 'mnist') return MNIST;
  if (source.kind === 'synthetic') {
    const shape = source.shape ?? (model?.input ? [...model.input] : undefined);
    return shape && { samples: source.samples, classes: source.classes, shape, name: `synthetic data (${formatCount(source.samples)} samples)` };
  }
  return undefined;
}

/** The facts of a source after its `limit=`: a subset of the samples it holds. */
function limited(facts: DataFacts | undefined, source: DataSource): DataFacts | undefined {
  if (!facts || source.limit === undefined || source.limit >= facts.samples) return facts;
  return { ...facts, samples: source.limit, name: `${facts.name} (${formatCount(source.limit)} of ${formatCount(facts.samples)} samples)` };
}

/** The sample shape after the train block's own pad or resize. */
export function preparedShape(facts: DataFacts, source: DataSource): number[] {
  const shape = [...facts.shape];
  if (shape.length === 3 && source.resize) return [shape[0]!, source.resize[0]!, source.resize[1]!];
  if (shape.length >= 2 && source.pad) return [shape[0]!, ...shape.slice(1).map((s) => s + 2 * source.pad!)];
  return shape;
}

type RiskCode = Extract<Code, `NN5${string}`>;

interface Context {
  train: TrainResult;
  model: ModelResult;
  reporter: Reporter;
  findings: Finding[];
}

export function judgeTrain(train: TrainResult, model: ModelResult | undefined, reporter: Reporter, read?: DataFactsReader): Verdict {
  const findings: Finding[] = [];
  const verdict: Verdict = { overfitting: 'low', underfitting: 'low', findings };
  const { config } = train;
  if (!model || !model.complete) return verdict;
  const ctx: Context = { train, model, reporter, findings };
  const facts = config.data ? limited(builtinFacts(config.data, model) ?? read?.(config.data, reporter.uri), config.data) : undefined;
  noValidation(ctx);
  hyperparameters(ctx);
  if (facts && config.data) {
    verdict.facts = facts;
    const trainSamples = config.validation && 'fraction' in config.validation ? Math.floor(facts.samples * (1 - config.validation.fraction)) : facts.samples;
    verdict.trainSamples = trainSamples;
    verdict.steps = config.epochs * Math.ceil(trainSamples / config.batch);
    verdict.parametersPerSample = model.params.trainable / trainSamples;
    const fits = dataFits(ctx, facts, config.data);
    if (fits) {
      capacity(ctx, trainSamples);
      length(ctx, verdict.steps, trainSamples);
    }
  }
  for (const f of findings) {
    if (f.risk === 'overfitting' && RANK[f.level] > RANK[verdict.overfitting]) verdict.overfitting = f.level;
    if (f.risk === 'underfitting' && RANK[f.level] > RANK[verdict.underfitting]) verdict.underfitting = f.level;
  }
  return verdict;
}

function spanOf(ctx: Context, ...keys: string[]): Span {
  for (const key of keys) {
    const span = ctx.train.config.spans[key];
    if (span) return span;
  }
  return ctx.train.decl.model.span;
}

function find(ctx: Context, code: RiskCode, risk: RiskKind, level: Level, span: Span, message: string, reason: string, extra: { related?: RelatedInfo[]; data?: Record<string, unknown> } = {}): void {
  ctx.findings.push({ code, risk, level, reason });
  ctx.reporter.report(code, span, message, { ...extra, data: { risk, level, train: ctx.train.config.model, ...(extra.data ?? {}) } });
}

// ── NN501–NN503: the model against the data ──────────────────────────────────────

function dataFits(ctx: Context, facts: DataFacts, source: DataSource): boolean {
  const { model } = ctx;
  const input = model.input!;
  const sample = preparedShape(facts, source);
  let fits = true;
  if (!sameShape(input, sample)) {
    fits = false;
    const padding = input.length === 3 && sample.length === 3 && input[0] === sample[0] && input[1]! - sample[1]! === input[2]! - sample[2]! && input[1]! > sample[1]! && (input[1]! - sample[1]!) % 2 === 0 ? (input[1]! - sample[1]!) / 2 + (source.pad ?? 0) : undefined;
    const fix = padding !== undefined ? `pad them with 'pad=${padding}' on the data line (LeNet-5's paper padded its 28×28 digits to 32×32)` : input.length === 3 && sample.length === 3 && input[0] === sample[0] ? `resize them with 'resize=${input[1]}x${input[2]}' on the data line` : '';
    const options = [fix, `or change the model's input to ${sample.join('x')}`].filter(Boolean).join(', ');
    find(ctx, 'NN501', 'mismatch', 'high', spanOf(ctx, 'data.value', 'data'), `model ${model.name} takes ${formatShape(input)} but ${facts.name} samples are ${formatShape(sample)}: ${options.replace(/^or /, '')}`, `input ${formatShape(input)} ≠ samples ${formatShape(sample)}`, {
      related: [{ uri: model.uri, span: model.decl.name.span, message: `model ${model.name} declares its input here` }],
      data: { input, sample, ...(padding !== undefined ? { pad: padding } : {}) },
    });
  }
  const output = model.output!;
  const loss = ctx.train.config.loss;
  const units = output.length === 1 ? output[0]! : undefined;
  const last = model.layers[model.layers.length - 1];
  if (!last) return fits;
  const binary = loss === 'bce' && units === 1 && facts.classes === 2;
  if (units !== undefined && loss !== 'mse' && units !== facts.classes && !binary) {
    fits = false;
    find(ctx, 'NN502', 'mismatch', 'high', spanOf(ctx, 'data.value', 'data'), `model ${model.name} ends in ${formatCount(units)} units but ${facts.name} has ${facts.classes} classes: make its last layer 'dense ${facts.classes}'`, `${units} outputs ≠ ${facts.classes} classes`, {
      related: [{ uri: last.uri, span: last.opSpan, message: `the last layer gives ${formatCount(units)} outputs` }],
      data: { units, classes: facts.classes },
    });
  }
  lossFits(ctx, facts, units, String(last.attrs.activation ?? last.op));
  return fits;
}

function lossFits(ctx: Context, facts: DataFacts, units: number | undefined, activation: string): void {
  const loss = ctx.train.config.loss;
  const span = spanOf(ctx, 'loss.value', 'loss');
  if (units === undefined) return;
  if (loss === 'mse' && facts.classes > 1) {
    find(ctx, 'NN503', 'mismatch', 'high', span, `mse on a ${facts.classes}-class classifier treats class labels as numbers to regress; use crossentropy`, 'mse on class labels', { data: { loss, fix: 'crossentropy' } });
  } else if (loss === 'bce' && units > 1 && activation === 'softmax') {
    find(ctx, 'NN503', 'mismatch', 'high', span, `bce scores each of ${units} outputs as an independent yes/no, but a softmax over ${units} classes makes them compete; use crossentropy`, `bce on ${units} softmax classes`, { data: { loss, fix: 'crossentropy' } });
  } else if ((loss === 'crossentropy' || loss === 'nll') && units === 1) {
    find(ctx, 'NN503', 'mismatch', 'high', span, `${loss} needs one output per class, but the model has 1; for a yes/no task use bce with a sigmoid output, or give the last layer ${Math.max(2, facts.classes)} units`, `${loss} on 1 output`, { data: { loss, fix: 'bce' } });
  }
}

// ── NN504, NN505: capacity and length against the data ──────────────────────────

function regularisers(ctx: Context): string[] {
  const { model, train } = ctx;
  const found: string[] = [];
  if (model.layers.some((n) => n.op === 'dropout')) found.push('dropout');
  if (train.config.augment.length) found.push('augmentation');
  if (train.config.optimizer.weightDecay > 0) found.push('weight decay');
  if (train.config.earlyStop) found.push('early stopping');
  if (model.layers.some((n) => n.op === 'batchnorm')) found.push('batch norm');
  return found;
}

function capacity(ctx: Context, samples: number): void {
  const perSample = ctx.model.params.trainable / samples;
  const found = regularisers(ctx);
  const high = perSample >= THRESHOLDS.perSampleHigh.value;
  const medium = perSample >= THRESHOLDS.perSampleMedium.value;
  const level: Level = high && found.length === 0 ? 'high' : high || (medium && found.length === 0) ? 'medium' : 'low';
  if (level === 'low') return;
  const with_ = found.length ? `regularised by ${found.join(', ')}` : 'with no regularisation (no dropout, augmentation, weight decay, early stopping or batch norm)';
  find(
    ctx,
    'NN504',
    'overfitting',
    level,
    ctx.train.decl.model.span,
    `${formatCount(ctx.model.params.trainable)} parameters on ${formatCount(samples)} training samples is ${formatCount(Math.round(perSample))} per sample, ${with_}: overfitting risk is ${level}. AlexNet fought this with dropout and augmentation on a million images`,
    `${formatCount(Math.round(perSample))} parameters per sample, ${found.length ? found.join(', ') : 'no regularisation'}`,
    { data: { perSample, regularisers: found } },
  );
}

function length(ctx: Context, steps: number, samples: number): void {
  const { config } = ctx.train;
  const perEpoch = Math.ceil(samples / config.batch);
  const stepsText = `${plural(config.epochs, 'epoch')} × ⌈${formatCount(samples)} / ${config.batch}⌉ = ${formatCount(steps)} steps`;
  if (config.epochs >= THRESHOLDS.manyEpochs.value && !config.validation && !config.earlyStop) {
    find(ctx, 'NN505', 'overfitting', 'medium', spanOf(ctx, 'epochs.value', 'epochs'), `${stepsText} with no validation and no early stopping: training can run far past its best epoch unseen, so overfitting risk rises; add 'validation 0.1' and 'early_stop patience=5'`, `${config.epochs} epochs, unwatched`, { data: { steps, perEpoch } });
  } else if (steps < THRESHOLDS.minSteps.value) {
    find(ctx, 'NN505', 'underfitting', 'medium', spanOf(ctx, 'epochs.value', 'epochs', 'batch.value'), `${stepsText}: under ${formatCount(THRESHOLDS.minSteps.value)} optimizer steps rarely train a network from scratch, so underfitting risk is medium; train for ${Math.ceil(THRESHOLDS.minSteps.value / perEpoch)} epochs or more`, `only ${formatCount(steps)} steps`, { data: { steps, perEpoch } });
  }
}

// ── NN506–NN510: the hyperparameters themselves ─────────────────────────────────

function hyperparameters(ctx: Context): void {
  const { config } = ctx.train;
  const { optimizer } = config;
  const lrSpan = spanOf(ctx, 'optimizer.lr', 'optimizer.value', 'optimizer');
  const warmup = config.schedule.name === 'warmup' || config.schedule.name === 'onecycle';
  const adaptive = optimizer.name === 'adam' || optimizer.name === 'adamw' || optimizer.name === 'rmsprop';
  const ceiling = adaptive ? THRESHOLDS.adamMaxLr.value : optimizer.name === 'sgd' ? THRESHOLDS.sgdMaxLr.value : Infinity;
  if (optimizer.lr > ceiling && !warmup) {
    find(ctx, 'NN506', 'divergence', 'medium', lrSpan, `lr=${rate(optimizer.lr)} is above ${rate(ceiling)} for ${optimizer.name} with no warm-up: the loss is likely to diverge; use lr=${adaptive ? '1e-3' : '0.01'} or add 'schedule warmup epochs=1'`, `lr ${rate(optimizer.lr)} > ${rate(ceiling)} (${optimizer.name})`, { data: { lr: optimizer.lr, ceiling } });
  } else if (optimizer.lr < THRESHOLDS.minLr.value) {
    find(ctx, 'NN506', 'underfitting', 'medium', lrSpan, `lr=${rate(optimizer.lr)} is below ${rate(THRESHOLDS.minLr.value)}: the weights barely move within ${plural(config.epochs, 'epoch')}, so underfitting risk is medium; ${optimizer.name} usually starts near ${adaptive ? '1e-3' : '0.01'}`, `lr ${rate(optimizer.lr)} too small`, { data: { lr: optimizer.lr } });
  }
  if (optimizer.name === 'sgd') {
    const scaled = 0.1 * (config.batch / THRESHOLDS.linearScalingBatch.value);
    const big = config.batch >= THRESHOLDS.largeBatch.value;
    if ((big && !warmup) || optimizer.lr > 4 * scaled) {
      const advice = big && !warmup ? `batches of ${formatCount(config.batch)} need a warm-up to train stably at that rate; add 'schedule warmup epochs=5'` : `lr=${rate(optimizer.lr)} is ${(optimizer.lr / scaled).toFixed(1)}× that; lower it or raise the batch`;
      find(ctx, 'NN507', 'divergence', 'medium', spanOf(ctx, 'batch.value', 'optimizer.lr', 'optimizer'), `the linear scaling rule (Goyal et al. 2017) gives lr ≈ 0.1 × ${config.batch} / 256 = ${Number(scaled.toPrecision(3))} for SGD at batch ${config.batch}: ${advice}`, `batch ${config.batch} vs lr ${rate(optimizer.lr)}`, { data: { scaled } });
    }
  }
  if (optimizer.name === 'adam' && optimizer.weightDecay > 0) {
    find(ctx, 'NN509', 'overfitting', 'low', spanOf(ctx, 'optimizer.value', 'optimizer'), `adam adds weight_decay=${rate(optimizer.weightDecay)} to the gradient, where Adam's scaling weakens it for the weights that need it most; adamw decouples it (Loshchilov & Hutter 2019): use 'optimizer adamw'`, 'adam with weight decay', { data: { fix: 'adamw' } });
  }
  for (const node of ctx.model.layers) {
    const rate = node.op === 'dropout' ? Number(node.attrs.rate) : 0;
    if (rate >= THRESHOLDS.highDropout.value && ctx.model.params.trainable < THRESHOLDS.smallModel.value) {
      find(ctx, 'NN508', 'underfitting', 'medium', node.opSpan, `dropout ${rate} drops ${Math.round(rate * 100)}% of activations in a model of ${formatCount(ctx.model.params.trainable)} parameters: too little is left to learn with, so underfitting risk is medium; AlexNet used 0.5`, `dropout ${rate} on a small model`, { data: { rate } });
      break;
    }
  }
}

function noValidation(ctx: Context): void {
  const { config } = ctx.train;
  if (config.validation) return;
  find(ctx, 'NN510', 'overfitting', 'medium', ctx.train.decl.model.span, `train ${config.model} has no validation split or set, so overfitting cannot be seen while it happens; add 'validation 0.1'`, 'no validation', { data: { fix: 'validation 0.1' } });
}

/** "overfitting risk: high · underfitting risk: low" */
export function verdictText(verdict: Verdict): string {
  return `overfitting risk: ${verdict.overfitting} · underfitting risk: ${verdict.underfitting}`;
}

