// The built-in layers: their arguments (with types, defaults and documentation) and how each
// turns an input shape into an output shape, parameters with their formula, MACs and a
// receptive-field step. MACs follow torchvision: conv and dense multiply-accumulates only.
import type { Code } from './diagnostics';
import { formatCount, formatShape, safeProduct, type Shape } from './shapes';

export const ACTIVATIONS = ['relu', 'relu6', 'leakyrelu', 'elu', 'gelu', 'silu', 'tanh', 'sigmoid', 'hardswish', 'softmax'] as const;
const ACTIVATION_VALUES = [...ACTIVATIONS, 'none', 'linear'];

export type ArgType =
  | 'count' // whole number ≥ 1
  | 'whole' // whole number ≥ 0
  | 'number'
  | 'rate' // 0 ≤ x < 1
  | 'positive' // > 0
  | 'bool'
  | 'pair' // whole ≥ 1, or HxW
  | 'pad' // whole ≥ 0, HxW, or same / valid
  | 'pad0' // whole ≥ 0 or HxW
  | 'scale' // number > 0 or HxW
  | 'dims' // a shape
  | 'connections'
  | { oneOf: readonly string[] };

export type AttrValue = number | boolean | string | number[] | number[][];

export interface ArgSpec {
  name: string;
  type: ArgType;
  default?: AttrValue;
  required?: boolean;
  doc: string;
}

export interface LayerSpec {
  op: string;
  doc: string;
  positional: string[];
  args: ArgSpec[];
  /** Layers with weights accept a fused `activation=`. */
  weights: boolean;
  infer(ctx: InferContext): LayerResult | null;
}

export interface InferContext {
  input: Shape;
  attrs: Record<string, AttrValue>;
  /** Report against the named argument's value, or the layer name when it was not written. */
  report(code: Code, message: string, arg?: string, data?: Record<string, unknown>): void;
}

/** How a layer changes the receptive field along each spatial axis. */
export type FieldStep =
  | { kind: 'window'; kernel: number[]; stride: number[] }
  | { kind: 'transposed'; kernel: number[]; stride: number[] }
  | { kind: 'scale'; factor: number[]; reach: number }
  | { kind: 'same' }
  | { kind: 'end' };

export interface LayerResult {
  output: Shape;
  params: number;
  nonTrainable?: number;
  formula: string;
  macs: number;
  field: FieldStep;
}

const activationArg: ArgSpec = { name: 'activation', type: { oneOf: ACTIVATION_VALUES }, default: 'none', doc: 'An activation applied to the output (relu, tanh, …).' };
const kernelArg = (required: boolean): ArgSpec => ({ name: 'kernel', type: 'pair', required, doc: 'Window size: an int or HxW (kernel=1x7).' });

// ── spatial arithmetic ──────────────────────────────────────────────────────────

const MINUS = '\u2212';
export function signed(n: number): string {
  return n < 0 ? `${MINUS}${formatCount(-n)}` : formatCount(n);
}

function axisNames(count: number): string[] {
  return count === 2 ? ['rows', 'columns'] : ['positions'];
}

/** Expand an int or HxW argument to one value per spatial axis; null after reporting a mismatch. */
function perAxis(ctx: InferContext, name: string, axes: number): number[] | null {
  const value = ctx.attrs[name];
  if (typeof value === 'number') return Array(axes).fill(value);
  if (Array.isArray(value) && value.every((v) => typeof v === 'number')) {
    const list = value as number[];
    if (list.length === axes) return list;
    if (list.length === 1) return Array(axes).fill(list[0]);
    ctx.report('NN205', `${name}=${list.join('x')} has ${list.length} sizes, but the ${formatShape(ctx.input)} input has ${axes} spatial ax${axes === 1 ? 'is' : 'es'}`, name);
    return null;
  }
  return Array(axes).fill(0);
}

function spatialAxes(ctx: InferContext, op: string): number | null {
  const rank = ctx.input.length;
  if (rank === 3 || rank === 2) return rank - 1;
  ctx.report('NN309', `${op} needs a C×H×W image or a C×L sequence, but its input is the ${formatShape(ctx.input)} vector; use reshape to give it channels and positions`);
  return null;
}

/**
 * TensorFlow's `same` padding on one axis: output = ceil(input / stride), and the padding that
 * takes, with the odd one at the end (bottom or right). The analyzer and the IR share this rule.
 */
export function samePadding(input: number, effectiveKernel: number, stride: number): [number, number] {
  const out = Math.ceil(input / stride);
  const total = Math.max((out - 1) * stride + effectiveKernel - input, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

interface Window {
  kernel: number[];
  stride: number[];
  dilation: number[];
  /** Padding before and after, per axis. */
  pads: Array<[number, number]>;
  out: number[];
}

interface WindowOptions {
  op: string;
  pool: boolean;
  ceil: boolean;
  axes: number;
}

/** Output sizes for conv and pooling windows, with their warnings and errors. */
function slideWindow(ctx: InferContext, options: WindowOptions): Window | null {
  const { axes, op } = options;
  const kernel = perAxis(ctx, 'kernel', axes);
  const stride = perAxis(ctx, 'stride', axes);
  const dilation = options.pool ? Array(axes).fill(1) : perAxis(ctx, 'dilation', axes);
  if (!kernel || !stride || !dilation) return null;
  const spatial = ctx.input.slice(1);
  const same = ctx.attrs.padding === 'same';
  const explicit = same ? Array(axes).fill(0) : ctx.attrs.padding === 'valid' ? Array(axes).fill(0) : perAxis(ctx, 'padding', axes);
  if (!explicit) return null;
  const pads: Array<[number, number]> = [];
  const out: number[] = [];
  for (let a = 0; a < axes; a++) {
    const i = spatial[a]!;
    const kEff = dilation[a]! * (kernel[a]! - 1) + 1;
    const s = stride[a]!;
    if (same) {
      pads.push(samePadding(i, kEff, s));
      out.push(Math.ceil(i / s));
      continue;
    }
    const p = explicit[a]!;
    if (options.pool && p * 2 > kEff) {
      ctx.report('NN313', `padding ${p} is more than half of the ${kEff}-wide window; a window could then read only padding (PyTorch rejects this)`, 'padding');
      return null;
    }
    pads.push([p, p]);
    const span = i + 2 * p - kEff;
    let o = (options.ceil ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
    // As in PyTorch, with ceil the last window must start inside the input or the left padding.
    if (options.ceil && span >= 0 && (o - 1) * s >= i + p) o--;
    out.push(o);
  }
  if (!checkPositive(ctx, op, { kernel, stride, dilation, pads, out }, spatial)) return null;
  if (same) warnUnevenSame(ctx, op, stride, pads, out);
  else if (!options.ceil) warnDropped(ctx, op, { kernel, stride, dilation, pads, out }, spatial);
  return { kernel, stride, dilation, pads, out };
}

/** 4 rather than 4x4 when every axis agrees. */
function pairText(values: number[]): string {
  return values.every((v) => v === values[0]) ? String(values[0]) : values.join('x');
}

function windowText(w: Window, a: number): string {
  const kEff = w.dilation[a]! * (w.kernel[a]! - 1) + 1;
  return w.dilation[a] === 1 ? `kernel ${w.kernel[a]}` : `kernel ${w.kernel[a]} with dilation ${w.dilation[a]} (spans ${kEff})`;
}

function checkPositive(ctx: InferContext, op: string, w: Window, spatial: number[]): boolean {
  const names = axisNames(spatial.length);
  for (let a = 0; a < spatial.length; a++) {
    const i = spatial[a]!;
    const [lo, hi] = w.pads[a]!;
    const kEff = w.dilation[a]! * (w.kernel[a]! - 1) + 1;
    const padded = i + lo + hi;
    if (padded >= kEff && w.out[a]! > 0) continue;
    const o = Math.floor((padded - kEff) / w.stride[a]!) + 1;
    const padText = lo + hi > 0 ? ` + ${lo + hi}` : '';
    const strideText = w.stride[a] === 1 ? '' : `/${w.stride[a]}`;
    const paddedText = lo + hi > 0 ? `the padded input (${padded})` : `the input (${i})`;
    ctx.report(
      'NN301',
      `${op} ${windowText(w, a)} on a ${spatial.join('×')} input leaves ${signed(o)} ${names[a]}: (${i}${padText} ${MINUS} ${kEff})${strideText} + 1 = ${signed(o)}; ${paddedText} is ${kEff - padded} short of the ${kEff}-wide window`,
      'kernel',
      { axis: a, output: o, shortBy: kEff - padded },
    );
    return false;
  }
  return true;
}

function warnDropped(ctx: InferContext, op: string, w: Window, spatial: number[]): void {
  const names = axisNames(spatial.length);
  const parts: string[] = [];
  const exact: number[] = [];
  let equation = '';
  for (let a = 0; a < spatial.length; a++) {
    const i = spatial[a]!;
    const s = w.stride[a]!;
    const [lo, hi] = w.pads[a]!;
    const kEff = w.dilation[a]! * (w.kernel[a]! - 1) + 1;
    const leftover = (i + lo + hi - kEff) % s;
    // A window narrower than its stride skips pixels between windows by design (ResNet's 1×1
    // stride-2 shortcut); only a tail that no window reaches is a mistake worth a warning.
    const dropped = kEff < s ? 0 : leftover - hi;
    exact.push(leftover === 0 ? i : i + s - leftover);
    if (dropped <= 0) continue;
    parts.push(`${dropped} ${dropped === 1 ? names[a]!.replace(/s$/, '') : names[a]}`);
    if (!equation) {
      const padText = lo + hi > 0 ? ` + ${lo + hi}` : '';
      const exactValue = (i + lo + hi - kEff) / s + 1;
      equation = `(${i}${padText} ${MINUS} ${kEff})/${s} + 1 = ${Number(exactValue.toFixed(4))}`;
    }
  }
  if (parts.length === 0) return;
  const which = spatial.length === 2 ? `the last ${parts.join(' and the last ')}` : `the last ${parts[0]}`;
  ctx.report('NN310', `${op} ${windowText(w, 0)} stride ${pairText(w.stride)} on a ${spatial.join('×')} input: ${equation}, so ${which} of the input ${parts.length === 1 && parts[0]!.startsWith('1 ') ? 'is' : 'are'} never read; an input of ${exact.join('×')} makes it exact`, 'stride', { exactInput: exact });
}

function warnUnevenSame(ctx: InferContext, op: string, stride: number[], pads: Array<[number, number]>, out: number[]): void {
  if (!stride.some((s) => s > 1)) return;
  const sides = pads.length === 2 ? [['top', 'bottom'], ['left', 'right']] : [['start', 'end']];
  const uneven = pads.map(([lo, hi], a) => (lo !== hi ? `${lo} at the ${sides[a]![0]} and ${hi} at the ${sides[a]![1]}` : '')).filter(Boolean);
  if (uneven.length === 0) return;
  ctx.report('NN311', `${op} padding=same with stride ${pairText(stride)} pads ${uneven.join(', ')} to give ${out.join('×')} (TensorFlow's rule: the extra row or column goes at the bottom or right); PyTorch's symmetric padding cannot express this, so the torch export pads explicitly`, 'padding', { pads });
}

// ── the layers ──────────────────────────────────────────────────────────────────

function conv(ctx: InferContext): LayerResult | null {
  const axes = spatialAxes(ctx, 'conv');
  if (axes === null) return null;
  const cin = ctx.input[0]!;
  const cout = ctx.attrs.filters as number;
  const groups = ctx.attrs.groups as number;
  const table = ctx.attrs.connections as number[][] | undefined;
  if (!table && !checkGroups(ctx, cin, cout, groups)) return null;
  if (table && !checkTable(ctx, table, cin, cout, groups)) return null;
  const w = slideWindow(ctx, { op: 'conv', pool: false, ceil: false, axes });
  if (!w) return null;
  const bias = ctx.attrs.bias ? cout : 0;
  const kernelArea = safeProduct(w.kernel) ?? Infinity;
  const outArea = safeProduct(w.out) ?? Infinity;
  const k = w.kernel.join('·');
  if (table) {
    const links = table.reduce((sum, row) => sum + row.length, 0);
    return {
      output: [cout, ...w.out],
      params: links * kernelArea + bias,
      formula: `${tableFormula(table)}·${k}${bias ? ` + ${cout}` : ''}`,
      macs: outArea * kernelArea * links,
      field: { kind: 'window', kernel: w.kernel.map((kk, a) => w.dilation[a]! * (kk - 1) + 1), stride: w.stride },
    };
  }
  const perGroup = cin / groups;
  return {
    output: [cout, ...w.out],
    params: perGroup * kernelArea * cout + bias,
    formula: `${perGroup}·${k}·${cout}${bias ? ` + ${cout}` : ''}`,
    macs: cout * outArea * perGroup * kernelArea,
    field: { kind: 'window', kernel: w.kernel.map((kk, a) => w.dilation[a]! * (kk - 1) + 1), stride: w.stride },
  };
}

function checkGroups(ctx: InferContext, cin: number, cout: number, groups: number): boolean {
  if (cin % groups !== 0) {
    ctx.report('NN305', `groups=${groups} does not divide the ${cin} input channels (${cin} / ${groups} = ${Number((cin / groups).toFixed(3))})`, 'groups');
    return false;
  }
  if (cout % groups !== 0) {
    ctx.report('NN305', `groups=${groups} does not divide the ${cout} output channels (${cout} / ${groups} = ${Number((cout / groups).toFixed(3))})`, 'groups');
    return false;
  }
  return true;
}

/** "(3·6 + 4·9 + 6)" for LeNet's C3: inputs per map × maps with that many inputs. */
function tableFormula(table: number[][]): string {
  const counts = new Map<number, number>();
  for (const row of table) counts.set(row.length, (counts.get(row.length) ?? 0) + 1);
  const terms = [...counts].map(([inputs, maps]) => (maps === 1 ? `${inputs}` : `${inputs}·${maps}`));
  return terms.length === 1 ? terms[0]! : `(${terms.join(' + ')})`;
}

function checkTable(ctx: InferContext, table: number[][], cin: number, cout: number, groups: number): boolean {
  if (groups !== 1) {
    ctx.report('NN205', `connections and groups=${groups} cannot be combined: a connection table already says which input maps each output map reads`, 'groups');
    return false;
  }
  if (table.length !== cout) {
    ctx.report('NN307', `the connection table has ${table.length} rows but the layer has ${cout} output maps: write one row per output map`, 'connections', { rows: table.length, filters: cout });
    return false;
  }
  for (let row = 0; row < table.length; row++) {
    for (const index of table[row]!) {
      if (index < 0 || index >= cin) {
        ctx.report('NN306', `connection row ${row} reads input map ${index}, but the input has ${cin} maps (0–${cin - 1})`, 'connections', { row, index, maps: cin });
        return false;
      }
    }
    if (table[row]!.length === 0) {
      ctx.report('NN306', `connection row ${row} reads no input maps; each output map needs at least one`, 'connections', { row });
      return false;
    }
  }
  return true;
}

function deconv(ctx: InferContext): LayerResult | null {
  const axes = spatialAxes(ctx, 'deconv');
  if (axes === null) return null;
  const cin = ctx.input[0]!;
  const cout = ctx.attrs.filters as number;
  const groups = ctx.attrs.groups as number;
  if (!checkGroups(ctx, cin, cout, groups)) return null;
  const kernel = perAxis(ctx, 'kernel', axes);
  const stride = perAxis(ctx, 'stride', axes);
  const dilation = perAxis(ctx, 'dilation', axes);
  const outputPadding = perAxis(ctx, 'output_padding', axes);
  if (!kernel || !stride || !dilation || !outputPadding) return null;
  const same = ctx.attrs.padding === 'same';
  const padding = same || ctx.attrs.padding === 'valid' ? Array(axes).fill(0) : perAxis(ctx, 'padding', axes);
  if (!padding) return null;
  const spatial = ctx.input.slice(1);
  const out: number[] = [];
  for (let a = 0; a < axes; a++) {
    const op = outputPadding[a]!;
    if (op >= stride[a]! && op >= dilation[a]!) {
      ctx.report('NN308', `output_padding ${op} must be smaller than the stride ${stride[a]} (or the dilation ${dilation[a]}); it only picks among the ${stride[a]} output sizes a stride-${stride[a]} conv maps to one input size`, 'output_padding');
      return null;
    }
    const kEff = dilation[a]! * (kernel[a]! - 1) + 1;
    // Keras's padding=same for a transposed conv gives exactly input × stride.
    const o = same ? spatial[a]! * stride[a]! : (spatial[a]! - 1) * stride[a]! - 2 * padding[a]! + kEff + op;
    if (o <= 0) {
      ctx.report('NN301', `deconv kernel ${kernel[a]} stride ${stride[a]} padding ${padding[a]} on a ${spatial.join('×')} input leaves ${signed(o)} ${axisNames(axes)[a]}: (${spatial[a]} ${MINUS} 1)·${stride[a]} ${MINUS} 2·${padding[a]} + ${kEff} + ${op} = ${signed(o)}`, 'padding');
      return null;
    }
    out.push(o);
  }
  const kernelArea = safeProduct(kernel) ?? Infinity;
  const bias = ctx.attrs.bias ? cout : 0;
  const perGroup = cout / groups;
  return {
    output: [cout, ...out],
    params: cin * perGroup * kernelArea + bias,
    formula: `${cin}·${perGroup}·${kernel.join('·')}${bias ? ` + ${cout}` : ''}`,
    // On the input's spatial size: every input pixel scatters a kernel into every output map.
    macs: cin * (safeProduct(spatial) ?? Infinity) * perGroup * kernelArea,
    field: { kind: 'transposed', kernel: kernel.map((k, a) => dilation[a]! * (k - 1) + 1), stride },
  };
}

function dense(ctx: InferContext): LayerResult | null {
  const units = ctx.attrs.units as number;
  if (ctx.input.length !== 1) {
    const features = safeProduct(ctx.input) ?? Infinity;
    ctx.report('NN302', `dense works on a vector, but its input is ${formatShape(ctx.input)}; add 'flatten' before it (${ctx.input.join('·')} = ${formatCount(features)} features) or a global pooling layer`, undefined, { features });
    return null;
  }
  const inputs = ctx.input[0]!;
  const bias = ctx.attrs.bias ? units : 0;
  return { output: [units], params: inputs * units + bias, formula: `${inputs}·${units}${bias ? ` + ${units}` : ''}`, macs: inputs * units, field: { kind: 'end' } };
}

/** Pooling layers call their window `size` (as the contract does); the window code calls it `kernel`. */
function asWindow(infer: LayerSpec['infer']): LayerSpec['infer'] {
  return (ctx) =>
    infer({
      input: ctx.input,
      attrs: { ...ctx.attrs, kernel: ctx.attrs.size! },
      report: (code, message, arg, data) => ctx.report(code, message, arg === 'kernel' ? 'size' : arg, data),
    });
}

function pool(op: string) {
  return (ctx: InferContext): LayerResult | null => {
    const axes = spatialAxes(ctx, op);
    if (axes === null) return null;
    if (ctx.attrs.stride === undefined) ctx.attrs.stride = ctx.attrs.kernel!;
    const w = slideWindow(ctx, { op, pool: true, ceil: ctx.attrs.ceil === true, axes });
    if (!w) return null;
    return { output: [ctx.input[0]!, ...w.out], params: 0, formula: '0', macs: 0, field: { kind: 'window', kernel: w.kernel, stride: w.stride } };
  };
}

function subsample(ctx: InferContext): LayerResult | null {
  const axes = spatialAxes(ctx, 'subsample');
  if (axes === null) return null;
  ctx.attrs.stride = ctx.attrs.kernel!;
  ctx.attrs.padding = 0;
  const w = slideWindow(ctx, { op: 'subsample', pool: true, ceil: false, axes });
  if (!w) return null;
  const c = ctx.input[0]!;
  return { output: [c, ...w.out], params: 2 * c, formula: `2·${c}`, macs: 0, field: { kind: 'window', kernel: w.kernel, stride: w.stride } };
}

function adaptivePool(op: string) {
  return (ctx: InferContext): LayerResult | null => {
    const axes = spatialAxes(ctx, op);
    if (axes === null) return null;
    const out = perAxis(ctx, 'kernel', axes);
    if (!out) return null;
    const spatial = ctx.input.slice(1);
    // PyTorch's adaptive windows span ceil((i+1)·in/out) − floor(i·in/out); the largest bounds the field.
    const kernel = spatial.map((i, a) => Math.ceil(i / out[a]!) + (i % out[a]! === 0 ? 0 : 1));
    const stride = spatial.map((i, a) => Math.max(1, Math.floor(i / out[a]!)));
    return { output: [ctx.input[0]!, ...out], params: 0, formula: '0', macs: 0, field: { kind: 'window', kernel, stride } };
  };
}

function globalPool(op: string) {
  return (ctx: InferContext): LayerResult | null => {
    if (ctx.input.length < 2) {
      ctx.report('NN309', `${op} pools over height and width (or length), but its input is the ${formatShape(ctx.input)} vector`);
      return null;
    }
    return { output: [ctx.input[0]!], params: 0, formula: '0', macs: 0, field: { kind: 'end' } };
  };
}

function flatten(ctx: InferContext): LayerResult | null {
  const size = safeProduct(ctx.input);
  if (size === undefined) return null;
  return { output: [size], params: 0, formula: '0', macs: 0, field: ctx.input.length === 1 ? { kind: 'same' } : { kind: 'end' } };
}

function reshape(ctx: InferContext): LayerResult | null {
  const target = [...(ctx.attrs.shape as number[])];
  const size = safeProduct(ctx.input) ?? Infinity;
  const unknown = target.indexOf(-1);
  if (unknown >= 0) {
    const known = target.reduce((p, d, i) => (i === unknown ? p : p * d), 1);
    if (known === 0 || size % known !== 0) {
      ctx.report('NN312', `reshape to ${target.join('x')} cannot hold the ${formatCount(size)} elements of ${formatShape(ctx.input)}: ${formatCount(size)} is not a multiple of ${formatCount(known)}`, 'shape');
      return null;
    }
    target[unknown] = size / known;
  }
  const count = safeProduct(target) ?? Infinity;
  if (count !== size) {
    ctx.report('NN312', `reshape to ${target.join('×')} needs ${formatCount(count)} elements, but ${formatShape(ctx.input)} has ${formatCount(size)}`, 'shape');
    return null;
  }
  return { output: target, params: 0, formula: '0', macs: 0, field: target.length === 1 ? { kind: 'end' } : { kind: 'same' } };
}

function batchnorm(ctx: InferContext): LayerResult | null {
  const c = ctx.input[0]!;
  const affine = ctx.attrs.affine !== false;
  return { output: ctx.input, params: affine ? 2 * c : 0, nonTrainable: 2 * c, formula: affine ? `2·${c}` : '0', macs: 0, field: { kind: 'same' } };
}

function spatialOnly(op: string) {
  return (ctx: InferContext): LayerResult | null => {
    if (spatialAxes(ctx, op) === null) return null;
    return { output: ctx.input, params: 0, formula: '0', macs: 0, field: { kind: 'same' } };
  };
}

function upsample(ctx: InferContext): LayerResult | null {
  const axes = spatialAxes(ctx, 'upsample');
  if (axes === null) return null;
  const factor = perAxis(ctx, 'scale', axes);
  if (!factor) return null;
  const out = ctx.input.slice(1).map((i, a) => Math.floor(i * factor[a]!));
  const zero = out.findIndex((o) => o < 1);
  if (zero >= 0) {
    ctx.report('NN301', `upsample ${factor[zero]} on a ${ctx.input.slice(1).join('×')} input leaves ${out[zero]} ${axisNames(out.length)[zero]}: floor(${ctx.input[zero + 1]} × ${factor[zero]}) = ${out[zero]}`, 'scale');
    return null;
  }
  const reach = ctx.attrs.mode === 'bilinear' ? 1 : 0;
  return { output: [ctx.input[0]!, ...out], params: 0, formula: '0', macs: 0, field: { kind: 'scale', factor, reach } };
}

function zeropad(ctx: InferContext): LayerResult | null {
  const axes = spatialAxes(ctx, 'zeropad');
  if (axes === null) return null;
  const amount = perAxis(ctx, 'amount', axes);
  if (!amount) return null;
  return { output: [ctx.input[0]!, ...ctx.input.slice(1).map((i, a) => i + 2 * amount[a]!)], params: 0, formula: '0', macs: 0, field: { kind: 'same' } };
}

function passThrough(ctx: InferContext): LayerResult {
  return { output: ctx.input, params: 0, formula: '0', macs: 0, field: { kind: 'same' } };
}

const windowArgs = (stride: ArgSpec['default'] | undefined): ArgSpec[] => [
  kernelArg(true),
  { name: 'stride', type: 'pair', ...(stride === undefined ? {} : { default: stride }), doc: 'Step between windows: an int or HxW.' },
];

const ACTIVATION_DOCS: Record<string, string> = {
  relu: 'max(0, x).',
  relu6: 'min(max(0, x), 6), as in MobileNet.',
  leakyrelu: 'x for x > 0, alpha·x otherwise.',
  elu: 'x for x > 0, alpha·(eˣ − 1) otherwise.',
  gelu: 'x·Φ(x), as in transformers.',
  silu: 'x·sigmoid(x) (swish).',
  tanh: 'Hyperbolic tangent; saturates, as in LeNet.',
  sigmoid: '1 / (1 + e⁻ˣ); saturates.',
  hardswish: 'x·relu6(x + 3)/6, as in MobileNetV3.',
  softmax: 'Normalises over channels to probabilities.',
};

export const LAYERS: Record<string, LayerSpec> = {};

function define(spec: LayerSpec): void {
  LAYERS[spec.op] = spec;
}

define({
  op: 'conv',
  doc: 'Convolution (2-D on C×H×W, 1-D on C×L). Parameters (Cin/groups)·kh·kw·Cout + Cout.',
  positional: ['filters'],
  weights: true,
  args: [
    { name: 'filters', type: 'count', required: true, doc: 'Number of output channels (feature maps).' },
    ...windowArgs(1),
    { name: 'padding', type: 'pad', default: 0, doc: 'An int, HxW, valid (0) or same (output = ceil(input / stride)).' },
    { name: 'dilation', type: 'pair', default: 1, doc: 'Gap between kernel taps; effective kernel d·(k − 1) + 1.' },
    { name: 'groups', type: 'count', default: 1, doc: 'Split channels into groups that do not mix (AlexNet used 2).' },
    { name: 'bias', type: 'bool', default: true, doc: 'Add a learned bias per output channel.' },
    { name: 'connections', type: 'connections', doc: 'For each output map, the list of input maps it reads (LeNet-5 C3).' },
    activationArg,
  ],
  infer: conv,
});

define({
  op: 'deconv',
  doc: 'Transposed ("fractionally strided") convolution; upsamples. Parameters Cin·(Cout/groups)·kh·kw + Cout.',
  positional: ['filters'],
  weights: true,
  args: [
    { name: 'filters', type: 'count', required: true, doc: 'Number of output channels.' },
    ...windowArgs(1),
    { name: 'padding', type: 'pad', default: 0, doc: 'Removed from each side of the output; same gives input × stride.' },
    { name: 'output_padding', type: 'pad0', default: 0, doc: 'Extra rows/columns on one side; must be smaller than the stride.' },
    { name: 'dilation', type: 'pair', default: 1, doc: 'Gap between kernel taps.' },
    { name: 'groups', type: 'count', default: 1, doc: 'Channel groups that do not mix.' },
    { name: 'bias', type: 'bool', default: true, doc: 'Add a learned bias per output channel.' },
    activationArg,
  ],
  infer: deconv,
});

define({
  op: 'dense',
  doc: 'Fully connected layer on a vector. Parameters in·units + units.',
  positional: ['units'],
  weights: true,
  args: [
    { name: 'units', type: 'count', required: true, doc: 'Number of outputs.' },
    { name: 'bias', type: 'bool', default: true, doc: 'Add a learned bias per unit.' },
    activationArg,
  ],
  infer: dense,
});

for (const op of ['maxpool', 'avgpool']) {
  define({
    op,
    doc: `${op === 'maxpool' ? 'Max' : 'Average'} pooling over a window; no parameters.`,
    positional: ['size'],
    weights: false,
    args: [
      { name: 'size', type: 'pair', required: true, doc: 'Window size: an int or HxW.' },
      { name: 'stride', type: 'pair', doc: 'Step between windows (default: the window size).' },
      { name: 'padding', type: 'pad', default: 0, doc: 'An int, HxW, valid or same; at most half the window.' },
      { name: 'ceil', type: 'bool', default: false, doc: 'Round the output size up, as PyTorch ceil_mode.' },
    ],
    infer: asWindow(pool(op)),
  });
}

define({
  op: 'subsample',
  doc: "LeNet-5's subsampling: a sum over each window times a trainable coefficient, plus a trainable bias, per map (2·C parameters).",
  positional: ['size'],
  weights: true,
  args: [{ name: 'size', type: 'pair', required: true, doc: 'Window size; the stride equals it.' }, activationArg],
  infer: asWindow(subsample),
});

for (const op of ['adaptiveavgpool', 'adaptivemaxpool']) {
  define({
    op,
    doc: 'Pools to a fixed output size whatever the input size, as torchvision uses before its classifiers.',
    positional: ['size'],
    weights: false,
    args: [{ name: 'size', type: 'pair', required: true, doc: 'The output size: an int or HxW.' }],
    infer: asWindow(adaptivePool(op)),
  });
}

define({ op: 'globalavgpool', doc: 'Averages each channel over all positions: C×H×W → C.', positional: [], weights: false, args: [], infer: globalPool('globalavgpool') });
define({ op: 'globalmaxpool', doc: 'Maximum of each channel over all positions: C×H×W → C.', positional: [], weights: false, args: [], infer: globalPool('globalmaxpool') });
define({ op: 'flatten', doc: 'Flattens to a vector (a vector stays as it is).', positional: [], weights: false, args: [], infer: flatten });
define({ op: 'reshape', doc: 'Reshapes without changing the element count (one size may be -1).', positional: ['shape'], weights: false, args: [{ name: 'shape', type: 'dims', required: true, doc: 'The new shape, like 16x5x5.' }], infer: reshape });
define({ op: 'dropout', doc: 'Zeroes a fraction of activations while training; no parameters.', positional: ['rate'], weights: false, args: [{ name: 'rate', type: 'rate', default: 0.5, doc: 'Fraction dropped, 0 ≤ rate < 1.' }], infer: passThrough });
define({
  op: 'batchnorm',
  doc: 'Batch normalisation: 2·C trainable (scale, shift) and 2·C running statistics, which are not trainable.',
  positional: [],
  weights: true,
  args: [
    { name: 'eps', type: 'positive', default: 1e-5, doc: 'Added to the variance.' },
    { name: 'momentum', type: 'rate', default: 0.1, doc: 'Update rate of the running statistics (PyTorch convention).' },
    { name: 'affine', type: 'bool', default: true, doc: 'Learn a scale and shift per channel.' },
    activationArg,
  ],
  infer: batchnorm,
});
define({
  op: 'lrn',
  doc: "Local response normalisation across channels (AlexNet). alpha is the paper's per-element α; PyTorch divides its alpha by size.",
  positional: ['size'],
  weights: false,
  args: [
    { name: 'size', type: 'count', default: 5, doc: 'Number of neighbouring channels.' },
    { name: 'alpha', type: 'number', default: 1e-4, doc: 'Scale α.' },
    { name: 'beta', type: 'number', default: 0.75, doc: 'Exponent β.' },
    { name: 'k', type: 'number', default: 2, doc: 'Additive constant k.' },
  ],
  infer: spatialOnly('lrn'),
});
define({
  op: 'upsample',
  doc: 'Upsamples by a scale factor, without parameters.',
  positional: ['scale'],
  weights: false,
  args: [
    { name: 'scale', type: 'scale', default: 2, doc: 'Factor per axis: a number or HxW.' },
    { name: 'mode', type: { oneOf: ['nearest', 'bilinear'] }, default: 'nearest', doc: 'nearest or bilinear.' },
  ],
  infer: upsample,
});
define({ op: 'zeropad', doc: 'Pads with zeros on every side.', positional: ['amount'], weights: false, args: [{ name: 'amount', type: 'pad0', required: true, doc: 'Rows/columns added on each side: an int or HxW.' }], infer: zeropad });

for (const op of ACTIVATIONS) {
  const args: ArgSpec[] = op === 'leakyrelu' ? [{ name: 'alpha', type: 'number', default: 0.01, doc: 'Slope for x < 0.' }] : op === 'elu' ? [{ name: 'alpha', type: 'number', default: 1, doc: 'Scale for x < 0.' }] : [];
  define({ op, doc: `Activation: ${ACTIVATION_DOCS[op]}`, positional: args.map((a) => a.name), weights: false, args, infer: passThrough });
}

export const MERGE_MODES = ['concat', 'add', 'mul', 'max', 'avg'] as const;
export type MergeMode = (typeof MERGE_MODES)[number];

/** Every word a layer argument can take (same, relu, bilinear, …): values wherever they are unbound. */
export const WORDS: ReadonlySet<string> = new Set([
  'same',
  'valid',
  ...MERGE_MODES,
  ...Object.values(LAYERS).flatMap((spec) => spec.args.flatMap((arg) => (typeof arg.type === 'object' ? [...arg.type.oneOf] : []))),
]);
