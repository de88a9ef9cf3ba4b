// Elaboration and inference in one walk: blocks, repeat, if and parallel expand into concrete
// layers while shapes flow through them. They cannot be separate passes, because `in.channels`
// and `shortcut if` depend on the shape that reaches each statement.
import type { Arg, Body, InputStmt, LayerStmt, ModelDecl, Name, ParallelStmt, RepeatStmt, ResidualStmt, Stmt } from './ast';
import { didYouMean, suggestion, type Code, type RelatedInfo, type Reporter } from './diagnostics';
import { LAYERS, MERGE_MODES, WORDS, type ArgSpec, type AttrValue, type FieldStep, type LayerSpec } from './layers';
import { blockNames, findBlock, Scope, type FileScope } from './scope';
import { formatCount, formatShape, safeProduct, sameShape, type Shape } from './shapes';
import type { Span } from './text';
import { describeValue, evaluate, typeName, type EvalEnv, type Value } from './values';

export const MAX_REPEAT = 10_000;
export const MAX_BLOCK_DEPTH = 64;
export const MAX_LAYERS = 100_000;
const BYTES_PER_ELEMENT = 4;

export interface Field {
  size: number[];
  jump: number[];
}

export interface LayerNode {
  id: number;
  path: string;
  label?: string;
  op: string;
  attrs: Record<string, AttrValue>;
  /** Ids of the nodes feeding this one; -1 is the model input. */
  inputs: number[];
  input: Shape | null;
  output: Shape | null;
  params: number;
  nonTrainable: number;
  formula: string;
  macs: number;
  field: Field | null;
  activationBytes: number;
  uri: string;
  span: Span;
  opSpan: Span;
  depth: number;
}

export type GroupKind = 'block' | 'parallel' | 'branch' | 'residual' | 'shortcut' | 'repeat' | 'iteration';

export interface Group {
  kind: 'group';
  type: GroupKind;
  name: string;
  label?: string;
  path: string;
  uri: string;
  span: Span;
  depth: number;
  children: Item[];
  /** The shape leaving the group (for an empty branch, the shape entering it). */
  output: Shape | null;
}

export type Item = { kind: 'layer'; node: LayerNode } | Group;

/**
 * One time elaboration entered a statement, or a model's or block's declaration (one per use of
 * the block): the shape arriving there and the names in scope, for hover's "value at this point".
 */
export interface Visit {
  uri: string;
  /** The statement's span, or the whole declaration's span when a model or block is entered. */
  span: Span;
  /** The shape arriving (`in`); null when unknown after an error or outside any flow. */
  input: Shape | null;
  /** The names in scope there; a later `let` in the same body is visible too (redefining is NN206). */
  scope: { lookup(name: string): Value | undefined | null };
}

export interface ModelResult {
  name: string;
  decl: ModelDecl;
  uri: string;
  input: Shape | null;
  output: Shape | null;
  layers: LayerNode[];
  items: Item[];
  params: { trainable: number; nonTrainable: number };
  macs: number;
  /** Receptive field at the last layer that still has spatial axes. */
  field: Field | null;
  paramBytes: number;
  activationBytes: number;
  /** False when an error left some shape unknown; totals then cover only what is known. */
  complete: boolean;
  /** Every statement and declaration entered, in order (see Visit). */
  visits: Visit[];
}

interface Flow {
  shape: Shape | null;
  field: Field | null;
  last: number;
}

interface CallSite {
  uri: string;
  span: Span;
  name: string;
  input: Shape | null;
}

class Expansion {
  readonly nodes: LayerNode[] = [];
  input: Shape | null = null;
  /** The first statement that produced a layer, for "input not first". */
  firstLayer: Span | undefined;
  inputSeen = false;
  readonly calls: CallSite[] = [];
  readonly stack: string[] = [];
  readonly names = new Map<Group, GroupNames>();
  readonly visits: Visit[] = [];
  complete = true;
  stopped = false;

  constructor(readonly model: string, readonly reporter: Reporter) {}
}

export function elaborateModel(decl: ModelDecl, file: FileScope, args: ReadonlyMap<string, Value | undefined>): ModelResult {
  const x = new Expansion(decl.name.text, file.reporter);
  const scope = new Scope(file);
  for (const param of decl.params) {
    if (args.has(param.name.text)) scope.set(param.name.text, args.get(param.name.text));
    else if (param.default) scope.set(param.name.text, evaluate(param.default, envFor(scope, undefined, file.reporter)));
    else {
      file.reporter.report('NN204', param.name.span, `model parameter '${param.name.text}' has no default; give it one (${param.name.text} = …) or pass it from a train block`);
      scope.set(param.name.text, undefined);
    }
  }
  if (!decl.body.stmts.some((st) => st.kind === 'input')) {
    file.reporter.report('NN209', decl.name.span, `model ${decl.name.text} has no input; start its body with one, like 'input 3x224x224' (C×H×W), 'input 1x100' (C×L) or 'input 784'`);
    x.complete = false;
  }
  const root: Group = { kind: 'group', type: 'block', name: decl.name.text, path: '', uri: file.uri, span: decl.span, depth: -1, children: [], output: null };
  x.visits.push({ uri: file.uri, span: decl.span, input: null, scope });
  const end = walkBody(x, decl.body.stmts, scope, { shape: null, field: null, last: -1 }, root, /*inModel*/ true);
  return summarise(decl, file.uri, x, end, root.children);
}

/** Check a block that no model uses: its names and arguments, with every shape unknown. */
export function checkUnusedBlock(decl: ModelDecl, file: FileScope): void {
  const x = new Expansion(decl.name.text, file.reporter);
  const scope = new Scope(file);
  for (const param of decl.params) scope.set(param.name.text, param.default ? evaluate(param.default, envFor(scope, null, file.reporter)) : undefined);
  x.stack.push(decl.name.text);
  const root: Group = { kind: 'group', type: 'block', name: decl.name.text, path: '', uri: file.uri, span: decl.span, depth: -1, children: [], output: null };
  walkBody(x, decl.body.stmts, scope, { shape: null, field: null, last: -1 }, root, /*inModel*/ false);
}

function summarise(decl: ModelDecl, uri: string, x: Expansion, end: Flow, items: Item[]): ModelResult {
  const input = x.input;
  let trainable = 0;
  let nonTrainable = 0;
  let macs = 0;
  let activationBytes = 0;
  let field: Field | null = null;
  for (const node of x.nodes) {
    trainable += node.params;
    nonTrainable += node.nonTrainable;
    macs += node.macs;
    activationBytes += node.activationBytes;
    if (node.field) field = node.field;
  }
  if (![trainable, nonTrainable, macs].every(Number.isSafeInteger)) {
    x.reporter.report('NN320', decl.name.span, `model ${decl.name.text} counts past 2^53 (${trainable.toExponential(3)} parameters, ${macs.toExponential(3)} MACs), beyond what can be counted exactly`);
    x.complete = false;
  }
  return {
    name: decl.name.text,
    decl,
    uri,
    input,
    output: x.complete ? end.shape : null,
    layers: x.nodes,
    items,
    params: { trainable, nonTrainable },
    macs,
    field,
    paramBytes: (trainable + nonTrainable) * BYTES_PER_ELEMENT,
    activationBytes,
    complete: x.complete && end.shape !== null,
    visits: x.visits,
  };
}

function envFor(scope: Scope, inShape: Shape | null | undefined, reporter: Reporter): EvalEnv {
  return { reporter, inShape, words: WORDS, lookup: (name) => scope.lookup(name), names: () => scope.names() };
}

/** The model's `input`: first, once, with whole sizes ≥ 1. It starts the flow of shapes. */
function readInput(x: Expansion, stmt: InputStmt, scope: Scope, flow: Flow, inModel: boolean, group: Group): Flow {
  const reporter = x.reporter.forFile(scope.file.uri);
  if (!inModel || group.depth !== -1) {
    reporter.report('NN211', stmt.keyword, inModel ? 'input belongs at the top of the model body, not inside a repeat, branch or if' : "input belongs to a model; a block takes the shape of whatever comes before its use (read it as 'in')");
    return flow;
  }
  if (x.inputSeen) {
    reporter.report('NN210', stmt.keyword, `model ${x.model} already has an input; a model has exactly one`);
    return flow;
  }
  x.inputSeen = true;
  if (x.firstLayer) {
    reporter.report('NN210', stmt.keyword, `input must be the first statement of model ${x.model}, before any layer`, {
      related: [{ uri: scope.file.uri, span: x.firstLayer, message: 'this layer comes before the input' }],
    });
  }
  const value = evaluate(stmt.dims, envFor(scope, undefined, reporter));
  const shape = value === undefined ? null : toShape(value, stmt.dims.span, reporter);
  x.input = shape;
  if (!shape) {
    x.complete = false;
    return flow;
  }
  return { shape, field: shape.length > 1 ? { size: shape.slice(1).map(() => 1), jump: shape.slice(1).map(() => 1) } : null, last: -1 };
}

function toShape(value: Value, span: Span, reporter: Reporter): Shape | null {
  const sizes = value.kind === 'dims' ? value.value : value.kind === 'number' ? [value.value] : value.kind === 'list' && value.items.every((v) => v.kind === 'number') ? value.items.map((v) => (v as { value: number }).value) : null;
  if (!sizes) {
    reporter.report('NN205', span, `input needs a shape like 3x224x224, 1x100 or 784, but this is ${typeName(value)}`);
    return null;
  }
  if (sizes.length > 3) {
    reporter.report('NN205', span, `input ${sizes.join('x')} has ${sizes.length} axes; NetLens models take C×H×W images, C×L sequences or vectors`);
    return null;
  }
  const bad = sizes.find((s) => !Number.isInteger(s) || s < 1);
  if (bad !== undefined) {
    reporter.report('NN222', span, `input sizes must be whole numbers ≥ 1, but ${sizes.join('x')} has ${bad}`);
    return null;
  }
  if (safeProduct(sizes) === undefined) {
    reporter.report('NN320', span, `input ${sizes.join('x')} holds more than 2^53 elements`);
    return null;
  }
  return sizes;
}

// ── bodies ──────────────────────────────────────────────────────────────────────

function walkBody(x: Expansion, stmts: Stmt[], scope: Scope, flow: Flow, group: Group, inModel: boolean): Flow {
  const labels = new Map<string, Span>();
  for (const stmt of stmts) {
    if (x.stopped) return flow;
    const label = 'label' in stmt ? stmt.label : undefined;
    if (label) checkLabel(x, scope, label, labels);
    flow = walkStatement(x, stmt, scope, flow, group, inModel);
  }
  return flow;
}

function checkLabel(x: Expansion, scope: Scope, label: Name, labels: Map<string, Span>): void {
  const first = labels.get(label.text);
  if (first) {
    x.reporter.forFile(scope.file.uri).report('NN224', label.span, `label '${label.text}' is already used in this body; paths and summaries need distinct labels`, {
      related: [{ uri: scope.file.uri, span: first, message: `'${label.text}' is first used here` }],
    });
  } else labels.set(label.text, label.span);
}

function walkStatement(x: Expansion, stmt: Stmt, scope: Scope, flow: Flow, group: Group, inModel: boolean): Flow {
  const reporter = x.reporter.forFile(scope.file.uri);
  x.visits.push({ uri: scope.file.uri, span: stmt.span, input: flow.shape, scope });
  switch (stmt.kind) {
    case 'let': {
      if (scope.has(stmt.name.text)) reporter.report('NN206', stmt.name.span, `'${stmt.name.text}' is already defined in this body`);
      scope.set(stmt.name.text, evaluate(stmt.value, envFor(scope, flow.shape, reporter)));
      return flow;
    }
    case 'input':
      return readInput(x, stmt, scope, flow, inModel, group);
    case 'layer':
      return walkLayer(x, stmt, scope, flow, group);
    case 'parallel':
      return walkParallel(x, stmt, scope, flow, group);
    case 'residual':
      return walkResidual(x, stmt, scope, flow, group);
    case 'repeat':
      return walkRepeat(x, stmt, scope, flow, group);
    case 'if': {
      const condition = evaluate(stmt.condition, envFor(scope, flow.shape, reporter));
      if (condition === undefined) {
        x.complete = false;
        return flow;
      }
      if (condition.kind !== 'bool') {
        reporter.report('NN205', stmt.condition.span, `if needs true or false, but this is ${typeName(condition)} (${describeValue(condition)})`);
        x.complete = false;
        return flow;
      }
      const body = condition.value ? stmt.then : stmt.otherwise;
      return body ? walkBody(x, body.stmts, scope.child(), flow, group, inModel) : flow;
    }
  }
}

/** Names used under one group, and the next suffix to try per base name, so paths stay unique in linear time. */
interface GroupNames {
  used: Set<string>;
  next?: Map<string, number>;
}

function childPath(x: Expansion, group: Group, base: string): string {
  let names = x.names.get(group);
  if (!names) x.names.set(group, (names = { used: new Set() }));
  let name = base;
  if (names.used.has(name)) {
    names.next ??= new Map();
    let n = names.next.get(base) ?? 2;
    while (names.used.has(`${base}_${n}`)) n++;
    name = `${base}_${n}`;
    names.next.set(base, n + 1);
  }
  names.used.add(name);
  return group.path ? `${group.path}.${name}` : name;
}

function openGroup(x: Expansion, parent: Group, type: GroupKind, name: string, uri: string, span: Span, label?: Name): Group {
  const group: Group = { kind: 'group', type, name, path: childPath(x, parent, label?.text ?? name), uri, span, depth: parent.depth + 1, children: [], output: null };
  if (label) group.label = label.text;
  parent.children.push(group);
  return group;
}

// ── layers and block uses ───────────────────────────────────────────────────────

function walkLayer(x: Expansion, stmt: LayerStmt, scope: Scope, flow: Flow, group: Group): Flow {
  x.firstLayer ??= stmt.span;
  const op = stmt.op.text;
  const spec = LAYERS[op];
  if (spec) return addLayer(x, stmt, spec, scope, flow, group);
  const block = findBlock(scope.file, op);
  if (block) return callBlock(x, stmt, block.decl, block.file, scope, flow, group);
  const reporter = x.reporter.forFile(scope.file.uri);
  if (scope.file.models.has(op)) {
    reporter.report('NN201', stmt.op.span, `'${op}' is a model, and only blocks can be used like layers; declare it with 'block ${op}' (without its input) to reuse it`);
  } else {
    const candidates = [...Object.keys(LAYERS), ...blockNames(scope.file)];
    reporter.report('NN201', stmt.op.span, `unknown layer or block '${op}'${suggestion(op, candidates)}`, { data: { name: op, candidates } });
  }
  // Check the arguments' own expressions so their mistakes are still found.
  for (const arg of stmt.args) evaluate(arg.value, envFor(scope, flow.shape, reporter), { anySymbol: true });
  x.complete = false;
  return { ...flow, shape: null, field: null };
}

interface Bound {
  values: Map<string, { span: Span; expr: Arg }>;
  ok: boolean;
  /** Parameters an unknown argument looked like: not reported again as missing. */
  misspelled: Set<string>;
}

/** Match positional and named arguments to parameter names, reporting what does not fit. */
function bindArgs(args: Arg[], params: string[], positional: string[], what: string, reporter: Reporter): Bound {
  const values: Bound['values'] = new Map();
  const misspelled = new Set<string>();
  let ok = true;
  let position = 0;
  for (const arg of args) {
    let name: string;
    let nameSpan = arg.span;
    if (arg.name) {
      name = arg.name.text;
      nameSpan = arg.name.span;
      if (!params.includes(name)) {
        const guess = didYouMean(name, params);
        if (guess) misspelled.add(guess);
        reporter.report('NN202', arg.name.span, `${what} has no argument '${name}'${suggestion(name, params)}; it takes ${params.length ? params.join(', ') : 'no arguments'}`, { data: { name, candidates: params } });
        ok = false;
        continue;
      }
    } else {
      const next = positional[position++];
      if (next === undefined) {
        const takes = positional.length === 0 ? 'no positional arguments' : `${positional.length} positional argument${positional.length === 1 ? '' : 's'} (${positional.join(', ')})`;
        reporter.report('NN208', arg.span, `${what} takes ${takes}, but this is positional argument ${position}; name it, like key=value`);
        ok = false;
        continue;
      }
      name = next;
    }
    if (values.has(name)) {
      reporter.report('NN213', nameSpan, `'${name}' is given twice to ${what}`, { related: [{ uri: reporter.uri, span: values.get(name)!.span, message: `'${name}' is first given here` }] });
      ok = false;
      continue;
    }
    values.set(name, { span: arg.span, expr: arg });
  }
  return { values, ok, misspelled };
}

const PAD_WORDS: ReadonlySet<string> = new Set(['same', 'valid']);

interface ArgInfo {
  names: string[];
  byName: Map<string, ArgSpec>;
  /** Evaluation options per argument: the words it accepts. */
  options: Map<string, { symbols?: ReadonlySet<string> }>;
}

/** Per-layer argument tables, built once: addLayer runs for every layer of every model. */
const argInfo = new WeakMap<LayerSpec, ArgInfo>();

function infoOf(spec: LayerSpec): ArgInfo {
  let info = argInfo.get(spec);
  if (!info) {
    const options = new Map<string, { symbols?: ReadonlySet<string> }>();
    for (const arg of spec.args) {
      const symbols = typeof arg.type === 'object' ? new Set(arg.type.oneOf) : arg.type === 'pad' ? PAD_WORDS : undefined;
      options.set(arg.name, symbols ? { symbols } : {});
    }
    info = { names: spec.args.map((a) => a.name), byName: new Map(spec.args.map((a) => [a.name, a])), options };
    argInfo.set(spec, info);
  }
  return info;
}

function addLayer(x: Expansion, stmt: LayerStmt, spec: LayerSpec, scope: Scope, flow: Flow, group: Group): Flow {
  const reporter = x.reporter.forFile(scope.file.uri);
  const info = infoOf(spec);
  const bound = bindArgs(stmt.args, info.names, spec.positional, spec.op, reporter);
  const env = envFor(scope, flow.shape, reporter);
  const attrs: Record<string, AttrValue> = {};
  let ok = bound.ok;
  for (const [name, entry] of bound.values) {
    const argSpec = info.byName.get(name)!;
    const value = evaluate(entry.expr.value, env, info.options.get(name));
    const coerced = value === undefined ? undefined : coerce(argSpec, value, entry.expr.value.span, spec.op, reporter);
    if (coerced === undefined) ok = false;
    // No activation is the absence of one; never `delete`, which slows every later access.
    else if (!(name === 'activation' && (coerced === 'none' || coerced === 'linear'))) attrs[name] = coerced;
  }
  for (const argSpec of spec.args) {
    if (bound.values.has(argSpec.name)) continue;
    if (argSpec.required && bound.misspelled.has(argSpec.name)) ok = false;
    else if (argSpec.required) {
      reporter.report('NN204', stmt.op.span, `${spec.op} needs ${argSpec.name}: ${argSpec.doc}${spec.positional[0] === argSpec.name ? ` Write it first, like '${spec.op} 64 …'` : ` Add ${argSpec.name}=…`}`, { data: { argument: argSpec.name } });
      ok = false;
    } else if (argSpec.default !== undefined && argSpec.name !== 'activation') attrs[argSpec.name] = argSpec.default;
  }
  const node = newNode(x, stmt, scope, spec.op, attrs, flow, group);
  if (!ok || flow.shape === null) {
    x.complete = false;
    return pushNode(x, node, group, { ...flow, shape: null, field: null });
  }
  const result = spec.infer({
    input: flow.shape,
    attrs,
    report: (code: Code, message: string, arg?: string, data?: Record<string, unknown>) => {
      const span = (arg && bound.values.get(arg)?.expr.value.span) || stmt.op.span;
      const extra: { related?: RelatedInfo[]; data?: Record<string, unknown> } = { related: callRelated(x) };
      if (data) extra.data = data;
      reporter.report(code, span, message, extra);
    },
  });
  if (!result) {
    x.complete = false;
    return pushNode(x, node, group, { ...flow, shape: null, field: null });
  }
  const size = safeProduct(result.output);
  if (size === undefined || !Number.isSafeInteger(result.params) || !Number.isSafeInteger(result.macs)) {
    reporter.report('NN320', stmt.op.span, `${spec.op} produces ${formatShape(result.output)} with ${result.params.toExponential(3)} parameters and ${result.macs.toExponential(3)} MACs, past 2^53, where counts stop being exact`, { related: callRelated(x) });
    x.complete = false;
    return pushNode(x, node, group, { ...flow, shape: null, field: null });
  }
  node.output = result.output;
  node.params = result.params;
  node.nonTrainable = result.nonTrainable ?? 0;
  node.formula = result.formula;
  node.macs = result.macs;
  node.activationBytes = size * BYTES_PER_ELEMENT;
  node.field = stepField(flow.field, result.field);
  return pushNode(x, node, group, { shape: result.output, field: node.field, last: node.id });
}

function newNode(x: Expansion, stmt: LayerStmt | { span: Span; op: Name; label?: Name }, scope: Scope, op: string, attrs: Record<string, AttrValue>, flow: Flow, group: Group): LayerNode {
  const node: LayerNode = {
    id: x.nodes.length,
    path: childPath(x, group, stmt.label?.text ?? op),
    op,
    attrs,
    inputs: [flow.last],
    input: flow.shape,
    output: null,
    params: 0,
    nonTrainable: 0,
    formula: '0',
    macs: 0,
    field: null,
    activationBytes: 0,
    uri: scope.file.uri,
    span: stmt.span,
    opSpan: stmt.op.span,
    depth: group.depth + 1,
  };
  if (stmt.label) node.label = stmt.label.text;
  return node;
}

function pushNode(x: Expansion, node: LayerNode, group: Group, flow: Flow): Flow {
  x.nodes.push(node);
  group.children.push({ kind: 'layer', node });
  if (x.nodes.length > MAX_LAYERS && !x.stopped) {
    x.reporter.report('NN321', node.opSpan, `model ${x.model} expands to more than ${formatCount(MAX_LAYERS)} layers; analysis stops here`, { related: callRelated(x) });
    x.stopped = true;
    x.complete = false;
  }
  return flow;
}

/** Where the current block expansion was called from, innermost first. */
function callRelated(x: Expansion): RelatedInfo[] {
  return x.calls
    .slice(-3)
    .reverse()
    .map((call) => ({ uri: call.uri, span: call.span, message: `in ${call.name}, used here${call.input ? ` with in = ${formatShape(call.input)}` : ''}` }));
}

function coerce(spec: ArgSpec, value: Value, span: Span, op: string, reporter: Reporter): AttrValue | undefined {
  const label = `${op} ${spec.name}`;
  const fail = (expected: string): undefined => {
    reporter.report('NN205', span, `${label} needs ${expected}, but this is ${typeName(value)} (${describeValue(value)})`);
    return undefined;
  };
  const whole = (n: number, min: number): number | undefined => {
    if (!Number.isInteger(n)) {
      reporter.report('NN219', span, `${label} must be a whole number, but ${n} is not`);
      return undefined;
    }
    if (n < min) {
      reporter.report('NN222', span, `${label} must be at least ${min}, but it is ${n}`);
      return undefined;
    }
    return n;
  };
  const sizes = (min: number): number[] | undefined => {
    const list = value.kind === 'dims' ? value.value : value.kind === 'list' && value.items.every((v) => v.kind === 'number') ? value.items.map((v) => (v as { value: number }).value) : undefined;
    if (!list) return undefined;
    for (const n of list) if (whole(n, min) === undefined) return undefined;
    return list;
  };
  const type = spec.type;
  if (typeof type === 'object') {
    const word = value.kind === 'symbol' ? value.name : value.kind === 'string' ? value.value : undefined;
    if (word !== undefined && type.oneOf.includes(word)) return word;
    const shown = type.oneOf.filter((w) => w !== 'linear');
    reporter.report('NN205', span, `${label} must be one of ${shown.join(', ')}, but it is ${describeValue(value)}${word ? suggestion(word, type.oneOf) : ''}`, { data: { candidates: type.oneOf } });
    return undefined;
  }
  switch (type) {
    case 'count':
    case 'whole':
      return value.kind === 'number' ? whole(value.value, type === 'count' ? 1 : 0) : fail('a whole number');
    case 'number':
      return value.kind === 'number' ? value.value : fail('a number');
    case 'positive':
      if (value.kind !== 'number') return fail('a number');
      if (value.value <= 0) return void reporter.report('NN222', span, `${label} must be greater than 0, but it is ${value.value}`);
      return value.value;
    case 'rate':
      if (value.kind !== 'number') return fail('a number');
      if (value.value < 0 || value.value >= 1) return void reporter.report('NN222', span, `${label} must be at least 0 and below 1, but it is ${value.value}`);
      return value.value;
    case 'bool':
      return value.kind === 'bool' ? value.value : fail('true or false');
    case 'pair':
      if (value.kind === 'number') return whole(value.value, 1);
      return sizes(1) ?? fail('a whole number or HxW');
    case 'pad':
      if (value.kind === 'symbol' || value.kind === 'string') {
        const word = value.kind === 'symbol' ? value.name : value.value;
        if (word === 'same' || word === 'valid') return word;
        return fail('a whole number, HxW, same or valid');
      }
      if (value.kind === 'number') return whole(value.value, 0);
      return sizes(0) ?? fail('a whole number, HxW, same or valid');
    case 'pad0':
      if (value.kind === 'number') return whole(value.value, 0);
      return sizes(0) ?? fail('a whole number or HxW');
    case 'scale':
      if (value.kind === 'number') return value.value > 0 ? value.value : void reporter.report('NN222', span, `${label} must be greater than 0, but it is ${value.value}`);
      return sizes(1) ?? fail('a number or HxW');
    case 'dims': {
      const target = reshapeTarget(value, span, label, reporter);
      return target === null ? undefined : target ?? fail('a shape like 16x5x5');
    }
    case 'connections':
      return connectionTable(value, span, label, reporter);
  }
}

/** The target sizes; undefined when the value is not a shape at all, null after reporting a bad one. */
function reshapeTarget(value: Value, span: Span, label: string, reporter: Reporter): number[] | undefined | null {
  const list = value.kind === 'dims' ? value.value : value.kind === 'number' ? [value.value] : value.kind === 'list' && value.items.every((v) => v.kind === 'number') ? value.items.map((v) => (v as { value: number }).value) : undefined;
  if (!list) return undefined;
  if (list.length > 3 || list.some((n) => !Number.isInteger(n) || (n < 1 && n !== -1)) || list.filter((n) => n === -1).length > 1) {
    reporter.report('NN222', span, `${label} needs 1 to 3 whole sizes ≥ 1 (one may be -1), but it is ${list.join(', ')}`);
    return null;
  }
  return list;
}

function connectionTable(value: Value, span: Span, label: string, reporter: Reporter): number[][] | undefined {
  if (value.kind !== 'list') {
    reporter.report('NN205', span, `${label} needs a list with one row per output map, like [[0,1,2],[1,2,3]], but this is ${typeName(value)}`);
    return undefined;
  }
  const table: number[][] = [];
  for (const [row, item] of value.items.entries()) {
    if (item.kind !== 'list' || !item.items.every((v) => v.kind === 'number' && Number.isInteger(v.value))) {
      reporter.report('NN205', span, `${label} row ${row} must be a list of input map indices, but it is ${describeValue(item)}`);
      return undefined;
    }
    table.push(item.items.map((v) => (v as { value: number }).value));
  }
  return table;
}

function stepField(field: Field | null, step: FieldStep): Field | null {
  if (!field || step.kind === 'end') return null;
  if (step.kind === 'same') return field;
  const size = [...field.size];
  const jump = [...field.jump];
  for (let a = 0; a < size.length; a++) {
    if (step.kind === 'window') {
      size[a]! += (step.kernel[a]! - 1) * jump[a]!;
      jump[a]! *= step.stride[a]!;
    } else if (step.kind === 'transposed') {
      jump[a]! /= step.stride[a]!;
      size[a]! += (step.kernel[a]! - 1) * jump[a]!;
    } else {
      size[a]! += step.reach * jump[a]!;
      jump[a]! /= step.factor[a]!;
    }
  }
  return { size, jump };
}

function callBlock(x: Expansion, stmt: LayerStmt, decl: ModelDecl, file: FileScope, scope: Scope, flow: Flow, group: Group): Flow {
  const reporter = x.reporter.forFile(scope.file.uri);
  const name = decl.name.text;
  if (x.stack.includes(name)) {
    // The static cycle check has reported this call; expanding it would never end.
    x.complete = false;
    return { ...flow, shape: null, field: null };
  }
  if (x.stack.length >= MAX_BLOCK_DEPTH) {
    reporter.report('NN221', stmt.op.span, `blocks nest deeper than ${MAX_BLOCK_DEPTH} levels here (${x.stack.slice(-3).join(' → ')} → ${name}); analysis of this use stops`);
    x.complete = false;
    return { ...flow, shape: null, field: null };
  }
  const params = decl.params.map((p) => p.name.text);
  const bound = bindArgs(stmt.args, params, params, `block ${name}`, reporter);
  const callerEnv = envFor(scope, flow.shape, reporter);
  const inner = new Scope(file);
  const blockEnv = envFor(inner, flow.shape, x.reporter.forFile(file.uri));
  let ok = bound.ok;
  for (const param of decl.params) {
    const entry = bound.values.get(param.name.text);
    if (entry) inner.set(param.name.text, evaluate(entry.expr.value, callerEnv));
    else if (param.default) inner.set(param.name.text, evaluate(param.default, blockEnv));
    else {
      reporter.report('NN204', stmt.op.span, `block ${name} needs '${param.name.text}'${decl.params.length > 1 ? ` (it takes ${params.join(', ')})` : ''}`, {
        related: [{ uri: file.uri, span: param.span, message: `'${param.name.text}' is declared here without a default` }],
        data: { argument: param.name.text },
      });
      inner.set(param.name.text, undefined);
      ok = false;
    }
  }
  if (!ok) x.complete = false;
  file.expanded.add(decl);
  const blockGroup = openGroup(x, group, 'block', name, scope.file.uri, stmt.span, stmt.label);
  x.stack.push(name);
  x.calls.push({ uri: scope.file.uri, span: stmt.span, name, input: flow.shape });
  x.visits.push({ uri: file.uri, span: decl.span, input: flow.shape, scope: inner });
  const end = walkBody(x, decl.body.stmts, inner, flow, blockGroup, /*inModel*/ false);
  blockGroup.output = end.shape;
  x.calls.pop();
  x.stack.pop();
  return end;
}

// ── parallel, residual, repeat ──────────────────────────────────────────────────

function walkParallel(x: Expansion, stmt: ParallelStmt, scope: Scope, flow: Flow, group: Group): Flow {
  const reporter = x.reporter.forFile(scope.file.uri);
  let mode = 'concat';
  if (stmt.merge) {
    if ((MERGE_MODES as readonly string[]).includes(stmt.merge.text)) mode = stmt.merge.text;
    else reporter.report('NN205', stmt.merge.span, `parallel merges with ${MERGE_MODES.join(', ')}, not '${stmt.merge.text}'${suggestion(stmt.merge.text, MERGE_MODES)}`, { data: { candidates: MERGE_MODES } });
  }
  const parallel = openGroup(x, group, 'parallel', 'parallel', scope.file.uri, stmt.span, stmt.label);
  if (stmt.branches.length === 0) {
    reporter.report('NN314', stmt.keyword, 'parallel has no branches; add branch { … } blocks (an empty branch { } passes its input through)');
    return flow;
  }
  const ends: Array<{ flow: Flow; span: Span; name: string }> = stmt.branches.map((branch, i) => {
    const branchGroup = openGroup(x, parallel, 'branch', `branch${i + 1}`, scope.file.uri, branch.span, branch.label);
    const end = walkBody(x, branch.body.stmts, scope.child(), flow, branchGroup, false);
    branchGroup.output = end.shape;
    return { flow: end, span: lastSpan(branch.body, branch.keyword), name: branch.label?.text ?? `branch ${i + 1}` };
  });
  return merge(x, mode, ends, stmt.keyword, scope, flow, parallel);
}

function lastSpan(body: Body, fallback: Span): Span {
  const last = body.stmts[body.stmts.length - 1];
  return last ? last.span : fallback;
}

function walkResidual(x: Expansion, stmt: ResidualStmt, scope: Scope, flow: Flow, group: Group): Flow {
  const reporter = x.reporter.forFile(scope.file.uri);
  const residual = openGroup(x, group, 'residual', 'residual', scope.file.uri, stmt.span, stmt.label);
  const bodyGroup = openGroup(x, residual, 'branch', 'body', scope.file.uri, stmt.body.span);
  const bodyEnd = walkBody(x, stmt.body.stmts, scope.child(), flow, bodyGroup, false);
  bodyGroup.output = bodyEnd.shape;
  let useShortcut = stmt.shortcut !== undefined;
  if (stmt.shortcut?.condition) {
    const condition = evaluate(stmt.shortcut.condition, envFor(scope, flow.shape, reporter));
    if (condition === undefined) {
      useShortcut = false;
      x.complete = false;
    } else if (condition.kind !== 'bool') {
      reporter.report('NN205', stmt.shortcut.condition.span, `shortcut if needs true or false, but this is ${typeName(condition)} (${describeValue(condition)})`);
      useShortcut = false;
      x.complete = false;
    } else useShortcut = condition.value;
  }
  let shortcutEnd = flow;
  let shortcutSpan: Span = stmt.keyword;
  let shortcutName = 'the identity shortcut';
  if (useShortcut && stmt.shortcut) {
    const shortcutGroup = openGroup(x, residual, 'shortcut', 'shortcut', scope.file.uri, stmt.shortcut.span);
    shortcutEnd = walkBody(x, stmt.shortcut.body.stmts, scope.child(), flow, shortcutGroup, false);
    shortcutGroup.output = shortcutEnd.shape;
    shortcutSpan = lastSpan(stmt.shortcut.body, stmt.shortcut.keyword);
    shortcutName = 'the shortcut';
  }
  return merge(
    x,
    'add',
    [
      { flow: bodyEnd, span: lastSpan(stmt.body, stmt.keyword), name: 'the residual body' },
      { flow: shortcutEnd, span: shortcutSpan, name: shortcutName },
    ],
    stmt.keyword,
    scope,
    flow,
    residual,
  );
}

function merge(x: Expansion, mode: string, ends: Array<{ flow: Flow; span: Span; name: string }>, at: Span, scope: Scope, start: Flow, group: Group): Flow {
  const reporter = x.reporter.forFile(scope.file.uri);
  const node = newNode(x, { span: at, op: { text: mode, span: at } }, scope, mode, {}, start, group);
  node.inputs = ends.map((e) => e.flow.last);
  const shapes = ends.map((e) => e.flow.shape);
  if (shapes.some((s) => s === null)) {
    x.complete = false;
    return pushNode(x, node, group, { shape: null, field: null, last: node.id });
  }
  const known = shapes as Shape[];
  const output = mergeShapes(mode, known, ends, at, scope.file.uri, reporter, callRelated(x));
  if (!output) {
    x.complete = false;
    return pushNode(x, node, group, { shape: null, field: null, last: node.id });
  }
  node.output = output;
  node.activationBytes = (safeProduct(output) ?? 0) * BYTES_PER_ELEMENT;
  node.field = mergeFields(ends.map((e) => e.flow.field));
  group.output = output;
  return pushNode(x, node, group, { shape: output, field: node.field, last: node.id });
}

function mergeShapes(mode: string, shapes: Shape[], ends: Array<{ span: Span; name: string }>, at: Span, uri: string, reporter: Reporter, calls: RelatedInfo[]): Shape | null {
  const related = (i: number): RelatedInfo => ({ uri, span: ends[i]!.span, message: `${ends[i]!.name} produces ${formatShape(shapes[i]!)} here` });
  const first = shapes[0]!;
  if (mode === 'concat') {
    for (let i = 1; i < shapes.length; i++) {
      const s = shapes[i]!;
      if (s.length !== first.length || !s.slice(1).every((size, a) => size === first[a + 1])) {
        const what = first.length === 1 ? 'ranks' : 'spatial sizes';
        reporter.report('NN304', at, `concat joins channels, so the ${what} must match, but ${ends[0]!.name} gives ${formatShape(first)} and ${ends[i]!.name} gives ${formatShape(s)}`, {
          related: [related(0), related(i), ...calls],
        });
        return null;
      }
    }
    const channels = shapes.reduce((sum, s) => sum + s[0]!, 0);
    return [channels, ...first.slice(1)];
  }
  for (let i = 1; i < shapes.length; i++) {
    if (!sameShape(first, shapes[i]!)) {
      const verb = mode === 'add' ? 'adds' : `merges with ${mode}`;
      reporter.report('NN303', at, `${mode === 'add' && ends[1]!.name.includes('shortcut') ? 'residual' : mode} ${verb} element by element, so both sides need one shape, but ${ends[0]!.name} gives ${formatShape(first)} and ${ends[i]!.name} gives ${formatShape(shapes[i]!)}`, {
        related: [related(0), related(i), ...calls],
        data: { shapes: [first, shapes[i]] },
      });
      return null;
    }
  }
  return first;
}

function mergeFields(fields: Array<Field | null>): Field | null {
  if (fields.some((f) => f === null)) return null;
  const all = fields as Field[];
  return {
    size: all[0]!.size.map((_, a) => Math.max(...all.map((f) => f.size[a]!))),
    jump: all[0]!.jump.map((_, a) => Math.max(...all.map((f) => f.jump[a]!))),
  };
}

/** After one iteration, project the whole repeat, so a huge expansion stops before it is built. */
function tooManyLayers(x: Expansion, stmt: RepeatStmt, count: number, perIteration: number): boolean {
  const projected = x.nodes.length + perIteration * (count - 1);
  if (projected <= MAX_LAYERS) return false;
  x.reporter.report('NN321', stmt.count.span, `repeat ${formatCount(count)} of ${formatCount(perIteration)} layers each makes model ${x.model} about ${formatCount(projected)} layers, over the limit of ${formatCount(MAX_LAYERS)}; analysis stops here`, { related: callRelated(x) });
  x.stopped = true;
  x.complete = false;
  return true;
}

function walkRepeat(x: Expansion, stmt: RepeatStmt, scope: Scope, flow: Flow, group: Group): Flow {
  const reporter = x.reporter.forFile(scope.file.uri);
  const value = evaluate(stmt.count, envFor(scope, flow.shape, reporter));
  if (value === undefined) {
    x.complete = false;
    return { ...flow, shape: null, field: null };
  }
  if (value.kind !== 'number') {
    reporter.report('NN205', stmt.count.span, `repeat needs a count, but this is ${typeName(value)} (${describeValue(value)})`);
    x.complete = false;
    return { ...flow, shape: null, field: null };
  }
  const count = value.value;
  if (!Number.isInteger(count) || count < 0) {
    reporter.report(Number.isInteger(count) ? 'NN222' : 'NN219', stmt.count.span, `repeat needs a whole count ≥ 0, but it is ${count}`);
    x.complete = false;
    return { ...flow, shape: null, field: null };
  }
  if (count > MAX_REPEAT) {
    reporter.report('NN220', stmt.count.span, `repeat ${formatCount(count)} is over the limit of ${formatCount(MAX_REPEAT)} repetitions`);
    x.complete = false;
    return { ...flow, shape: null, field: null };
  }
  const repeat = openGroup(x, group, 'repeat', 'repeat', scope.file.uri, stmt.span, stmt.label);
  const before = x.nodes.length;
  for (let i = 0; i < count && !x.stopped; i++) {
    if (i === 1 && tooManyLayers(x, stmt, count, x.nodes.length - before)) break;
    const iteration: Group = { kind: 'group', type: 'iteration', name: String(i), path: `${repeat.path}.${i}`, uri: scope.file.uri, span: stmt.body.span, depth: repeat.depth, children: [], output: null };
    repeat.children.push(iteration);
    const inner = scope.child();
    if (stmt.index) inner.set(stmt.index.text, { kind: 'number', value: i });
    flow = walkBody(x, stmt.body.stmts, inner, flow, iteration, false);
    iteration.output = flow.shape;
  }
  repeat.output = flow.shape;
  return flow;
}
