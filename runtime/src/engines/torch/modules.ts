// Each IR node as PyTorch: the modules its __init__ declares and the expression its forward
// computes. Uneven padding becomes an explicit F.pad (crop, for a transposed conv) around a layer
// with padding 0; even padding stays the layer's own.
import { shapeOf, type ConvAttrs, type DeconvAttrs, type IR, type IRNode, type PoolAttrs } from '../../ir';
import type { Helper } from './helpers';
import { pyAxes, pyList, pyNumber, pyString, pyTuple } from './python';

export interface ModuleDecl {
  name: string;
  expr: string;
}

export interface Emitted {
  /** `self.<name> = <expr>` lines of __init__; the first is the node's own. */
  modules: ModuleDecl[];
  /** The forward expression, given the expressions of the node's inputs. */
  call: (args: string[]) => string;
  helpers: Helper[];
  /** Module-level constants (connection tables). */
  constants: ModuleDecl[];
}

/**
 * Allocates names, unique in the file: the node's own attribute for '', `<own>_<suffix>`
 * otherwise; with `constant`, a module-level `<OWN>_<SUFFIX>`.
 */
export type Namer = (suffix: string, constant?: boolean) => string;

type Of<Op extends IRNode['op']> = Extract<IRNode, { op: Op }>;

const ACTIVATIONS: Record<string, (alpha?: number) => string> = {
  relu: () => 'nn.ReLU()',
  relu6: () => 'nn.ReLU6()',
  leakyrelu: (alpha = 0.01) => `nn.LeakyReLU(${pyNumber(alpha, true)})`,
  elu: (alpha = 1) => `nn.ELU(${pyNumber(alpha, true)})`,
  gelu: () => 'nn.GELU()',
  silu: () => 'nn.SiLU()',
  tanh: () => 'nn.Tanh()',
  sigmoid: () => 'nn.Sigmoid()',
  hardswish: () => 'nn.Hardswish()',
  softmax: () => 'nn.Softmax(dim=1)',
};

function activationModule(name: string, alpha?: number): string {
  const make = ACTIVATIONS[name];
  if (!make) throw new Error(`no PyTorch module for activation '${name}'`);
  return make(alpha);
}

function single(name: string, expr: string, helpers: Helper[] = []): Emitted {
  return { modules: [{ name, expr }], call: (args) => `self.${name}(${args[0]})`, helpers, constants: [] };
}

/** Appends a fused activation module and wraps the call in it. */
function withActivation(emitted: Emitted, activation: string | undefined, names: Namer): Emitted {
  if (!activation) return emitted;
  const act = names('act');
  return {
    ...emitted,
    modules: [...emitted.modules, { name: act, expr: activationModule(activation) }],
    call: (args) => `self.${act}(${emitted.call(args)})`,
  };
}

// ── padding ─────────────────────────────────────────────────────────────────────

/** Per-axis padding when every axis pads its two sides alike, else null. */
function symmetric(sides: number[]): number[] | null {
  const perAxis: number[] = [];
  for (let i = 0; i < sides.length; i += 2) {
    if (sides[i] !== sides[i + 1]) return null;
    perAxis.push(sides[i]!);
  }
  return perAxis;
}

/** F.pad's order: the last axis first, (left, right, top, bottom) on images. */
export function padTuple(sides: number[]): number[] {
  const out: number[] = [];
  for (let i = sides.length - 2; i >= 0; i -= 2) out.push(sides[i]!, sides[i + 1]!);
  return out;
}

function explicitPad(sides: number[], value?: string): (x: string) => string {
  return (x) => `F.pad(${x}, ${pyTuple(padTuple(sides))}${value ? `, value=${value}` : ''})`;
}

function dimsOf(ir: IR, node: IRNode): number {
  return shapeOf(ir, node.inputs[0]!).length - 1;
}

function kw(name: string, value: string): string {
  return `${name}=${value}`;
}

// ── layers with weights ─────────────────────────────────────────────────────────

function convArgs(a: ConvAttrs | DeconvAttrs, padding: number[] | null): string[] {
  const args = [kw('kernel_size', pyAxes(a.kernel))];
  if (a.stride.some((s) => s !== 1)) args.push(kw('stride', pyAxes(a.stride)));
  if (padding && padding.some((p) => p !== 0)) args.push(kw('padding', pyAxes(padding)));
  if (a.dilation.some((d) => d !== 1)) args.push(kw('dilation', pyAxes(a.dilation)));
  return args;
}

function conv(ir: IR, node: Of<'conv'>, names: Namer): Emitted {
  const a = node.attrs;
  const dims = dimsOf(ir, node);
  const cin = shapeOf(ir, node.inputs[0]!)[0]!;
  const even = symmetric(a.padding);
  const args = [String(cin), String(a.filters), ...convArgs(a, even)];
  if (a.groups !== 1) args.push(kw('groups', String(a.groups)));
  if (!a.bias) args.push(kw('bias', 'False'));
  const name = names('');
  const pad = even ? (x: string) => x : explicitPad(a.padding);
  let emitted: Emitted;
  if (a.connections) {
    const table = names('connections', true);
    const helper: Helper = dims === 1 ? 'MaskedConv1d' : 'MaskedConv2d';
    const masked = [String(cin), String(a.filters), kw('kernel_size', pyTuple(a.kernel)), kw('connections', table), ...convArgs(a, even).slice(1)];
    if (!a.bias) masked.push(kw('bias', 'False'));
    emitted = { modules: [{ name, expr: `${helper}(${masked.join(', ')})` }], call: (x) => `self.${name}(${pad(x[0]!)})`, helpers: [helper], constants: [{ name: table, expr: pyList(a.connections) }] };
  } else {
    emitted = { modules: [{ name, expr: `nn.Conv${dims}d(${args.join(', ')})` }], call: (x) => `self.${name}(${pad(x[0]!)})`, helpers: [], constants: [] };
  }
  return withActivation(emitted, a.activation, names);
}

/** A transposed conv crops its full output; PyTorch's own padding crops both sides alike. */
function deconv(ir: IR, node: Of<'deconv'>, names: Namer): Emitted {
  const a = node.attrs;
  const dims = dimsOf(ir, node);
  const cin = shapeOf(ir, node.inputs[0]!)[0]!;
  const even = symmetric(a.padding);
  const args = [String(cin), String(a.filters), ...convArgs(a, even)];
  if (a.output_padding.some((p) => p !== 0)) args.push(kw('output_padding', pyAxes(a.output_padding)));
  if (a.groups !== 1) args.push(kw('groups', String(a.groups)));
  if (!a.bias) args.push(kw('bias', 'False'));
  const name = names('');
  const crop = even ? (x: string) => x : explicitPad(a.padding.map((p) => -p));
  const emitted: Emitted = { modules: [{ name, expr: `nn.ConvTranspose${dims}d(${args.join(', ')})` }], call: (x) => crop(`self.${name}(${x[0]})`), helpers: [], constants: [] };
  return withActivation(emitted, a.activation, names);
}

function dense(ir: IR, node: Of<'dense'>, names: Namer): Emitted {
  const a = node.attrs;
  const inputs = shapeOf(ir, node.inputs[0]!)[0]!;
  const args = [String(inputs), String(a.units), ...(a.bias ? [] : [kw('bias', 'False')])];
  return withActivation(single(names(''), `nn.Linear(${args.join(', ')})`), a.activation, names);
}

function batchnorm(ir: IR, node: Of<'batchnorm'>, names: Namer): Emitted {
  const a = node.attrs;
  const input = shapeOf(ir, node.inputs[0]!);
  const args = [String(input[0])];
  if (a.eps !== 1e-5) args.push(kw('eps', pyNumber(a.eps, true)));
  if (a.momentum !== 0.1) args.push(kw('momentum', pyNumber(a.momentum, true)));
  if (!a.affine) args.push(kw('affine', 'False'));
  return withActivation(single(names(''), `nn.BatchNorm${input.length === 3 ? 2 : 1}d(${args.join(', ')})`), a.activation, names);
}

function subsample(ir: IR, node: Of<'subsample'>, names: Namer): Emitted {
  const channels = shapeOf(ir, node.inputs[0]!)[0]!;
  return withActivation(single(names(''), `Subsample(${channels}, ${pyTuple(node.attrs.kernel)})`, ['Subsample']), node.attrs.activation, names);
}

// ── layers without weights ──────────────────────────────────────────────────────

function pool(ir: IR, node: Of<'maxpool' | 'avgpool'>, names: Namer): Emitted {
  const a: PoolAttrs = node.attrs;
  const dims = dimsOf(ir, node);
  const even = symmetric(a.padding);
  const args = [kw('kernel_size', pyAxes(a.kernel)), kw('stride', pyAxes(a.stride))];
  if (even && even.some((p) => p !== 0)) args.push(kw('padding', pyAxes(even)));
  if (a.ceil) args.push(kw('ceil_mode', 'True'));
  const kind = node.op === 'maxpool' ? 'Max' : 'Avg';
  const name = names('');
  // Max-pooling never picks the padding; average pooling counts padded zeros (count_pad).
  const pad = even ? (x: string) => x : explicitPad(a.padding, node.op === 'maxpool' ? "float('-inf')" : undefined);
  return { modules: [{ name, expr: `nn.${kind}Pool${dims}d(${args.join(', ')})` }], call: (x) => `self.${name}(${pad(x[0]!)})`, helpers: [], constants: [] };
}

function lrn(node: Of<'lrn'>, names: Namer): Emitted {
  const a = node.attrs;
  // PyTorch divides alpha by size; the .nn alpha is the paper's per-element α.
  const args = [String(a.size), kw('alpha', pyNumber(a.alpha * a.size, true)), kw('beta', pyNumber(a.beta, true)), kw('k', pyNumber(a.k, true))];
  return single(names(''), `nn.LocalResponseNorm(${args.join(', ')})`);
}

function upsample(ir: IR, node: Of<'upsample'>, names: Namer): Emitted {
  const dims = dimsOf(ir, node);
  const mode = node.attrs.mode === 'bilinear' ? (dims === 1 ? 'linear' : 'bilinear') : 'nearest';
  return single(names(''), `nn.Upsample(scale_factor=${pyAxes(node.attrs.scale, true)}, mode=${pyString(mode)})`);
}

function zeropad(ir: IR, node: Of<'zeropad'>, names: Namer): Emitted {
  const pad = pyTuple(padTuple(node.attrs.padding));
  return single(names(''), dimsOf(ir, node) === 2 ? `nn.ZeroPad2d(${pad})` : `nn.ConstantPad1d(${pad}, 0.0)`);
}

function adaptive(ir: IR, node: Of<'adaptiveavgpool' | 'adaptivemaxpool'>, names: Namer): Emitted {
  const kind = node.op === 'adaptiveavgpool' ? 'Avg' : 'Max';
  const size = node.attrs.output_size;
  return single(names(''), `nn.Adaptive${kind}Pool${dimsOf(ir, node)}d(${size.length === 1 ? size[0] : pyTuple(size)})`);
}

function merge(node: Of<'merge'>, names: Namer): Emitted {
  const name = names('');
  return { modules: [{ name, expr: `Merge(${pyString(node.attrs.mode)})` }], call: (args) => `self.${name}(${args.join(', ')})`, helpers: ['Merge'], constants: [] };
}

/** The PyTorch form of one node. */
export function emitNode(ir: IR, node: IRNode, names: Namer): Emitted {
  switch (node.op) {
    case 'conv':
      return conv(ir, node, names);
    case 'deconv':
      return deconv(ir, node, names);
    case 'dense':
      return dense(ir, node, names);
    case 'batchnorm':
      return batchnorm(ir, node, names);
    case 'subsample':
      return subsample(ir, node, names);
    case 'maxpool':
    case 'avgpool':
      return pool(ir, node, names);
    case 'adaptiveavgpool':
    case 'adaptivemaxpool':
      return adaptive(ir, node, names);
    case 'lrn':
      return lrn(node, names);
    case 'upsample':
      return upsample(ir, node, names);
    case 'zeropad':
      return zeropad(ir, node, names);
    case 'merge':
      return merge(node, names);
    case 'dropout':
      return single(names(''), `nn.Dropout(${pyNumber(node.attrs.rate, true)})`);
    case 'reshape':
      return single(names(''), `Reshape(${node.attrs.shape.join(', ')})`, ['Reshape']);
    case 'flatten':
      return single(names(''), 'nn.Flatten()');
    case 'globalavgpool':
    case 'globalmaxpool':
      return single(names(''), `GlobalPool(${pyString(node.op === 'globalavgpool' ? 'avg' : 'max')})`, ['GlobalPool']);
    case 'leakyrelu':
    case 'elu':
      return single(names(''), activationModule(node.op, node.attrs.alpha));
    default:
      if (!(node.op in ACTIVATIONS)) throw new Error(`node ${node.id} (${node.path}): the torch engine has no PyTorch form for op '${String(node.op)}'`);
      return single(names(''), activationModule(node.op));
  }
}
