// Holds docs/json.md to the JSON that `netlens summary --json` really prints: the field tables
// of the page are parsed, and every object of the CLI's output must have exactly those keys.
// The documented example must also be what the CLI prints for examples/lenet5.nn.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
const DOC = readFileSync(path.join(ROOT, 'docs/json.md'), 'utf8');

type Json = Record<string, unknown>;

function summaryJson(...args: string[]): Json {
  const out = execFileSync(process.execPath, ['dist/netlens.js', 'summary', ...args, '--json'], { cwd: ROOT, encoding: 'utf8' });
  return JSON.parse(out) as Json;
}

/** The field names in the first column of each heading's tables: heading → names (dotted for nested keys). */
function fieldTables(markdown: string): Map<string, string[]> {
  const tables = new Map<string, string[]>();
  let heading = '';
  for (const line of markdown.split('\n')) {
    const title = /^#+\s+(.*)$/.exec(line);
    if (title) {
      heading = title[1]!.trim();
      continue;
    }
    const row = /^\|\s*`([A-Za-z][A-Za-z0-9.]*)`\s*\|/.exec(line);
    if (row) tables.set(heading, [...(tables.get(heading) ?? []), row[1]!]);
  }
  return tables;
}

const TABLES = fieldTables(DOC);

function documented(section: string): string[] {
  const names = TABLES.get(section);
  if (!names || names.length === 0) throw new Error(`docs/json.md has no field table under the heading "${section}"`);
  return names;
}

/** The keys a documented object has at `prefix` ('' for its own top level). */
function keysAt(section: string, prefix = ''): string[] {
  const start = prefix ? `${prefix}.` : '';
  return documented(section)
    .filter((name) => name.startsWith(start) && !name.slice(start.length).includes('.'))
    .map((name) => name.slice(start.length))
    .sort();
}

function keysOf(value: unknown): string[] {
  expect(value, 'expected an object').toBeTypeOf('object');
  expect(value).not.toBeNull();
  return Object.keys(value as Json).sort();
}

/** An object against its section, nested objects (dotted names) included. */
function expectDocumented(value: unknown, section: string, prefix = ''): void {
  const where = `${section}${prefix ? ` ${prefix}` : ''}`;
  expect(keysOf(value), `keys of ${where} versus docs/json.md`).toEqual(keysAt(section, prefix));
  for (const key of keysAt(section, prefix)) {
    const nested = prefix ? `${prefix}.${key}` : key;
    if (keysAt(section, nested).length > 0) expectDocumented((value as Json)[key], section, nested);
  }
}

function expectReceptiveField(value: unknown): void {
  if (value !== null) expectDocumented(value, 'Receptive field');
}

describe('docs/json.md documents the JSON of netlens summary', () => {
  it('has field tables for every object', () => {
    for (const section of ['Top level', 'Model', 'Receptive field', 'Training memory', 'Layer', 'Diagnostic']) {
      expect(documented(section).length, section).toBeGreaterThan(0);
    }
  });

  it('lists exactly the top-level, model and layer keys of examples/resnet.nn', () => {
    const json = summaryJson('examples/resnet.nn');
    expectDocumented(json, 'Top level');
    expect(json.version).toBe(1);
    const models = json.models as Json[];
    expect(models.length).toBeGreaterThan(0);
    let fields = 0;
    for (const model of models) {
      expectDocumented(model, 'Model');
      expectReceptiveField(model.receptiveField);
      const training = (model.memory as Json).training;
      if (training !== null) expectDocumented(training, 'Training memory');
      const layers = model.layers as Json[];
      expect(layers.length).toBeGreaterThan(0);
      for (const layer of layers) {
        expectDocumented(layer, 'Layer');
        expectReceptiveField(layer.receptiveField);
        if (layer.receptiveField !== null) fields++;
      }
    }
    expect(fields, 'some layers carry a receptive field').toBeGreaterThan(0);
    for (const diagnostic of json.diagnostics as Json[]) expectDocumented(diagnostic, 'Diagnostic');
  });

  it('lists exactly the keys of a diagnostic', () => {
    // examples/resnet.nn has no diagnostics, so a small file with a shape error supplies one.
    const dir = mkdtempSync(path.join(tmpdir(), 'netlens-json-'));
    try {
      const file = path.join(dir, 'bad.nn');
      writeFileSync(file, 'model Bad {\n  input 3x32x32\n  conv 16 kernel=3\n  dense 10\n}\n');
      const json = summaryJson(file);
      expectDocumented(json, 'Top level');
      const diagnostics = json.diagnostics as Json[];
      expect(diagnostics.map((d) => d.code)).toEqual(['NN302']);
      expectDocumented(diagnostics[0], 'Diagnostic');
      expect(diagnostics[0]).toMatchObject({ severity: 'error', line: 4, column: 3, endLine: 4, endColumn: 8 });
      const model = (json.models as Json[])[0]!;
      expectDocumented(model, 'Model');
      expect(model).toMatchObject({ complete: false, output: null });
      for (const layer of model.layers as Json[]) expectDocumented(layer, 'Layer');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('lists exactly the keys of the training memory', () => {
    const json = summaryJson('examples/lenet5.nn');
    for (const model of json.models as Json[]) expectDocumented((model.memory as Json).training, 'Training memory');
  });

  it('lists exactly the keys of the risk verdict', () => {
    const json = summaryJson('examples/lenet5.nn');
    for (const model of json.models as Json[]) expectDocumented(model.risks, 'Risks');
  });

  it('shows what the CLI prints for examples/lenet5.nn in its example', () => {
    const block = /^## Example\n[\s\S]*?```json\n([\s\S]*?)```/m.exec(DOC);
    expect(block, 'docs/json.md has a json block under "## Example"').not.toBeNull();
    const example = JSON.parse(block![1]!) as Json;
    const real = summaryJson('examples/lenet5.nn', '--model', 'LeNet5');
    const { models: exampleModels, ...exampleTop } = example;
    const { models: realModels, ...realTop } = real;
    expect(exampleTop).toEqual(realTop);
    const [exampleModel] = exampleModels as Json[];
    const [realModel] = realModels as Json[];
    const { layers: exampleLayers, ...exampleRest } = exampleModel!;
    const { layers: realLayers, ...realRest } = realModel!;
    expect(exampleRest).toEqual(realRest);
    // The example is shortened: each layer it shows must be the real one, in the real order.
    const byPath = new Map((realLayers as Json[]).map((layer, i) => [layer.path, { layer, i }]));
    let last = -1;
    for (const layer of exampleLayers as Json[]) {
      const real = byPath.get(layer.path);
      expect(real, `layer ${String(layer.path)} of the example`).toBeDefined();
      expect(layer).toEqual(real!.layer);
      expect(real!.i).toBeGreaterThan(last);
      last = real!.i;
    }
  });
});
