// The entry point of the core: text in, Analysis out. Parse the file and its imports, check
// block cycles, elaborate every model and check every train block. Pure: imports are read
// through the `load` callback the caller supplies, so the core itself never touches the disk.
import type { LayerStmt, ModelDecl, SourceFile, Stmt } from './ast';
import { adviseModel } from './advice';
import { eachStatement } from './walk';
import { judgeTrain, type DataFactsReader } from './risks';
import { judgeObserved, type ObservedReader } from './observed';
import { Reporter, type Diagnostic } from './diagnostics';
import { checkUnusedBlock, elaborateModel, type ModelResult } from './elaborate';
import { LAYERS } from './layers';
import { parse } from './parser';
import { createFileScope, findBlock, lookupFile, type FileScope } from './scope';
import { LineIndex } from './text';
import { checkTrain, type TrainResult } from './train';
import type { Value } from './values';

export interface AnalyzeOptions {
  /** The document's identity (a path or URI); imports resolve relative to it. */
  uri?: string;
  /** Returns the text of an imported file, or undefined if it cannot be read. */
  load?: (uri: string) => string | undefined;
  /** Facts about file-backed data sources (idx, folder, csv); mnist and synthetic need none. */
  dataFacts?: DataFactsReader;
  /** The latest training run of a model (its run directory), for NN6xx and the hover on `train`. */
  observed?: ObservedReader;
  /** The largest document analysed (default MAX_CHARS); a larger one gets NN322 and nothing else. */
  maxChars?: number;
}

/** A document too large to analyse at interactive speed: one diagnostic on its first line, no models. */
function tooLarge(text: string, uri: string, limit: number, reporter: Reporter): Analysis {
  const firstLine = text.indexOf('\n');
  const span = { start: 0, end: firstLine < 0 ? Math.min(text.length, 1) : firstLine };
  reporter.report('NN322', span, `this file has ${text.length.toLocaleString('en-US')} characters, over the ${limit.toLocaleString('en-US')} NetLens analyses; split it into files that import each other`);
  const file = { uri, text, decls: [] };
  const lines = new LineIndex(text);
  const scope = createFileScope(file, reporter);
  return { uri, text, file, lines, diagnostics: reporter.diagnostics, models: [], trains: [], files: new Map([[uri, { file, lines, scope }]]) };
}

export interface Analysis {
  uri: string;
  text: string;
  file: SourceFile;
  lines: LineIndex;
  diagnostics: Diagnostic[];
  models: ModelResult[];
  trains: TrainResult[];
  /** Every file read, the document first: for ranges in imported files and for navigation. */
  files: Map<string, { file: SourceFile; lines: LineIndex; scope: FileScope }>;
}

/** Past this many characters a document is not analysed (NN322); editors pass a lower limit. */
export const MAX_CHARS = 4 * 2 ** 20;

export function analyzeDocument(text: string, options: AnalyzeOptions = {}): Analysis {
  const uri = options.uri ?? 'untitled.nn';
  const reporter = new Reporter(uri);
  const files: Analysis['files'] = new Map();
  const limit = options.maxChars ?? MAX_CHARS;
  if (text.length > limit) return tooLarge(text, uri, limit, reporter);
  const root = loadFile(uri, text, reporter, files, options.load);
  checkCycles(root);
  const trains = root.file.decls.flatMap((d) => (d.kind === 'train' ? [checkTrain(d, root)] : []));
  const models: ModelResult[] = [];
  for (const decl of root.file.decls) {
    if (decl.kind !== 'model' || decl.name.missing || root.models.get(decl.name.text) !== decl) continue;
    const model = elaborateModel(decl, root, argsFromTrain(decl, trains));
    adviseModel(model, reporter);
    models.push(model);
  }
  for (const train of trains) {
    const model = instanceFor(train, models, root);
    if (model && model !== models.find((m) => m.name === model.name)) train.instance = model;
    train.verdict = judgeTrain(train, model, reporter, options.dataFacts);
    train.observed = judgeObserved(train, model, uri, reporter, options.observed);
  }
  checkUnused(root);
  const diagnostics = reporter.diagnostics.sort((a, b) => (a.uri === b.uri ? a.span.start - b.span.start : a.uri === uri ? -1 : b.uri === uri ? 1 : a.uri.localeCompare(b.uri)));
  return { uri, text, file: root.file, lines: files.get(uri)!.lines, diagnostics, models, trains, files };
}

/** Blocks no model uses and constants nothing reads still get their names and values checked. */
function checkUnused(root: FileScope): void {
  for (const decl of root.blocks.values()) if (!root.expanded.has(decl)) checkUnusedBlock(decl, root);
  for (const name of root.lets.keys()) lookupFile(root, name);
}

/** A model parameter without a default takes its value from the first train block that gives one. */
/**
 * The model a train block trains: the file's elaboration of it, or, when the block passes a
 * parameter a value other than its default (`train Net(classes = 3)`), that instance elaborated
 * on its own, so the block is judged, summarised and compiled as what it really trains.
 */
function instanceFor(train: TrainResult, models: ModelResult[], root: FileScope): ModelResult | undefined {
  const model = models.find((m) => m.name === train.config.model);
  if (!model || train.config.modelArgs.size === 0) return model;
  const differs = model.decl.params.some((param) => {
    if (!param.default || !train.config.modelArgs.has(param.name.text)) return false;
    const passed = train.config.modelArgs.get(param.name.text);
    return !(param.default.kind === 'number' && passed?.kind === 'number' && passed.value === param.default.value);
  });
  return differs ? elaborateModel(model.decl, root, train.config.modelArgs) : model;
}

function argsFromTrain(decl: ModelDecl, trains: TrainResult[]): Map<string, Value | undefined> {
  const args = new Map<string, Value | undefined>();
  for (const param of decl.params) {
    if (param.default) continue;
    const train = trains.find((t) => t.config.model === decl.name.text && t.config.modelArgs.has(param.name.text));
    if (train) args.set(param.name.text, train.config.modelArgs.get(param.name.text));
  }
  return args;
}

function loadFile(uri: string, text: string, reporter: Reporter, files: Analysis['files'], load: AnalyzeOptions['load']): FileScope {
  const fileReporter = reporter.forFile(uri);
  const file = parse(text, uri, fileReporter);
  const scope = createFileScope(file, fileReporter);
  files.set(uri, { file, lines: new LineIndex(text), scope });
  for (const decl of file.decls) {
    if (decl.kind !== 'import' || !decl.path) continue;
    const target = resolvePath(uri, decl.path);
    const known = files.get(target);
    if (known) {
      scope.imports.push(known.scope);
      continue;
    }
    const imported = load?.(target);
    if (imported === undefined) {
      fileReporter.report('NN212', decl.pathSpan, `cannot read "${decl.path}" (looked for ${target})`);
      continue;
    }
    scope.imports.push(loadFile(target, imported, reporter, files, load));
  }
  return scope;
}

/** Join a relative import to the importing file's directory, POSIX style; URIs keep their scheme. */
export function resolvePath(from: string, relative: string): string {
  if (relative.startsWith('/') || /^[a-z][a-z0-9+.-]*:/i.test(relative)) return relative;
  const base = from.slice(0, from.lastIndexOf('/') + 1);
  const [prefix, path] = splitScheme(base + relative);
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '..' && parts.length > 0 && parts[parts.length - 1] !== '..' && parts[parts.length - 1] !== '') parts.pop();
    else if (part !== '.') parts.push(part);
  }
  return prefix + parts.join('/');
}

function splitScheme(uri: string): [string, string] {
  const match = /^([a-z][a-z0-9+.-]*:\/\/[^/]*)(.*)$/i.exec(uri);
  return match ? [match[1]!, match[2]!] : ['', uri];
}

/** Report each block cycle once, at the call that closes it. */
function checkCycles(root: FileScope): void {
  const state = new Map<ModelDecl, 'active' | 'done'>();
  const path: string[] = [];
  const visit = (decl: ModelDecl, scope: FileScope): void => {
    state.set(decl, 'active');
    path.push(decl.name.text);
    for (const call of calls(decl.body.stmts)) {
      if (LAYERS[call.op.text]) continue;
      const target = findBlock(scope, call.op.text);
      if (!target) continue;
      const mark = state.get(target.decl);
      if (mark === 'active') {
        const cycle = [...path.slice(path.indexOf(target.decl.name.text)), target.decl.name.text];
        scope.reporter.report('NN207', call.op.span, `block cycle: ${cycle.join(' → ')}; a block cannot use itself, directly or through others`);
      } else if (!mark) visit(target.decl, target.file);
    }
    path.pop();
    state.set(decl, 'done');
  };
  for (const decl of root.file.decls) {
    if ((decl.kind === 'block' || decl.kind === 'model') && !state.has(decl)) visit(decl, root);
  }
}

function calls(stmts: Stmt[]): LayerStmt[] {
  const out: LayerStmt[] = [];
  eachStatement(stmts, (stmt) => {
    if (stmt.kind === 'layer') out.push(stmt);
  });
  return out;
}
