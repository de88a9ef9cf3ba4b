// Quick fixes, keyed on a diagnostic's code and the data the core attached to it; never on the
// message text. Each returns plain text edits, so a test can apply one and re-analyse.
import { CodeActionKind, type CodeAction, type Diagnostic as LspDiagnostic, type Range, type TextEdit } from 'vscode-languageserver';
import { didYouMean } from '../language/diagnostics';
import { eachStatement } from '../language/walk';
import type { Stmt } from '../language/ast';
import type { Analysis, Span } from '../language/index';

type Data = Record<string, unknown>;

export function provideCodeActions(analysis: Analysis, uri: string, diagnostics: LspDiagnostic[]): CodeAction[] {
  if (uri !== analysis.uri) return [];
  const actions: CodeAction[] = [];
  for (const diagnostic of diagnostics) {
    if (diagnostic.source !== 'netlens' || typeof diagnostic.code !== 'string') continue;
    const data = (diagnostic.data ?? {}) as Data;
    for (const fix of fixesFor(analysis, diagnostic.code, diagnostic.range, data)) {
      actions.push({ title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], isPreferred: fix.preferred ?? false, edit: { changes: { [uri]: fix.edits } } });
    }
  }
  return actions;
}

interface Fix {
  title: string;
  edits: TextEdit[];
  preferred?: boolean;
}

function fixesFor(analysis: Analysis, code: string, range: Range, data: Data): Fix[] {
  switch (code) {
    case 'NN201':
    case 'NN202':
    case 'NN215':
      return rename(analysis, range, data);
    case 'NN302':
      return [{ title: 'Insert flatten before this layer', edits: [insertLineBefore(analysis, range, 'flatten')], preferred: true }];
    case 'NN303':
      return projectionShortcut(analysis, range, data);
    case 'NN401':
      return globalPooling(analysis, data);
    case 'NN402':
      return stackedKernels(analysis, range, data);
    case 'NN403':
      return [{ title: `Insert a 1×1 bottleneck to ${String(data.width)} channels`, edits: [insertLineBefore(analysis, range, `conv ${String(data.width)} kernel=1 activation=relu`)] }];
    case 'NN501':
      return inputFromData(range, data);
    case 'NN503':
    case 'NN509':
      return typeof data.fix === 'string' ? [{ title: `Use ${data.fix}`, edits: [{ range, newText: data.fix }], preferred: true }] : [];
    case 'NN504':
      return [...trainLines(analysis, data, ['early_stop patience=5', 'augment hflip'], 'Add early stopping and augmentation'), ...weightDecay(analysis, data), ...dropoutBeforeClassifier(analysis, data)];
    case 'NN505':
      return data.risk === 'overfitting' ? trainLines(analysis, data, ['early_stop patience=5'], 'Add early stopping') : [];
    case 'NN510':
      return trainLines(analysis, data, ['validation 0.1'], 'Hold out 10% for validation');
    case 'NN601':
      return [...bestEpochs(range, data), ...trainLines(analysis, data, ['early_stop patience=3'], 'Add early stopping (patience 3)'), ...dropoutBeforeClassifier(analysis, data)];
    case 'NN602':
      return [...learningRate(analysis, data, 10), ...learningRate(analysis, data, 0.1)];
    case 'NN603':
      return learningRate(analysis, data, 0.1, true);
    case 'NN604':
      return [...trainLines(analysis, data, ['schedule cosine'], 'Add a cosine learning-rate schedule'), ...learningRate(analysis, data, 0.1)];
    default:
      return [];
  }
}

// ── helpers over text ─────────────────────────────────────────────────────────

function lineText(analysis: Analysis, line: number): string {
  const start = analysis.lines.offset({ line, character: 0 });
  const end = analysis.text.indexOf('\n', start);
  return analysis.text.slice(start, end < 0 ? undefined : end);
}

function indentOf(analysis: Analysis, line: number): string {
  return /^\s*/.exec(lineText(analysis, line))![0];
}

/** A new line with the same indentation, just above the line of `range`. */
function insertLineBefore(analysis: Analysis, range: Range, text: string): TextEdit {
  const line = range.start.line;
  return { range: { start: { line, character: 0 }, end: { line, character: 0 } }, newText: `${indentOf(analysis, line)}${text}\n` };
}

function rangeOf(analysis: Analysis, span: Span): Range {
  return analysis.lines.range(span);
}

// ── the fixes ─────────────────────────────────────────────────────────────────

function rename(analysis: Analysis, range: Range, data: Data): Fix[] {
  const written = analysis.text.slice(analysis.lines.offset(range.start), analysis.lines.offset(range.end));
  const name = typeof data.name === 'string' ? data.name : written;
  const candidates = Array.isArray(data.candidates) ? (data.candidates as string[]) : [];
  // The same guess the message makes, so the fix and the "did you mean" agree.
  const best = didYouMean(name, candidates);
  return best ? [{ title: `Change to '${best}'`, edits: [{ range, newText: best }], preferred: true }] : [];
}

/** NN303 on a residual without a shortcut: project the input to the body's shape. */
function projectionShortcut(analysis: Analysis, range: Range, data: Data): Fix[] {
  const shapes = data.shapes as number[][] | undefined;
  const offset = analysis.lines.offset(range.start);
  const residual = findResidual(analysis, offset);
  if (!shapes || !residual || residual.shortcut || shapes[0]!.length !== 3 || shapes[1]!.length !== 3) return [];
  const [body, input] = shapes as [number[], number[]];
  const stride = input[1]! / body[1]!;
  if (!Number.isInteger(stride) || stride < 1) return [];
  const conv = `conv ${body[0]} kernel=1${stride > 1 ? ` stride=${stride}` : ''} bias=false`;
  const end = rangeOf(analysis, { start: residual.body.span.end, end: residual.body.span.end });
  return [{ title: `Add a projection shortcut (${conv})`, edits: [{ range: end, newText: ` shortcut { ${conv}; batchnorm }` }], preferred: true }];
}

function findResidual(analysis: Analysis, offset: number): Extract<Stmt, { kind: 'residual' }> | undefined {
  let found: Extract<Stmt, { kind: 'residual' }> | undefined;
  for (const d of analysis.file.decls) {
    if (d.kind !== 'model' && d.kind !== 'block') continue;
    eachStatement(d.body.stmts, (s) => {
      if (s.kind === 'residual' && s.keyword.start === offset) found = s;
    });
  }
  return found;
}

/** NN401: global average pooling in place of the flatten that feeds the dominant dense layer. */
function globalPooling(analysis: Analysis, data: Data): Fix[] {
  const model = analysis.models.find((m) => m.name === data.model);
  const dense = model?.layers.find((l) => l.path === data.path);
  if (!model || !dense || data.gapParams === undefined) return [];
  let source = model.layers[dense.inputs[0] ?? -1];
  while (source && source.op !== 'flatten' && source.inputs.length === 1) source = model.layers[source.inputs[0]!];
  if (!source || source.op !== 'flatten' || source.uri !== analysis.uri) return [];
  return [{ title: `Replace flatten with globalavgpool (${String(data.gapParams)} parameters in the dense layer)`, edits: [{ range: rangeOf(analysis, source.opSpan), newText: 'globalavgpool' }] }];
}

/** NN402: the k×k line becomes (k − 1)/2 stacked 3×3 lines with the same field. */
function stackedKernels(analysis: Analysis, range: Range, data: Data): Fix[] {
  const stacked = Number(data.stacked);
  const line = lineText(analysis, range.start.line);
  const indent = indentOf(analysis, range.start.line);
  const body = line.trim();
  const label = /^(\w+:\s*)/.exec(body)?.[1] ?? '';
  const statement = body.slice(label.length).replace(/#.*$/, '').trim();
  const k = Number(data.kernel);
  const three = statement.replace(new RegExp(`kernel=${k}(x${k})?\\b`), 'kernel=3').replace(/padding=(\d+|same)/, 'padding=1').replace(/stride=\S+/, '');
  if (!/kernel=3/.test(three)) return [];
  const first = three.replace(/^conv\s+\S+/, `conv ${String(data.channels)}`).replace(/\s+/g, ' ').trim();
  const lines = [...Array.from({ length: stacked - 1 }, () => first), three.replace(/\s+/g, ' ').trim()];
  lines[0] = `${label}${lines[0]}`;
  const whole: Range = { start: { line: range.start.line, character: 0 }, end: { line: range.start.line, character: line.length } };
  return [{ title: `Replace with ${stacked} stacked 3×3 convs`, edits: [{ range: whole, newText: lines.map((l) => `${indent}${l}`).join('\n') }] }];
}

/** NN501: pad or resize on the data line, as the message proposes. */
function inputFromData(range: Range, data: Data): Fix[] {
  const at: Range = { start: range.end, end: range.end };
  const fixes: Fix[] = [];
  if (typeof data.pad === 'number') fixes.push({ title: `Pad the samples by ${data.pad} (pad=${data.pad})`, edits: [{ range: at, newText: ` pad=${data.pad}` }], preferred: true });
  const input = data.input as number[] | undefined;
  const sample = data.sample as number[] | undefined;
  if (input?.length === 3 && sample?.length === 3 && input[0] === sample[0]) fixes.push({ title: `Resize the samples to ${input[1]}×${input[2]}`, edits: [{ range: at, newText: ` resize=${input[1]}x${input[2]}` }] });
  return fixes;
}

/** Weight decay on the optimizer line (adamw where the optimizer was adam, as NN509 advises). */
function weightDecay(analysis: Analysis, data: Data): Fix[] {
  const train = analysis.trains.find((t) => t.config.model === data.train);
  if (!train || train.config.optimizer.weightDecay > 0) return [];
  const setting = train.decl.settings.find((s) => s.key.text === 'optimizer');
  if (!setting) return trainLines(analysis, data, ['optimizer adamw lr=1e-3 weight_decay=0.01'], 'Add weight decay (adamw)');
  const word = setting.args.find((a) => !a.name);
  const edits: TextEdit[] = [{ range: rangeOf(analysis, { start: setting.span.end, end: setting.span.end }), newText: ` weight_decay=${train.config.optimizer.name === 'sgd' ? '5e-4' : '0.01'}` }];
  if (word && train.config.optimizer.name === 'adam') edits.push({ range: rangeOf(analysis, word.span), newText: 'adamw' });
  return [{ title: 'Add weight decay to the optimizer', edits }];
}

/** `dropout 0.5` just before the model's last dense layer, as AlexNet did before its classifiers. */
function dropoutBeforeClassifier(analysis: Analysis, data: Data): Fix[] {
  const model = analysis.models.find((m) => m.name === data.train);
  const last = model?.layers[model.layers.length - 1];
  if (!model || !last || last.op !== 'dense' || last.uri !== analysis.uri || model.layers.some((l) => l.op === 'dropout')) return [];
  return [{ title: 'Insert dropout 0.5 before the classifier', edits: [insertLineBefore(analysis, rangeOf(analysis, last.opSpan), 'dropout 0.5')] }];
}

/** NN601 on `epochs`: train only as long as the best epoch of the run that overfitted. */
function bestEpochs(range: Range, data: Data): Fix[] {
  const best = data.bestEpoch;
  if (data.setting !== 'epochs' || typeof best !== 'number' || typeof data.epochs !== 'number' || best >= data.epochs || best < 1) return [];
  return [{ title: `Set epochs to ${best} (the run's best epoch)`, edits: [{ range, newText: String(best) }], preferred: true }];
}

/** The learning rate times `factor`: the `lr=` value replaced, or added to the optimizer line. */
function learningRate(analysis: Analysis, data: Data, factor: number, preferred = false): Fix[] {
  const train = analysis.trains.find((t) => t.config.model === data.train);
  if (!train) return [];
  const lr = Number((train.config.optimizer.lr * factor).toPrecision(6));
  const title = `${factor > 1 ? 'Raise' : 'Lower'} the learning rate ${factor > 1 ? factor : 1 / factor}× to ${lr}`;
  const written = train.config.spans['optimizer.lr'];
  if (written) return [{ title, edits: [{ range: rangeOf(analysis, written), newText: String(lr) }], preferred }];
  const optimizer = train.decl.settings.find((s) => s.key.text === 'optimizer');
  if (optimizer) return [{ title, edits: [{ range: rangeOf(analysis, { start: optimizer.span.end, end: optimizer.span.end }), newText: ` lr=${lr}` }], preferred }];
  return trainLines(analysis, data, [`optimizer ${train.config.optimizer.name} lr=${lr}`], title);
}

/** Lines added at the end of the train block the finding belongs to. */
function trainLines(analysis: Analysis, data: Data, lines: string[], title: string): Fix[] {
  const train = analysis.trains.find((t) => t.config.model === data.train);
  if (!train) return [];
  const close = train.decl.span.end - 1;
  if (analysis.text[close] !== '}') return [];
  const closeLine = analysis.lines.position(close).line;
  const inside = train.decl.settings[0] ? indentOf(analysis, analysis.lines.position(train.decl.settings[0].span.start).line) : '  ';
  const missing = lines.filter((l) => !train.decl.settings.some((s) => s.key.text === l.split(' ')[0]));
  if (missing.length === 0) return [];
  const position = { line: closeLine, character: 0 };
  const sameLine = analysis.lines.position(train.decl.open.start).line === closeLine;
  if (sameLine) return [];
  return [{ title, edits: [{ range: { start: position, end: position }, newText: missing.map((l) => `${inside}${l}\n`).join('') }] }];
}
