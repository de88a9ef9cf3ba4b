// Signature help while typing a layer's, a block's or a training setting's arguments:
// `conv filters kernel= stride=1 padding=valid …`, with the argument under the cursor active.
import { MarkupKind, type ParameterInformation, type Position, type SignatureHelp, type SignatureInformation } from 'vscode-languageserver';
import type { ModelDecl } from '../language/ast';
import { LAYERS, SETTINGS, type Analysis, type ArgSpec, type LayerSpec } from '../language/index';
import { findBlock } from '../language/scope';
import type { Token } from '../language/scanner';
import { cursorContext, splitArgs, splitCallArgs, type ArgSlice, type CursorContext } from './cursorContext';

/** One argument of a signature: how it reads in the label, and what to say about it. */
export interface SignatureParam {
  name: string;
  label: string;
  doc: string;
  required?: boolean;
}

export interface Signature {
  label: string;
  params: SignatureParam[];
  /** Names that may be given by position, in order. */
  positional: string[];
  doc: string;
}

export function provideSignatureHelp(analysis: Analysis, position: Position): SignatureHelp | null {
  const context = cursorContext(analysis, position);
  if (context.inComment || context.inString) return null;
  const call = currentCall(analysis, context);
  if (!call) return null;
  const { signature, active } = call;
  let offset = 0;
  const parameters: ParameterInformation[] = signature.params.map((param) => {
    const start = signature.label.indexOf(param.label, offset);
    offset = start + param.label.length;
    return { label: [start, start + param.label.length], documentation: { kind: MarkupKind.Markdown, value: param.doc } };
  });
  const information: SignatureInformation = { label: signature.label, parameters, documentation: { kind: MarkupKind.Markdown, value: signature.doc } };
  // An index past the end highlights nothing (LSP reads a missing one as 0).
  return { signatures: [information], activeSignature: 0, activeParameter: active < 0 ? parameters.length : active };
}

// ── signatures ──────────────────────────────────────────────────────────────────

function describeDefault(arg: ArgSpec): string {
  if (arg.default === undefined) return '';
  // `padding` defaults to 0, which the language calls valid.
  if (arg.type === 'pad' && arg.default === 0) return 'valid';
  return Array.isArray(arg.default) ? JSON.stringify(arg.default) : String(arg.default);
}

function typeName(arg: ArgSpec): string {
  return typeof arg.type === 'object' ? arg.type.oneOf.join(' | ') : arg.type;
}

export function argDoc(arg: ArgSpec): string {
  const facts = [typeName(arg), arg.required ? 'required' : arg.default !== undefined ? `default ${describeDefault(arg)}` : ''].filter(Boolean).join(', ');
  return `\`${arg.name}\` (${facts}): ${arg.doc}`;
}

export function layerSignature(spec: LayerSpec): Signature {
  const params: SignatureParam[] = [];
  for (const name of spec.positional) {
    const arg = spec.args.find((a) => a.name === name);
    if (arg) params.push({ name, label: name, doc: argDoc(arg), required: arg.required === true });
  }
  for (const arg of spec.args) {
    if (spec.positional.includes(arg.name)) continue;
    params.push({ name: arg.name, label: `${arg.name}=${describeDefault(arg)}`, doc: argDoc(arg), required: arg.required === true });
  }
  return { label: [spec.op, ...params.map((p) => p.label)].join(' '), params, positional: spec.positional, doc: spec.doc };
}

/** A block's signature: `Basic ch stride=1`, the defaults as written. */
export function blockSignature(decl: ModelDecl, text: string, doc: string): Signature {
  const params: SignatureParam[] = decl.params
    .filter((p) => !p.name.missing)
    .map((p) => {
      const def = p.default ? text.slice(p.default.span.start, p.default.span.end) : '';
      return { name: p.name.text, label: p.default ? `${p.name.text}=${def}` : p.name.text, doc: `\`${p.name.text}\`${p.default ? ` (default ${def})` : ' (required)'}: a parameter of block ${decl.name.text}, by position or by name.`, required: !p.default };
    });
  return { label: [decl.name.text, ...params.map((p) => p.label)].join(' '), params, positional: params.map((p) => p.name), doc };
}

/** The comment lines right above a declaration: its documentation. */
export function leadingComment(text: string, start: number): string {
  const lines = text.slice(0, start).split('\n');
  lines.pop();
  const doc: string[] = [];
  while (lines.length && /^\s*#/.test(lines[lines.length - 1]!)) doc.unshift(lines.pop()!.replace(/^\s*#\s?/, '').trimEnd());
  return doc.join('\n');
}

/** A training setting with a word: `optimizer sgd lr=0.01 momentum=0 …`. */
function settingSignature(key: string, word: string | undefined): Signature | undefined {
  const spec = SETTINGS[key];
  if (!spec) return undefined;
  const options = { ...(word ? spec.kinds?.[word] : undefined), ...spec.options };
  const params: SignatureParam[] = [];
  if (spec.kinds) params.push({ name: '', label: word ?? Object.keys(spec.kinds).join('|'), doc: `one of ${Object.keys(spec.kinds).join(', ')}` });
  else if (spec.value) params.push({ name: '', label: 'value', doc: `${spec.value.doc}${spec.value.default !== undefined ? ` Default ${spec.value.default}.` : ''}` });
  for (const [name, option] of Object.entries(options)) {
    const type = typeof option.type === 'object' ? option.type.oneOf.join(' | ') : option.type;
    params.push({ name, label: `${name}=${option.default ?? ''}`, doc: `\`${name}\` (${type}${option.default !== undefined ? `, default ${option.default}` : ''}): ${option.doc}` });
  }
  return { label: [key, ...params.map((p) => p.label)].join(' '), params, positional: params[0]?.name === '' ? [''] : [], doc: spec.doc };
}

// ── where the cursor is in a call ───────────────────────────────────────────────

export interface CurrentCall {
  signature: Signature;
  /** Index into signature.params, or -1 for none. */
  active: number;
  /** Argument names already given (by name or by position), the one under the cursor excepted. */
  given: Set<string>;
  /** What the cursor is on. */
  slot: { kind: 'fresh' } | { kind: 'value'; name?: string };
}

/** The layer, block use or training setting whose arguments the cursor is in, if any. */
export function currentCall(analysis: Analysis, context: CursorContext): CurrentCall | undefined {
  const owner = context.container.owner;
  if (owner === 'top' || owner === 'parallel') return undefined;
  const tokens = context.before;
  let k = 0;
  if (owner !== 'train' && tokens[0]?.kind === 'name' && tokens[1]?.text === ':') k = 2;
  const op = tokens[k];
  if (!op || op.kind !== 'name') return undefined;
  let signature: Signature | undefined;
  if (owner === 'train') {
    const word = tokens[k + 1]?.kind === 'name' && tokens[k + 2]?.text !== '=' ? tokens[k + 1]!.text : undefined;
    signature = settingSignature(op.text, word);
  } else signature = usedSignature(analysis, op.text);
  if (!signature) return undefined;
  const typed = [...tokens.slice(k + 1)];
  const rest = context.after;
  // Call form: `Inception(64, 96, |` with no space before `(`.
  if (typed[0]?.text === '(' && !typed[0].spaced && owner !== 'train') {
    const { args, closed } = splitCallArgs(tokens, k + 1);
    if (closed) return undefined;
    const current = args[args.length - 1] ?? { start: tokens.length, end: tokens.length, open: true };
    const previous = args.slice(0, -1);
    const fresh = current.start >= tokens.length && !current.name;
    return locate(signature, previous, current, fresh, context, rest);
  }
  if (typed.length === 0 && !context.spaced) return undefined;
  const args = splitArgs(tokens, k + 1);
  const last = args[args.length - 1];
  if (last && (last.open || (!context.spaced && context.word === '' && last.end === tokens.length))) {
    // Still typing this argument's value.
    return locate(signature, args.slice(0, -1), last, false, context, rest);
  }
  if (!context.spaced && context.word !== '' && last && last.end === tokens.length) return locate(signature, args.slice(0, -1), last, false, context, rest);
  return locate(signature, args, { start: tokens.length, end: tokens.length, open: true }, true, context, rest);
}

function locate(signature: Signature, previous: ArgSlice[], current: ArgSlice, fresh: boolean, context: CursorContext, rest: Token[]): CurrentCall {
  const given = new Set<string>();
  let position = 0;
  for (const arg of previous) {
    if (arg.name !== undefined) given.add(arg.name);
    else if (signature.positional[position] !== undefined) given.add(signature.positional[position++]!);
  }
  // Named arguments after the cursor count as given too.
  for (let i = 0; i + 1 < rest.length; i++) if (rest[i]!.kind === 'name' && rest[i + 1]!.text === '=') given.add(rest[i]!.text);
  const index = (name: string): number => signature.params.findIndex((p) => p.name === name);
  if (!fresh) {
    if (current.name !== undefined) return { signature, active: index(current.name), given, slot: { kind: 'value', name: current.name } };
    const name = signature.positional[position];
    return { signature, active: name === undefined ? -1 : index(name), given, slot: { kind: 'value' } };
  }
  // The next positional slot while one is open; then the argument whose name is being typed;
  // then the first required one still missing.
  const next = signature.positional[position];
  if (next !== undefined && !given.has(next)) return { signature, active: index(next), given, slot: { kind: 'fresh' } };
  const named = context.word ? signature.params.find((p) => p.name && !given.has(p.name) && p.name.startsWith(context.word)) : undefined;
  if (named) return { signature, active: index(named.name), given, slot: { kind: 'fresh' } };
  const required = signature.params.find((p) => p.name && !given.has(p.name) && p.required);
  return { signature, active: required ? index(required.name) : -1, given, slot: { kind: 'fresh' } };
}

/** The signature of a layer or of a block visible from this file. */
export function usedSignature(analysis: Analysis, op: string): Signature | undefined {
  const spec = LAYERS[op];
  if (spec) return layerSignature(spec);
  const scope = analysis.files.get(analysis.uri)?.scope;
  const block = scope ? findBlock(scope, op) : undefined;
  if (!block) return undefined;
  const text = block.file.file.text;
  return blockSignature(block.decl, text, leadingComment(text, block.decl.span.start));
}
