// Where the cursor is, read from the tokens around it rather than from the syntax tree, because
// the user is in the middle of typing: `conv 64 ker|` or `padding=|` do not parse yet. Shared by
// completion and signature help. The tree is used only for what encloses the cursor (scopes, shapes).
import { bodiesOf } from '../language/walk';
import type { Body, ModelDecl, Stmt } from '../language/ast';
import { Reporter } from '../language/diagnostics';
import type { Analysis } from '../language/index';
import { KEYWORDS, scan, type Token } from '../language/scanner';
import type { Position } from '../language/text';

export type Owner = 'top' | 'model' | 'block' | 'train' | 'parallel' | 'branch' | 'residual' | 'shortcut' | 'repeat' | 'if' | 'else' | 'other';

export interface Container {
  owner: Owner;
  /** The first token of the statement or declaration that opened this `{`. */
  head: Token | undefined;
  /** For model, block and train: the declared (or trained) name. */
  name?: string;
}

export interface CursorContext {
  offset: number;
  /** The identifier being typed, which ends at the cursor ('' when none). */
  word: string;
  wordStart: number;
  inComment: boolean;
  inString: boolean;
  /** In the middle of a number or a dimension literal. */
  inLiteral: boolean;
  /** Innermost last. The first is always the top level. */
  containers: Container[];
  container: Container;
  /** The current statement's tokens before the word (no newlines, no comments). */
  before: Token[];
  /** Its tokens after the word, up to the end of the statement. */
  after: Token[];
  /** The `}` the current statement follows (on the same line or the line before), with the owner it closed. */
  afterClose?: Owner;
  /** White space (or nothing at all, at a statement start) separates the word from the token before it. */
  spaced: boolean;
}

const OWNERS = new Set<Owner>(['model', 'block', 'train', 'parallel', 'branch', 'residual', 'shortcut', 'repeat', 'if', 'else']);

export function cursorContext(analysis: Analysis, position: Position): CursorContext {
  const text = analysis.text;
  const offset = analysis.lines.offset(position);
  let wordStart = offset;
  while (wordStart > 0 && /[A-Za-z0-9_]/.test(text[wordStart - 1]!)) wordStart--;
  const all = scan(text, new Reporter(analysis.uri), { comments: true });
  let inComment = false;
  let inString = false;
  let inLiteral = false;
  for (const t of all) {
    if (t.span.start >= offset) break;
    if (t.kind === 'comment' && offset <= t.span.end) inComment = true;
    if (t.kind === 'string' && offset > t.span.start && (offset < t.span.end || (t.broken && offset <= t.span.end))) inString = true;
    // Inside a number or a dimension literal (3x2|24): nothing to complete either.
    if ((t.kind === 'number' || t.kind === 'dims') && offset > t.span.start && offset < t.span.end) inLiteral = true;
  }
  // A number being typed ("conv 6|") is not a word: it ends the tokens before the cursor.
  if (/^[0-9]/.test(text.slice(wordStart, offset))) wordStart = offset;
  const tokens = all.filter((t) => t.kind !== 'comment');
  let end = 0;
  while (end < tokens.length && tokens[end]!.span.end <= wordStart && tokens[end]!.kind !== 'eof') end++;

  const containers: Container[] = [{ owner: 'top', head: undefined }];
  let start = 0;
  let depth = 0;
  let closed: { owner: Owner; index: number } | undefined;
  for (let i = 0; i < end; i++) {
    const t = tokens[i]!;
    if (t.kind === 'newline') {
      if (depth === 0) start = i + 1;
      continue;
    }
    if (t.kind !== 'punct') continue;
    if (t.text === '(' || t.text === '[') depth++;
    else if (t.text === ')' || t.text === ']') depth = Math.max(0, depth - 1);
    else if (t.text === ';' && depth === 0) start = i + 1;
    else if (t.text === '{') {
      containers.push(containerOf(tokens, start, i));
      depth = 0;
      start = i + 1;
    } else if (t.text === '}') {
      const container = containers.length > 1 ? containers.pop()! : containers[0]!;
      closed = { owner: container.owner, index: i };
      depth = 0;
      start = i + 1;
    }
  }
  const before = tokens.slice(start, end).filter((t) => t.kind !== 'newline');
  let afterClose: Owner | undefined;
  if (closed && tokens.slice(closed.index + 1, start).every((t) => t.kind === 'newline')) afterClose = closed.owner;
  const after: Token[] = [];
  let nesting = 0;
  for (let i = end; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind === 'eof') break;
    if (t.span.start < offset) continue;
    if (t.kind === 'newline') {
      if (nesting === 0) break;
      continue;
    }
    if (t.text === '(' || t.text === '[') nesting++;
    if (t.text === ')' || t.text === ']') nesting--;
    if (nesting <= 0 && (t.text === ';' || t.text === '{' || t.text === '}')) break;
    after.push(t);
  }
  const previous = before[before.length - 1];
  const spaced = !previous || previous.span.end < wordStart;
  const context: CursorContext = {
    offset,
    word: text.slice(wordStart, offset),
    wordStart,
    inComment,
    inString,
    inLiteral,
    containers,
    container: containers[containers.length - 1]!,
    before,
    after,
    spaced,
  };
  if (afterClose) context.afterClose = afterClose;
  return context;
}

function containerOf(tokens: Token[], start: number, brace: number): Container {
  const head = tokens.slice(start, brace).filter((t) => t.kind !== 'newline');
  let k = 0;
  if (head[0]?.kind === 'name' && !KEYWORDS.has(head[0].text) && head[1]?.text === ':') k = 2;
  const first = head[k];
  const word = first?.kind === 'name' ? first.text : '';
  let owner: Owner = OWNERS.has(word as Owner) ? (word as Owner) : 'other';
  if (owner === 'else' && head[k + 1]?.text === 'if') owner = 'if';
  const container: Container = { owner, head: first };
  if ((owner === 'model' || owner === 'block' || owner === 'train') && head[k + 1]?.kind === 'name') container.name = head[k + 1]!.text;
  return container;
}

// ── arguments ───────────────────────────────────────────────────────────────────

export interface ArgSlice {
  name?: string;
  /** Token indices [start, end) of the value (after `name=`). */
  start: number;
  end: number;
  /** The expression stopped for want of tokens: an operator, `(` or `name=` was the last thing typed. */
  open: boolean;
}

const BINARY = new Set(['+', '-', '*', '/', '//', '%', '<', '>', '<=', '>=', '==', '!=', 'and', 'or']);

/** White-space separated arguments, the way the parser splits them: `ch * 2 kernel=3` is two. */
export function splitArgs(tokens: Token[], from: number): ArgSlice[] {
  const args: ArgSlice[] = [];
  const named = (i: number): boolean => tokens[i]?.kind === 'name' && !KEYWORDS.has(tokens[i]!.text) && tokens[i + 1]?.kind === 'punct' && tokens[i + 1]!.text === '=';
  let i = from;
  while (i < tokens.length) {
    let name: string | undefined;
    if (named(i)) {
      name = tokens[i]!.text;
      i += 2;
      if (i >= tokens.length || named(i)) {
        // `kernel=` with its value still to come (or missing before the next `name=`).
        args.push({ name, start: i, end: i, open: i >= tokens.length });
        continue;
      }
    }
    const { end, open } = skipExpression(tokens, i);
    const arg: ArgSlice = { start: i, end: Math.max(end, i), open };
    if (name !== undefined) arg.name = name;
    args.push(arg);
    i = end > i ? end : i + 1;
  }
  return args;
}

/** `(a, b, name=c)` after a call-form op: the arguments between the parentheses, split on commas. */
export function splitCallArgs(tokens: Token[], open: number): { args: ArgSlice[]; closed: boolean } {
  const args: ArgSlice[] = [];
  let i = open + 1;
  for (;;) {
    if (i >= tokens.length) return { args: [...args, { start: i, end: i, open: true }], closed: false };
    if (tokens[i]!.text === ')') return { args, closed: true };
    let name: string | undefined;
    const t = tokens[i]!;
    if (t.kind === 'name' && !KEYWORDS.has(t.text) && tokens[i + 1]?.text === '=') {
      name = t.text;
      i += 2;
    }
    const { end, open: unfinished } = skipExpression(tokens, i);
    const arg: ArgSlice = { start: i, end, open: unfinished || end === i };
    if (name !== undefined) arg.name = name;
    args.push(arg);
    i = end;
    if (tokens[i]?.text === ',') {
      i++;
      if (i >= tokens.length) return { args: [...args, { start: i, end: i, open: true }], closed: false };
      continue;
    }
    if (i >= tokens.length) return { args, closed: false };
    if (tokens[i]!.text === ')') return { args, closed: true };
    i++;
  }
}

function matching(tokens: Token[], open: number): number {
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    const text = tokens[i]!.kind === 'punct' ? tokens[i]!.text : '';
    if (text === '(' || text === '[') depth++;
    else if (text === ')' || text === ']') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

/** One expression from i, as the parser reads it; `open` when the tokens ran out where an operand was due. */
export function skipExpression(tokens: Token[], from: number): { end: number; open: boolean } {
  let i = from;
  for (;;) {
    while (i < tokens.length && (tokens[i]!.text === '-' || tokens[i]!.text === '+' || tokens[i]!.text === 'not')) i++;
    if (i >= tokens.length) return { end: i, open: i > from };
    const t = tokens[i]!;
    if (t.kind === 'punct' && (t.text === '(' || t.text === '[')) {
      const close = matching(tokens, i);
      if (close < 0) return { end: tokens.length, open: true };
      i = close + 1;
    } else if (t.kind === 'number' || t.kind === 'dims' || t.kind === 'string') i++;
    else if (t.kind === 'name' && (!KEYWORDS.has(t.text) || t.text === 'in' || t.text === 'true' || t.text === 'false')) {
      i++;
      if (tokens[i]?.text === '(' && !tokens[i]!.spaced) {
        const close = matching(tokens, i);
        if (close < 0) return { end: tokens.length, open: true };
        i = close + 1;
      }
    } else return { end: i, open: false };
    while (tokens[i]?.text === '.' && !tokens[i]!.spaced) {
      i++;
      if (tokens[i]?.kind !== 'name') return { end: i, open: i >= tokens.length };
      i++;
    }
    const op = tokens[i];
    if (!op || !BINARY.has(op.text) || (op.kind !== 'punct' && op.kind !== 'name')) return { end: i, open: false };
    i++;
    if (i >= tokens.length) return { end: i, open: true };
  }
}

// ── what encloses the cursor in the tree ────────────────────────────────────────

/** The model or block whose body holds the offset (also while its body is still unclosed). */
export function enclosingDecl(analysis: Analysis, offset: number, container: Container): ModelDecl | undefined {
  let found: ModelDecl | undefined;
  for (const decl of analysis.file.decls) {
    if (decl.kind !== 'model' && decl.kind !== 'block') continue;
    if (decl.body.open.start < offset && (offset <= decl.body.span.end || !decl.body.closed)) found = decl;
  }
  if (found) return found;
  const top = analysis.files.get(analysis.uri)?.scope;
  const named = container.name ?? undefined;
  return named ? (top?.models.get(named) ?? top?.blocks.get(named)) : undefined;
}

export interface LocalName {
  name: string;
  kind: 'parameter' | 'let' | 'index';
  /** The default or value as written. */
  detail: string;
}

/** Parameters, `let`s before the offset in the bodies around it, and repeat indices around it. */
export function localNames(analysis: Analysis, decl: ModelDecl, offset: number): LocalName[] {
  const text = analysis.text;
  const source = (span: { start: number; end: number }): string => text.slice(span.start, span.end);
  const names: LocalName[] = decl.params.filter((p) => !p.name.missing).map((p) => ({ name: p.name.text, kind: 'parameter', detail: p.default ? source(p.default.span) : '' }));
  const inside = (body: Body): boolean => body.open.start < offset && (offset <= body.span.end || !body.closed);
  const walk = (stmts: Stmt[]): void => {
    for (const stmt of stmts) {
      if (stmt.kind === 'let' && stmt.span.end <= offset && !stmt.name.missing) names.push({ name: stmt.name.text, kind: 'let', detail: source(stmt.value.span) });
      for (const body of bodiesOf(stmt)) {
        if (!inside(body)) continue;
        if (stmt.kind === 'repeat' && stmt.index && !stmt.index.missing) names.push({ name: stmt.index.text, kind: 'index', detail: `0 … ${source(stmt.count.span)} − 1` });
        walk(body.stmts);
      }
    }
  };
  walk(decl.body.stmts);
  return names;
}

