// Summaries: the numbers behind `netlens summary`, its JSON schema (docs/json.md) and its text
// table. Pure functions of an Analysis, shared by the CLI and the editor's hover and webview.
import type { Analysis } from './analyze';
import type { Diagnostic, Severity } from './diagnostics';
import type { Field, Item, LayerNode, ModelResult } from './elaborate';
import { formatBytes, formatCount, formatScaled, formatShape, safeProduct, type Shape } from './shapes';
import type { LineIndex } from './text';
import type { TrainConfig, TrainResult } from './train';
import { verdictText, type Verdict } from './risks';

export const SCHEMA_VERSION = 1;
const BYTES = 4;

export interface TrainingMemory {
  batch: number;
  optimizer: string;
  weightBytes: number;
  gradientBytes: number;
  optimizerBytes: number;
  activationBytes: number;
  totalBytes: number;
}

export interface ModelSummary {
  model: ModelResult;
  training: TrainingMemory | null;
  /** The first train block for the model, with its risk verdict. */
  train: TrainResult | null;
}

/** Optimizer state per trainable parameter, in parameter-sized slots (PyTorch's implementations). */
export function optimizerSlots(optimizer: TrainConfig['optimizer']): number {
  switch (optimizer.name) {
    case 'sgd':
      return optimizer.momentum > 0 ? 1 : 0;
    case 'rmsprop':
      return optimizer.momentum > 0 ? 2 : 1;
    case 'adam':
    case 'adamw':
    case 'adadelta':
      return 2;
    default:
      return 0;
  }
}

export function summarize(analysis: Analysis, model: ModelResult): ModelSummary {
  const train = analysis.trains.find((t) => t.config.model === model.name) ?? null;
  return { model, training: train ? trainingMemory(model, train.config) : null, train };
}

/** Weights, gradients, optimizer state and the activations kept for the backward pass. */
export function trainingMemory(model: ModelResult, train: TrainConfig): TrainingMemory {
  const weightBytes = model.paramBytes;
  const gradientBytes = model.params.trainable * BYTES;
  const optimizerBytes = optimizerSlots(train.optimizer) * model.params.trainable * BYTES;
  const inputBytes = (model.input ? safeProduct(model.input) ?? 0 : 0) * BYTES;
  const activationBytes = train.batch * (model.activationBytes + inputBytes);
  return { batch: train.batch, optimizer: train.optimizer.name, weightBytes, gradientBytes, optimizerBytes, activationBytes, totalBytes: weightBytes + gradientBytes + optimizerBytes + activationBytes };
}

// ── JSON ────────────────────────────────────────────────────────────────────────

export interface JsonDiagnostic {
  file: string;
  code: string;
  severity: Severity;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  message: string;
}

export interface JsonField {
  size: number[];
  jump: number[];
}

export interface JsonLayer {
  path: string;
  /** The file the layer is written in: differs from the model's for layers of imported blocks. */
  file: string;
  label: string | null;
  op: string;
  line: number;
  depth: number;
  output: number[] | null;
  params: number;
  nonTrainableParams: number;
  macs: number;
  receptiveField: JsonField | null;
  activationBytes: number;
  formula: string;
}

export interface JsonModel {
  name: string;
  line: number;
  complete: boolean;
  input: number[] | null;
  output: number[] | null;
  params: { trainable: number; nonTrainable: number; total: number };
  macs: number;
  flops: number;
  receptiveField: JsonField | null;
  memory: { paramBytes: number; activationBytesPerSample: number; training: TrainingMemory | null };
  risks: JsonRisks | null;
  layers: JsonLayer[];
}

export interface JsonRisks {
  overfitting: Verdict['overfitting'];
  underfitting: Verdict['underfitting'];
  trainSamples: number | null;
  steps: number | null;
  parametersPerSample: number | null;
  findings: Array<{ code: string; risk: string; level: string; reason: string }>;
}

function jsonRisks(train: TrainResult | null): JsonRisks | null {
  const verdict = train?.verdict;
  if (!verdict) return null;
  return {
    overfitting: verdict.overfitting,
    underfitting: verdict.underfitting,
    trainSamples: verdict.trainSamples ?? null,
    steps: verdict.steps ?? null,
    parametersPerSample: verdict.parametersPerSample ?? null,
    findings: verdict.findings.map((f) => ({ ...f })),
  };
}

export interface SummaryJson {
  version: number;
  file: string;
  models: JsonModel[];
  diagnostics: JsonDiagnostic[];
}

export function jsonDiagnostic(d: Diagnostic, lines: LineIndex, file: string): JsonDiagnostic {
  const range = lines.range(d.span);
  return { file, code: d.code, severity: d.severity, line: range.start.line + 1, column: range.start.character + 1, endLine: range.end.line + 1, endColumn: range.end.character + 1, message: d.message };
}

function jsonField(field: Field | null): JsonField | null {
  return field ? { size: [...field.size], jump: [...field.jump] } : null;
}

function jsonLayer(node: LayerNode, lines: LineIndex, file: string): JsonLayer {
  return {
    path: node.path,
    file,
    label: node.label ?? null,
    op: node.op,
    line: lines.position(node.opSpan.start).line + 1,
    depth: node.depth,
    output: node.output ? [...node.output] : null,
    params: node.params,
    nonTrainableParams: node.nonTrainable,
    macs: node.macs,
    receptiveField: jsonField(node.field),
    activationBytes: node.activationBytes,
    formula: node.formula,
  };
}

/**
 * The versioned JSON of `netlens summary --json`. `displayPath` maps a file's uri to the name
 * shown (the CLI prints paths as the user typed them).
 */
export function toJson(analysis: Analysis, models: ModelResult[], displayPath: (uri: string) => string = (u) => u): SummaryJson {
  const linesOf = (uri: string): LineIndex => analysis.files.get(uri)?.lines ?? analysis.lines;
  return {
    version: SCHEMA_VERSION,
    file: displayPath(analysis.uri),
    models: models.map((model) => {
      const { training, train } = summarize(analysis, model);
      return {
        name: model.name,
        line: linesOf(model.uri).position(model.decl.name.span.start).line + 1,
        complete: model.complete,
        input: model.input ? [...model.input] : null,
        output: model.output ? [...model.output] : null,
        params: { trainable: model.params.trainable, nonTrainable: model.params.nonTrainable, total: model.params.trainable + model.params.nonTrainable },
        macs: model.macs,
        flops: 2 * model.macs,
        receptiveField: jsonField(model.field),
        memory: { paramBytes: model.paramBytes, activationBytesPerSample: model.activationBytes, training },
        risks: jsonRisks(train),
        layers: model.layers.map((node) => jsonLayer(node, linesOf(node.uri), displayPath(node.uri))),
      };
    }),
    diagnostics: analysis.diagnostics.map((d) => jsonDiagnostic(d, linesOf(d.uri), displayPath(d.uri))),
  };
}

// ── text table ──────────────────────────────────────────────────────────────────

interface Row {
  name: string;
  output: string;
  params: string;
  macs: string;
  field: string;
  memory: string;
}

interface Totals {
  params: number;
  macs: number;
  bytes: number;
  output: Shape | null;
  field: Field | null;
}

function totals(items: Item[]): Totals {
  const t: Totals = { params: 0, macs: 0, bytes: 0, output: null, field: null };
  for (const item of items) {
    const sub: Totals = item.kind === 'layer' ? { params: item.node.params + item.node.nonTrainable, macs: item.node.macs, bytes: item.node.activationBytes, output: item.node.output, field: item.node.field } : totals(item.children);
    t.params += sub.params;
    t.macs += sub.macs;
    t.bytes += sub.bytes;
    t.output = sub.output;
    if (sub.field) t.field = sub.field;
  }
  return t;
}

function fieldText(field: Field | null): string {
  if (!field) return '';
  const size = field.size.every((s) => s === field.size[0]) ? trim(field.size[0]!) : field.size.map(trim).join('×');
  const jump = field.jump.every((j) => j === field.jump[0]) ? `${trim(field.jump[0]!)}` : field.jump.map(trim).join('×');
  return `${size} / ${jump}`;
}

function trim(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(3).replace(/\.?0+$/, '');
}

function rowsOf(items: Item[], depth: number, maxDepth: number, rows: Row[]): void {
  for (const item of items) {
    const indent = '  '.repeat(depth);
    if (item.kind === 'layer') {
      const n = item.node;
      const params = n.params + n.nonTrainable;
      rows.push({
        name: `${indent}${n.label ? `${n.label}: ` : ''}${n.op}${n.attrs.activation ? ` +${n.attrs.activation}` : ''}`,
        output: n.output ? formatShape(n.output) : '?',
        params: params ? formatCount(params) + (n.nonTrainable ? '*' : '') : '–',
        macs: n.macs ? formatCount(n.macs) : '–',
        field: fieldText(n.field),
        memory: n.activationBytes ? formatBytes(n.activationBytes) : '',
      });
      continue;
    }
    if (item.type === 'iteration') {
      rowsOf(item.children, depth, maxDepth, rows);
      continue;
    }
    const t = totals(item.children);
    t.output = item.output;
    const title = item.label && item.label !== item.name ? `${item.label}: ${item.name}` : item.name;
    const folded = depth >= maxDepth;
    rows.push({
      name: `${indent}${folded ? '▸' : '▾'} ${title}`,
      output: item.children.length === 0 ? `${t.output ? formatShape(t.output) : '?'} (identity)` : t.output ? formatShape(t.output) : '?',
      params: t.params ? formatCount(t.params) : '–',
      macs: t.macs ? formatCount(t.macs) : '–',
      field: folded ? fieldText(t.field) : '',
      memory: folded && t.bytes ? formatBytes(t.bytes) : '',
    });
    if (!folded) rowsOf(item.children, depth + 1, maxDepth, rows);
  }
}

function table(rows: Row[]): string[] {
  const header: Row = { name: 'Layer', output: 'Output (C×H×W)', params: 'Params', macs: 'MACs', field: 'RF / jump', memory: 'Act. memory' };
  const all = [header, ...rows];
  const keys: Array<keyof Row> = ['name', 'output', 'params', 'macs', 'field', 'memory'];
  const widths = keys.map((k) => Math.max(...all.map((r) => [...r[k]].length)));
  const line = (r: Row): string =>
    keys
      .map((k, i) => (i === 0 || i === 1 ? pad(r[k], widths[i]!) : padStart(r[k], widths[i]!)))
      .join('  ')
      .trimEnd();
  const rule = '─'.repeat(widths.reduce((a, b) => a + b, 0) + 2 * (keys.length - 1));
  return [rule, line(header), rule, ...rows.map(line), rule];
}

function pad(s: string, width: number): string {
  return s + ' '.repeat(Math.max(0, width - [...s].length));
}
function padStart(s: string, width: number): string {
  return ' '.repeat(Math.max(0, width - [...s].length)) + s;
}

/** The "Training risks" section: the verdict, what it rests on, and each reason with its docs entry. */
function riskLines(train: TrainResult): string[] {
  const verdict = train.verdict!;
  const basis = [
    verdict.facts ? verdict.facts.name : undefined,
    verdict.trainSamples !== undefined ? `${formatCount(verdict.trainSamples)} training samples` : undefined,
    verdict.steps !== undefined ? `${formatCount(verdict.steps)} steps` : undefined,
    verdict.parametersPerSample !== undefined ? `${formatCount(Number(verdict.parametersPerSample.toPrecision(3)))} parameters per sample` : undefined,
  ].filter(Boolean);
  const lines = [`Training risks (train ${train.config.model}${basis.length ? `: ${basis.join(', ')}` : ''}): ${verdictText(verdict)}`];
  for (const f of verdict.findings) lines.push(`  ${f.code} ${f.risk}${f.risk === 'mismatch' ? '' : ` (${f.level})`}: ${f.reason}  — docs/diagnostics.md#${f.code.toLowerCase()}`);
  return lines;
}

export function renderSummary(summary: ModelSummary, options: { depth?: number } = {}): string {
  const { model, training } = summary;
  const rows: Row[] = [];
  rowsOf(model.items, 0, options.depth ?? Infinity, rows);
  const total = model.params.trainable + model.params.nonTrainable;
  const lines = [
    `Model ${model.name}: input ${model.input ? formatShape(model.input) : '?'} → output ${model.output ? formatShape(model.output) : '?'}`,
    ...table(rows),
    `Total params:          ${formatCount(total)} (${formatBytes(model.paramBytes)})`,
    `  trainable:           ${formatCount(model.params.trainable)}`,
    `  non-trainable:       ${formatCount(model.params.nonTrainable)}${model.params.nonTrainable ? '  (* batch-norm running mean and variance, as Keras counts them)' : ''}`,
    `MACs:                  ${formatCount(model.macs)} (${formatScaled(model.macs)} MACs)`,
    `FLOPs (= 2 × MACs):    ${formatCount(2 * model.macs)} (${formatScaled(2 * model.macs)} FLOPs)`,
    `  MACs count conv and dense multiply-accumulates only (torchvision's convention); bias, pooling, norms and activations are not counted.`,
    `Receptive field:       ${model.field ? `${model.field.size.map(trim).join('×')} pixels, jump ${model.field.jump.map(trim).join('×')}` : 'n/a'}`,
    `Memory per sample:     parameters ${formatBytes(model.paramBytes)}, activations ${formatBytes(model.activationBytes)} (float32)`,
  ];
  if (training) {
    lines.push(
      `Training memory at batch ${training.batch} (${training.optimizer}), estimated: ${formatBytes(training.totalBytes)}`,
      `  weights ${formatBytes(training.weightBytes)} + gradients ${formatBytes(training.gradientBytes)} + optimizer state ${formatBytes(training.optimizerBytes)} + activations kept for backward ${formatBytes(training.activationBytes)}`,
    );
  }
  if (summary.train?.verdict) lines.push(...riskLines(summary.train));
  if (!model.complete) lines.push('  (incomplete: errors left some shapes unknown; totals cover the layers that could be analysed)');
  return lines.join('\n');
}
