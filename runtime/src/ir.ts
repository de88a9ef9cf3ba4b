// The compiled model (IR): an analysed model as a flat, JSON-serialisable graph that the training
// engines build from alone. Every layer's attributes are normalised here — per-axis kernels and
// strides, explicit per-side padding with `same` and `valid` resolved, defaults filled in — so an
// engine never re-derives layer semantics. The schema is versioned and documented in docs/ir.md.
import { samePadding } from '../../server/src/language/layers';
import type { Analysis, DataSource, Diagnostic, LayerNode, ModelResult, TrainConfig, TrainResult } from '../../server/src/language/index';

export const IR_VERSION = 1;

/** A model that cannot be compiled: the message says why, ready for the CLI to print. */
export class IRError extends Error {
  override readonly name = 'IRError';
}

// ── the schema ──────────────────────────────────────────────────────────────────

export interface ConvAttrs {
  filters: number;
  kernel: number[];
  stride: number[];
  dilation: number[];
  /** Per side: [top, bottom, left, right] on images, [left, right] on sequences. */
  padding: number[];
  groups: number;
  bias: boolean;
  connections?: number[][];
  activation?: string;
}

export interface DeconvAttrs {
  filters: number;
  kernel: number[];
  stride: number[];
  dilation: number[];
  /** Rows and columns cropped from each side of the full transposed output, per side as for conv. */
  padding: number[];
  /** Extra rows/columns at the bottom/right (the end), per axis. */
  output_padding: number[];
  groups: number;
  bias: boolean;
  activation?: string;
}

export interface DenseAttrs {
  units: number;
  bias: boolean;
  activation?: string;
}

export interface PoolAttrs {
  kernel: number[];
  stride: number[];
  padding: number[];
  ceil: boolean;
  /** avgpool only: padded zeros count in the average (PyTorch's count_include_pad). */
  count_pad?: boolean;
}

export interface SubsampleAttrs {
  kernel: number[];
  stride: number[];
  activation?: string;
}

export interface AdaptivePoolAttrs {
  output_size: number[];
}

export interface ReshapeAttrs {
  shape: number[];
}

export interface DropoutAttrs {
  rate: number;
}

export interface BatchnormAttrs {
  eps: number;
  momentum: number;
  affine: boolean;
  activation?: string;
}

export interface LrnAttrs {
  size: number;
  /** The paper's per-element α (PyTorch's LocalResponseNorm takes α·size). */
  alpha: number;
  beta: number;
  k: number;
}

export interface UpsampleAttrs {
  scale: number[];
  mode: 'nearest' | 'bilinear';
}

export interface ZeropadAttrs {
  padding: number[];
}

export interface AlphaAttrs {
  alpha: number;
}

export type MergeMode = 'concat' | 'add' | 'mul' | 'max' | 'avg';

export interface MergeAttrs {
  mode: MergeMode;
}

export type EmptyAttrs = Record<string, never>;

export interface IRNodeBase {
  id: number;
  path: string;
  label?: string;
  /** The file the layer is written in, when it is not the model's (a block from an import). */
  file?: string;
  /** 1-based line of the statement. */
  line: number;
  /** The statement as written (its first line), for comments that point back to the source. */
  text: string;
  /** Ids of the nodes feeding this one, in order; -1 is the model input. */
  inputs: number[];
  output: number[];
  params: number;
  nonTrainable: number;
}

type NodeOf<Op extends string, A> = IRNodeBase & { op: Op; attrs: A };

export const PLAIN_OPS = ['flatten', 'globalavgpool', 'globalmaxpool', 'relu', 'relu6', 'gelu', 'silu', 'tanh', 'sigmoid', 'hardswish', 'softmax'] as const;
export type PlainOp = (typeof PLAIN_OPS)[number];

export type IRNode =
  | NodeOf<'conv', ConvAttrs>
  | NodeOf<'deconv', DeconvAttrs>
  | NodeOf<'dense', DenseAttrs>
  | NodeOf<'maxpool' | 'avgpool', PoolAttrs>
  | NodeOf<'subsample', SubsampleAttrs>
  | NodeOf<'adaptiveavgpool' | 'adaptivemaxpool', AdaptivePoolAttrs>
  | NodeOf<'reshape', ReshapeAttrs>
  | NodeOf<'dropout', DropoutAttrs>
  | NodeOf<'batchnorm', BatchnormAttrs>
  | NodeOf<'lrn', LrnAttrs>
  | NodeOf<'upsample', UpsampleAttrs>
  | NodeOf<'zeropad', ZeropadAttrs>
  | NodeOf<'leakyrelu' | 'elu', AlphaAttrs>
  | NodeOf<'merge', MergeAttrs>
  | NodeOf<PlainOp, EmptyAttrs>;

export type IROp = IRNode['op'];

export interface IRTrain {
  data: DataSource | null;
  test: DataSource | null;
  validation: { fraction: number } | { source: DataSource } | null;
  epochs: number;
  batch: number;
  seed: number;
  optimizer: { name: string; lr: number; momentum: number; nesterov: boolean; weightDecay: number };
  schedule: { name: string; options: Record<string, number> };
  loss: string;
  augment: Array<{ name: string; options: Record<string, number> }>;
  earlyStop: { patience: number; monitor: string } | null;
  engine: string;
  device: string;
  precision: string;
}

export interface IR {
  version: typeof IR_VERSION;
  model: string;
  /** The .nn file the model is declared in, as the caller displays it. */
  source: string;
  input: number[];
  output: number[];
  params: { trainable: number; nonTrainable: number };
  nodes: IRNode[];
  train: IRTrain | null;
}

export interface CompileOptions {
  /** How file names appear in `source` and `file` (the CLI shows them relative to its cwd). */
  display?: (uri: string) => string;
}

// ── compiling ───────────────────────────────────────────────────────────────────

/**
 * The IR of one analysed model, with the resolved settings of `train` when given. Throws an
 * IRError when the model does not exist, has errors, or the train block asks for an instance the
 * analysis did not elaborate.
 */
export function compileModel(analysis: Analysis, modelName: string, train?: TrainResult, options: CompileOptions = {}): IR {
  const display = options.display ?? ((uri: string) => uri);
  // The train block's own instance where it passes other parameter values than the defaults.
  const model = train?.instance ?? findModel(analysis, modelName);
  refuseErrors(analysis, model, train, display);
  const nodes = model.layers.map((layer) => compileNode(analysis, model, layer, display));
  return {
    version: IR_VERSION,
    model: model.name,
    source: display(model.uri),
    input: [...model.input!],
    output: [...model.output!],
    params: { trainable: model.params.trainable, nonTrainable: model.params.nonTrainable },
    nodes,
    train: train ? compileTrain(train.config) : null,
  };
}

/**
 * The model `netlens compile` and `export` use: the named one, else the first train block's
 * model, else the file's first model; with the first train block for it, if any.
 */
export function chooseModel(analysis: Analysis, name?: string): { model: string; train: TrainResult | undefined } {
  const model = name ?? analysis.trains[0]?.config.model ?? analysis.models[0]?.name;
  if (model === undefined) throw new IRError('the file declares no model');
  return { model, train: analysis.trains.find((t) => t.config.model === model) };
}

function findModel(analysis: Analysis, name: string): ModelResult {
  const model = analysis.models.find((m) => m.name === name);
  if (model) return model;
  const names = analysis.models.map((m) => m.name);
  const imported = analysis.trains.some((t) => t.config.model === name);
  if (imported) throw new IRError(`model ${name} is declared in an imported file; compile that file instead`);
  throw new IRError(`no model '${name}'; the file has ${names.join(', ') || 'none'}`);
}

function within(d: { uri: string; span: { start: number; end: number } }, uri: string, span: { start: number; end: number }): boolean {
  return d.uri === uri && d.span.start >= span.start && d.span.end <= span.end;
}

/**
 * Errors that concern the model: in its declaration, in any of its layers (blocks included), in
 * the train block compiled with it, or pointing at any of these from outside other train blocks;
 * and any syntax error (NN1xx) in a file the model is written in, since a broken bracket can move
 * statements in or out of the model.
 */
function modelErrors(analysis: Analysis, model: ModelResult, train: TrainResult | undefined): Diagnostic[] {
  const files = new Set([model.uri, ...model.layers.map((layer) => layer.uri)]);
  const concerns = (d: { uri: string; span: { start: number; end: number } }): boolean =>
    within(d, model.uri, model.decl.span) || (train !== undefined && within(d, analysis.uri, train.decl.span)) || model.layers.some((layer) => within(d, layer.uri, layer.span));
  // A train block's errors count only for the train block compiled with the model.
  const otherTrain = (d: Diagnostic): boolean => analysis.trains.some((t) => t !== train && within(d, analysis.uri, t.decl.span));
  return analysis.diagnostics.filter(
    (d) => d.severity === 'error' && ((d.code.startsWith('NN1') && files.has(d.uri)) || (!otherTrain(d) && (concerns(d) || (d.related ?? []).some(concerns)))),
  );
}

function refuseErrors(analysis: Analysis, model: ModelResult, train: TrainResult | undefined, display: (uri: string) => string): void {
  const errors = modelErrors(analysis, model, train);
  if (errors.length === 0 && model.complete && model.input && model.output) return;
  const shown = errors.slice(0, 5).map((d) => {
    const lines = analysis.files.get(d.uri)?.lines ?? analysis.lines;
    const at = lines.position(d.span.start);
    return `  ${display(d.uri)}:${at.line + 1}:${at.character + 1}: ${d.code}: ${d.message}`;
  });
  const more = errors.length > shown.length ? [`  … and ${errors.length - shown.length} more (netlens check shows all)`] : [];
  const why = errors.length ? `it has ${errors.length} error${errors.length === 1 ? '' : 's'}` : 'some of its shapes are unknown';
  throw new IRError([`cannot compile model ${model.name}: ${why}`, ...shown, ...more].join('\n'));
}

function compileTrain(config: TrainConfig): IRTrain {
  const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
  return {
    data: config.data ? copy(config.data) : null,
    test: config.test ? copy(config.test) : null,
    validation: config.validation ? copy(config.validation) : null,
    epochs: config.epochs,
    batch: config.batch,
    seed: config.seed,
    optimizer: { ...config.optimizer },
    schedule: { name: config.schedule.name, options: { ...config.schedule.options } },
    loss: config.loss,
    augment: config.augment.map((a) => ({ name: a.name, options: { ...a.options } })),
    earlyStop: config.earlyStop ? { ...config.earlyStop } : null,
    engine: config.engine,
    device: config.device,
    precision: config.precision,
  };
}

function compileNode(analysis: Analysis, model: ModelResult, layer: LayerNode, display: (uri: string) => string): IRNode {
  const file = analysis.files.get(layer.uri);
  const { op, attrs } = normalise(layer);
  return {
    id: layer.id,
    op,
    path: layer.path,
    ...(layer.label !== undefined ? { label: layer.label } : {}),
    ...(layer.uri !== model.uri ? { file: display(layer.uri) } : {}),
    line: file ? file.lines.position(layer.span.start).line + 1 : 0,
    text: statementText(file?.file.text ?? '', layer),
    inputs: [...layer.inputs],
    output: [...layer.output!],
    params: layer.params,
    nonTrainable: layer.nonTrainable,
    attrs,
  } as IRNode;
}

/** A layer's statement as written, on one line; a merge shows the line of its parallel or residual. */
function statementText(text: string, layer: LayerNode): string {
  const isMerge = !(layer.op in NORMALISERS);
  const start = isMerge ? text.lastIndexOf('\n', layer.span.start - 1) + 1 : layer.span.start;
  const lineEnd = text.indexOf('\n', start);
  const end = isMerge ? (lineEnd < 0 ? text.length : lineEnd) : Math.min(layer.span.end, lineEnd < 0 ? text.length : lineEnd);
  let out = text.slice(start, end);
  if (isMerge) out = out.replace(/#.*$/, '');
  out = out.replace(/\s+/g, ' ').trim();
  return !isMerge && end < layer.span.end ? `${out} …` : out;
}

// ── attribute normalisation ─────────────────────────────────────────────────────

type Attrs = LayerNode['attrs'];

function num(attrs: Attrs, name: string, fallback?: number): number {
  const value = attrs[name];
  if (typeof value === 'number') return value;
  if (fallback !== undefined) return fallback;
  throw new IRError(`internal: attribute ${name} is ${JSON.stringify(value)}, not a number`);
}

function bool(attrs: Attrs, name: string, fallback: boolean): boolean {
  const value = attrs[name];
  return typeof value === 'boolean' ? value : fallback;
}

/** An int, or one size per axis (a single-element list counts for every axis). */
function axes(value: Attrs[string] | undefined, count: number, fallback: number): number[] {
  if (typeof value === 'number') return Array<number>(count).fill(value);
  if (Array.isArray(value) && value.length > 0 && value.every((v): v is number => typeof v === 'number')) {
    return value.length === count ? [...value] : Array<number>(count).fill(value[0]!);
  }
  return Array<number>(count).fill(fallback);
}

function activation(attrs: Attrs): { activation?: string } {
  const act = attrs.activation;
  return typeof act === 'string' && act !== 'none' && act !== 'linear' ? { activation: act } : {};
}

function spatialCount(layer: LayerNode): number {
  return Math.max(layer.input!.length - 1, 1);
}

/** Per-side padding, resolving `same` with TensorFlow's rule (the extra row or column at the end). */
function sides(layer: LayerNode, kernel: number[], stride: number[], dilation: number[]): number[] {
  const padding = layer.attrs.padding;
  const spatial = layer.input!.slice(1);
  const out: number[] = [];
  spatial.forEach((size, a) => {
    if (padding === 'same') {
      out.push(...samePadding(size, dilation[a]! * (kernel[a]! - 1) + 1, stride[a]!));
    } else {
      const p = padding === 'valid' ? 0 : axes(padding, spatial.length, 0)[a]!;
      out.push(p, p);
    }
  });
  return out;
}

function conv(layer: LayerNode): { op: 'conv'; attrs: ConvAttrs } {
  const n = spatialCount(layer);
  const { attrs } = layer;
  const kernel = axes(attrs.kernel, n, 1);
  const stride = axes(attrs.stride, n, 1);
  const dilation = axes(attrs.dilation, n, 1);
  const out: ConvAttrs = {
    filters: num(attrs, 'filters'),
    kernel,
    stride,
    dilation,
    padding: sides(layer, kernel, stride, dilation),
    groups: num(attrs, 'groups', 1),
    bias: bool(attrs, 'bias', true),
    ...activation(attrs),
  };
  const table = attrs.connections;
  if (Array.isArray(table)) out.connections = (table as number[][]).map((row) => [...row]);
  return { op: 'conv', attrs: out };
}

/**
 * A transposed conv as a crop of its full output ((i − 1)·s + k_eff per axis) plus output_padding.
 * `same` (output = input × stride) crops k_eff − s, the odd one at the end, as TensorFlow does;
 * when k_eff < s it pads the end with s − k_eff instead.
 */
function deconv(layer: LayerNode): { op: 'deconv'; attrs: DeconvAttrs } {
  const n = spatialCount(layer);
  const { attrs } = layer;
  const kernel = axes(attrs.kernel, n, 1);
  const stride = axes(attrs.stride, n, 1);
  const dilation = axes(attrs.dilation, n, 1);
  let padding: number[] = [];
  let outputPadding = axes(attrs.output_padding, n, 0);
  if (attrs.padding === 'same') {
    outputPadding = [];
    for (let a = 0; a < n; a++) {
      const total = dilation[a]! * (kernel[a]! - 1) + 1 - stride[a]!;
      const crop = Math.max(total, 0);
      padding.push(Math.floor(crop / 2), crop - Math.floor(crop / 2));
      outputPadding.push(Math.max(-total, 0));
    }
  } else {
    padding = axes(attrs.padding === 'valid' ? 0 : attrs.padding, n, 0).flatMap((p) => [p, p]);
  }
  return {
    op: 'deconv',
    attrs: { filters: num(attrs, 'filters'), kernel, stride, dilation, padding, output_padding: outputPadding, groups: num(attrs, 'groups', 1), bias: bool(attrs, 'bias', true), ...activation(attrs) },
  };
}

function pool(layer: LayerNode): { op: 'maxpool' | 'avgpool'; attrs: PoolAttrs } {
  const n = spatialCount(layer);
  const kernel = axes(layer.attrs.size, n, 1);
  const stride = axes(layer.attrs.stride ?? layer.attrs.size, n, 1);
  const same = layer.attrs.padding === 'same';
  const out: PoolAttrs = {
    kernel,
    stride,
    padding: sides(layer, kernel, stride, Array<number>(n).fill(1)),
    // With `same` the explicit padding already gives ceil(input / stride); ceil would change nothing.
    ceil: !same && bool(layer.attrs, 'ceil', false),
  };
  if (layer.op === 'avgpool') out.count_pad = true;
  return { op: layer.op as 'maxpool' | 'avgpool', attrs: out };
}

function subsample(layer: LayerNode): { op: 'subsample'; attrs: SubsampleAttrs } {
  const kernel = axes(layer.attrs.size, spatialCount(layer), 1);
  return { op: 'subsample', attrs: { kernel, stride: [...kernel], ...activation(layer.attrs) } };
}

function adaptive(layer: LayerNode): { op: 'adaptiveavgpool' | 'adaptivemaxpool'; attrs: AdaptivePoolAttrs } {
  return { op: layer.op as 'adaptiveavgpool' | 'adaptivemaxpool', attrs: { output_size: axes(layer.attrs.size, spatialCount(layer), 1) } };
}

function upsample(layer: LayerNode): { op: 'upsample'; attrs: UpsampleAttrs } {
  return { op: 'upsample', attrs: { scale: axes(layer.attrs.scale, spatialCount(layer), 2), mode: layer.attrs.mode === 'bilinear' ? 'bilinear' : 'nearest' } };
}

function zeropad(layer: LayerNode): { op: 'zeropad'; attrs: ZeropadAttrs } {
  return { op: 'zeropad', attrs: { padding: axes(layer.attrs.amount, spatialCount(layer), 0).flatMap((p) => [p, p]) } };
}

function plain(layer: LayerNode): { op: PlainOp; attrs: EmptyAttrs } {
  return { op: layer.op as PlainOp, attrs: {} };
}

type Normalised = Pick<IRNode, 'op' | 'attrs'>;

const NORMALISERS: Record<string, (layer: LayerNode) => Normalised> = {
  conv,
  deconv,
  dense: (l) => ({ op: 'dense', attrs: { units: num(l.attrs, 'units'), bias: bool(l.attrs, 'bias', true), ...activation(l.attrs) } }),
  maxpool: pool,
  avgpool: pool,
  subsample,
  adaptiveavgpool: adaptive,
  adaptivemaxpool: adaptive,
  reshape: (l) => ({ op: 'reshape', attrs: { shape: [...l.output!] } }),
  dropout: (l) => ({ op: 'dropout', attrs: { rate: num(l.attrs, 'rate', 0.5) } }),
  batchnorm: (l) => ({ op: 'batchnorm', attrs: { eps: num(l.attrs, 'eps', 1e-5), momentum: num(l.attrs, 'momentum', 0.1), affine: bool(l.attrs, 'affine', true), ...activation(l.attrs) } }),
  lrn: (l) => ({ op: 'lrn', attrs: { size: num(l.attrs, 'size', 5), alpha: num(l.attrs, 'alpha', 1e-4), beta: num(l.attrs, 'beta', 0.75), k: num(l.attrs, 'k', 2) } }),
  upsample,
  zeropad,
  leakyrelu: (l) => ({ op: 'leakyrelu', attrs: { alpha: num(l.attrs, 'alpha', 0.01) } }),
  elu: (l) => ({ op: 'elu', attrs: { alpha: num(l.attrs, 'alpha', 1) } }),
  ...Object.fromEntries(PLAIN_OPS.map((op) => [op, plain])),
};

const MERGES: readonly string[] = ['concat', 'add', 'mul', 'max', 'avg'];

function normalise(layer: LayerNode): Normalised {
  const normaliser = NORMALISERS[layer.op];
  if (normaliser) return normaliser(layer);
  if (MERGES.includes(layer.op)) return { op: 'merge', attrs: { mode: layer.op as MergeMode } };
  throw new IRError(`layer ${layer.path}: op '${layer.op}' has no IR form yet`);
}

// ── helpers for engines ─────────────────────────────────────────────────────────

/** The shape a node reads from input `id` (-1: the model input). */
export function shapeOf(ir: IR, id: number): number[] {
  if (id === -1) return ir.input;
  const node = ir.nodes[id];
  if (!node) throw new IRError(`node ${id} does not exist`);
  return node.output;
}

/**
 * The IR as JSON text, two-space indented like JSON.stringify(ir, null, 2), except that lists of
 * numbers (shapes, kernels, padding) and connection tables stay on one line.
 */
export function irJson(value: unknown, indent = ''): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.every((v) => v === null || typeof v !== 'object' || (Array.isArray(v) && v.every((w) => typeof w !== 'object')))) {
      return `[${value.map((v) => (Array.isArray(v) ? `[${v.map((w) => JSON.stringify(w)).join(', ')}]` : JSON.stringify(v))).join(', ')}]`;
    }
    return `[\n${value.map((v) => `${inner}${irJson(v, inner)}`).join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${irJson(v, inner)}`).join(',\n')}\n${indent}}`;
}
