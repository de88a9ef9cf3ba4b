// `train` blocks: each setting is checked against this table (unknown keys, unknown words and
// options, values out of range) and resolved into a TrainConfig with defaults filled in.
// Running it is the runtime's job; the checks here are what the editor shows while typing.
import type { Setting, TrainDecl } from './ast';
import { suggestion, type Reporter } from './diagnostics';
import { findModel, Scope, type FileScope } from './scope';
import type { Span } from './text';
import { describeValue, evaluate, typeName, type CallArg, type Value } from './values';
import type { Verdict } from './risks';
import type { Observation } from './observed';
import type { ModelResult } from './elaborate';

type OptionType = 'number' | 'positive' | 'count' | 'whole' | 'bool' | 'rate' | 'fraction' | 'string' | 'dims' | { oneOf: readonly string[] };

interface OptionSpec {
  type: OptionType;
  doc: string;
  default?: number | boolean | string;
}

interface SettingSpec {
  doc: string;
  multiple?: boolean;
  /** The words that may follow the key, each with its named options. */
  kinds?: Record<string, Record<string, OptionSpec>>;
  /** A single value after the key (epochs 20). */
  value?: OptionSpec;
  /** Named options without a word (early_stop patience=5). */
  options?: Record<string, OptionSpec>;
}

const lr = (value: number): OptionSpec => ({ type: 'positive', doc: 'Learning rate.', default: value });
const weightDecay: OptionSpec = { type: 'number', doc: 'L2 penalty (weight decay).', default: 0 };

export const SETTINGS: Record<string, SettingSpec> = {
  data: { doc: 'Training data: mnist, idx("images", "labels"), folder("dir"), csv("file.csv", label="column") or synthetic samples=N classes=K.' },
  test: { doc: 'Test data, as for data; mnist implies its 10,000 test images.' },
  validation: { doc: 'A fraction of the training data held out (0.1) or a data source.' },
  epochs: { doc: 'Passes over the training data.', value: { type: 'count', doc: 'Number of epochs.', default: 10 } },
  batch: { doc: 'Samples per optimizer step.', value: { type: 'count', doc: 'Batch size.', default: 32 } },
  seed: { doc: 'Random seed for initialisation, shuffling and the validation split.', value: { type: 'whole', doc: 'Seed.', default: 0 } },
  optimizer: {
    doc: 'The optimizer and its settings.',
    kinds: {
      sgd: { lr: lr(0.01), momentum: { type: 'rate', doc: 'Momentum.', default: 0 }, nesterov: { type: 'bool', doc: 'Nesterov momentum.', default: false }, weight_decay: weightDecay },
      adam: { lr: lr(1e-3), weight_decay: weightDecay },
      adamw: { lr: lr(1e-3), weight_decay: { ...weightDecay, default: 0.01 } },
      rmsprop: { lr: lr(1e-2), momentum: { type: 'rate', doc: 'Momentum.', default: 0 }, weight_decay: weightDecay },
      adadelta: { lr: lr(1.0), weight_decay: weightDecay },
    },
  },
  schedule: {
    doc: 'How the learning rate changes over training.',
    kinds: {
      none: {},
      step: { every: { type: 'count', doc: 'Epochs between decays.', default: 10 }, gamma: { type: 'positive', doc: 'Factor applied at each step.', default: 0.1 } },
      cosine: {},
      onecycle: { max_lr: { type: 'positive', doc: 'Peak learning rate.' } },
      warmup: { epochs: { type: 'count', doc: 'Epochs of linear warm-up.', default: 1 } },
    },
  },
  loss: { doc: 'The loss function.', kinds: { crossentropy: {}, nll: {}, bce: {}, mse: {} } },
  augment: {
    doc: 'Data augmentation; several lines allowed.',
    multiple: true,
    kinds: {
      hflip: {},
      crop: { pad: { type: 'whole', doc: 'Zero padding before a random crop back to size.', default: 4 } },
      rotate: { degrees: { type: 'positive', doc: 'Maximum rotation either way.', default: 10 } },
      noise: { std: { type: 'positive', doc: 'Standard deviation of added Gaussian noise.', default: 0.1 } },
    },
  },
  early_stop: {
    doc: 'Stop when the monitored metric has not improved for `patience` epochs.',
    options: { patience: { type: 'count', doc: 'Epochs without improvement.', default: 5 }, monitor: { type: { oneOf: ['val_loss', 'val_accuracy', 'loss'] }, doc: 'The metric watched.', default: 'val_loss' } },
  },
  engine: { doc: 'Training engine.', kinds: { auto: {}, torch: {}, tfjs: {} } },
  device: { doc: 'Where to train: auto, cpu, gpu, gpu:N, or gpus=N.', kinds: { auto: {}, cpu: {}, gpu: {} }, options: { gpus: { type: 'count', doc: 'One process per GPU.' } } },
  precision: { doc: 'Numeric precision; bf16/fp16 autocast on a GPU, fp32 on a CPU.', kinds: { auto: {}, fp32: {}, bf16: {}, fp16: {} } },
};

export const DATA_SOURCES = ['mnist', 'idx', 'folder', 'csv', 'synthetic'] as const;

/** How samples are brought to the model's input size; only where the train block asks. */
export interface Preprocess {
  /** Zero padding on every side (LeNet-5's 28×28 MNIST digits padded to 32×32). */
  pad?: number;
  /** Resize to H×W. */
  resize?: number[];
  /** Use only this many samples, a seeded random subset (a quick run on part of MNIST). */
  limit?: number;
}

export type DataSource = Preprocess &
  (
    | { kind: 'mnist' }
    | { kind: 'idx'; images: string; labels: string }
    | { kind: 'folder'; dir: string }
    | { kind: 'csv'; file: string; label: string }
    | { kind: 'synthetic'; samples: number; classes: number; shape?: number[] }
  );

/** Options every data source takes. */
const SOURCE_OPTIONS = ['pad', 'resize', 'limit'];

export interface TrainConfig {
  model: string;
  modelArgs: Map<string, Value | undefined>;
  data?: DataSource;
  test?: DataSource;
  validation?: { fraction: number } | { source: DataSource };
  epochs: number;
  batch: number;
  seed: number;
  optimizer: { name: string; lr: number; momentum: number; nesterov: boolean; weightDecay: number };
  schedule: { name: string; options: Record<string, number> };
  loss: string;
  augment: Array<{ name: string; options: Record<string, number> }>;
  earlyStop?: { patience: number; monitor: string };
  engine: string;
  device: string;
  precision: string;
  /**
   * Where each setting is written, for diagnostics that land on a line of the train block:
   * `epochs` is the whole line, `epochs.value` its first value, `optimizer.lr` an option's value.
   */
  spans: Record<string, Span>;
}

export interface TrainResult {
  decl: TrainDecl;
  config: TrainConfig;
  /** The static risk verdict, once the model and the data are known (risks.ts). */
  verdict?: Verdict;
  /** The latest run of this model and whether it still describes the file (observed.ts). */
  observed?: Observation;
  /** The model this block trains when it passes parameters other than their defaults (analyze.ts). */
  instance?: ModelResult;
}

export function checkTrain(decl: TrainDecl, file: FileScope): TrainResult {
  const reporter = file.reporter;
  const config = defaults(decl.model.text);
  const model = decl.model.missing ? undefined : findModel(file, decl.model.text);
  if (!decl.model.missing && !model) {
    const names = [...file.models.keys(), ...file.imports.flatMap((f) => [...f.models.keys()])];
    const isBlock = file.blocks.has(decl.model.text);
    reporter.report('NN214', decl.model.span, isBlock ? `'${decl.model.text}' is a block; train needs a model (a block has no input)` : `unknown model '${decl.model.text}'${suggestion(decl.model.text, names)}`, { data: { candidates: names } });
  }
  const scope = new Scope(file);
  const env = { reporter, inShape: undefined, lookup: (n: string) => scope.lookup(n), names: () => scope.names() };
  const params = model?.params.map((p) => p.name.text) ?? [];
  decl.args.forEach((arg, i) => {
    const name = arg.name?.text ?? params[i];
    if (model && name === undefined) {
      reporter.report('NN208', arg.span, `model ${model.name.text} takes ${params.length} argument${params.length === 1 ? '' : 's'}${params.length ? ` (${params.join(', ')})` : ''}`);
      return;
    }
    if (model && arg.name && !params.includes(arg.name.text)) {
      reporter.report('NN202', arg.name.span, `model ${model.name.text} has no parameter '${arg.name.text}'${suggestion(arg.name.text, params)}`);
      return;
    }
    config.modelArgs.set(name ?? `#${i}`, evaluate(arg.value, env));
  });
  const seen = new Map<string, Span>();
  for (const setting of decl.settings) applySetting(setting, config, seen, reporter, env);
  return { decl, config };
}

function defaults(model: string): TrainConfig {
  return {
    model,
    modelArgs: new Map(),
    epochs: 10,
    batch: 32,
    seed: 0,
    optimizer: { name: 'adam', lr: 1e-3, momentum: 0, nesterov: false, weightDecay: 0 },
    schedule: { name: 'none', options: {} },
    loss: 'crossentropy',
    augment: [],
    engine: 'auto',
    device: 'auto',
    precision: 'auto',
    spans: {},
  };
}

type Env = Parameters<typeof evaluate>[1];

function applySetting(setting: Setting, config: TrainConfig, seen: Map<string, Span>, reporter: Reporter, env: Env): void {
  const key = setting.key.text;
  const spec = SETTINGS[key];
  if (!spec) {
    reporter.report('NN215', setting.key.span, `unknown training setting '${key}'${suggestion(key, Object.keys(SETTINGS))}`, { data: { candidates: Object.keys(SETTINGS) } });
    return;
  }
  const first = seen.get(key);
  if (first && !spec.multiple) {
    reporter.report('NN223', setting.key.span, `'${key}' is set twice; the later line wins`, { related: [{ uri: reporter.uri, span: first, message: `'${key}' is first set here` }] });
  }
  seen.set(key, setting.span);
  config.spans[key] = setting.span;
  if (setting.args[0] && !setting.args[0].name) config.spans[`${key}.value`] = setting.args[0].value.span;
  for (const arg of setting.args) if (arg.name) config.spans[`${key}.${arg.name.text}`] = arg.value.span;
  const positional = setting.args.filter((a) => !a.name);
  const named = setting.args.filter((a) => a.name);
  if (key === 'data' || key === 'test' || key === 'validation') return applyData(key, setting, config, reporter, env);
  if (spec.value) {
    if (positional.length !== 1 || named.length) {
      reporter.report('NN216', setting.span, `${key} takes one value, like '${key} ${spec.value.default}'`);
      return;
    }
    const value = checkOption(key, spec.value, evaluate(positional[0]!.value, env), positional[0]!.span, reporter);
    if (typeof value === 'number' && (key === 'epochs' || key === 'batch' || key === 'seed')) config[key] = value;
    return;
  }
  let kind: string | undefined;
  let options: Record<string, OptionSpec> = spec.options ?? {};
  if (spec.kinds) {
    const word = positional[0];
    const extra = positional[1];
    if (extra) reporter.report('NN216', extra.span, `${key} takes one word (${Object.keys(spec.kinds).join(', ')}) and then name=value options`);
    const value = word ? evaluate(word.value, env, { anySymbol: true }) : undefined;
    if (!word && !spec.options) {
      reporter.report('NN216', setting.span, `${key} needs one of ${Object.keys(spec.kinds).join(', ')}`);
      return;
    }
    if (word && value) {
      const name = value.kind === 'symbol' ? value.name : '';
      const deviceIndex = key === 'device' && /^gpu:\d+$/.test(name);
      if (!deviceIndex && !(name in spec.kinds)) {
        reporter.report('NN216', word.span, `${key} must be one of ${Object.keys(spec.kinds).join(', ')}${key === 'device' ? ', gpu:N' : ''}, but it is ${describeValue(value)}${suggestion(name, Object.keys(spec.kinds))}`, { data: { candidates: Object.keys(spec.kinds) } });
        return;
      }
      kind = name;
      options = { ...(spec.kinds[deviceIndex ? 'gpu' : name] ?? {}), ...(spec.options ?? {}) };
    }
  }
  const resolved: Record<string, number | boolean | string> = {};
  for (const arg of named) {
    const name = arg.name!.text;
    const optionSpec = options[name];
    if (!optionSpec) {
      const names = Object.keys(options);
      const owner = kind ? `${key} ${kind}` : key;
      reporter.report('NN202', arg.name!.span, `${owner} has no option '${name}'${suggestion(name, names)}${names.length ? `; it takes ${names.join(', ')}` : '; it takes no options'}`, { data: { candidates: names } });
      continue;
    }
    const value = checkOption(name, optionSpec, evaluate(arg.value, env, typeof optionSpec.type === 'object' ? { symbols: new Set(optionSpec.type.oneOf) } : {}), arg.value.span, reporter);
    if (value !== undefined) resolved[name] = value;
  }
  for (const [name, optionSpec] of Object.entries(options)) {
    if (!(name in resolved) && optionSpec.default !== undefined) resolved[name] = optionSpec.default;
    if (!(name in resolved) && optionSpec.default === undefined && kind === 'onecycle') {
      reporter.report('NN216', setting.span, `schedule onecycle needs max_lr=, the peak learning rate`);
    }
  }
  store(key, kind, resolved, config);
}

function store(key: string, kind: string | undefined, options: Record<string, number | boolean | string>, config: TrainConfig): void {
  const numbers = Object.fromEntries(Object.entries(options).filter(([, v]) => typeof v === 'number')) as Record<string, number>;
  switch (key) {
    case 'optimizer':
      config.optimizer = { name: kind!, lr: numbers.lr ?? 1e-3, momentum: numbers.momentum ?? 0, nesterov: options.nesterov === true, weightDecay: numbers.weight_decay ?? 0 };
      return;
    case 'schedule':
      config.schedule = { name: kind!, options: numbers };
      return;
    case 'augment':
      config.augment.push({ name: kind!, options: numbers });
      return;
    case 'early_stop':
      config.earlyStop = { patience: numbers.patience ?? 5, monitor: String(options.monitor ?? 'val_loss') };
      return;
    case 'device':
      config.device = options.gpus !== undefined ? `gpus=${options.gpus}` : kind ?? 'auto';
      return;
    case 'loss':
    case 'engine':
    case 'precision':
      config[key] = kind!;
      return;
  }
}

function checkOption(name: string, spec: OptionSpec, value: Value | undefined, span: Span, reporter: Reporter): number | boolean | string | undefined {
  if (value === undefined) return undefined;
  const type = spec.type;
  const bad = (expected: string): undefined => {
    reporter.report('NN216', span, `${name} needs ${expected}, but it is ${describeValue(value)}`);
    return undefined;
  };
  if (typeof type === 'object') {
    const word = value.kind === 'symbol' ? value.name : value.kind === 'string' ? value.value : '';
    if (type.oneOf.includes(word)) return word;
    reporter.report('NN216', span, `${name} needs one of ${type.oneOf.join(', ')}, but it is ${describeValue(value)}${suggestion(word, type.oneOf)}`);
    return undefined;
  }
  if (type === 'bool') return value.kind === 'bool' ? value.value : bad('true or false');
  if (type === 'string') return value.kind === 'string' ? value.value : bad('a quoted string');
  if (value.kind !== 'number') return bad(`a number (got ${typeName(value)})`);
  const n = value.value;
  switch (type) {
    case 'count':
      return Number.isInteger(n) && n >= 1 ? n : bad('a whole number ≥ 1');
    case 'whole':
      return Number.isInteger(n) && n >= 0 ? n : bad('a whole number ≥ 0');
    case 'positive':
      return n > 0 ? n : bad('a number greater than 0');
    case 'rate':
      return n >= 0 && n < 1 ? n : bad('a number from 0 up to (not including) 1');
    case 'fraction':
      return n > 0 && n < 1 ? n : bad('a fraction between 0 and 1, like 0.1');
    default:
      return n;
  }
}

function applyData(key: 'data' | 'test' | 'validation', setting: Setting, config: TrainConfig, reporter: Reporter, env: Env): void {
  const [first, ...rest] = setting.args;
  if (!first || first.name) {
    reporter.report('NN216', setting.span, `${key} needs a source: ${DATA_SOURCES.join(', ')}${key === 'validation' ? ', or a fraction like 0.1' : ''}`);
    return;
  }
  const value = evaluate(first.value, env, { anySymbol: true, dataCalls: true });
  if (value === undefined) return;
  if (key === 'validation' && value.kind === 'number') {
    const fraction = checkOption('validation', { type: 'fraction', doc: '' }, value, first.span, reporter);
    if (typeof fraction === 'number') config.validation = { fraction };
    return;
  }
  const named = new Map<string, { value: Value | undefined; span: Span }>();
  for (const arg of rest) {
    if (!arg.name) {
      reporter.report('NN216', arg.span, `${key} takes one source; options are name=value, like samples=1000`);
      continue;
    }
    named.set(arg.name.text, { value: evaluate(arg.value, env), span: arg.value.span });
  }
  const source = dataSource(value, first.span, named, reporter);
  if (!source) return;
  preprocess(source, named, reporter);
  if (key === 'validation') config.validation = { source };
  else config[key] = source;
}

function dataSource(value: Value, span: Span, named: Map<string, { value: Value | undefined; span: Span }>, reporter: Reporter): DataSource | undefined {
  const name = value.kind === 'symbol' ? value.name : value.kind === 'call' ? value.name : '';
  if (!(DATA_SOURCES as readonly string[]).includes(name)) {
    reporter.report('NN216', span, `unknown data source ${describeValue(value)}${suggestion(name, DATA_SOURCES)}; use ${DATA_SOURCES.join(', ')}`, { data: { candidates: DATA_SOURCES } });
    return undefined;
  }
  const args = value.kind === 'call' ? value.args : [];
  const strings = (expected: string[]): string[] | undefined => {
    const positional = args.filter((a) => !a.name);
    if (positional.length !== expected.length || !positional.every((a) => a.value?.kind === 'string')) {
      reporter.report('NN216', span, `${name} needs ${expected.length} quoted path${expected.length === 1 ? '' : 's'}: ${name}(${expected.map((e) => `"${e}"`).join(', ')})`);
      return undefined;
    }
    return positional.map((a) => (a.value as { value: string }).value);
  };
  const option = (key: string): CallArg | undefined => args.find((a) => a.name === key);
  if (name !== 'synthetic') {
    for (const [key, entry] of named) {
      if (!SOURCE_OPTIONS.includes(key)) reporter.report('NN202', entry.span, `${name} has no option '${key}'${suggestion(key, SOURCE_OPTIONS)}; it takes ${SOURCE_OPTIONS.join(', ')}`);
    }
  }
  switch (name) {
    case 'mnist':
      return { kind: 'mnist' };
    case 'idx': {
      const paths = strings(['images', 'labels']);
      return paths && { kind: 'idx', images: paths[0]!, labels: paths[1]! };
    }
    case 'folder': {
      const paths = strings(['dir']);
      return paths && { kind: 'folder', dir: paths[0]! };
    }
    case 'csv': {
      const paths = strings(['file.csv']);
      const label = option('label')?.value;
      if (!paths) return undefined;
      if (label?.kind !== 'string') {
        reporter.report('NN216', span, 'csv needs the label column: csv("file.csv", label="column")');
        return undefined;
      }
      return { kind: 'csv', file: paths[0]!, label: label.value };
    }
    default:
      return synthetic(span, named, reporter);
  }
}

function preprocess(source: DataSource, named: Map<string, { value: Value | undefined; span: Span }>, reporter: Reporter): void {
  const pad = named.get('pad');
  if (pad) {
    const n = checkOption('pad', { type: 'whole', doc: '' }, pad.value, pad.span, reporter);
    if (typeof n === 'number') source.pad = n;
  }
  const resize = named.get('resize');
  if (resize?.value?.kind === 'dims' && resize.value.value.length === 2) source.resize = resize.value.value;
  else if (resize?.value?.kind === 'number') source.resize = [resize.value.value, resize.value.value];
  else if (resize) reporter.report('NN216', resize.span, 'resize needs a size like 32x32');
  const limit = named.get('limit');
  if (limit) {
    const n = checkOption('limit', { type: 'count', doc: '' }, limit.value, limit.span, reporter);
    if (typeof n === 'number') source.limit = n;
  }
}

function synthetic(span: Span, named: Map<string, { value: Value | undefined; span: Span }>, reporter: Reporter): DataSource | undefined {
  const count = (key: string): number | undefined => {
    const entry = named.get(key);
    if (!entry) {
      reporter.report('NN216', span, `synthetic needs ${key}=N, like synthetic samples=1000 classes=10`);
      return undefined;
    }
    const n = checkOption(key, { type: 'count', doc: '' }, entry.value, entry.span, reporter);
    return typeof n === 'number' ? n : undefined;
  };
  const options = ['samples', 'classes', 'shape', ...SOURCE_OPTIONS];
  for (const [key, entry] of named) {
    if (!options.includes(key)) reporter.report('NN202', entry.span, `synthetic has no option '${key}'${suggestion(key, options)}; it takes ${options.join(', ')}`);
  }
  const samples = count('samples');
  const classes = count('classes');
  if (samples === undefined || classes === undefined) return undefined;
  const source: DataSource = { kind: 'synthetic', samples, classes };
  const shape = named.get('shape');
  if (shape?.value?.kind === 'dims') source.shape = shape.value.value;
  else if (shape?.value?.kind === 'number') source.shape = [shape.value.value];
  else if (shape) reporter.report('NN216', shape.span, 'synthetic shape needs dimensions like 1x28x28');
  return source;
}
