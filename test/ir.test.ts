// The compiled model (runtime/src/ir.ts): for every example and the all-ops fixture, the IR
// agrees with the analysis node by node, and its normalised attributes alone give every output
// shape and parameter count (an independent reading of docs/ir.md, so engines need nothing
// else). docs/ir.md's field tables must list exactly the keys the IR has, and its example must
// be what the compiler produces.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { analyzeDocument, type Analysis } from '../server/src/language/index';
import { chooseModel, compileModel, irJson, IRError, shapeOf, type IR, type IRNode } from '../runtime/src/ir';

const ROOT = path.resolve(__dirname, '..');
const FIXTURE = 'test/fixtures/ir/ops.nn';
const FILES = [...readdirSync(path.join(ROOT, 'examples')).filter((f) => f.endsWith('.nn')).map((f) => `examples/${f}`), FIXTURE];
const display = (uri: string): string => path.relative(ROOT, uri);

function analyzeFile(file: string): Analysis {
  const uri = path.join(ROOT, file);
  return analyzeDocument(readFileSync(uri, 'utf8'), { uri, load: (u) => readFileSync(u, 'utf8') });
}

function analyzeText(text: string): Analysis {
  return analyzeDocument(text, { uri: '/virtual/t.nn' });
}

function compileAll(file: string): IR[] {
  const analysis = analyzeFile(file);
  return analysis.models.map((m) => compileModel(analysis, m.name, analysis.trains.find((t) => t.config.model === m.name), { display }));
}

/** The last node of a one-model text. */
function lastNode(body: string, input: string): IRNode {
  const analysis = analyzeText(`model T {\n  input ${input}\n  ${body}\n}\n`);
  const ir = compileModel(analysis, 'T');
  return ir.nodes[ir.nodes.length - 1]!;
}

// ── an independent reading of docs/ir.md ───────────────────────────────────────

const product = (xs: number[]): number => xs.reduce((a, b) => a * b, 1);

/** Output sizes per axis of a window with per-side padding. */
function slide(input: number[], kernel: number[], stride: number[], dilation: number[], padding: number[], ceil = false): number[] {
  return input.map((i, a) => {
    const kEff = dilation[a]! * (kernel[a]! - 1) + 1;
    const span = i + padding[2 * a]! + padding[2 * a + 1]! - kEff;
    let o = (ceil ? Math.ceil(span / stride[a]!) : Math.floor(span / stride[a]!)) + 1;
    if (ceil && (o - 1) * stride[a]! >= i + padding[2 * a]!) o--;
    return o;
  });
}

function expectedOutput(ir: IR, node: IRNode): number[] {
  const input = shapeOf(ir, node.inputs[0]!);
  const [c, ...spatial] = input as [number, ...number[]];
  switch (node.op) {
    case 'conv':
      return [node.attrs.filters, ...slide(spatial, node.attrs.kernel, node.attrs.stride, node.attrs.dilation, node.attrs.padding)];
    case 'deconv': {
      const a = node.attrs;
      return [a.filters, ...spatial.map((i, x) => (i - 1) * a.stride[x]! + a.dilation[x]! * (a.kernel[x]! - 1) + 1 - a.padding[2 * x]! - a.padding[2 * x + 1]! + a.output_padding[x]!)];
    }
    case 'maxpool':
    case 'avgpool':
      return [c, ...slide(spatial, node.attrs.kernel, node.attrs.stride, spatial.map(() => 1), node.attrs.padding, node.attrs.ceil)];
    case 'subsample':
      return [c, ...slide(spatial, node.attrs.kernel, node.attrs.stride, spatial.map(() => 1), spatial.flatMap(() => [0, 0]))];
    case 'adaptiveavgpool':
    case 'adaptivemaxpool':
      return [c, ...node.attrs.output_size];
    case 'globalavgpool':
    case 'globalmaxpool':
      return [c];
    case 'flatten':
      return [product(input)];
    case 'reshape':
      expect(product(node.attrs.shape)).toBe(product(input));
      return node.attrs.shape;
    case 'dense':
      return [node.attrs.units];
    case 'upsample':
      return [c, ...spatial.map((i, a) => Math.floor(i * node.attrs.scale[a]!))];
    case 'zeropad':
      return [c, ...spatial.map((i, a) => i + node.attrs.padding[2 * a]! + node.attrs.padding[2 * a + 1]!)];
    case 'merge': {
      const shapes = node.inputs.map((id) => shapeOf(ir, id));
      return node.attrs.mode === 'concat' ? [shapes.reduce((sum, s) => sum + s[0]!, 0), ...spatial] : input;
    }
    default:
      return input;
  }
}

function expectedParams(ir: IR, node: IRNode): { params: number; nonTrainable: number } {
  const input = shapeOf(ir, node.inputs[0]!);
  const cin = input[0]!;
  switch (node.op) {
    case 'conv': {
      const a = node.attrs;
      const weights = a.connections ? a.connections.reduce((s, row) => s + row.length, 0) * product(a.kernel) : (cin / a.groups) * product(a.kernel) * a.filters;
      return { params: weights + (a.bias ? a.filters : 0), nonTrainable: 0 };
    }
    case 'deconv':
      return { params: cin * (node.attrs.filters / node.attrs.groups) * product(node.attrs.kernel) + (node.attrs.bias ? node.attrs.filters : 0), nonTrainable: 0 };
    case 'dense':
      return { params: cin * node.attrs.units + (node.attrs.bias ? node.attrs.units : 0), nonTrainable: 0 };
    case 'subsample':
      return { params: 2 * cin, nonTrainable: 0 };
    case 'batchnorm':
      return { params: node.attrs.affine ? 2 * cin : 0, nonTrainable: 2 * cin };
    default:
      return { params: 0, nonTrainable: 0 };
  }
}

// ── the IR against the analysis ────────────────────────────────────────────────

describe('compileModel against the analysis', () => {
  for (const file of FILES) {
    it(`compiles every model of ${file} with the analyzer's shapes and parameters`, () => {
      const analysis = analyzeFile(file);
      expect(analysis.models.length).toBeGreaterThan(0);
      for (const model of analysis.models) {
        const ir = compileModel(analysis, model.name, undefined, { display });
        expect(ir.version).toBe(1);
        expect(ir.model).toBe(model.name);
        expect(ir.source).toBe(file);
        expect(ir.input).toEqual(model.input);
        expect(ir.output).toEqual(model.output);
        expect(ir.params).toEqual(model.params);
        expect(ir.nodes).toHaveLength(model.layers.length);
        ir.nodes.forEach((node, i) => {
          const layer = model.layers[i]!;
          expect(node.id, layer.path).toBe(i);
          expect(node.path).toBe(layer.path);
          expect(node.inputs).toEqual(layer.inputs);
          expect(node.inputs.every((id) => id >= -1 && id < i), `${node.path} reads only earlier nodes`).toBe(true);
          expect(node.output, node.path).toEqual(layer.output);
          expect({ params: node.params, nonTrainable: node.nonTrainable }, node.path).toEqual({ params: layer.params, nonTrainable: layer.nonTrainable });
          expect(node.op === 'merge' ? node.attrs.mode : node.op).toBe(layer.op);
        });
        expect(ir.nodes.reduce((s, n) => s + n.params, 0)).toBe(ir.params.trainable);
        expect(JSON.parse(JSON.stringify(ir)), 'the IR is plain JSON').toEqual(ir);
        expect(JSON.parse(irJson(ir)), 'irJson prints the same JSON').toEqual(ir);
      }
    });

    it(`derives every shape and parameter count of ${file} from the normalised attributes alone`, () => {
      for (const ir of compileAll(file)) {
        for (const node of ir.nodes) {
          expect(expectedOutput(ir, node), `${ir.model} ${node.path} (${node.op}) output`).toEqual(node.output);
          expect(expectedParams(ir, node), `${ir.model} ${node.path} (${node.op}) parameters`).toEqual({ params: node.params, nonTrainable: node.nonTrainable });
        }
        const last = ir.nodes[ir.nodes.length - 1];
        expect(last ? last.output : ir.input).toEqual(ir.output);
      }
    });
  }

  it('covers every layer of the language and every merge mode in the fixture', async () => {
    const { LAYERS } = await import('../server/src/language/index');
    const ops = new Set(compileAll(FIXTURE).flatMap((ir) => ir.nodes.map((n) => (n.op === 'merge' ? `merge:${n.attrs.mode}` : n.op))));
    for (const op of Object.keys(LAYERS)) expect(ops, op).toContain(op);
    for (const mode of ['concat', 'add', 'mul', 'max', 'avg']) expect(ops).toContain(`merge:${mode}`);
  });

  it('points each node back to its line and statement', () => {
    const [lenet] = compileAll('examples/lenet5.nn');
    const c3 = lenet!.nodes.find((n) => n.label === 'C3')!;
    expect(c3).toMatchObject({ line: 23, text: 'C3: conv 16 kernel=5 connections=C3_TABLE activation=tanh', path: 'C3' });
    const resnet = compileAll('examples/resnet.nn')[0]!;
    const add = resnet.nodes.find((n) => n.path === 'layer1.Basic.residual.add')!;
    expect(add).toMatchObject({ op: 'merge', attrs: { mode: 'add' }, text: 'residual {' });
    const conv = resnet.nodes[add.inputs[0]! - 4]!;
    expect(conv.text).toBe('conv ch kernel=3 stride=stride padding=1 bias=false');
  });
});

// ── normalisation ──────────────────────────────────────────────────────────────

describe('normalised attributes', () => {
  it('resolves padding=same with the extra row and column at the bottom and right', () => {
    expect(lastNode('conv 8 kernel=3 stride=2 padding=same', '3x224x224')).toMatchObject({ output: [8, 112, 112], attrs: { padding: [0, 1, 0, 1] } });
    expect(lastNode('conv 8 kernel=3 stride=2 padding=same', '1x7x7')).toMatchObject({ output: [8, 4, 4], attrs: { padding: [1, 1, 1, 1] } });
    expect(lastNode('conv 8 kernel=4 stride=2 padding=same', '1x7x7')).toMatchObject({ output: [8, 4, 4], attrs: { padding: [1, 2, 1, 2] } });
    expect(lastNode('conv 8 kernel=7 stride=2 padding=same', '3x224x224')).toMatchObject({ output: [8, 112, 112], attrs: { padding: [2, 3, 2, 3] } });
    expect(lastNode('conv 8 kernel=1x3 stride=2 padding=same', '3x22x22')).toMatchObject({ output: [8, 11, 11], attrs: { padding: [0, 0, 0, 1] } });
    expect(lastNode('conv 8 kernel=5 stride=2 padding=same', '1x50')).toMatchObject({ output: [8, 25], attrs: { padding: [1, 2] } });
    expect(lastNode('conv 8 kernel=3 padding=valid', '1x9x9').attrs).toMatchObject({ padding: [0, 0, 0, 0] });
    expect(lastNode('conv 8 kernel=3 padding=2x1', '1x9x9').attrs).toMatchObject({ padding: [2, 2, 1, 1] });
  });

  it('fills in conv defaults and leaves a missing activation out', () => {
    const node = lastNode('conv 8 kernel=3 activation=none', '3x9x9');
    expect(node).toMatchObject({ op: 'conv', attrs: { filters: 8, kernel: [3, 3], stride: [1, 1], dilation: [1, 1], padding: [0, 0, 0, 0], groups: 1, bias: true } });
    expect(node.attrs).not.toHaveProperty('activation');
    expect(node.attrs).not.toHaveProperty('connections');
  });

  it('gives pools their window as stride, and no ceil with same', () => {
    expect(lastNode('maxpool 3', '4x9x9').attrs).toEqual({ kernel: [3, 3], stride: [3, 3], padding: [0, 0, 0, 0], ceil: false });
    expect(lastNode('avgpool 2 stride=2 padding=same ceil=true', '4x7x7').attrs).toEqual({ kernel: [2, 2], stride: [2, 2], padding: [0, 1, 0, 1], ceil: false, count_pad: true });
    expect(lastNode('maxpool 3 stride=2 ceil=true', '4x112x112')).toMatchObject({ output: [4, 56, 56], attrs: { ceil: true } });
  });

  it('resolves a transposed conv with padding=same into crops and output_padding', () => {
    expect(lastNode('deconv 4 kernel=3 stride=2 padding=same', '2x8x8')).toMatchObject({ output: [4, 16, 16], attrs: { padding: [0, 1, 0, 1], output_padding: [0, 0] } });
    expect(lastNode('deconv 4 kernel=4 stride=2 padding=same', '2x8x8')).toMatchObject({ output: [4, 16, 16], attrs: { padding: [1, 1, 1, 1], output_padding: [0, 0] } });
    expect(lastNode('deconv 4 kernel=2 stride=3 padding=same', '2x8x8')).toMatchObject({ output: [4, 24, 24], attrs: { padding: [0, 0, 0, 0], output_padding: [1, 1] } });
    expect(lastNode('deconv 16 kernel=3 stride=2 padding=1 output_padding=1', '32x7x7')).toMatchObject({ output: [16, 14, 14], attrs: { padding: [1, 1, 1, 1], output_padding: [1, 1] } });
  });

  it("keeps lrn's alpha as the paper's per-element α", () => {
    expect(lastNode('lrn 5 alpha=0.0001 beta=0.75 k=2', '96x55x55').attrs).toEqual({ size: 5, alpha: 0.0001, beta: 0.75, k: 2 });
    expect(lastNode('lrn', '96x55x55').attrs).toEqual({ size: 5, alpha: 0.0001, beta: 0.75, k: 2 });
  });

  it('normalises the other layers', () => {
    expect(lastNode('upsample 2x3 mode=bilinear', '4x5x5').attrs).toEqual({ scale: [2, 3], mode: 'bilinear' });
    expect(lastNode('upsample 1.5', '4x4x4').attrs).toEqual({ scale: [1.5, 1.5], mode: 'nearest' });
    expect(lastNode('zeropad 1x2', '4x5x5').attrs).toEqual({ padding: [1, 1, 2, 2] });
    expect(lastNode('reshape [16, -1]', '4x4x4').attrs).toEqual({ shape: [16, 4] });
    expect(lastNode('adaptiveavgpool 6', '4x13x13').attrs).toEqual({ output_size: [6, 6] });
    expect(lastNode('subsample 2', '6x28x28').attrs).toEqual({ kernel: [2, 2], stride: [2, 2] });
    expect(lastNode('dropout', '10').attrs).toEqual({ rate: 0.5 });
    expect(lastNode('batchnorm eps=0.001', '8x4x4').attrs).toEqual({ eps: 0.001, momentum: 0.1, affine: true });
    expect(lastNode('leakyrelu', '10').attrs).toEqual({ alpha: 0.01 });
    expect(lastNode('elu 0.5', '10').attrs).toEqual({ alpha: 0.5 });
    expect(lastNode('relu', '10').attrs).toEqual({});
    expect(lastNode('dense 4 bias=false activation=relu', '10').attrs).toEqual({ units: 4, bias: false, activation: 'relu' });
    expect(lastNode('parallel { branch { } branch { relu } }', '3x4x4')).toMatchObject({ op: 'merge', attrs: { mode: 'concat' }, output: [6, 4, 4], inputs: [-1, 0] });
  });
});

// ── refusals and choices ───────────────────────────────────────────────────────

describe('what compileModel refuses, and which model the CLI picks', () => {
  it('refuses a model with errors, showing them', () => {
    const analysis = analyzeText('model Bad {\n  input 3x32x32\n  conv 16 kernel=3\n  dense 10\n}\nmodel Good {\n  input 10\n  dense 2\n}\n');
    expect(() => compileModel(analysis, 'Bad')).toThrow(IRError);
    expect(() => compileModel(analysis, 'Bad')).toThrow(/cannot compile model Bad: it has 1 error\n.*t\.nn:4:3: NN302/);
    expect(compileModel(analysis, 'Good').nodes).toHaveLength(1);
  });

  it('refuses an error inside a block the model uses', () => {
    const analysis = analyzeText('block B(ch) {\n  conv ch kernel=3 stride=0\n}\nmodel M {\n  input 3x8x8\n  B 4\n}\n');
    expect(() => compileModel(analysis, 'M')).toThrow(/cannot compile model M/);
  });

  it('refuses a model when a syntax error in its file may have moved statements out of it', () => {
    const analysis = analyzeText('model M {\n  input 3x8x8\n  train: conv 4 kernel=1\n}\n');
    expect(analysis.models[0]!.complete).toBe(true);
    expect(() => compileModel(analysis, 'M')).toThrow(/cannot compile model M: it has \d+ errors\n.*NN103/);
  });

  it('names the file of a layer from an imported block', () => {
    const files: Record<string, string> = { '/virtual/blocks.nn': 'block CB(ch) {\n  conv ch kernel=3 padding=same activation=relu\n}\n' };
    const analysis = analyzeDocument('import "blocks.nn"\nmodel M {\n  input 3x8x8\n  stem: CB 4\n}\n', { uri: '/virtual/m.nn', load: (uri) => files[uri] });
    const ir = compileModel(analysis, 'M', undefined, { display: (uri) => path.basename(uri) });
    expect(ir.source).toBe('m.nn');
    expect(ir.nodes[0]).toMatchObject({ path: 'stem.conv', file: 'blocks.nn', line: 2, text: 'conv ch kernel=3 padding=same activation=relu', attrs: { padding: [1, 1, 1, 1] } });
  });

  it('refuses an unknown model, naming the ones there are', () => {
    const analysis = analyzeFile('examples/resnet.nn');
    expect(() => compileModel(analysis, 'ResNet101')).toThrow(/no model 'ResNet101'; the file has ResNet18, ResNet34, ResNet50/);
  });

  it('compiles the instance a train block asks for, and refuses it where that instance does not fit the data', () => {
    const text = (arg: number, classes: number): string => `model M(classes = 10) {\n  input 8\n  dense classes\n}\ntrain M(classes=${arg}) {\n  data synthetic samples=10 classes=${classes}\n}\n`;
    const other = analyzeText(text(5, 5));
    expect(compileModel(other, 'M', other.trains[0]).output).toEqual([5]);
    const misfit = analyzeText(text(5, 10));
    expect(() => compileModel(misfit, 'M', misfit.trains[0])).toThrow(/NN502: model M ends in 5 units/);
    const same = analyzeText(text(10, 10));
    expect(compileModel(same, 'M', same.trains[0]).output).toEqual([10]);
  });

  it('takes a parameter without a default from the train block', () => {
    const analysis = analyzeText('model M(classes) {\n  input 8\n  dense classes\n}\ntrain M(classes=3) {\n  data synthetic samples=10 classes=3\n}\n');
    expect(compileModel(analysis, 'M', analysis.trains[0]).output).toEqual([3]);
  });

  it('picks --model, else the first train block, else the first model', () => {
    const lenet = analyzeFile('examples/lenet5.nn');
    expect(chooseModel(lenet).model).toBe('LeNet5');
    expect(chooseModel(lenet, 'LeNet5Modern')).toMatchObject({ model: 'LeNet5Modern', train: lenet.trains[1] });
    const resnet = analyzeFile('examples/resnet.nn');
    expect(chooseModel(resnet)).toEqual({ model: 'ResNet18', train: undefined });
    const trained = analyzeText('model A {\n  input 4\n  dense 2\n}\nmodel B {\n  input 4\n  dense 3\n}\ntrain B {\n  data synthetic samples=10 classes=3\n}\n');
    expect(chooseModel(trained).model).toBe('B');
    expect(() => chooseModel(analyzeText('let X = 1\n'))).toThrow(/declares no model/);
  });

  it('resolves the train settings with their defaults', () => {
    const ir = compileAll(FIXTURE)[0]!;
    expect(ir.train).toEqual({
      data: { kind: 'synthetic', samples: 100, classes: 5, shape: [3, 22, 22] },
      test: { kind: 'synthetic', samples: 20, classes: 5, shape: [3, 22, 22] },
      validation: { fraction: 0.2 },
      epochs: 2,
      batch: 8,
      seed: 3,
      optimizer: { name: 'sgd', lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 5e-4 },
      schedule: { name: 'step', options: { every: 1, gamma: 0.5 } },
      loss: 'crossentropy',
      augment: [
        { name: 'hflip', options: {} },
        { name: 'crop', options: { pad: 2 } },
      ],
      earlyStop: { patience: 2, monitor: 'val_accuracy' },
      engine: 'torch',
      device: 'cpu',
      precision: 'fp32',
    });
    const plain = analyzeText('model M {\n  input 4\n  dense 2\n}\ntrain M {\n}\n');
    expect(compileModel(plain, 'M', plain.trains[0]).train).toMatchObject({ data: null, test: null, validation: null, epochs: 10, batch: 32, seed: 0, optimizer: { name: 'adam', lr: 0.001 }, earlyStop: null });
  });
});

// ── docs/ir.md ─────────────────────────────────────────────────────────────────

const DOC = readFileSync(path.join(ROOT, 'docs/ir.md'), 'utf8');

interface Row {
  name: string;
  optional: boolean;
}

/** The field rows under each heading: heading → rows (dotted names for nested keys). */
function fieldTables(markdown: string): Map<string, Row[]> {
  const tables = new Map<string, Row[]>();
  let heading = '';
  for (const line of markdown.split('\n')) {
    const title = /^#+\s+(.*)$/.exec(line);
    if (title) {
      heading = title[1]!.trim();
      if (!tables.has(heading)) tables.set(heading, []);
      continue;
    }
    const row = /^\|\s*`([A-Za-z_][A-Za-z0-9_.]*)`\s*\|([^|]*)\|/.exec(line);
    if (row) tables.get(heading)!.push({ name: row[1]!, optional: /optional/.test(row[2]!) });
  }
  return tables;
}

const TABLES = fieldTables(DOC);

/** The attribute tables, by op: headings under "## Attributes" list their ops in backticks. */
function attrTables(): Map<string, Row[]> {
  const out = new Map<string, Row[]>();
  const section = DOC.slice(DOC.indexOf('\n## Attributes'), DOC.indexOf('\n## Example'));
  for (const [heading, rows] of fieldTables(section)) {
    for (const match of heading.matchAll(/`([a-z0-9]+)`/g)) out.set(match[1]!, rows);
  }
  return out;
}

function rowsOf(section: string): Row[] {
  const rows = TABLES.get(section);
  if (!rows || rows.length === 0) throw new Error(`docs/ir.md has no field table under the heading "${section}"`);
  return rows;
}

/** Keys at `prefix` against the rows: every present key documented, every required one present. */
function expectDocumented(value: unknown, rows: Row[], where: string, prefix = ''): void {
  expect(value, `${where} is an object`).toBeTypeOf('object');
  expect(value).not.toBeNull();
  const start = prefix ? `${prefix}.` : '';
  const level = rows.filter((r) => r.name.startsWith(start) && !r.name.slice(start.length).includes('.'));
  const keys = Object.keys(value as object).sort();
  const documented = level.map((r) => r.name.slice(start.length));
  expect(keys.filter((k) => !documented.includes(k)), `keys of ${where}${prefix ? ` ${prefix}` : ''} missing from docs/ir.md`).toEqual([]);
  const required = level.filter((r) => !r.optional).map((r) => r.name.slice(start.length));
  expect(required.filter((k) => !keys.includes(k)), `documented keys absent from ${where}${prefix ? ` ${prefix}` : ''}`).toEqual([]);
  for (const key of documented) {
    const nested = `${start}${key}`;
    const child = (value as Record<string, unknown>)[key];
    if (child !== null && child !== undefined && rows.some((r) => r.name.startsWith(`${nested}.`))) expectDocumented(child, rows, where, nested);
  }
}

describe('docs/ir.md documents the IR', () => {
  const irs = FILES.flatMap(compileAll);
  const attrs = attrTables();

  it('has a table for the top level, nodes, train settings and data sources', () => {
    for (const section of ['Top level', 'Node', 'Train', 'DataSource']) expect(rowsOf(section).length, section).toBeGreaterThan(0);
  });

  it('lists exactly the keys of every IR, node and train section', () => {
    let trains = 0;
    for (const ir of irs) {
      expectDocumented(ir, rowsOf('Top level'), `${ir.model}`);
      for (const node of ir.nodes) expectDocumented(node, rowsOf('Node'), `${ir.model} ${node.path}`);
      if (!ir.train) continue;
      trains++;
      expectDocumented(ir.train, rowsOf('Train'), `train ${ir.model}`);
      for (const source of [ir.train.data, ir.train.test]) if (source) expectDocumented(source, rowsOf('DataSource'), `train ${ir.model} data`);
    }
    expect(trains).toBeGreaterThan(1);
  });

  it('lists exactly the attributes of every op', async () => {
    const { LAYERS } = await import('../server/src/language/index');
    for (const op of [...Object.keys(LAYERS), 'merge']) expect(attrs.has(op), `docs/ir.md documents the attributes of ${op}`).toBe(true);
    for (const ir of irs) {
      for (const node of ir.nodes) {
        const rows = attrs.get(node.op)!;
        if (rows.length === 0) expect(node.attrs, `${node.op} has no attributes`).toEqual({});
        else expectDocumented(node.attrs, rows, `${ir.model} ${node.path} (${node.op}) attrs`);
      }
    }
  });

  it('shows what the compiler produces for examples/lenet5.nn in its example', () => {
    const block = /^## Example\n[\s\S]*?```json\n([\s\S]*?)```/m.exec(DOC);
    expect(block, 'docs/ir.md has a json block under "## Example"').not.toBeNull();
    const example = JSON.parse(block![1]!) as IR;
    const analysis = analyzeFile('examples/lenet5.nn');
    const choice = chooseModel(analysis);
    const real = compileModel(analysis, choice.model, choice.train, { display });
    const { nodes: exampleNodes, ...exampleTop } = example;
    const { nodes: realNodes, ...realTop } = real;
    expect(exampleTop).toEqual(realTop);
    let last = -1;
    for (const node of exampleNodes) {
      expect(node, `node ${node.id} of the example`).toEqual(realNodes[node.id]);
      expect(node.id).toBeGreaterThan(last);
      last = node.id;
    }
  });
});

describe('a train block that passes parameters', () => {
  it('is judged and compiled as its own instance, not the defaults', () => {
    const text = `model Net(classes = 10, width = 8) {
  input 1x8x8
  conv width kernel=3 padding=1 activation=relu
  flatten
  dense classes
}
train Net(classes = 3, width = 4) {
  data synthetic samples=60 classes=3
  validation 0.2
  epochs 1
  batch 8
}
`;
    const analysis = analyzeDocument(text);
    // The defaults would end in 10 units against 3 classes (NN502); the instance ends in 3.
    expect(analysis.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const { model, train } = chooseModel(analysis);
    const ir = compileModel(analysis, model, train);
    // conv 1→4, 3×3: 4·9 + 4 = 40; dense 4·8·8 → 3: 256·3 + 3 = 771.
    expect(ir.params.trainable).toBe(811);
    expect(ir.output).toEqual([3]);
    expect(ir.nodes.map((n) => n.output)).toEqual([[4, 8, 8], [256], [3]]);
    // The model as written (its lens and summary) keeps the defaults: 8·9 + 8 + 512·10 + 10.
    expect(analysis.models[0]!.params.trainable).toBe(5210);
  });
});
