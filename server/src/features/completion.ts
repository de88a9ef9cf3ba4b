// Completion: layer and block names, argument names with docs and defaults, enum values, names in
// scope, in. members, training settings, and snippets (residual block, Inception module, train block).
// The context comes from the tokens around the cursor (the line is half typed); scopes and shapes
// come from the analysis of the last complete parse.
import {
  CompletionItemKind,
  InsertTextFormat,
  MarkupKind,
  type CompletionItem,
  type Position,
  type Range,
} from 'vscode-languageserver';
import type { ModelDecl } from '../language/ast';
import { LAYERS, MERGE_MODES, SETTINGS, type Analysis, type ArgSpec, type Shape } from '../language/index';
import { findModel } from '../language/scope';
import { DATA_SOURCES } from '../language/train';
import { describeValue, FUNCTION_NAMES, shapeMember } from '../language/values';
import { cursorContext, enclosingDecl, localNames, type CursorContext } from './cursorContext';
import { blockSignature, currentCall, layerSignature, leadingComment, type CurrentCall } from './signatureHelp';

export function provideCompletion(analysis: Analysis, position: Position): CompletionItem[] {
  const context = cursorContext(analysis, position);
  if (context.inComment || context.inString || context.inLiteral) return [];
  const range: Range = { start: analysis.lines.position(context.wordStart), end: analysis.lines.position(context.offset) };
  const items = complete(analysis, context);
  // Replace the word typed so far; clients filter on it.
  for (const item of items) item.textEdit = { range, newText: item.insertText ?? item.label };
  return items;
}

function complete(analysis: Analysis, context: CursorContext): CompletionItem[] {
  const tokens = context.before;
  const last = tokens[tokens.length - 1];
  // `in.` anywhere in a body: the members of the shape arriving here.
  if (last?.text === '.' && tokens[tokens.length - 2]?.text === 'in') return inMembers(analysis, context);
  if (last?.text === '.') return [];
  // Right after a number, a name or a closing bracket, with no space: the user is still typing it.
  if (!context.spaced && context.word === '' && last && (last.kind === 'number' || last.kind === 'dims' || last.kind === 'string' || last.kind === 'name' || last.text === ')' || last.text === ']')) return [];
  switch (context.container.owner) {
    case 'top':
      return topLevel(analysis, context);
    case 'train':
      return trainSetting(analysis, context);
    case 'parallel':
      return tokens.length === 0 ? [keyword('branch', 'A branch of the parallel: it reads the same input as the others.'), snippet('branch', 'branch {\n\t$0\n}', 'A branch with a body')] : [];
    default:
      return bodyStatement(analysis, context);
  }
}

// ── top level ───────────────────────────────────────────────────────────────────

function topLevel(analysis: Analysis, context: CursorContext): CompletionItem[] {
  const tokens = context.before;
  if (tokens.length === 0) {
    if (!context.spaced) return [];
    return [
      keyword('model', 'A network: `model Name(param = default) { input …; layers }`.'),
      keyword('block', 'A reusable piece used like a layer: `block Name(param, …) { … }`.'),
      keyword('train', 'A training set-up for a model: `train Model { data …; epochs …; optimizer … }`.'),
      keyword('let', 'A constant: `let NAME = expression`.'),
      keyword('import', 'Makes the blocks and constants of another file visible: `import "blocks.nn"`.'),
      snippet('model', 'model ${1:Net}(${2:classes} = ${3:10}) {\n\tinput ${4:3x32x32}\n\t$0\n}', 'A model with an input'),
      snippet('residual block', RESIDUAL_BLOCK, 'A ResNet basic block: two 3×3 convolutions with batch norm, a 1×1 projection shortcut when the stride or the channels change'),
      snippet('inception block', INCEPTION_BLOCK, 'A GoogLeNet Inception module: four branches (1×1, 3×3, 5×5, pooling) concatenated on channels'),
      snippet('train', trainSnippet(analysis), 'A train block with data, epochs, batch, optimizer and loss'),
    ];
  }
  const head = tokens[0]!.text;
  if (head === 'train' && tokens.length === 1) return modelNames(analysis);
  if (head === 'train' && tokens[2]?.text === '(' && !tokens.some((t) => t.text === ')')) return trainArguments(analysis, context);
  if (head === 'let' && tokens.some((t) => t.text === '=')) return valueNames(analysis, context, /*inBody*/ false);
  return [];
}

/** `train Net(|`: the model's parameters, then values after `name=`. */
function trainArguments(analysis: Analysis, context: CursorContext): CompletionItem[] {
  const tokens = context.before;
  const last = tokens[tokens.length - 1]!;
  if (last.text === '=') return valueNames(analysis, context, /*inBody*/ false);
  if (last.text !== '(' && last.text !== ',') return [];
  const scope = analysis.files.get(analysis.uri)?.scope;
  const model = scope ? findModel(scope, tokens[1]!.text) : undefined;
  if (!model) return [];
  const given = new Set(tokens.filter((_, i) => tokens[i + 1]?.text === '=').map((t) => t.text));
  const text = (scope?.models.get(model.name.text) === model ? scope.file : scope?.imports.find((f) => f.models.get(model.name.text) === model)?.file)?.text ?? '';
  return model.params
    .filter((p) => !p.name.missing && !given.has(p.name.text))
    .map((p) => ({
      label: `${p.name.text}=`,
      filterText: p.name.text,
      insertText: `${p.name.text}=`,
      kind: CompletionItemKind.Property,
      detail: p.default ? `${p.name.text}=${text.slice(p.default.span.start, p.default.span.end)}` : `${p.name.text}= (no default: the train block must pass it)`,
    }));
}

function modelNames(analysis: Analysis): CompletionItem[] {
  const scope = analysis.files.get(analysis.uri)?.scope;
  if (!scope) return [];
  const items: CompletionItem[] = [];
  for (const file of [scope, ...scope.imports]) {
    for (const [name, decl] of file.models) {
      items.push({ label: name, kind: CompletionItemKind.Class, detail: `model ${name}${paramList(decl, file.file.text)}`, sortText: `0${name}` });
    }
  }
  return items;
}

// ── model and block bodies ──────────────────────────────────────────────────────

function bodyStatement(analysis: Analysis, context: CursorContext): CompletionItem[] {
  const tokens = context.before;
  let k = 0;
  if (tokens[0]?.kind === 'name' && tokens[1]?.text === ':') k = 2;
  const head = tokens[k];
  if (!head) {
    if (!context.spaced) return [];
    return statementStart(analysis, context, /*labelled*/ k > 0);
  }
  const rest = tokens.length - k - 1;
  switch (head.text) {
    case 'parallel':
      return rest === 0 && context.spaced ? MERGE_MODES.map((m, i) => ({ label: m, kind: CompletionItemKind.EnumMember, detail: 'merge', documentation: MERGE_DOCS[m], sortText: `${i}` })) : [];
    case 'repeat':
      if (rest === 1 && tokens[k + 1]!.kind === 'name' && context.spaced) return [keyword('in', 'repeat i in N: i counts 0 … N−1'), ...valueNames(analysis, context, true)];
      return context.spaced || rest > 0 ? valueNames(analysis, context, true) : [];
    case 'else':
      return rest === 0 && context.spaced ? [keyword('if', 'else if COND { … }')] : [];
    case 'if':
      return context.spaced || rest > 0 ? [...valueNames(analysis, context, true), keyword('not', 'Negation')] : [];
    case 'let':
      return tokens.some((t) => t.text === '=') ? valueNames(analysis, context, true) : [];
    case 'input':
      return context.spaced || rest > 0 ? valueNames(analysis, context, true) : [];
    case 'residual':
    case 'branch':
    case 'shortcut':
      if (head.text === 'shortcut' && rest === 0 && context.spaced) return [keyword('if', 'shortcut if COND: the projection is used only when COND is true')];
      return head.text === 'shortcut' && rest > 0 ? valueNames(analysis, context, true) : [];
    default:
      return layerArguments(analysis, context);
  }
}

function statementStart(analysis: Analysis, context: CursorContext, labelled: boolean): CompletionItem[] {
  const items: CompletionItem[] = [];
  if (!labelled && context.afterClose === 'if') items.push(keyword('else', 'else { … } or else if COND { … }', '0'));
  if (!labelled && context.afterClose === 'residual') items.push(keyword('shortcut', 'shortcut [if COND] { … }: the other side of the residual', '0'));
  for (const spec of Object.values(LAYERS)) {
    const signature = layerSignature(spec);
    items.push({ label: spec.op, kind: CompletionItemKind.Function, detail: signature.label, documentation: markdown(`${spec.doc}\n\n${signature.params.map((p) => `- ${p.doc}`).join('\n')}`), sortText: `2${spec.op}` });
  }
  const scope = analysis.files.get(analysis.uri)?.scope;
  if (scope) {
    const seen = new Set<string>();
    for (const file of [scope, ...scope.imports]) {
      for (const [name, decl] of file.blocks) {
        if (seen.has(name)) continue;
        seen.add(name);
        const text = file.file.text;
        const doc = leadingComment(text, decl.span.start);
        const where = file === scope ? '' : `\n\nfrom ${file.uri}`;
        items.push({
          label: name,
          kind: CompletionItemKind.Class,
          detail: `block ${name}${paramList(decl, text)}`,
          documentation: markdown(`${doc}${where}\n\n\`${blockSignature(decl, text, doc).label}\``.trim()),
          sortText: `1${name}`,
        });
      }
    }
  }
  items.push(
    keyword('parallel', 'parallel [concat|add|mul|max|avg] { branch { … } … }'),
    keyword('residual', 'residual { … } [shortcut [if COND] { … }]: parallel add of the body and a shortcut'),
    keyword('repeat', 'repeat N { … } or repeat i in N { … }'),
    snippet('residual', RESIDUAL, 'Residual with a 1×1 projection shortcut when the stride or the channels change'),
    snippet('inception', INCEPTION, 'Four branches (1×1, 3×3, 5×5, pooling) concatenated on channels'),
    snippet('parallel', 'parallel ${1|concat,add,mul,max,avg|} {\n\tbranch { $2 }\n\tbranch { $0 }\n}', 'Two branches merged'),
    snippet('repeat', 'repeat ${1:i} in ${2:2} {\n\t$0\n}', 'Repeat a body with an index'),
  );
  if (!labelled) {
    items.push(keyword('if', 'if COND { … } [else { … }]'), keyword('let', 'let name = expression'));
    // `input` is a model's, and only in its own body.
    const model = context.container.owner === 'model' && context.containers.length === 2 ? enclosingDecl(analysis, context.offset, context.container) : undefined;
    if (model && !model.body.stmts.some((s) => s.kind === 'input')) items.push(keyword('input', 'The model input, channels first: 3x224x224 (image), 1x100 (sequence) or 784 (vector)', '0'));
  }
  return items;
}

function layerArguments(analysis: Analysis, context: CursorContext): CompletionItem[] {
  const call = currentCall(analysis, context);
  if (!call) return [];
  if (call.slot.kind === 'value') {
    const words = call.slot.name ? argWords(context, call.slot.name) : [];
    return [...words, ...valueNames(analysis, context, true)];
  }
  return [...argumentNames(call), ...(positionalOpen(call) ? valueNames(analysis, context, true) : [])];
}

function positionalOpen(call: CurrentCall): boolean {
  return call.signature.positional.some((name) => !call.given.has(name));
}

function argumentNames(call: CurrentCall): CompletionItem[] {
  return call.signature.params
    .filter((p) => p.name && !call.given.has(p.name))
    .map((p, i) => ({
      label: `${p.name}=`,
      filterText: p.name,
      insertText: `${p.name}=`,
      kind: CompletionItemKind.Property,
      detail: p.label.includes('=') ? p.label : `${p.name}=`,
      documentation: markdown(p.doc),
      sortText: `0${String(i).padStart(3, '0')}`,
    }));
}

/** The words an argument takes: padding=same, activation=relu, mode=bilinear, bias=false. */
function argWords(context: CursorContext, name: string): CompletionItem[] {
  const tokens = context.before;
  const k = tokens[1]?.text === ':' ? 2 : 0;
  const spec = LAYERS[tokens[k]?.text ?? '']?.args.find((a) => a.name === name);
  if (!spec) return [];
  return wordsOf(spec).map((word, i) => ({ label: word, kind: CompletionItemKind.EnumMember, detail: `${name}=${word}`, documentation: wordDoc(spec, word), sortText: `0${String(i).padStart(3, '0')}` }));
}

function wordsOf(spec: ArgSpec): string[] {
  if (typeof spec.type === 'object') return [...spec.type.oneOf];
  if (spec.type === 'pad') return ['same', 'valid'];
  if (spec.type === 'bool') return ['true', 'false'];
  return [];
}

function wordDoc(spec: ArgSpec, word: string): string | undefined {
  if (spec.name === 'padding' && word === 'same') return 'TensorFlow’s rule: output = ceil(input / stride); an odd total padding puts the extra row or column at the bottom or right.';
  if (spec.name === 'padding' && word === 'valid') return 'No padding (0).';
  if (spec.name === 'activation' && (word === 'none' || word === 'linear')) return 'No activation.';
  if (spec.name === 'activation') return LAYERS[word]?.doc;
  return undefined;
}

// ── names, functions and `in` ───────────────────────────────────────────────────

function valueNames(analysis: Analysis, context: CursorContext, inBody: boolean): CompletionItem[] {
  const items: CompletionItem[] = [];
  const decl = inBody ? enclosingDecl(analysis, context.offset, context.containers.find((c) => c.owner === 'model' || c.owner === 'block') ?? context.container) : undefined;
  const seen = new Set<string>();
  if (decl) {
    // Inner names shadow outer ones: the innermost comes last in localNames.
    const locals = localNames(analysis, decl, context.wordStart).reverse();
    for (const local of locals) {
      if (seen.has(local.name)) continue;
      seen.add(local.name);
      const detail = local.kind === 'parameter' ? `parameter of ${decl.kind} ${decl.name.text}${local.detail ? ` = ${local.detail}` : ''}` : local.kind === 'index' ? `repeat index, ${local.detail}` : `let ${local.name} = ${local.detail}`;
      items.push({ label: local.name, kind: CompletionItemKind.Variable, detail, sortText: `1${local.name}` });
    }
  }
  const scope = analysis.files.get(analysis.uri)?.scope;
  if (scope) {
    for (const file of [scope, ...scope.imports]) {
      for (const [name, decl] of file.lets) {
        if (seen.has(name)) continue;
        seen.add(name);
        const value = file.letValues.get(name);
        const written = file.file.text.slice(decl.value.span.start, decl.value.span.end);
        items.push({ label: name, kind: CompletionItemKind.Constant, detail: `let ${name} = ${value ? describeValue(value) : written}`.slice(0, 120), sortText: `2${name}` });
      }
    }
  }
  for (const name of FUNCTION_NAMES) {
    items.push({ label: name, kind: CompletionItemKind.Function, detail: `${name}(${name === 'min' || name === 'max' ? 'a, …' : 'x'})`, insertText: `${name}($0)`, insertTextFormat: InsertTextFormat.Snippet, sortText: `4${name}` });
  }
  if (inBody) items.push(keyword('in', 'The shape arriving at this statement: in.channels, in.height, in.width, in.length, in.size', '3'));
  items.push(keyword('true', undefined, '5'), keyword('false', undefined, '5'));
  return items;
}

const MEMBERS: Record<string, string> = {
  channels: 'C: the channels of an image or a sequence, the length of a vector',
  height: 'H of a C×H×W image',
  width: 'W of a C×H×W image',
  length: 'L of a C×L sequence',
  size: 'All elements: C·H·W, C·L or N',
};

function inMembers(analysis: Analysis, context: CursorContext): CompletionItem[] {
  const shapes = shapesAt(analysis, context);
  const names = Object.keys(MEMBERS).filter((member) => shapes.length === 0 || shapes.some((shape) => shapeMember(shape, member) !== undefined));
  return names.map((member, i) => {
    const values = [...new Set(shapes.map((shape) => shapeMember(shape, member)).filter((v): v is number => v !== undefined))];
    return {
      label: member,
      kind: CompletionItemKind.Field,
      detail: values.length ? `in.${member} = ${values.slice(0, 4).join(' | ')}${values.length > 4 ? ' | …' : ''}` : `in.${member}`,
      documentation: MEMBERS[member],
      sortText: `${i}`,
    };
  });
}

/** The shapes that may arrive at the cursor's statement: one per use of the enclosing block. */
function shapesAt(analysis: Analysis, context: CursorContext): Shape[] {
  const owner = context.containers.find((c) => c.owner === 'model' || c.owner === 'block');
  const decl = enclosingDecl(analysis, context.offset, owner ?? context.container);
  if (!decl) return [];
  const nodes = analysis.models.flatMap((m) => m.layers).filter((n) => n.uri === analysis.uri && n.span.start >= decl.span.start && n.span.start < context.offset);
  // The statement under the cursor, when the parse kept it: its input.
  const here = nodes.filter((n) => n.span.start <= context.offset && context.offset <= n.span.end && n.input);
  if (here.length) return unique(here.map((n) => n.input!));
  let latest = -1;
  for (const node of nodes) if (node.span.end <= context.offset) latest = Math.max(latest, node.span.end);
  const previous = nodes.filter((n) => n.span.end === latest && n.output);
  if (previous.length) return unique(previous.map((n) => n.output!));
  const model = analysis.models.find((m) => m.decl === decl);
  return model?.input ? [model.input] : [];
}

function unique(shapes: Shape[]): Shape[] {
  const seen = new Map<string, Shape>();
  for (const shape of shapes) seen.set(shape.join('x'), shape);
  return [...seen.values()];
}

// ── train blocks ────────────────────────────────────────────────────────────────

function trainSetting(analysis: Analysis, context: CursorContext): CompletionItem[] {
  const tokens = context.before;
  if (tokens.length === 0) {
    if (!context.spaced) return [];
    return Object.entries(SETTINGS).map(([key, spec]) => ({
      label: key,
      kind: CompletionItemKind.Property,
      detail: settingDetail(key),
      documentation: markdown(spec.doc),
    }));
  }
  const key = tokens[0]!.text;
  const spec = SETTINGS[key];
  if (!spec) return [];
  const last = tokens[tokens.length - 1]!;
  // `name=` just typed: the option's values.
  if (last.text === '=' && tokens.length >= 2) {
    const option = spec.options?.[tokens[tokens.length - 2]!.text] ?? optionOf(spec, tokens[1]?.text, tokens[tokens.length - 2]!.text);
    if (!option) return valueNames(analysis, context, false);
    const words = typeof option.type === 'object' ? [...option.type.oneOf] : option.type === 'bool' ? ['true', 'false'] : [];
    return [...words.map((w, i) => ({ label: w, kind: CompletionItemKind.EnumMember, sortText: `0${i}` })), ...(words.length ? [] : valueNames(analysis, context, false))];
  }
  if (!context.spaced) return [];
  const given = new Set(tokens.filter((_, i) => tokens[i + 1]?.text === '=').map((t) => t.text));
  for (let i = 0; i + 1 < context.after.length; i++) if (context.after[i + 1]!.text === '=') given.add(context.after[i]!.text);
  const items: CompletionItem[] = [];
  if (tokens.length === 1) {
    if (key === 'data' || key === 'test' || key === 'validation') items.push(...dataSources());
    for (const [word, options] of Object.entries(spec.kinds ?? {})) {
      const list = Object.entries(options).map(([name, o]) => `${name}${o.default !== undefined ? ` (${o.default})` : ''}`);
      items.push({ label: word, kind: CompletionItemKind.EnumMember, detail: list.length ? `${key} ${word} ${Object.keys(options).map((n) => `${n}=`).join(' ')}` : `${key} ${word}`, documentation: list.length ? `Options: ${list.join(', ')}` : undefined, sortText: `0${word}` });
    }
  }
  const word = tokens[1]?.kind === 'name' && tokens[2]?.text !== '=' ? tokens[1].text : undefined;
  const options = { ...(word ? spec.kinds?.[word] : undefined), ...(word === 'synthetic' ? SYNTHETIC : undefined), ...spec.options };
  for (const [name, option] of Object.entries(options)) {
    if (given.has(name)) continue;
    const type = typeof option.type === 'object' ? option.type.oneOf.join(' | ') : option.type;
    items.push({
      label: `${name}=`,
      filterText: name,
      insertText: `${name}=`,
      kind: CompletionItemKind.Property,
      detail: `${name}=${option.default ?? ''}`,
      documentation: markdown(`\`${name}\` (${type}${option.default !== undefined ? `, default ${option.default}` : ''}): ${option.doc}`),
      sortText: `1${name}`,
    });
  }
  return items;
}

type OptionSpec = { type: string | { oneOf: readonly string[] }; doc: string; default?: number | boolean | string };

const SYNTHETIC: Record<string, OptionSpec> = {
  samples: { type: 'count', doc: 'Number of random samples (required).' },
  classes: { type: 'count', doc: 'Number of classes (required).' },
  shape: { type: 'dims', doc: 'The shape of one sample, like 1x28x28 (default: the model input).' },
};

function optionOf(spec: (typeof SETTINGS)[string], word: string | undefined, name: string): OptionSpec | undefined {
  if (word === 'synthetic') return SYNTHETIC[name];
  return word ? spec.kinds?.[word]?.[name] : undefined;
}

function settingDetail(key: string): string {
  const spec = SETTINGS[key]!;
  if (spec.kinds) return `${key} ${Object.keys(spec.kinds).join(' | ')}`;
  if (spec.value) return `${key} ${spec.value.type}${spec.value.default !== undefined ? ` (default ${spec.value.default})` : ''}`;
  if (spec.options) return `${key} ${Object.keys(spec.options).map((n) => `${n}=`).join(' ')}`;
  return key === 'validation' ? `${key} 0.1 | data source` : `${key} ${DATA_SOURCES.join(' | ')}`;
}

function dataSources(): CompletionItem[] {
  const source = (label: string, insert: string, doc: string): CompletionItem => ({ label, kind: CompletionItemKind.EnumMember, detail: insert.replace(/\$\{\d+:([^}]*)\}/g, '$1'), insertText: insert, insertTextFormat: InsertTextFormat.Snippet, documentation: doc, sortText: `0${label}` });
  return [
    source('mnist', 'mnist', 'The real MNIST, shipped by a package; as test data, its 10,000 test images.'),
    source('idx', 'idx("${1:images}", "${2:labels}")', 'IDX files (the MNIST format): images and labels.'),
    source('folder', 'folder("${1:dir}")', 'One sub-folder per class of PNG or JPEG images.'),
    source('csv', 'csv("${1:file.csv}", label="${2:label}")', 'A CSV file with one sample per row and a label column.'),
    source('synthetic', 'synthetic samples=${1:1000} classes=${2:10}', 'Random data, for trying a set-up without a data set.'),
  ];
}

// ── snippets ────────────────────────────────────────────────────────────────────

const RESIDUAL = [
  'residual {',
  '\tconv ${1:ch} kernel=3 stride=${2:stride} padding=1 bias=false',
  '\tbatchnorm',
  '\trelu',
  '\tconv ${1:ch} kernel=3 padding=1 bias=false',
  '\tbatchnorm',
  '} shortcut if ${2:stride} != 1 or in.channels != ${1:ch} {',
  '\tconv ${1:ch} kernel=1 stride=${2:stride} bias=false',
  '\tbatchnorm',
  '}',
  'relu$0',
].join('\n');

const RESIDUAL_BLOCK = ['block ${1:Basic}(ch, stride = 1) {', ...RESIDUAL.replace(/\$\{1:ch\}/g, 'ch').replace(/\$\{2:stride\}/g, 'stride').split('\n').map((l) => `\t${l}`), '}'].join('\n');

const INCEPTION = [
  'parallel concat {',
  '\tbranch { conv ${1:c1} kernel=1 activation=relu }',
  '\tbranch {',
  '\t\tconv ${2:c3r} kernel=1 activation=relu',
  '\t\tconv ${3:c3} kernel=3 padding=same activation=relu',
  '\t}',
  '\tbranch {',
  '\t\tconv ${4:c5r} kernel=1 activation=relu',
  '\t\tconv ${5:c5} kernel=5 padding=same activation=relu',
  '\t}',
  '\tbranch {',
  '\t\tmaxpool 3 stride=1 padding=same',
  '\t\tconv ${6:proj} kernel=1 activation=relu',
  '\t}',
  '}$0',
].join('\n');

const INCEPTION_BLOCK = [
  'block ${1:Inception}(c1, c3r, c3, c5r, c5, proj) {',
  ...INCEPTION.replace(/\$\{\d:(\w+)\}/g, '$1').split('\n').map((l) => `\t${l}`),
  '}',
].join('\n');

function trainSnippet(analysis: Analysis): string {
  const models = analysis.file.decls.flatMap((d) => (d.kind === 'model' && !d.name.missing ? [d.name.text] : []));
  const model = models.length > 1 ? `\${1|${models.map((m) => m.replace(/[,|\\$}]/g, '')).join(',')}|}` : `\${1:${models[0] ?? 'Model'}}`;
  return [
    `train ${model} {`,
    '\tdata ${2:mnist}',
    '\tvalidation ${3:0.1}',
    '\tepochs ${4:10}',
    '\tbatch ${5:64}',
    '\toptimizer ${6|adam,sgd,adamw,rmsprop,adadelta|} lr=${7:0.001}',
    '\tloss ${8|crossentropy,nll,bce,mse|}$0',
    '}',
  ].join('\n');
}

// ── helpers ─────────────────────────────────────────────────────────────────────

const MERGE_DOCS: Record<string, string> = {
  concat: 'Join along channels (the default); spatial sizes must agree.',
  add: 'Element-wise sum; shapes must agree.',
  mul: 'Element-wise product; shapes must agree.',
  max: 'Element-wise maximum; shapes must agree.',
  avg: 'Element-wise mean; shapes must agree.',
};

function keyword(label: string, doc?: string, sort = '3'): CompletionItem {
  const item: CompletionItem = { label, kind: CompletionItemKind.Keyword, sortText: `${sort}${label}` };
  if (doc) item.documentation = markdown(doc);
  return item;
}

function snippet(label: string, body: string, doc: string): CompletionItem {
  return {
    label,
    kind: CompletionItemKind.Snippet,
    insertText: body,
    insertTextFormat: InsertTextFormat.Snippet,
    detail: doc,
    documentation: markdown('```nn\n' + body.replace(/\$\{\d+\|([^,|]*)[^}]*\}/g, '$1').replace(/\$\{\d+:([^}]*)\}/g, '$1').replace(/\$\d/g, '').replace(/\t/g, '  ') + '\n```'),
    sortText: `9${label}`,
  };
}

function markdown(value: string): { kind: 'markdown'; value: string } {
  return { kind: MarkupKind.Markdown, value };
}

function paramList(decl: ModelDecl, text: string): string {
  if (decl.params.length === 0) return '';
  return `(${decl.params.map((p) => (p.default ? `${p.name.text} = ${text.slice(p.default.span.start, p.default.span.end)}` : p.name.text)).join(', ')})`;
}
